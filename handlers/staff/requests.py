"""Admin's register of data-subject requests (UU PDP): /requests [open|all], /requests add, /requests done.

Requests made in the bot (/mydata, /correct, /forget) are recorded by those commands, done at once; a request that
came by letter or e-mail is added here (``/requests add 5001 erasure`` by Telegram id, or ``#34`` by the person's
number in the register) and marked done when answered. Each is due 3×24 hours after it was received; the due-work
engine tells the admins when an open one is within 24 hours of its deadline, and again once it is overdue. A person
is shown by Telegram id, or by pseudonym once erased — never by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import DataRequestKind
from handlers.errors import Refusal
from handlers.events import Button
from handlers.formats import when
from handlers.i18n import N_, Gettext
from handlers.labels import data_request_name
from handlers.procedure.checks import as_id
from handlers.text import shown
from handlers.turn import Turn
from storage.records import DataRequestRecord, PersonRecord

PAGE = 12  # a line is up to ~250 characters: twelve keep a page well inside Telegram's 4096
NOTE = 300  # characters of a note kept with a request
KIND_WORDS: dict[str, DataRequestKind] = {
    "access": DataRequestKind.ACCESS, "akses": DataRequestKind.ACCESS, "copy": DataRequestKind.ACCESS,
    "salinan": DataRequestKind.ACCESS, "correction": DataRequestKind.CORRECTION,
    "koreksi": DataRequestKind.CORRECTION, "perbaikan": DataRequestKind.CORRECTION,
    "erasure": DataRequestKind.ERASURE, "penghapusan": DataRequestKind.ERASURE, "hapus": DataRequestKind.ERASURE,
}
STATUSES = {"open": N_("open"), "done": N_("done"), "refused": N_("refused")}


@dataclass(frozen=True)
class Added:
    request: DataRequestRecord
    person: PersonRecord


def person_label(person: PersonRecord | None, person_id: int, _: Gettext) -> str:
    """Telegram id, else the pseudonym (erased), else the register's number of the person (``#34``)."""
    if person is not None and person.telegram_id is not None:
        return _("Telegram {id}").format(id=person.telegram_id)
    if person is not None and person.pseudonym:
        return shown(person.pseudonym, 40)
    if person is not None and person.forgotten_at is not None:  # emptied: their name is their last pseudonym
        return _("{pseudonym} (erased)").format(pseudonym=shown(person.name, 40))
    return _("person #{id} (no Telegram: a letter, a call)").format(id=person_id)


def request_line(turn: Turn, request: DataRequestRecord, person: PersonRecord | None) -> str:
    _, tz, locale = turn._, turn.deps.tz, turn.locale
    now = turn.deps.clock()
    status = _(STATUSES.get(request.status, request.status))
    if request.status == "open" and request.due_at <= now:
        status = _("⚠️ OVERDUE")
    elif request.status != "open" and request.done_at is not None:
        status += " " + when(request.done_at, tz, locale)
    line = _("{number} · {kind} · {person} · received {received} · due by {due} · {status}").format(
        number=request.number, kind=data_request_name(request.kind, _),
        person=person_label(person, request.person_id, _), received=when(request.received_at, tz, locale),
        due=when(request.due_at, tz, locale), status=status)
    note = request.detail.get("note")
    return f"• {line}" + (f" — {shown(str(note), 60)}" if note else "")


def usage(turn: Turn) -> str:
    return turn._("Usage: /requests [open|all] · /requests add (Telegram id or #person) access|correction|erasure "
                  "[note] · /requests done (PDP number) [note]. Notes: what was done, never a name.")


async def requests(turn: Turn, args: str = "") -> None:
    """/requests [open|all] [page]: the open ones by deadline (default), or all, newest first."""
    words = [w.casefold() for w in args.split()]
    which = words[0] if words else "open"
    if which in ("terbuka", "buka"):
        which = "open"
    if which in ("semua",):
        which = "all"
    if which not in ("open", "all") or len(words) > 2 or (len(words) == 2 and as_id(words[1]) is None):
        raise Refusal(usage(turn))
    await listing(turn, which == "all", min(as_id(words[1]) or 0, 10_000) if len(words) == 2 else 0)


