"""How tickets and LKs look to the staff: the group card, the full view, one-line entries."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from dialogs.ui import shorten
from dialogs.workflow import OPEN_STATUSES
from handlers.events import Button, Keyboard
from handlers.i18n import N_, Gettext
from handlers.views import service_label, status_name, when
from storage.records import ActionRecord, LkRecord, PersonRecord, TicketEventRecord, TicketRecord

CHANNELS = {
    "telegram": N_("Telegram"), "letter": N_("letter"), "email": N_("e-mail"), "phone": N_("phone"),
    "social_media": N_("social media"), "suggestion_box": N_("suggestion box"), "walk_in": N_("in person"),
}
LK_STATUSES = {
    "draft": N_("draft"), "awaiting_check": N_("waiting for the check"),
    "awaiting_approval": N_("waiting for approval"), "in_progress": N_("programme running"),
    "awaiting_verification": N_("waiting for the effectiveness check"), "closed": N_("closed"),
}
ACTION_KINDS = {"correction": N_("correction"), "corrective": N_("corrective action"),
                "preventive": N_("preventive action")}


def complainant(ticket: TicketRecord, person: PersonRecord | None, _: Gettext) -> str:
    """The complainant as staff may see them: nothing when the ticket is anonymous."""
    if ticket.anonymous:
        return _("anonymous")
    if person is None:
        return _("unknown")
    shown = escape(person.name)
    if person.nrp:
        shown += f" ({escape(person.nrp)})"
    if person.telegram_id is None and person.contact:
        shown += " · " + _("contact: {contact}").format(contact=escape(person.contact))
    return shown


def card_text(ticket: TicketRecord, person: PersonRecord | None, officer: PersonRecord | None,
              catalogue_label: str, _: Gettext, *, limit: int = 400) -> str:
    kind = _("Complaint") if ticket.kind == "complaint" else _("Suggestion")
    lines = [
        f"<b>{ticket.number}</b> · {kind} · {catalogue_label}",
        _("Status: {status}").format(status=status_name(ticket.status, _))
        + " · " + _("Channel: {channel}").format(channel=_(CHANNELS.get(ticket.channel, ticket.channel))),
        _("From: {who}").format(who=complainant(ticket, person, _)),
        _("Officer: {name}").format(name=escape(officer.name) if officer else "—"),
        "",
        escape(shorten(ticket.description, limit)),
    ]
    if ticket.response and ticket.status not in OPEN_STATUSES:
        lines.append("\n" + _("Response: {text}").format(text=escape(shorten(ticket.response, 300))))
    return "\n".join(lines)


def card_buttons(ticket: TicketRecord, _: Gettext) -> Keyboard:
    if ticket.status not in OPEN_STATUSES or ticket.status == "in_followup":
        return ()
    tid = ticket.id
    take = (Button(_("🙋 Take"), f"tk:take:{tid}"),) if ticket.assigned_to is None else ()
    if ticket.kind == "complaint":
        verdicts = (Button(_("❗ Nonconformity"), f"tk:nc:{tid}"), Button(_("✔ Conforming…"), f"tk:conf:{tid}"))
    else:
        verdicts = (Button(_("👍 Accept…"), f"tk:acc:{tid}"), Button(_("👎 Decline…"), f"tk:dec:{tid}"))
    others = (Button(_("🔁 Duplicate of…"), f"tk:dup:{tid}"), Button(_("🚫 Reject…"), f"tk:rej:{tid}"))
    return tuple(row for row in (take, verdicts, others) if row)


@dataclass(frozen=True)
class Reader:
    """Who reads a view: their gettext, locale and time zone."""

    _: Gettext
    locale: str
    tz: ZoneInfo


def ticket_view(ticket: TicketRecord, person: PersonRecord | None, officer: PersonRecord | None,
                events: list[TicketEventRecord], names: dict[int, str], catalogue_label: str, reader: Reader) -> str:
    _ = reader._
    lines = [card_text(ticket, person, officer, catalogue_label, _, limit=2000)]
    if ticket.answers:
        lines.append("\n" + _("Answers: {n}").format(n=len(ticket.answers)))
        lines += [f"• {escape(k)}: {escape(shorten(v, 200))}" for k, v in ticket.answers.items()]
    if ticket.attachments:
        lines.append(_("Attachments: {n}").format(n=len(ticket.attachments)))
    if events:
        lines.append("\n" + _("History:"))
        for e in events:
            who = escape(names.get(e.actor_person_id or 0, "")) if e.actor_person_id else ""
            line = f"• {when(e.at, reader.tz, reader.locale)} {status_name(e.to_status, _)}"
            if who and not (ticket.anonymous and e.actor_person_id == ticket.person_id):
                line += f" — {who}"
            if e.note:
                line += f": {escape(shorten(e.note, 300))}"
            lines.append(line)
    return "\n".join(lines)


def ticket_line(ticket: TicketRecord, label: str, _: Gettext) -> str:
    mine = " 🙋" if ticket.assigned_to else ""
    return f"<b>{ticket.number}</b>{mine} · {label} · {status_name(ticket.status, _)} · " \
           f"{escape(shorten(ticket.description, 60))}"


def lk_view(lk: LkRecord, tickets: list[TicketRecord], actions: list[ActionRecord], names: dict[int, str],
            _: Gettext) -> str:
    lines = [
        f"<b>{lk.number}</b> · " + (_("Nonconformity Report (LK)") if lk.kind == "nonconformity"
                                     else _("Improvement programme")),
        _("Status: {status}").format(status=_(LK_STATUSES.get(lk.status, lk.status))),
        _("Tickets: {numbers}").format(numbers=", ".join(t.number for t in tickets) or "—"),
        _("Procedure: {ref}").format(ref=escape(lk.procedure_ref)),
        _("Nonconformity: {text}").format(text=escape(shorten(lk.description, 800))),
        _("Root cause: {text}").format(text=escape(shorten(lk.root_cause, 800))),
        _("Prepared by: {name}").format(name=escape(names.get(lk.prepared_by, "—"))),
        _("Checked by: {name}").format(name=escape(names.get(lk.checked_by or 0, "—"))),
        _("Approved by: {name}").format(name=escape(names.get(lk.approved_by or 0, "—"))),
    ]
    if actions:
        lines.append("\n" + _("Follow-up programme (round {n}):").format(n=lk.round))
        for a in actions:
            mark = "✅" if a.status == "done" else "⬜"
            lines.append(f"{mark} #{a.id} {_(ACTION_KINDS.get(a.kind, a.kind))}: {escape(shorten(a.description, 200))}"
                         f" — {escape(names.get(a.owner_person_id, '?'))}, {a.due_on.isoformat()}")
    return "\n".join(lines)


__all__ = ["service_label", "shorten"]
