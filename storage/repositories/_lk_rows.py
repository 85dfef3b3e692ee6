"""Turning LK rows into records (shared by the LK and action halves of ``LkRepository``)."""

from __future__ import annotations

from storage.models import LkActionRow, LkEventRow, LkRow
from storage.records import ActionRecord, LkEventRecord, LkRecord


def lk_record(row: LkRow) -> LkRecord:
    return LkRecord(
        id=row.id,
        number=row.number,
        kind=row.kind,
        service_code=row.service_code,
        procedure_ref=row.procedure_ref,
        description=row.description,
        root_cause=row.root_cause,
        status=row.status,
        round=row.round,
        prepared_by=row.prepared_by,
        checked_by=row.checked_by,
        checked_at=row.checked_at,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        verified_by=row.verified_by,
        verified_at=row.verified_at,
        effective=row.effective,
        response=row.response,
        created_at=row.created_at,
        updated_at=row.updated_at,
        closed_at=row.closed_at,
        recurrence_of=row.recurrence_of,
    )


def action_record(row: LkActionRow) -> ActionRecord:
    return ActionRecord(
        id=row.id,
        lk_id=row.lk_id,
        kind=row.kind,
        description=row.description,
        owner_person_id=row.owner_person_id,
        due_on=row.due_on,
        round=row.round,
        status=row.status,
        done_at=row.done_at,
        done_by=row.done_by,
        evidence_text=row.evidence_text,
        evidence_file_id=row.evidence_file_id,
        evidence_file_type=row.evidence_file_type,
        created_at=row.created_at,
        owner_name=row.owner_name,
        owner_contact=row.owner_contact,
        added_by=row.added_by,
        evidence_file_name=row.evidence_file_name,
        extended=bool(row.extended),
    )


def lk_event_record(row: LkEventRow) -> LkEventRecord:
    return LkEventRecord(
        id=row.id,
        lk_id=row.lk_id,
        at=row.at,
        actor_person_id=row.actor_person_id,
        from_status=row.from_status,
        to_status=row.to_status,
        note=row.note,
        code=row.code,
        params=dict(row.params or {}),
    )
