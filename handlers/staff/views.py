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
from handlers.identity import Shown
from handlers.labels import channel_name, due_step_name, status_name
from handlers.privacy.mask import protected
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


def card_text(ticket: TicketRecord, who: str, officer: PersonRecord | None,
              catalogue_label: str, _: Gettext, tz: ZoneInfo, locale: str, *, limit: int = 400, joined: int = 0,
              recurrence_of: str | None = None) -> str:
    """The staff group's card of a ticket; ``who``: the complainant as its reader may see them (HTML, decided by
    :func:`handlers.identity.complainant`); ``joined``: how many others follow it ("me too") when it leads a case;
    ``recurrence_of``: the number of the closed LK it reports happened again."""
    kind = _("Complaint") if ticket.kind == TicketKind.COMPLAINT else _("Suggestion")
    metoo = " · " + _("👥 {n} me too").format(n=joined) if joined else ""
    lines = [
        f"<b>{ticket.number}</b> · {kind} · {catalogue_label}{metoo}",
        _("Status: {status}").format(status=status_name(ticket.status, _))
        + " · " + _("Channel: {channel}").format(channel=channel_name(ticket.channel, _)),
        _("From: {who}").format(who=who),
        _("Officer: {name}").format(name=shown(officer.name) if officer else "—"),
        _("Received: {at}").format(at=when(ticket.created_at, tz, locale)),
    ]
    if recurrence_of:
        lines.append(_("🔁 Possible recurrence of {lk}").format(lk=recurrence_of))
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
    #: The complainant as the reader may see them: their identity, or the level's label (``handlers.identity``).
    complainant: Shown
    officer: PersonRecord | None
    events: list[TicketEventRecord]
    names: Mapping[int, str]
    lks: Sequence[LkRecord] = ()
    service_label: str = ""
    questions: Sequence[Question] = field(default_factory=tuple)
    #: The attachments' archive items, by attachment id.
    archived: Mapping[int, ArchiveItemRecord] = field(default_factory=dict)
    #: The number of the closed LK the ticket reports happened again (``ticket.recurrence_of_lk``).
    recurrence_of: str | None = None
    #: Its "me too" case: the lead's number (None: in no case), the members' numbers, the public summary.
    case_lead: str | None = None
    case_members: Sequence[str] = ()
    case_summary: str | None = None


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


def file_label(index: int, file: Attachment, _: Gettext, archived: ArchiveItemRecord | None = None, *,
               hide_name: bool = False) -> str:
    """One attachment's line; ``hide_name`` (a confidential or anonymous ticket): without the file's own name, which
    can name its sender ("KTM_Budi_Santoso.jpg")."""
    what = _("Photo") if file.file_type == "photo" else (
        _("PDF") if (file.mime_type or "").casefold() == "application/pdf" or (file.file_name or "").casefold()
        .endswith(".pdf") else _("Document"))
    text = f"📎 {index}. {what}"
    if file.file_name and file.file_type != "photo" and not hide_name:
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
    lines = [card_text(ticket, snap.complainant.text, snap.officer, snap.service_label, _, reader.tz, reader.locale,
                       limit=2000, recurrence_of=snap.recurrence_of)]
    if snap.lks:
        lines.append(_("LK: {numbers}").format(numbers=", ".join(lk.number for lk in snap.lks)))
    lines += case_lines(snap, _)
    if ticket.answers:
        lines.append("\n" + _("<b>Confirmation questions</b>"))
        lines += answers_lines(ticket, snap.questions, reader)
    if ticket.attachments:
        lines.append("\n" + _("<b>Attachments</b> ({n}) — press a number to open:").format(n=len(ticket.attachments)))
        lines += [file_label(i, f, _, snap.archived.get(f.id or 0), hide_name=protected(ticket))
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


def case_lines(snap: TicketSnapshot, _: Gettext) -> list[str]:
    """/show's lines about the ticket's "me too" case: who follows it, or whom it follows, and the public summary."""
    if snap.case_lead is None:
        return []
    if snap.case_lead == snap.ticket.number:
        lines = [_("👥 Me too: {n} joined — {numbers}").format(n=len(snap.case_members),
                                                             numbers=", ".join(snap.case_members) or "—")]
    else:
        lines = [_("👥 Follows the case of {lead} (with {n} others)").format(lead=snap.case_lead,
                                                                           n=len(snap.case_members))]
    summary = shown(snap.case_summary, 300) if snap.case_summary else _(
        "none yet (an officer writes one with /case summary {number} and the text)").format(number=snap.ticket.number)
    lines.append(_("Public summary of the case: {text}").format(text=summary))
    return lines


def ticket_line(ticket: TicketRecord, label: str, _: Gettext, age: str = "") -> str:
    marks = (" 🙋" if ticket.assigned_to else "") + (" 💬" if ticket.unread_since else "")
    line = f"<b>{ticket.number}</b>{marks} · {label} · {status_name(ticket.status, _)}"
    if age:
        line += f" · {age}"
    return line + f" · {shown(ticket.description, 60)}"
