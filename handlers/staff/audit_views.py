"""How the privacy audit trail (``audit_log``) reads in /audit: one line per row, in the reader's language and WIB.

The trail holds ids; these lines name staff members (by name) and tickets (by number), never a complainant: an
identity-level change the complainant made says "the complainant", an erasure, a correction or a copy of someone's
data names nobody. Pure: everything is looked up by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.vocabulary import AuditKind
from handlers.formats import when
from handlers.i18n import N_, Gettext
from handlers.labels import identity_level_name, role_name
from handlers.text import shown
from storage.records import AuditRecord, TicketRecord

#: Where an identity was shown (``audit_log.place``), in words.
PLACES: dict[str, str] = {
    "group_card": N_("on the staff group's card"),
    "card": N_("on the staff group's card"),
    "show": N_("in the ticket in full (/show)"),
    "notice": N_("in a message to staff"),
    "digest": N_("in a digest"),
    "export": N_("in a register export"),
    "export_cli": N_("in a register export made on the server (tanggap export)"),
    "lk_pdf": N_("on an LK form (PDF)"),
    "search": N_("in search results"),
    "inbox": N_("in the inbox"),
    "reply": N_("with a complainant's reply"),
    "intake": N_("while recording an intake"),
    "recap": N_("in the monthly recap"),
    "stats": N_("in statistics"),
}
NAME = 32  # characters of a staff member's name: twenty lines stay well inside a message
#: The rows a staff member's listing shows: what they were shown, the roles they changed or got, the levels they set.
STAFF_KINDS = (AuditKind.IDENTITY_VIEW, AuditKind.ROLE_GRANTED, AuditKind.ROLE_REVOKED, AuditKind.IDENTITY_LEVEL)


@dataclass(frozen=True)
class Looked:
    """What the lines need: tickets by id, staff names by person id, the reader."""

    tickets: Mapping[int, TicketRecord]
    names: Mapping[int, str]
    _: Gettext
    locale: str
    tz: ZoneInfo


def place_name(place: str | None, _: Gettext) -> str:
    if not place:
        return "—"
    return _(PLACES[place]) if place in PLACES else shown(place, 40)


def staff_ids(row: AuditRecord, tickets: Mapping[int, TicketRecord]) -> set[int]:
    """The person ids a row may name: staff who saw, changed roles or had them changed, set a level (not the
    complainant setting their own)."""
    if row.kind == AuditKind.IDENTITY_VIEW:
        return {row.actor_id} if row.actor_id is not None else set()
    if row.kind in (AuditKind.ROLE_GRANTED, AuditKind.ROLE_REVOKED):
        return {p for p in (row.actor_id, row.subject_id) if p is not None}
    if row.kind == AuditKind.IDENTITY_LEVEL and row.actor_id is not None:
        ticket = tickets.get(row.ticket_id) if row.ticket_id is not None else None
        return set() if ticket is not None and ticket.person_id == row.actor_id else {row.actor_id}
    return set()


def by_complainant(row: AuditRecord, tickets: Mapping[int, TicketRecord]) -> bool:
    ticket = tickets.get(row.ticket_id) if row.ticket_id is not None else None
    return ticket is not None and row.actor_id is not None and ticket.person_id == row.actor_id


def _who(person_id: int | None, look: Looked) -> str:
    if person_id is None:
        return look._("Tanggap itself")
    return shown(look.names.get(person_id) or f"#{person_id}", NAME)


def entry_line(row: AuditRecord, look: Looked) -> str:
    """"• 4 Desember 2026, 10:15 WIB — Rina saw the complainant of KEL-2026-00001 on the staff group's card"."""
    _ = look._
    ticket = look.tickets.get(row.ticket_id) if row.ticket_id is not None else None
    number = ticket.number if ticket is not None else (f"#{row.ticket_id}" if row.ticket_id is not None else "")
    detail = row.detail
    if row.kind == AuditKind.IDENTITY_VIEW:
        who = _who(row.actor_id, look) if row.actor_id is not None else _("the staff group")
        text = _("{who} was shown the complainant of {number} {place}").format(
            who=who, number=number or "—", place=place_name(row.place, _))
    elif row.kind in (AuditKind.ROLE_GRANTED, AuditKind.ROLE_REVOKED):
        template = (_("{actor} gave {subject} the role {role}") if row.kind == AuditKind.ROLE_GRANTED
                    else _("{actor} took the role {role} from {subject}"))
        text = template.format(actor=_who(row.actor_id, look), subject=_who(row.subject_id, look),
                               role=role_name(str(detail.get("role") or "?"), _))
    elif row.kind == AuditKind.IDENTITY_LEVEL:
        who = _("the complainant") if by_complainant(row, look.tickets) else _who(row.actor_id, look)
        text = _("{number}: identity {level_from} → {level_to}, by {who}").format(
            number=number or "—", level_from=identity_level_name(str(detail.get("from") or "?"), _),
            level_to=identity_level_name(str(detail.get("to") or "?"), _), who=who)
    elif row.kind == AuditKind.FORGET:
        count = len(detail.get("tickets") or []) if isinstance(detail.get("tickets"), list) else 0
        text = (_("{number}: the complainant's identity erased at their request (/forget)").format(number=number)
                if number else _("a person erased their identity (/forget) from tickets, how many: {n}").format(
                    n=count))
    elif row.kind == AuditKind.RETENTION:
        text = _("retention — identities erased: {identities}; tickets whose attachments were deleted: "
                 "{attachments}").format(
            identities=detail.get("identities", 0), attachments=detail.get("attachments", 0))
    elif row.kind == AuditKind.CORRECT:
        fields = ", ".join(_("name") if f == "name" else _("contact") if f == "contact" else shown(str(f), 20)
                           for f in detail.get("fields") or []) or "—"  # in the reader's words (second walk)
        text = (_("{number}: the complainant corrected: {fields}").format(number=number, fields=fields) if number
                else _("a person corrected their data (/correct): {fields}").format(fields=fields))
    elif row.kind == AuditKind.MYDATA:
        text = _("a person was given a copy of their data (/mydata)")
    elif row.kind == "breach_notice":  # AuditKind.BREACH_NOTICE (tanggap privacy notify), from the breach helper
        text = _("a breach notice was queued to a person: {breach}").format(breach=shown(str(detail.get("breach")
                                                                                              or "—"), 60))
    elif row.kind == AuditKind.BREACH_LIST:
        text = _("whom a breach affects was listed on the office PC (tanggap privacy affected): {breach}, people: "
                 "{n}").format(breach=shown(str(detail.get("breach") or "—"), 60), n=detail.get("people", 0))
    else:
        text = shown(row.kind, 32) + (f" {number}" if number else "")
    return f"• {when(row.at, look.tz, look.locale)} — {text}"
