"""How tickets are shown to their complainant: status names, one-line and full views."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dialogs.catalogue import Catalogue
from dialogs.ui import shorten
from handlers.i18n import N_, Gettext
from storage.records import TicketEventRecord, TicketRecord

STATUS_NAMES = {
    "received": N_("received"),
    "confirming": N_("being confirmed"),
    "conforming": N_("conforming: the service followed its procedure"),
    "rejected": N_("rejected"),
    "duplicate": N_("duplicate"),
    "in_followup": N_("being followed up"),
    "resolved": N_("resolved"),
    "closed": N_("closed"),
    "reopened": N_("reopened"),
    "under_review": N_("under review"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
}


def status_name(status: str, _: Gettext) -> str:
    return _(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def when(at: datetime, tz: ZoneInfo, locale: str) -> str:
    """A moment as people in Surabaya read it: Babel-formatted, in WIB."""
    return format_datetime(at, "d MMMM y, HH:mm", tzinfo=tz, locale=locale) + " WIB"


def service_label(ticket: TicketRecord, catalogue: Catalogue, locale: str, _: Gettext) -> str:
    service = catalogue.get(ticket.service_code)
    return escape(service.display_name(locale)) if service is not None else _("Other service")


def ticket_line(ticket: TicketRecord, catalogue: Catalogue, locale: str, _: Gettext) -> str:
    return f"<b>{ticket.number}</b> · {service_label(ticket, catalogue, locale, _)} · {status_name(ticket.status, _)}"


def ticket_details(
    ticket: TicketRecord,
    events: list[TicketEventRecord],
    catalogue: Catalogue,
    tz: ZoneInfo,
    locale: str,
    _: Gettext,
) -> str:
    kind = _("Complaint") if ticket.kind == "complaint" else _("Suggestion")
    lines = [
        f"<b>{ticket.number}</b> — {kind}",
        _("Service: {service}").format(service=service_label(ticket, catalogue, locale, _)),
        _("Status: {status}").format(status=status_name(ticket.status, _)),
        _("Received: {at}").format(at=when(ticket.created_at, tz, locale)),
        _("Description: {text}").format(text=escape(shorten(ticket.description, 600))),
    ]
    if events:
        lines.append("\n" + _("History:"))
        for event in events:
            line = f"• {when(event.at, tz, locale)}: {status_name(event.to_status, _)}"
            if event.note:
                line += f" — {escape(shorten(event.note, 300))}"
            lines.append(line)
    return "\n".join(lines)
