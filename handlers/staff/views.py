"""How tickets and LKs look to the staff: the group card, the full view, one-line entries, the LK.

Pure renderers: they take records (and what was looked up for them) and the reader, and return HTML text and
buttons. Everything a person wrote is neutralised and escaped (:func:`handlers.text.shown`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from dialogs.answers import answer_label, question_text
from dialogs.catalogue import Question
from dialogs.ui import shorten
from dialogs.workflow import is_active
from domain.vocabulary import TicketKind, TicketStatus
from handlers.events import Button, Keyboard
from handlers.formats import day, when
from handlers.history import Reader, history_lines
from handlers.i18n import Gettext
from handlers.labels import channel_name, due_step_name, status_name
from handlers.text import neutral, shown
from storage.records import (
    ArchiveItemRecord,
    Attachment,
    LkRecord,
    PersonRecord,
    TicketEventRecord,
    TicketRecord,
)

__all__ = ["Reader", "shorten"]
MAX_FILE_BUTTONS = 10


def complainant(ticket: TicketRecord, person: PersonRecord | None, _: Gettext) -> str:
    """The complainant as staff may see them: nothing when the ticket is anonymous."""
    if ticket.anonymous:
        return _("anonymous")
    if person is None:
        return _("unknown")
    text = shown(person.name)
    if person.nrp:
        text += f" ({shown(person.nrp)})"
    if person.telegram_id is None and person.contact:
        text += " · " + _("contact: {contact}").format(contact=shown(person.contact))
    return text


def card_text(ticket: TicketRecord, person: PersonRecord | None, officer: PersonRecord | None,
              catalogue_label: str, _: Gettext, tz: ZoneInfo, locale: str, *, limit: int = 400) -> str:
    kind = _("Complaint") if ticket.kind == TicketKind.COMPLAINT else _("Suggestion")
    lines = [
        f"<b>{ticket.number}</b> · {kind} · {catalogue_label}",
        _("Status: {status}").format(status=status_name(ticket.status, _))
        + " · " + _("Channel: {channel}").format(channel=channel_name(ticket.channel, _)),
        _("From: {who}").format(who=complainant(ticket, person, _)),
        _("Officer: {name}").format(name=shown(officer.name) if officer else "—"),
        _("Received: {at}").format(at=when(ticket.created_at, tz, locale)),
    ]
    if ticket.agenda_number:
        lines.append(_("Agenda number: {number}").format(number=shown(ticket.agenda_number)))
    if ticket.due_on is not None and is_active(ticket.status):
        lines.append(deadline_line(ticket, _, locale))
    if ticket.kind == TicketKind.COMPLAINT:
        happened = day(ticket.occurred_on, locale) if ticket.occurred_on else _("not sure")
        lines.append(_("Incident date: {date}").format(date=happened))
    if ticket.unread_since is not None:
        lines.append(_("💬 The complainant wrote; not read yet."))
    elif ticket.awaiting_complainant_since is not None and is_active(ticket.status):
        lines.append(_("⏳ Waiting for the complainant's answer."))
    lines += ["", shown(ticket.description, limit)]
    if ticket.response and not is_active(ticket.status):
        lines.append("\n" + _("Response: {text}").format(text=shown(ticket.response, 300)))
    return "\n".join(lines)


def deadline_line(ticket: TicketRecord, _: Gettext, locale: str) -> str:
    """"⏱ Deadline: to be confirmed by 9 December 2026" (and whether it was extended)."""
    assert ticket.due_on is not None
    text = _("⏱ Deadline: to {step} by {date}").format(step=due_step_name(ticket.due_step, _),
                                                       date=day(ticket.due_on, locale))
    return text + (" " + _("(extended once)") if ticket.due_extended else "")


def card_buttons(ticket: TicketRecord, _: Gettext) -> Keyboard:
    if not is_active(ticket.status) or ticket.status == TicketStatus.IN_FOLLOWUP:
        return ()
    tid = ticket.id
    take = (Button(_("🙋 Take"), f"tk:take:{tid}"),) if ticket.assigned_to is None else ()
    if ticket.kind == TicketKind.COMPLAINT:
        verdicts = (Button(_("❗ Nonconformity"), f"tk:nc:{tid}"), Button(_("✔ Conforming…"), f"tk:conf:{tid}"))
    else:
        verdicts = (Button(_("👍 Accept…"), f"tk:acc:{tid}"), Button(_("👎 Decline…"), f"tk:dec:{tid}"))
    others = (Button(_("🔁 Duplicate of…"), f"tk:dup:{tid}"), Button(_("🚫 Reject…"), f"tk:rej:{tid}"))
    return tuple(row for row in (take, verdicts, others) if row)


# --- the full view -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TicketSnapshot:
    """Everything ``/show`` tells about a ticket, looked up once."""

    ticket: TicketRecord
    person: PersonRecord | None
    officer: PersonRecord | None
    events: list[TicketEventRecord]
    names: Mapping[int, str]
    lks: Sequence[LkRecord] = ()
    service_label: str = ""
    questions: Sequence[Question] = field(default_factory=tuple)
    #: The attachments' archive items, by attachment id.
    archived: Mapping[int, ArchiveItemRecord] = field(default_factory=dict)


def answers_lines(ticket: TicketRecord, questions: Sequence[Question], reader: Reader) -> list[str]:
    """The service's confirmation questions and the answers given, in the reader's language."""
    lines = []
    asked = {q.id: q for q in questions}
    for key, value in ticket.answers.items():
        question = asked.get(key)
        if question is None:  # the catalogue changed since: the stored key is all there is
            lines.append(f"• {shown(key)}: {shown(value, 300)}")
        else:
            answer = answer_label(question, neutral(value), reader.locale, reader._)
            lines.append(f"• {question_text(question, reader.locale)}\n  → <i>{answer}</i>")
    return lines


def archive_mark(item: ArchiveItemRecord | None, _: Gettext) -> str:
    """Where a file stands in the archive: the stored copy's short hash (the first 12 hex digits of its SHA-256;
    the full one is in the archive), or that it is not archived yet, or that Telegram refused it."""
    if item is None:
        return ""
    if item.status == "stored" and item.sha256:
        return _("archived {hash}").format(hash=f"<code>{item.short_hash}</code>")
    if item.status == "failed" and item.next_try_at is None:
        return _("not archived: Telegram refuses the file")
    return _("not archived yet")


def file_label(index: int, file: Attachment, _: Gettext, archived: ArchiveItemRecord | None = None) -> str:
    what = _("Photo") if file.file_type == "photo" else (
        _("PDF") if (file.mime_type or "").casefold() == "application/pdf" or (file.file_name or "").casefold()
        .endswith(".pdf") else _("Document"))
    text = f"📎 {index}. {what}"
    if file.file_name and file.file_type != "photo":
        text += f" “{shown(file.file_name, 60)}”"
    if file.caption:
        text += f" — {shown(file.caption, 200)}"
    if file.source == "complainant":
        text += " " + _("(added by the complainant)")
    elif file.source == "staff":
        text += " " + _("(added by the staff)")
    mark = archive_mark(archived, _)
    return text + (f" · {mark}" if mark else "")


def file_buttons(files: Sequence[Attachment], _: Gettext) -> Keyboard:
    """One button per attachment (the first :data:`MAX_FILE_BUTTONS`), which sends it to the reader's chat."""
    shown_files = [(i, f) for i, f in enumerate(files, start=1) if f.id is not None][:MAX_FILE_BUTTONS]
    buttons = [Button(_("📎 {n}").format(n=i), f"fa:{f.id}") for i, f in shown_files]
    return tuple(tuple(buttons[i: i + 5]) for i in range(0, len(buttons), 5))


