"""Turning ticket rows into records (shared by ``TicketRepository`` and ``LkRepository``)."""

from __future__ import annotations

from storage.models import TicketAttachmentRow, TicketEventRow, TicketRow
from storage.records import Attachment, TicketEventRecord, TicketRecord


def ticket_record(row: TicketRow) -> TicketRecord:
    return TicketRecord(
        id=row.id,
        number=row.number,
        kind=row.kind,
        channel=row.channel,
        person_id=row.person_id,
        service_code=row.service_code,
        service_other=row.service_other,
        description=row.description,
        occurred_on=row.occurred_on,
        answers=dict(row.answers),
        attachments=tuple(attachment_record(a) for a in row.attachments),
        anonymous=row.anonymous,
        identity_level=row.identity_level,
        identity_erased_at=row.identity_erased_at,
        attachments_erased_at=row.attachments_erased_at,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        assigned_to=row.assigned_to,
        duplicate_of=row.duplicate_of,
        case_id=row.case_id,
        recurrence_of_lk=row.recurrence_of_lk,
        response=row.response,
        card_message_id=row.card_message_id,
        confirmed_at=row.confirmed_at,
        resolved_at=row.resolved_at,
        rating=row.rating,
        rating_comment=row.rating_comment,
        rated_at=row.rated_at,
        agenda_number=row.agenda_number,
        awaiting_complainant_since=row.awaiting_complainant_since,
        unread_since=row.unread_since,
        due_step=row.due_step,
        due_on=row.due_on,
        due_extended=bool(row.due_extended),
    )


def attachment_record(row: TicketAttachmentRow) -> Attachment:
    return Attachment(file_id=row.file_id, file_type=row.file_type, file_name=row.file_name, caption=row.caption,
                      mime_type=row.mime_type, source=row.source, added_at=row.added_at, id=row.id)


def ticket_event_record(row: TicketEventRow) -> TicketEventRecord:
    return TicketEventRecord(
        id=row.id,
        ticket_id=row.ticket_id,
        at=row.at,
        actor_person_id=row.actor_person_id,
        from_status=row.from_status,
        to_status=row.to_status,
        note=row.note,
        code=row.code,
        params=dict(row.params or {}),
    )
