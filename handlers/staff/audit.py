"""Admin's /audit [ticket number|staff Telegram id]: the privacy audit trail, newest first (issue 15).

``/audit KEL-2026-00001``: who was shown that ticket's complainant, when and where, its identity-level changes and
erasures; ``/audit 9001``: what identities that staff member was shown, the roles they gave or took and got, the
levels they raised; ``/audit``: the latest entries of all. Twenty lines a page, "Older »" for the next
(``au:<scope>.<page>``: ``a`` all, ``t<ticket id>``, ``s<person id>``; looked up again on each press). The admins
named in TANGGAP_ADMINS hold the role by the setting, so granting it is no row of the trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.vocabulary import AuditKind
from handlers.errors import Refusal
from handlers.events import Button
from handlers.formats import when
from handlers.labels import identity_level_name
from handlers.procedure.checks import as_id
from handlers.staff.audit_views import STAFF_KINDS, Looked, by_complainant, entry_line, staff_ids
from handlers.text import shown
from handlers.turn import Turn
from storage.records import AuditRecord, PersonRecord, TicketRecord

PAGE = 20
TICKET_NUMBER = re.compile(r"^(KEL|SAR)-\d{4}-\d{5}$", re.IGNORECASE)


@dataclass(frozen=True)
class Scope:
    """What a listing is of: everything, one ticket, or one staff member."""

    code: str  # "a", "t<id>", "s<id>" (button data)
    ticket: TicketRecord | None = None
    person: PersonRecord | None = None


def usage(turn: Turn) -> str:
    return turn._("Usage: /audit [ticket number|staff member's Telegram id], e.g. /audit KEL-2026-00001 or /audit "
                  "9001; /audit alone lists the latest entries.")


async def _was_staff(turn: Turn, person: PersonRecord) -> bool:
    """Holds a role now, is named in TANGGAP_ADMINS, or has rows of the trail as staff (a former member)."""
    if await turn.uow.staff.roles_of(person.id) or person.telegram_id in turn.deps.admins:
        return True
    rows = await turn.uow.audit.listed(actor_id=person.id, kinds=STAFF_KINDS[:3], limit=1)
    return bool(rows)


async def _scope(turn: Turn, raw: str) -> Scope:
    _ = turn._
    if not raw:
        return Scope("a")
    if TICKET_NUMBER.match(raw):
        ticket = await turn.uow.tickets.get_by_number(raw.upper())
        if ticket is None:
            raise Refusal(_("There is no ticket {number}.").format(number=raw.upper()))
        return Scope(f"t{ticket.id}", ticket=ticket)
    telegram_id = as_id(raw, signed=True)
    if telegram_id is None:
        raise Refusal(_("“{word}” is neither a ticket number nor a Telegram id.").format(word=raw[:30]) + " "
                      + usage(turn))
    person = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if person is None or not await _was_staff(turn, person):
        raise Refusal(_("{id} is not a staff member, and never was one (/staff list shows the staff).").format(
            id=telegram_id))
    return Scope(f"s{person.id}", person=person)


async def _rows(turn: Turn, scope: Scope, page: int) -> tuple[list[AuditRecord], bool]:
    """The page's rows (newest first) and whether there are older ones."""
    listed = turn.uow.audit.listed
    offset, limit = page * PAGE, PAGE + 1
    if scope.ticket is not None:
        rows = await listed(ticket_id=scope.ticket.id, limit=limit, offset=offset)
    elif scope.person is not None:
        rows = await listed(actor_id=scope.person.id, kinds=STAFF_KINDS, limit=limit, offset=offset)
    else:
        rows = await listed(limit=limit, offset=offset)
    return rows[:PAGE], len(rows) > PAGE


async def audit(turn: Turn, args: str = "") -> None:
    words = args.split()
    page = 0
    if words and (number := as_id(words[-1])) is not None and len(words) == 2:
        page, words = min(number, 10_000), words[:1]  # "/audit KEL-2026-00001 2": a page further back
    if len(words) > 1:
        raise Refusal(usage(turn))
    await show_page(turn, await _scope(turn, words[0] if words else ""), page)


