"""How tickets are shown to their complainant: one-line and full views, in the complainant's language."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from dialogs.catalogue import Catalogue
from dialogs.workflow import is_active
from domain.vocabulary import IdentityLevel, TicketEvent
from handlers.formats import day, when
from handlers.history import Reader, history_lines
from handlers.i18n import N_, Gettext
from handlers.labels import status_name
from handlers.text import shown
from storage.records import LkRecord, TicketEventRecord, TicketRecord

__all__ = ["service_label", "status_name", "ticket_details", "ticket_line", "when"]


def service_label(ticket: TicketRecord, catalogue: Catalogue, locale: str, _: Gettext) -> str:
    service = catalogue.get(ticket.service_code)
    return shown(service.display_name(locale)) if service is not None else _("Other service")


def ticket_line(ticket: TicketRecord, catalogue: Catalogue, locale: str, _: Gettext) -> str:
    return f"<b>{ticket.number}</b> · {service_label(ticket, catalogue, locale, _)} · {status_name(ticket.status, _)}"


def expected_on(ticket: TicketRecord, events: list[TicketEventRecord]) -> date:
    """When the complainant may expect the ticket's next step: its deadline, or — once that passed and they were
    told a new date (``late_told`` for this very deadline) — the date they were told, so /status never contradicts
    the notice."""
    assert ticket.due_on is not None
    told = [e for e in events if e.code == TicketEvent.LATE_TOLD and e.params.get("from") == str(ticket.due_on)]
    if told:
        with contextlib.suppress(ValueError):
            return max(ticket.due_on, date.fromisoformat(str(told[-1].params.get("to"))))
    return ticket.due_on


IDENTITY_NOTES: dict[str, str] = {
    IdentityLevel.NAMED: N_("named — the bureau's staff see your name"),
    IdentityLevel.CONFIDENTIAL: N_("confidential — only {readers} see your name"),
    IdentityLevel.ANONYMOUS: N_("anonymous — no staff member sees your name"),
}
"""The complainant's identity choice as /status tells it back (issue 15)."""


def ticket_details(ticket: TicketRecord, events: list[TicketEventRecord], catalogue: Catalogue, tz: ZoneInfo,
                   locale: str, _: Gettext, names: Mapping[int, str] | None = None, *,
                   readers: str = "", closed_lks: Sequence[LkRecord] = ()) -> str:
    """The complainant's own ticket in full, with the history they may see."""
    kind = _("Complaint") if ticket.kind == "complaint" else _("Suggestion")
    lines = [
        f"<b>{ticket.number}</b> — {kind}",
        _("Service: {service}").format(service=service_label(ticket, catalogue, locale, _)),
        _("Status: {status}").format(status=status_name(ticket.status, _)),
        _("Received: {at}").format(at=when(ticket.created_at, tz, locale)),
        _("Description: {text}").format(text=shown(ticket.description, 600)),
        _("Identity: {identity}").format(identity=_(IDENTITY_NOTES.get(ticket.identity_level, IDENTITY_NOTES[
            IdentityLevel.NAMED])).format(readers=readers or _("the officer handling it and the administrator"))),
    ]
    if ticket.due_on is not None and is_active(ticket.status):
        lines.insert(3, _("Next step expected by: {date}").format(date=day(expected_on(ticket, events), locale)))
    if ticket.attachments:
        lines.append(_("Attachments: {n}").format(n=len(ticket.attachments)))
    history = history_lines(ticket, events, Reader(_, locale, tz, staff=False), names or {})
    if history:
        lines.append("\n" + _("History:"))
        lines += history
    for lk in closed_lks:  # what they were told when its follow-up closed (the walk: it was nowhere to read again)
        if lk.closed_at is not None and lk.response:
            lines.append("\n" + _("Response when the follow-up closed ({date}): {text}").format(
                date=day(lk.closed_at.astimezone(tz).date(), locale), text=shown(lk.response, 800)))
    if ticket.awaiting_complainant_since is not None:
        lines.append("\n" + _("The officer is waiting for your answer: press “Reply / add information”."))
    return "\n".join(lines)
