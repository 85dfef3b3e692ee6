"""The archive's book (``archive_item``): which files must be kept outside Telegram, and which are.

The ticket and LK repositories call :func:`pending_item` in the transaction that records a file, so no attachment
or evidence is ever recorded without its row; the fetcher (``bot/archiving.py``) takes the due rows, and marks
each stored or failed in a transaction of its own, after the download."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import ArchiveItemRow
from storage.records import ArchiveItemRecord

PENDING, STORED, FAILED = "pending", "stored", "failed"
FILES_RECORDED = "files_recorded"
"""``session.info`` key set when the transaction booked a file to fetch (the unit of work reports it)."""
TICKET_ATTACHMENT, ACTION_EVIDENCE, DOCUMENT = "ticket_attachment", "action_evidence", "document"


def pending_item(session: AsyncSession, kind: str, file_id: str, file_type: str, mime: str | None, at: datetime, *,
                 ticket_attachment_id: int | None = None, lk_action_id: int | None = None) -> None:
    """Book a file just recorded, in the same session: due at once. A photo is a JPEG as Telegram keeps it."""
    session.info[FILES_RECORDED] = True
    session.add(ArchiveItemRow(kind=kind, file_id=file_id, file_type=file_type,
                          mime="image/jpeg" if file_type == "photo" else mime, status=PENDING, attempts=0,
                          next_try_at=at, created_at=at, ticket_attachment_id=ticket_attachment_id,
                          lk_action_id=lk_action_id))


def archive_record(row: ArchiveItemRow) -> ArchiveItemRecord:
    return ArchiveItemRecord(
        id=row.id, kind=row.kind, file_id=row.file_id, file_type=row.file_type, status=row.status,
        attempts=row.attempts, created_at=row.created_at, ticket_attachment_id=row.ticket_attachment_id,
        lk_action_id=row.lk_action_id, file_unique_id=row.file_unique_id, sha256=row.sha256, size=row.size,
        mime=row.mime, next_try_at=row.next_try_at, last_error=row.last_error, stored_at=row.stored_at,
        cleaned=row.cleaned,
    )  # fmt: skip


class ArchiveRepository:
    """Archive items within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def due(self, now: datetime, limit: int = 20) -> list[ArchiveItemRecord]:
        """Items to fetch now (pending, or failed and due again), the longest waiting first."""
        statement = (select(ArchiveItemRow)
                     .where(ArchiveItemRow.status != STORED, ArchiveItemRow.next_try_at <= require_aware(now))
                     .order_by(ArchiveItemRow.next_try_at, ArchiveItemRow.id).limit(limit)
                     .execution_options(populate_existing=True))
        return [archive_record(row) for row in await self._session.scalars(statement)]

    async def next_due_at(self) -> datetime | None:
        """When the earliest item not stored is due (None: nothing waits)."""
        return await self._session.scalar(
            select(func.min(ArchiveItemRow.next_try_at)).where(ArchiveItemRow.status != STORED))

    async def mark_stored(self, item_id: int, *, sha256: str, size: int, mime: str | None,
                          file_unique_id: str | None, at: datetime, cleaned: bool | None = None) -> None:
        row = await self._session.get(ArchiveItemRow, item_id)
        if row is None:
            return
        row.status, row.sha256, row.size, row.mime = STORED, sha256, size, mime or row.mime
        row.cleaned = cleaned
        row.file_unique_id = file_unique_id or row.file_unique_id
        row.stored_at, row.next_try_at, row.last_error = require_aware(at), None, None
        row.attempts += 1
        await self._session.flush()

    async def mark_failed(self, item_id: int, error: str, next_try_at: datetime | None) -> None:
        """A fetch failed: try again at ``next_try_at`` (None: never by itself, e.g. Telegram refuses the file)."""
        row = await self._session.get(ArchiveItemRow, item_id)
        if row is None or row.status == STORED:
            return
        row.status, row.last_error = FAILED, error[:1000]
        row.next_try_at = require_aware(next_try_at) if next_try_at is not None else None
        row.attempts += 1
        await self._session.flush()

    async def retry_failed(self, now: datetime) -> int:
        """Every failed item is due again now (after an operator fixed the cause); returns how many."""
        rows = list(await self._session.scalars(select(ArchiveItemRow).where(ArchiveItemRow.status == FAILED)))
        for row in rows:
            row.next_try_at = require_aware(now)
        await self._session.flush()
        return len(rows)

    async def add_document(self, sha256: str, size: int, mime: str, at: datetime) -> ArchiveItemRecord:
        """Book a document the bot made and already put in the store (a closed LK's PDF), so it is verified and
        backed up like the evidence."""
        at = require_aware(at)
        row = ArchiveItemRow(kind=DOCUMENT, status=STORED, sha256=sha256, size=size, mime=mime, attempts=0,
                             created_at=at, stored_at=at)
        self._session.add(row)
        await self._session.flush()
        return archive_record(row)

    async def for_attachments(self, attachment_ids: Iterable[int]) -> dict[int, ArchiveItemRecord]:
        """The items of these ticket attachments, by attachment id."""
        ids = list(attachment_ids)
        if not ids:
            return {}
        rows = await self._session.scalars(
            select(ArchiveItemRow).where(ArchiveItemRow.ticket_attachment_id.in_(ids))
            .execution_options(populate_existing=True))
        return {row.ticket_attachment_id: archive_record(row) for row in rows if row.ticket_attachment_id is not None}

    async def for_actions(self, action_ids: Iterable[int]) -> dict[int, ArchiveItemRecord]:
        """The items of these actions' evidence files, by action id."""
        ids = list(action_ids)
        if not ids:
            return {}
        rows = await self._session.scalars(
            select(ArchiveItemRow).where(ArchiveItemRow.lk_action_id.in_(ids))
            .execution_options(populate_existing=True))
        return {row.lk_action_id: archive_record(row) for row in rows if row.lk_action_id is not None}

    async def stored(self, after_id: int = 0, limit: int = 1000) -> list[ArchiveItemRecord]:
        """Stored items by id, ``limit`` at a time after ``after_id`` (``tanggap archive verify`` walks them all)."""
        statement = (select(ArchiveItemRow).where(ArchiveItemRow.status == STORED, ArchiveItemRow.id > after_id)
                     .order_by(ArchiveItemRow.id).limit(limit))
        return [archive_record(row) for row in await self._session.scalars(statement)]

    async def counts(self) -> dict[str, int]:
        """How many items are in each status."""
        rows = await self._session.execute(
            select(ArchiveItemRow.status, func.count()).group_by(ArchiveItemRow.status))
        return {str(status): int(count) for status, count in rows}