def ticket_view(snap: TicketSnapshot, reader: Reader) -> str:
    _, ticket = reader._, snap.ticket
    lines = [card_text(ticket, snap.person, snap.officer, snap.service_label, _, reader.tz, reader.locale,
                       limit=2000)]
    if snap.lks:
        lines.append(_("LK: {numbers}").format(numbers=", ".join(lk.number for lk in snap.lks)))
    if ticket.answers:
        lines.append("\n" + _("<b>Confirmation questions</b>"))
        lines += answers_lines(ticket, snap.questions, reader)
    if ticket.attachments:
        lines.append("\n" + _("<b>Attachments</b> ({n}) — press a number to open:").format(n=len(ticket.attachments)))
        lines += [file_label(i, f, _, snap.archived.get(f.id or 0))
                  for i, f in enumerate(ticket.attachments, start=1)]
    if ticket.rating is not None:
        lines.append("\n" + _("Rating: {score}/5").format(score=ticket.rating))
        if ticket.rating_comment:
            lines.append(_("Comment: {text}").format(text=shown(ticket.rating_comment, 600)))
    history = history_lines(ticket, snap.events, reader, snap.names)
    if history:
        lines.append("\n" + _("<b>History</b>"))
        lines += history
    return "\n".join(lines)


def ticket_line(ticket: TicketRecord, label: str, _: Gettext, age: str = "") -> str:
    marks = (" 🙋" if ticket.assigned_to else "") + (" 💬" if ticket.unread_since else "")
    line = f"<b>{ticket.number}</b>{marks} · {label} · {status_name(ticket.status, _)}"
    if age:
        line += f" · {age}"
    return line + f" · {shown(ticket.description, 60)}"