async def show_page(turn: Turn, scope: Scope, page: int) -> None:
    _ = turn._
    rows, more = await _rows(turn, scope, page)
    tickets = {t.id: t for t in await turn.uow.tickets.by_ids(r.ticket_id for r in rows if r.ticket_id is not None)}
    if scope.ticket is not None:
        tickets[scope.ticket.id] = scope.ticket
    if scope.person is not None:  # their own complaints' level changes are not staff work: not listed
        rows = [r for r in rows if not (r.kind == AuditKind.IDENTITY_LEVEL and by_complainant(r, tickets))]
    people = await turn.uow.persons.by_ids({pid for r in rows for pid in staff_ids(r, tickets)})
    look = Looked(tickets, {pid: p.name for pid, p in people.items()}, _, turn.locale, turn.deps.tz)
    lines = [_head(turn, scope)]
    lines += _erasures(turn, scope.ticket) if scope.ticket is not None and page == 0 else []
    if rows:
        lines += [entry_line(r, look) for r in rows]
    else:
        lines.append(_("No entries.") if page == 0 else _("No older entries."))
    nav = []
    if page > 0:
        nav.append(Button(_("« Newer"), f"au:{scope.code}.{page - 1}"))
    if more:
        nav.append(Button(_("Older »"), f"au:{scope.code}.{page + 1}"))
    turn.say("\n".join(lines), (tuple(nav),) if nav else ())


def _head(turn: Turn, scope: Scope) -> str:
    _ = turn._
    if scope.ticket is not None:
        return _("<b>Audit of {number}</b> (identity now: {level}), newest first:").format(
            number=scope.ticket.number, level=(_("erased") if scope.ticket.identity_erased_at
                                               else identity_level_name(scope.ticket.identity_level, _)))
    if scope.person is not None:
        head = _("<b>Audit of {name}</b> ({id}): identities shown, role and identity-level changes, newest "
                 "first:").format(name=shown(scope.person.name), id=scope.person.telegram_id)
        if scope.person.telegram_id in turn.deps.admins:
            head += "\n" + _("Admin by TANGGAP_ADMINS: that role is a setting, not a change the trail records.")
        return head
    return _("<b>Audit trail</b>, newest first (admins named in TANGGAP_ADMINS are a setting, not rows):")


def _erasures(turn: Turn, ticket: TicketRecord) -> list[str]:
    _, tz, locale = turn._, turn.deps.tz, turn.locale
    lines = []
    if ticket.identity_erased_at is not None:
        lines.append(_("The complainant's identity was erased on {at}.").format(
            at=when(ticket.identity_erased_at, tz, locale)))
    if ticket.attachments_erased_at is not None:
        lines.append(_("The attachments were deleted on {at}.").format(
            at=when(ticket.attachments_erased_at, tz, locale)))
    return lines


async def press(turn: Turn, arg: str) -> None:
    """Button ``au:<scope>.<page>``: the page, with the ticket or staff member looked up again."""
    code, _sep, raw_page = arg.partition(".")
    page, target = as_id(raw_page), as_id(code[1:]) if code[:1] in ("t", "s") else None
    if page is None or (code != "a" and target is None):
        raise Refusal(turn._("This button is no longer active."))
    page = min(page, 10_000)
    if code == "a":
        await show_page(turn, Scope("a"), page)
    elif code[0] == "t":
        ticket = await turn.uow.tickets.get(target or 0)
        if ticket is None:
            raise Refusal(turn._("That ticket no longer exists."))
        await show_page(turn, Scope(code, ticket=ticket), page)
    else:
        person = await turn.uow.persons.get(target or 0)
        if person is None:
            raise Refusal(turn._("This button is no longer active."))
        await show_page(turn, Scope(code, person=person), page)
