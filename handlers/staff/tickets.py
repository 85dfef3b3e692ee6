"""The officer's daily work on tickets in the chat (SOP step b): inbox, show, take, assign, reply, verdicts.

Each command reads its arguments, calls the use case in :mod:`handlers.procedure.tickets` and tells the officer
what happened; the complainant and the staff group are told by the use case itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from domain.vocabulary import LkStatus, Role, TicketStatus
from handlers import identity
from handlers.asking import ask
from handlers.errors import Refusal
from handlers.events import Button, Keyboard, SendFile
from handlers.formats import age, day
from handlers.history import Reader
from handlers.i18n import Gettext
from handlers.labels import status_name
from handlers.privacy.mask import masker, neutral_file_name, own_texts, protected
from handlers.procedure import recurrence as recurrences
from handlers.procedure import tickets as procedure
from handlers.procedure.checks import as_id, find_ticket, ticket_by_id
from handlers.procedure.lookups import ticket_snapshot, viewer
from handlers.staff.common import archived_file, confirm, extension_of
from handlers.staff.views import card_buttons, file_buttons, ticket_line, ticket_view
from handlers.text import shown
from handlers.turn import Turn
from handlers.views import service_label
from storage.records import ArchiveItemRecord, Attachment, TicketRecord

PAGE = 10
VERDICT_PROMPTS = {TicketStatus.CONFORMING: "conforming", TicketStatus.REJECTED: "reject",
                   TicketStatus.ACCEPTED: "accept", TicketStatus.DECLINED: "decline"}


def line(turn: Turn, ticket: TicketRecord, joined: int = 0) -> str:
    """A ticket in a list, with its age in working days (and "👥 N" when N others joined its case)."""
    _ = turn._
    deps = turn.deps
    text = ticket_line(ticket, service_label(ticket, deps.catalogue, turn.locale, _), _,
                       age(ticket.created_at, deps.today(), deps.tz, deps.calendar, _))
    return text + (" · " + _("👥 {n} me too").format(n=joined) if joined else "")


async def as_listed(turn: Turn, tickets: Sequence[TicketRecord]) -> list[TicketRecord]:
    """The tickets as a list (``/inbox``, ``/search``, ``/similar``) may show them to this staff member: one whose
    complainant they may not see (confidential, and any anonymous one) with the complainant's own identifiers masked
    in its description, as ``/show`` does — the walk found a reviewer's ``/search legalisir`` reading "Saya Siti Rahma,
    NRP 5025211001…" under a confidential ticket."""
    ctx = await turn.ctx()
    who = viewer(ctx)
    hidden = [t for t in tickets if protected(t) and not identity.may_see(who, t, ctx.deps.confidential_roles)]
    if not hidden:
        return list(tickets)
    people = await turn.uow.persons.by_ids(t.person_id for t in hidden if t.person_id is not None)
    masked = {t.id: replace(t, description=masker(people.get(t.person_id or 0), own_texts(t)).text(t.description))
              for t in hidden}
    return [masked.get(t.id, t) for t in tickets]


METOO_WORDS = frozenset({"metoo", "m", "juga", "kasus"})
"""``/inbox metoo``: the cases most complainants joined first (``juga``/``kasus``: the same in Indonesian)."""


