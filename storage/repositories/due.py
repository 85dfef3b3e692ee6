"""What the due-work engine asks of storage (SOP step f): the notices already issued, by key, and the facts that
make a notice due — late tickets, unread messages, unrated conclusions, actions due, LKs waiting — each an index
range with a limit, so one pass costs the same over a thousand tickets as over a million.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.vocabulary import ACTIVE, RATEABLE, LkStatus
from storage.columns import require_aware
from storage.models import DueNoticeRow, DuePassRow, ExtensionRequestRow, LkActionRow, LkRow, TicketRow
from storage.records import DueAction, DueLk, DuePass, DueTicket, ExtensionRequest, TicketRecord
from storage.repositories._sql import insert_or_ignore, upsert
from storage.repositories._ticket_rows import ticket_record

_KEYS_PER_STATEMENT = 5000
_DUE_TICKET = select(TicketRow.id, TicketRow.number, TicketRow.person_id, TicketRow.assigned_to, TicketRow.service_code,
                     TicketRow.status, TicketRow.due_step, TicketRow.due_on, TicketRow.unread_since,
                     TicketRow.resolved_at)
"""The columns of :class:`DueTicket`, in its order: plain rows, no ORM objects (a pass reads thousands)."""
ACTIVE_STATUSES = tuple(sorted(ACTIVE))
RATEABLE_STATUSES = tuple(sorted(RATEABLE))


class DueRepository:
    """Issued notices and the facts behind them, within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- issued notices ------------------------------------------------------------------------------------
    async def issued(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` were issued already."""
        wanted = sorted(set(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), _KEYS_PER_STATEMENT):
            chunk = wanted[start: start + _KEYS_PER_STATEMENT]
            found.update(await self._session.scalars(select(DueNoticeRow.key).where(DueNoticeRow.key.in_(chunk))))
        return found

    async def issue(self, key: str, kind: str, chat_id: int | None, at: datetime) -> bool:
        """Record a notice as issued; False when it already was (another process got there first)."""
        values = {"key": key, "kind": kind, "chat_id": chat_id, "issued_at": require_aware(at, "at")}
        return await insert_or_ignore(self._session, DueNoticeRow, values, ["key"])

    async def forget(self, key: str) -> None:
        """Un-record a notice issued in this transaction that found nothing to say."""
        await self._session.execute(delete(DueNoticeRow).where(DueNoticeRow.key == key))

    async def issued_since(self, at: datetime) -> int:
        """How many notices were issued since ``at`` (operations, tests)."""
        statement = select(func.count()).select_from(DueNoticeRow).where(DueNoticeRow.issued_at >= require_aware(at))
        return int(await self._session.scalar(statement) or 0)

    async def record_pass(self, at: datetime, issued: int, messages: int) -> None:
        """Remember the engine's latest pass: the moment it was for and what it issued."""
        values = {"name": "engine", "at": require_aware(at, "at"), "issued": issued, "messages": messages}
        await upsert(self._session, DuePassRow, values, ["name"])

    async def last_pass(self) -> DuePass | None:
        row = await self._session.get(DuePassRow, "engine", populate_existing=True)
        return DuePass(row.at, row.issued, row.messages) if row is not None else None

    # --- the facts -----------------------------------------------------------------------------------------
    async def late_tickets(self, before: date, limit: int) -> list[DueTicket]:
        """Tickets whose current step's deadline is before ``before`` (late from that day), earliest first."""
        statement = (
            _DUE_TICKET.where(TicketRow.due_on < before, TicketRow.status.in_(ACTIVE_STATUSES))
            .order_by(TicketRow.due_on, TicketRow.id).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def without_deadline(self, limit: int) -> list[TicketRecord]:
        """Active tickets with no deadline yet (filed before deadlines were kept): the engine gives them one."""
        statement = (
            select(TicketRow).where(TicketRow.due_step.is_(None), TicketRow.status.in_(ACTIVE_STATUSES))
            .order_by(TicketRow.id).limit(limit)
            .options(selectinload(TicketRow.attachments)).execution_options(populate_existing=True)
        )
        return [ticket_record(row) for row in await self._session.scalars(statement)]

    async def unread_before(self, at: datetime, limit: int) -> list[DueTicket]:
        """Active tickets with a message of the complainant unread since before ``at``."""
        statement = (
            _DUE_TICKET.where(TicketRow.unread_since < require_aware(at), TicketRow.status.in_(ACTIVE_STATUSES))
            .order_by(TicketRow.unread_since, TicketRow.id).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def unrated_before(self, at: datetime, limit: int) -> list[DueTicket]:
        """Concluded tickets waiting for their rating since before ``at`` (the response given then)."""
        statement = (
            _DUE_TICKET.where(TicketRow.status.in_(RATEABLE_STATUSES), TicketRow.resolved_at < require_aware(at),
                              TicketRow.rating.is_(None))
            .order_by(TicketRow.resolved_at, TicketRow.id).limit(limit)
        )
        return [_due_ticket(row) for row in await self._session.execute(statement)]

    async def actions_due_by(self, day: date, limit: int) -> list[DueAction]:
        """Open actions due on or before ``day`` of an LK whose programme runs (approved, in progress: a draft or an
        LK still waiting for its check or approval binds nobody yet), with what is needed of their LK, earliest
        first."""
        statement = (
            select(LkActionRow.id, LkActionRow.due_on, LkActionRow.owner_person_id, LkRow.status, LkRow.prepared_by,
                   LkRow.checked_by, LkRow.approved_by)
            .join(LkRow, LkRow.id == LkActionRow.lk_id)
            .where(LkActionRow.status == "open", LkActionRow.due_on <= day, LkRow.status == LkStatus.IN_PROGRESS)
            .order_by(LkActionRow.due_on, LkActionRow.id).limit(limit)
        )
        return [DueAction(*row) for row in await self._session.execute(statement)]

    async def lks_waiting(self, statuses: Sequence[str], since_before: datetime, limit: int) -> list[DueLk]:
        """LKs in one of ``statuses`` since before ``since_before`` (their last change), oldest first."""
        statement = (
            select(LkRow.id, LkRow.status, LkRow.updated_at)
            .where(LkRow.status.in_(list(statuses)), LkRow.updated_at < require_aware(since_before))
            .order_by(LkRow.updated_at, LkRow.id).limit(limit)
        )
        return [DueLk(*row) for row in await self._session.execute(statement)]

    async def previous_issued(self, key: str) -> datetime | None:
        """When the notice of ``key``'s series issued last before it went (None: never). A series' keys share all
        but their last part, an ISO day (``digest:group:2027-01-15``), so they sort in time: one step back along
        the primary key."""
        series = key.rsplit(":", 1)[0] + ":"
        statement = (
            select(DueNoticeRow.issued_at)
            .where(DueNoticeRow.key.startswith(series, autoescape=True), DueNoticeRow.key < key)
            .order_by(DueNoticeRow.key.desc()).limit(1)
        )
        return await self._session.scalar(statement)

    async def count_new_since(self, at: datetime) -> int:
        statement = select(func.count()).select_from(TicketRow).where(TicketRow.created_at >= require_aware(at))
        return int(await self._session.scalar(statement) or 0)

    # --- extensions ----------------------------------------------------------------------------------------
    async def add_extension(self, action_id: int, requested_by: int, old_due: date, new_due: date, reason: str,
                            at: datetime) -> ExtensionRequest:
        row = ExtensionRequestRow(action_id=action_id, requested_by=requested_by, old_due=old_due, new_due=new_due,
                                  reason=reason, status="pending", requested_at=require_aware(at))
        self._session.add(row)
        await self._session.flush()
        return _extension(row)

    async def extension(self, request_id: int) -> ExtensionRequest | None:
        row = await self._session.get(ExtensionRequestRow, request_id, populate_existing=True)
        return _extension(row) if row is not None else None

    async def extensions_of(self, action_id: int) -> list[ExtensionRequest]:
        statement = select(ExtensionRequestRow).where(ExtensionRequestRow.action_id == action_id).order_by(
            ExtensionRequestRow.id)
        return [_extension(row) for row in await self._session.scalars(statement)]

    async def decide_extension(self, request_id: int, status: str, by: int, at: datetime) -> ExtensionRequest | None:
        """Grant or refuse a pending request; None when it was decided already (the first decision stands)."""
        statement = select(ExtensionRequestRow).where(ExtensionRequestRow.id == request_id).with_for_update()
        row = (await self._session.scalars(statement.execution_options(populate_existing=True))).one_or_none()
        if row is None or row.status != "pending":
            return None
        row.status, row.decided_by, row.decided_at = status, by, require_aware(at)
        await self._session.flush()
        return _extension(row)


def _due_ticket(row: Sequence[Any]) -> DueTicket:
    return DueTicket(*row)


def _extension(row: ExtensionRequestRow) -> ExtensionRequest:
    return ExtensionRequest(row.id, row.action_id, row.requested_by, row.old_due, row.new_due, row.reason, row.status,
                            row.requested_at, row.decided_by, row.decided_at)