async def listing(turn: Turn, everything: bool, page: int) -> None:
    _ = turn._
    found = await turn.uow.data_requests.listed(open_only=not everything, limit=PAGE + 1, offset=page * PAGE)
    shown_ = found[:PAGE]
    persons = await turn.uow.persons.by_ids(r.person_id for r in shown_)
    head = (_("<b>Data-subject requests</b>, all, newest first (each answered within 3×24 hours):") if everything
            else _("<b>Open data-subject requests</b>, by deadline (each answered within 3×24 hours):"))
    lines = [head]
    lines += [request_line(turn, r, persons.get(r.person_id)) for r in shown_]
    if not shown_:
        lines.append(_("None.") if page == 0 else _("No more."))
    if not everything:
        lines.append(_("All of them: /requests all"))
    mode = "a" if everything else "o"
    nav = []
    if page > 0:
        nav.append(Button(_("« Back"), f"rq:{mode}{page - 1}"))
    if len(found) > PAGE:
        nav.append(Button(_("More »"), f"rq:{mode}{page + 1}"))
    turn.say("\n".join(lines), (tuple(nav),) if nav else ())


async def press(turn: Turn, arg: str) -> None:
    """Button ``rq:o2`` / ``rq:a2``: a page of the open ones or of all."""
    page = as_id(arg[1:])
    if arg[:1] not in ("o", "a") or page is None:
        raise Refusal(turn._("This button is no longer active."))
    await listing(turn, arg[:1] == "a", min(page, 10_000))


async def _person(turn: Turn, raw: str) -> PersonRecord:
    _ = turn._
    if raw.startswith("#"):
        person_id = as_id(raw[1:])
        person = await turn.uow.persons.get(person_id) if person_id is not None else None
        if person is None:
            raise Refusal(_("There is no person {ref} in the register.").format(ref=raw[:30]))
        return person
    telegram_id = as_id(raw, signed=True)
    if telegram_id is None:
        raise Refusal(_("Give the person's Telegram id (a number) or their number in the register (#34).") + " "
                      + usage(turn))
    person = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if person is None:
        raise Refusal(_("Nobody with Telegram id {id} ever used the bot; a request about tickets filed by letter "
                        "names the person's number in the register (#34).").format(id=telegram_id))
    return person


async def add(turn: Turn, args: str = "") -> None:
    """/requests add (Telegram id | #person) access|correction|erasure [note]: a request received by letter or mail."""
    _ = turn._
    parts = args.split(maxsplit=2)
    if len(parts) < 2:
        raise Refusal(usage(turn))
    kind = KIND_WORDS.get(parts[1].casefold())
    if kind is None:
        raise Refusal(_("“{word}” is not a kind of request: access, correction or erasure.").format(
            word=parts[1][:30]))
    person = await _person(turn, parts[0])
    detail: dict[str, object] = {"by": turn.person.id}
    if len(parts) > 2 and parts[2].strip():
        detail["note"] = parts[2].strip()[:NOTE]
    request = await turn.uow.data_requests.add(person.id, kind, turn.deps.clock(), channel="letter", detail=detail)
    turn.say(_("Recorded {number}: {kind} for {person}, due by {due}. Mark it done when answered: /requests done "
               "{number}").format(number=request.number, kind=data_request_name(kind, _),
                                  person=person_label(person, person.id, _),
                                  due=when(request.due_at, turn.deps.tz, turn.locale)))


async def done(turn: Turn, args: str = "") -> None:
    """/requests done PDP-2026-0003 [note]: the request was answered."""
    _ = turn._
    parts = args.split(maxsplit=1)
    if not parts:
        raise Refusal(usage(turn))
    number = parts[0].upper()
    request = await turn.uow.data_requests.get_by_number(number)
    if request is None:
        raise Refusal(_("There is no request {number}. /requests all lists them.").format(number=number[:30]))
    if request.status != "open":
        raise Refusal(_("{number} is already {status}.").format(
            number=request.number, status=_(STATUSES.get(request.status, request.status))))
    note = parts[1].strip()[:NOTE] if len(parts) > 1 and parts[1].strip() else None
    detail: dict[str, object] = {"done_by": turn.person.id} | ({"answer": note} if note else {})
    now = turn.deps.clock()
    finished = await turn.uow.data_requests.finish(request.id, "done", now, detail)
    assert finished is not None
    late = now > request.due_at
    turn.say((_("{number} is done — {late} late; the register keeps that.") if late else
              _("{number} is done, within its deadline.")).format(
        number=request.number, late=_hours(turn, int((now - request.due_at).total_seconds() // 3600))))


def _hours(turn: Turn, hours: int) -> str:
    return turn.ngettext("{n} hour", "{n} hours", max(hours, 1)).format(n=max(hours, 1))

