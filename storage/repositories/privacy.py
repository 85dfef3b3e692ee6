"""The privacy audit trail (``audit_log``) and the register of data-subject requests (``data_request``), issue 15.

Both hold ids and field names only, never a name or a text of the complainant, so neither has to be scrubbed when a
person is forgotten."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import AuditLogRow, DataRequestRow
from storage.records import AuditRecord, DataRequestRecord
from storage.repositories._sql import next_in_series

#: UU PDP: access, correction and erasure requests are answered within 3×24 hours.
ANSWER_WITHIN = timedelta(hours=72)


@dataclass(frozen=True)
class AuditEntry:
    """A row to add to the trail (see ``AuditLogRow``)."""

    kind: str
    actor_id: int | None = None
    ticket_id: int | None = None
    subject_id: int | None = None
    place: str | None = None
    detail: dict[str, Any] | None = None


def _audit(row: AuditLogRow) -> AuditRecord:
    return AuditRecord(id=row.id, at=row.at, kind=row.kind, actor_id=row.actor_id, ticket_id=row.ticket_id,
                       subject_id=row.subject_id, place=row.place, detail=dict(row.detail or {}))


def _request(row: DataRequestRow) -> DataRequestRecord:
    return DataRequestRecord(id=row.id, number=row.number, person_id=row.person_id, kind=row.kind,
                             channel=row.channel, status=row.status, received_at=row.received_at,
                             due_at=row.due_at, done_at=row.done_at, detail=dict(row.detail or {}))


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, at: datetime, entries: Iterable[AuditEntry]) -> int:
        """Add the entries, all at ``at``, in one statement; how many."""
        rows = [{"at": require_aware(at, "at"), "kind": e.kind, "actor_id": e.actor_id, "ticket_id": e.ticket_id,
                 "subject_id": e.subject_id, "place": e.place, "detail": dict(e.detail or {})} for e in entries]
        if rows:
            await self._session.execute(insert(AuditLogRow), rows)
        return len(rows)

    async def listed(self, *, ticket_id: int | None = None, actor_id: int | None = None,
                     kinds: Sequence[str] = (), since: datetime | None = None, limit: int = 50,
                     offset: int = 0) -> list[AuditRecord]:
        """The newest first: of one ticket, or by one staff member (as the actor or the subject of a role change);
        ``offset`` rows skipped (a page further back)."""
        statement = select(AuditLogRow)
        if ticket_id is not None:
            statement = statement.where(AuditLogRow.ticket_id == ticket_id)
        if actor_id is not None:
            statement = statement.where((AuditLogRow.actor_id == actor_id) | (AuditLogRow.subject_id == actor_id))
        if kinds:
            statement = statement.where(AuditLogRow.kind.in_(list(kinds)))
        if since is not None:
            statement = statement.where(AuditLogRow.at >= require_aware(since, "since"))
        statement = statement.order_by(AuditLogRow.at.desc(), AuditLogRow.id.desc()).limit(limit).offset(offset)
        return [_audit(row) for row in await self._session.scalars(statement)]


class DataRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, person_id: int, kind: str, received_at: datetime, *, channel: str = "telegram",
                  status: str = "open", detail: dict[str, Any] | None = None) -> DataRequestRecord:
        """Record a request (``PDP-2026-0001``), due 3×24 hours after it was received."""
        received_at = require_aware(received_at, "received_at")
        year = received_at.year
        number = f"PDP-{year:04d}-{await next_in_series(self._session, 'PDP', year):04d}"
        row = DataRequestRow(number=number, person_id=person_id, kind=kind, channel=channel, status=status,
                             received_at=received_at, due_at=received_at + ANSWER_WITHIN,
                             done_at=received_at if status == "done" else None, detail=dict(detail or {}))
        self._session.add(row)
        await self._session.flush()
        return _request(row)

    async def finish(self, request_id: int, status: str, at: datetime, detail: dict[str, Any] | None = None,
                     ) -> DataRequestRecord | None:
        row = await self._session.get(DataRequestRow, request_id, with_for_update=True)
        if row is None:
            return None
        row.status, row.done_at = status, require_aware(at, "at")
        if detail is not None:
            row.detail = {**(row.detail or {}), **detail}
        await self._session.flush()
        return _request(row)

    async def get(self, request_id: int) -> DataRequestRecord | None:
        row = await self._session.get(DataRequestRow, request_id)
        return _request(row) if row is not None else None

    async def get_by_number(self, number: str) -> DataRequestRecord | None:
        row = await self._session.scalar(select(DataRequestRow).where(DataRequestRow.number == number))
        return _request(row) if row is not None else None

    async def listed(self, *, person_id: int | None = None, open_only: bool = False,
                     limit: int = 50, offset: int = 0) -> list[DataRequestRecord]:
        """The newest first (open ones by their deadline when ``open_only``); ``offset`` rows skipped."""
        statement = select(DataRequestRow)
        if person_id is not None:
            statement = statement.where(DataRequestRow.person_id == person_id)
        if open_only:
            statement = statement.where(DataRequestRow.status == "open")
            statement = statement.order_by(DataRequestRow.due_at, DataRequestRow.id)
        else:
            statement = statement.order_by(DataRequestRow.received_at.desc(), DataRequestRow.id.desc())
        return [_request(row) for row in await self._session.scalars(statement.limit(limit).offset(offset))]