async def inbox(turn: Turn, args: str = "") -> None:
    """/inbox [metoo] [page]: oldest first, or with ``metoo`` the "me too" cases with most complainants first."""
    _ = turn._
    words = args.split()
    by_size = bool(words) and words[0].casefold() in METOO_WORDS
    raw_page = words[1] if by_size and len(words) > 1 else (words[0] if words and not by_size else "")
    total = await turn.uow.tickets.count_inbox(turn.person.id)
    page = min(as_id(raw_page) or 0, max(total - 1, 0) // PAGE)  # past the last page: the last page
    tickets = await turn.uow.tickets.inbox(turn.person.id, limit=PAGE, offset=page * PAGE, by_case_size=by_size)
    if not tickets:
        turn.say(_("Your inbox is empty: no new tickets and none of yours open."))
        return
    sizes = await turn.uow.cases.sizes(t.case_id for t in tickets if t.case_id is not None)
    title = (_("<b>Inbox</b> — new tickets and yours ({total}), most “me too” first:") if by_size else
             _("<b>Inbox</b> — new tickets and yours ({total}), oldest first:"))
    lines = [title.format(total=total)]
    lines += [line(turn, t, sizes.get(t.case_id, 1) - 1 if t.case_id is not None else 0)
              for t in await as_listed(turn, tickets)]
    rows = [tuple(Button(t.number, f"sh:{t.id}") for t in tickets[i: i + 2]) for i in range(0, len(tickets), 2)]
    mode = "m" if by_size else ""
    nav = []
    if page > 0:
        nav.append(Button(_("« Newer") if not by_size else _("« Back"), f"ib:{mode}{page - 1}"))
    if (page + 1) * PAGE < total:
        nav.append(Button(_("Older »") if not by_size else _("More »"), f"ib:{mode}{page + 1}"))
    sort = (Button(_("🕒 Oldest first"), "ib:0") if by_size else Button(_("👥 Most “me too” first"), "ib:m0"))
    turn.say("\n".join(lines), (*rows, (*nav, sort)))


async def show(turn: Turn, args: str = "") -> None:
    await show_ticket(turn, await find_ticket(await turn.ctx(), args))


def show_buttons(ticket: TicketRecord, _: Gettext, roles: frozenset[str]) -> Keyboard:
    """The card's buttons for an officer, a message button, and one per attachment."""
    rows: list[tuple[Button, ...]] = list(card_buttons(ticket, _)) if Role.OFFICER.value in roles else []
    if Role.OFFICER.value in roles and ticket.person_id is not None and ticket.identity_erased_at is None:
        rows.append((Button(_("✉️ Message the complainant"), f"tk:reply:{ticket.id}"),))
    rows += file_buttons(ticket.attachments, _)
    return tuple(rows)


async def show_ticket(turn: Turn, ticket: TicketRecord) -> None:
    """The ticket in full for the staff member; opening it counts as reading the complainant's messages."""
    ctx = await turn.ctx()
    ticket = await procedure.mark_read(ctx, ticket)
    snap = await ticket_snapshot(ctx, ticket, turn.locale)
    if snap.complainant.identity:
        await identity.record_views(turn.uow, ctx.now, viewer(ctx), identity.Place.SHOW, [ticket.id])
    reader = Reader(turn._, turn.locale, turn.deps.tz)
    text = ticket_view(snap, reader)
    if protected(ticket) and not snap.complainant.identity:
        # a staff member who may not see who filed it (a reviewer, a monitor; anyone for an anonymous ticket):
        # the complainant's own identifiers masked in what they wrote, as on the group's card — the walk found a
        # reviewer reading "Saya Siti Rahma, HP 0812…" under "From: confidential"
        person = await turn.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
        text = masker(person, (ticket.description, *(f.caption for f in ticket.attachments),
                               *(str(v) for v in ticket.answers.values()), text)).text(text)
    turn.say(text, show_buttons(ticket, turn._, ctx.actor.roles))


async def send_attachment(turn: Turn, arg: str) -> None:
    """Button ``fa:<attachment id>``: the file, sent to the staff member's private chat."""
    found = await turn.uow.tickets.attachment(as_id(arg) or 0)
    if found is None:
        raise Refusal(turn._("That file no longer exists."))
    ticket_id, file = found
    ticket = await ticket_by_id(await turn.ctx(), ticket_id)
    index = next((i for i, f in enumerate(ticket.attachments, start=1) if f.id == file.id), 0)
    caption = f"{ticket.number} · 📎 {index}"
    if file.caption:
        caption += " — " + shown(file.caption, 900)
    item = (await turn.uow.archive.for_attachments([file.id or 0])).get(file.id or 0)
    if protected(ticket):
        ctx = await turn.ctx()
        if not identity.may_see(viewer(ctx), ticket, ctx.deps.confidential_roles):  # as /show: masked
            person = await turn.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
            caption = masker(person, (ticket.description, file.caption)).text(caption)
        turn.reaction.outbound.append(protected_file(turn, ticket, index, file, caption, item))
        return
    turn.reaction.outbound.append(archived_file(turn, file.file_type, file.file_id, caption, item,
                                                file.file_name or f"{ticket.number}-{index}"))


def protected_file(turn: Turn, ticket: TicketRecord, index: int, file: Attachment, caption: str,
                   item: ArchiveItemRecord | None) -> SendFile:
    """A confidential or anonymous ticket's file: only the archive's copy (an image's EXIF — where and with which
    phone it was taken — stripped) under a neutral name (``KEL-2026-00001-1.jpg``), never Telegram's original, whose
    document keeps both its metadata and its own name. Before it is archived, a photo goes as Telegram's photo
    (Telegram re-encodes a photo: it carries no metadata, and no name); a document waits for the archive. An image
    the archive could not clean (``cleaned`` False: a HEIC Pillow cannot read) is not sent at all."""
    if item is not None and item.status == "stored" and item.cleaned is False:
        raise Refusal(turn._("An image the archive could not clean of its metadata (e.g. an iPhone's HEIC): not sent, "
                             "the complainant's identity is protected. Ask them to send it as a photo."))
    if item is not None and item.status == "stored" and item.sha256:
        return SendFile(turn.user.id, file.file_type, caption=caption, sha256=item.sha256,
                        file_name=neutral_file_name(ticket, index, extension_of(item.mime, file.file_name)))
    if file.file_type == "photo":
        return SendFile(turn.user.id, "photo", file.file_id, caption)
    if item is not None and item.status == "failed" and item.next_try_at is None:
        raise Refusal(turn._("Telegram refuses this file: no copy without its metadata can be made, and the "
                             "original is not sent (the complainant's identity is protected)."))
    raise Refusal(turn._("Still being archived without its metadata (the complainant's identity is protected). Try "
                         "again in a minute."))


async def take(turn: Turn, args: str = "") -> None:
    ctx = await turn.ctx()
    await take_ticket(turn, await find_ticket(ctx, args))


async def take_ticket(turn: Turn, ticket: TicketRecord) -> None:
    ticket = await procedure.take(await turn.ctx(), ticket)
    confirm(turn, turn._("You took {number}.").format(number=ticket.number))


async def assign(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    telegram_id = as_id(parts[1], signed=True) if len(parts) == 2 else None
    if telegram_id is None:
        raise Refusal(_("Usage: /assign <ticket number> <officer's Telegram id>"))
    ctx = await turn.ctx()
    ticket = await find_ticket(ctx, parts[0])
    officer = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if officer is None:
        raise Refusal(_("{id} is not an officer. /staff list shows the staff.").format(id=parts[1]))
    ticket = await procedure.assign(ctx, ticket, officer)
    turn.say(_("{number} is now assigned to {name}.").format(number=ticket.number, name=shown(officer.name)))


async def reply(turn: Turn, args: str = "") -> None:
    number, _sep, text = args.strip().partition(" ")
    ticket = await find_ticket(await turn.ctx(), number)
    if not text.strip():
        await ask_reply(turn, ticket)
        return
    await send_reply(turn, ticket, text)


async def ask_reply(turn: Turn, ticket: TicketRecord) -> None:
    """The reply dialog (``/reply NUMBER``, ↩ Reply): refused at once when nobody can be written to."""
    reachable(turn, ticket)
    await ask(turn, "reply", ticket.number, ticket_id=ticket.id)


def reachable(turn: Turn, ticket: TicketRecord) -> None:
    """Refuses a message to a ticket whose complainant cannot be written to: none, or erased (``/forget``,
    retention: the ticket points to a pseudonym with no chat — before, the officer was told "sent" and then "not
    delivered")."""
    if ticket.identity_erased_at is not None:
        raise Refusal(turn._("The complainant of {number} had their identity erased (/forget or retention): nobody "
                             "can be written to through it any more.").format(number=ticket.number))
    if ticket.person_id is None:
        raise Refusal(turn._("{number} has no complainant the bot can write to.").format(number=ticket.number))


async def send_reply(turn: Turn, ticket: TicketRecord, text: str) -> None:
    reachable(turn, ticket)
    await procedure.message_complainant(await turn.ctx(), ticket, text)
    turn.say(turn._("Sent to the complainant of {number}. Their answer comes to you here.").format(
        number=ticket.number))


# --- verdicts (step b) ----------------------------------------------------------------------------------------
async def nonconformity(turn: Turn, args: str = "") -> None:
    await verdict(turn, await find_ticket(await turn.ctx(), args), TicketStatus.IN_FOLLOWUP)


async def conforming(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.CONFORMING)


async def reject(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.REJECTED)


async def accept(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.ACCEPTED)


async def decline(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.DECLINED)


async def duplicate(turn: Turn, args: str = "") -> None:
    parts = args.split()
    if not parts:
        raise Refusal(turn._("Usage: /duplicate <ticket number> <number of the ticket it repeats>"))
    ticket = await find_ticket(await turn.ctx(), parts[0])
    if len(parts) < 2:
        await ask(turn, "duplicate", ticket.number, ticket_id=ticket.id)
        return
    await mark_duplicate(turn, ticket, parts[1])


async def _verdict_command(turn: Turn, args: str, status: TicketStatus) -> None:
    number, _sep, text = args.strip().partition(" ")
    ticket = await find_ticket(await turn.ctx(), number)
    if not text.strip():
        await ask(turn, VERDICT_PROMPTS[status], ticket.number, ticket_id=ticket.id)
        return
    await verdict(turn, ticket, status, text)


async def verdict(turn: Turn, ticket: TicketRecord, status: str, text: str | None = None) -> None:
    """Record the officer's judgement of the ticket against the service's procedure and tell the complainant."""
    _ = turn._
    ticket = await procedure.give_verdict(await turn.ctx(), ticket, status, text)
    covering = [lk for lk in await turn.uow.lks.lks_of_ticket(ticket.id) if lk.status != LkStatus.CLOSED]
    if status == TicketStatus.IN_FOLLOWUP and covering:
        confirm(turn, _("{number} is confirmed as a nonconformity again; it stays covered by {lk}, whose programme "
                        "continues: add a correction there if the case needs one.").format(
            number=ticket.number, lk=covering[0].number))
        return
    done = {
        TicketStatus.IN_FOLLOWUP: _("{number} is confirmed as a nonconformity. Write its LK: /lk new {number}"),
        TicketStatus.ACCEPTED: _("{number} is accepted. To start an improvement programme: /lk new {number}"),
    }.get(TicketStatus(status), _("{number} is now {status}; the complainant was told."))
    confirm(turn, done.format(number=ticket.number, status=status_name(status, _)))
    if status == TicketStatus.IN_FOLLOWUP:
        await _possible_recurrence(turn, ticket)


async def _possible_recurrence(turn: Turn, ticket: TicketRecord) -> None:
    """After a nonconformity verdict: the closed LKs of the service from the last 12 months the ticket is like (and
    the one the complainant said recurred), to the officer's private chat."""
    _ = turn._
    ctx = await turn.ctx()
    found = await recurrences.possible_for(ctx, ticket.service_code, (ticket.description,))
    reported = await turn.uow.lks.get(ticket.recurrence_of_lk) if ticket.recurrence_of_lk is not None else None
    lines = []
    if reported is not None:
        lines.append(_("🔁 The complainant reports that the nonconformity of {lk} happened again.").format(
            lk=reported.number))
    for possible in found:
        if reported is None or possible.lk.lk_id != reported.id:
            lines.append(_("❓ Possible recurrence of {lk}, closed as effective on {date} — {text}").format(
                lk=possible.lk.number, date=day(possible.lk.closed_at.astimezone(turn.deps.tz).date(), turn.locale),
                text=shown(possible.lk.description, 120)))
    if lines:
        earlier = reported.number if reported is not None else found[0].lk.number
        lines.append(_("Once its LK is written, /lk of it offers to mark it a recurrence (🔁), or: /lk recurrence "
                       "(the new LK's number) {earlier}").format(earlier=earlier))
        turn.reaction.say(turn.user.id, "\n".join(lines))


async def mark_duplicate(turn: Turn, ticket: TicketRecord, other_number: str) -> None:
    ticket, other = await procedure.mark_duplicate(await turn.ctx(), ticket, other_number)
    confirm(turn, turn._("{number} is marked as a duplicate of {other}.").format(number=ticket.number,
                                                                                 other=other.number))
