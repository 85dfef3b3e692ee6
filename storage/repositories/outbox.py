"""Outbound Telegram messages (``outbox``), written in the same transaction as their cause."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.delivery import Priority
from storage.columns import require_aware
from storage.errors import OutboxMessageNotFound
from storage.lease import CHANNEL
from storage.models import OutboxRow
from storage.records import OutboxRecord

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
UNREACHABLE = "unreachable"
"""How ``last_error`` of a row given up because its person blocked the bot (or never started it) begins."""
_TABLE = cast(Table, OutboxRow.__table__)
_INSERT = {
    "sqlite": insert(_TABLE).returning(_TABLE.c.id),
    "postgresql": insert(_TABLE).returning(_TABLE.c.id, sort_by_parameter_order=True),
}
"""Core, built once: one ``INSERT … VALUES (…), (…) RETURNING id`` for all of an update's messages
(docs/benchmarks.md: the ORM's add-and-flush per row cost more than the insert). Ids must ascend in the order
given (a chat's messages are sent by id). SQLite inserts the rows of a VALUES list in order, though RETURNING
may list them in another, hence the sort (``sort_by_parameter_order`` would make SQLAlchemy insert row by row
there); on PostgreSQL ``sort_by_parameter_order`` makes SQLAlchemy insert in order explicitly."""
_IDS_PER_STATEMENT = 500  # bound parameters per UPDATE … WHERE id IN (…); SQLite allows 32766 (999 before 3.32)


@dataclass(frozen=True)
class Queued:
    """One message to queue: its chat, what the notifier needs to send it, its delivery class, and a ``key`` by
    which a later change may cancel it while it has not gone out (:meth:`OutboxRepository.cancel_key`). A row
    with a key that is not due (scheduled, or waiting for a retry) holds up none of its chat's other messages."""

    chat_id: int
    payload: dict[str, Any]
    priority: Priority = Priority.NOTICE
    key: str | None = None


class OutboxRepository:
    """Queue messages and let the notifier take, send, retry or give them up."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, chat_id: int, payload: dict[str, Any], now: datetime, *, not_before: datetime | None = None,
        priority: Priority = Priority.NOTICE,
    ) -> int:
        """Queue a message for ``chat_id``, due at ``not_before`` (default: ``now``); returns its id."""
        return (await self.add_many([(chat_id, payload)], now, not_before=not_before, priority=priority))[0]

    async def add_many(
        self, messages: Sequence[tuple[int, dict[str, Any]]], now: datetime, *, not_before: datetime | None = None,
        key: str | None = None, priority: Priority = Priority.NOTICE,
    ) -> list[int]:
        """Queue ``(chat_id, payload)`` messages of one delivery class in this order, with one statement; returns
        their ids, ascending in the same order (a chat's messages of one class are sent by id, so the order in which
        they were given holds).

        With a ``key`` they are scheduled: sent at ``not_before`` whatever the chat's other messages do (they hold
        nobody up meanwhile) unless :meth:`cancel_key` cancels them first."""
        return await self.queue([Queued(chat, payload, priority, key) for chat, payload in messages], now,
                                not_before=not_before)

    async def queue(self, messages: Sequence[Queued], now: datetime, *, not_before: datetime | None = None
                    ) -> list[int]:
        """Queue messages, each with its own class and key, in this order and with one statement; returns their
        ids, ascending in the same order. A message with a key and a ``not_before`` later than ``now`` is
        scheduled (see :meth:`add_many`); with a key and no ``not_before`` it is due at once, and the key only lets
        a later change cancel it while it has not gone out."""
        if not messages:
            return []
        now = require_aware(now, "now")
        due = require_aware(not_before, "not_before") if not_before else now
        rows = [
            {"chat_id": m.chat_id, "payload": dict(m.payload), "op": m.payload.get("op"), "status": PENDING,
             "attempts": 0, "not_before": due, "created_at": now, "key": m.key, "priority": int(Priority(m.priority))}
            for m in messages
        ]
        dialect = self._session.get_bind().dialect.name
        result = await self._session.execute(_INSERT[dialect], rows)
        ids = sorted(int(row_id) for row_id in result.scalars())
        if dialect == "postgresql":
            # The sender may be another process: it LISTENs (storage/lease.py) and hears this at the commit.
            await self._session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
        return ids

    async def due(self, now: datetime, limit: int = 50) -> list[OutboxRecord]:
        """Pending messages with ``not_before <= now``, oldest id first.

        On PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` until the transaction ends,
        so several notifiers never take the same message; SQLite's write lock does the same.
        """
        now = require_aware(now, "now")
        return await self._records(
            select(OutboxRow).where(OutboxRow.status == PENDING, OutboxRow.not_before <= now), limit
        )

    async def due_heads(self, now: datetime, limit: int = 50) -> list[OutboxRecord]:
        """For each chat, its head — the first pending message by (delivery class, id) — if that one is due;
        in (class, id) order: replies first, then notices, then bulk, each oldest first.

        Sending only heads keeps each chat's messages of one class in order: while a chat's head waits for a
        retry, the ones after it wait too (a reply waiting holds back the chat's bulk; a bulk message waiting
        holds back no reply). A scheduled message (with a key) that is not due yet is no head: it holds up none
        of its chat's other messages. Locking as in :meth:`due`.

        The heads are found with one pass over the pending rows, ranked per chat by the ``(status, chat_id,
        priority, id)`` index, not with a NOT EXISTS per pending row, which was quadratic in the number of pending
        rows (≈ 55 ms at 800 pending rows, 220 ms at 2,000 on SQLite).
        """
        now = require_aware(now, "now")
        ranked = (
            select(OutboxRow.id, func.row_number().over(
                partition_by=OutboxRow.chat_id, order_by=(OutboxRow.priority, OutboxRow.id)).label("rank"))
            .where(OutboxRow.status == PENDING, or_(OutboxRow.key.is_(None), OutboxRow.not_before <= now))
            .subquery("ranked")
        )
        return await self._records(
            select(OutboxRow).join(ranked, OutboxRow.id == ranked.c.id)
            .where(ranked.c.rank == 1, OutboxRow.not_before <= now),
            limit, by_priority=True,
        )

    async def mark_sent(self, outbox_id: int, at: datetime) -> None:
        """The message was delivered at ``at``."""
        await self._update(outbox_id, status=SENT, sent_at=require_aware(at, "at"))

    async def mark_sent_many(self, outbox_ids: Sequence[int], at: datetime) -> None:
        """Several messages were delivered at ``at``: one statement; every id must exist."""
        at = require_aware(at, "at")
        ids = sorted(set(outbox_ids))
        for start in range(0, len(ids), _IDS_PER_STATEMENT):
            chunk = ids[start : start + _IDS_PER_STATEMENT]
            statement = (
                update(OutboxRow)
                .where(OutboxRow.id.in_(chunk))
                .values(status=SENT, sent_at=at)
                .returning(OutboxRow.id)
                .execution_options(synchronize_session=False)
            )
            found = set((await self._session.scalars(statement)).all())
            if len(found) != len(chunk):
                missing = ", ".join(str(i) for i in chunk if i not in found)
                raise OutboxMessageNotFound(f"no outbox message with id {missing}")

    async def reschedule(self, outbox_id: int, not_before: datetime, error: str) -> None:
        """Sending failed but may work later: count the attempt and try again at ``not_before``."""
        await self._update(
            outbox_id,
            not_before=require_aware(not_before, "not_before"),
            last_error=error,
            attempts=OutboxRow.attempts + 1,
        )

    async def mark_failed(self, outbox_id: int, error: str) -> None:
        """Give the message up (e.g. the user blocked the bot); the failed attempt is counted."""
        await self._update(outbox_id, status=FAILED, last_error=error, attempts=OutboxRow.attempts + 1)

    async def cancel_key(self, key: str) -> int:
        """Cancel the messages with ``key`` that have not gone out yet (scheduled, or superseded by a newer one);
        returns how many."""
        return await self.cancel_keys([key])

    async def cancel_keys(self, keys: Sequence[str]) -> int:
        """:meth:`cancel_key` for several keys, with one statement per 500 of them; returns how many."""
        cancelled = 0
        unique = sorted(set(keys))
        for start in range(0, len(unique), _IDS_PER_STATEMENT):
            statement = (
                update(OutboxRow)
                .where(OutboxRow.key.in_(unique[start : start + _IDS_PER_STATEMENT]), OutboxRow.status == PENDING)
                .values(status=CANCELLED)
                .returning(OutboxRow.id)
                .execution_options(synchronize_session=False)
            )
            cancelled += len((await self._session.execute(statement)).all())
        return cancelled

    async def requeue_unreachable(self, chat_id: int, now: datetime, *, within: float = 30 * 86400) -> int:
        """Send again, from ``now``, the messages to ``chat_id`` that were given up because the person could not
        be reached (blocked the bot, never started it) and that ask for it (``payload["resend"]``), from the
        last ``within`` seconds; returns how many. Their order among themselves is kept (they keep their ids)."""
        now = require_aware(now, "now")
        since = now - timedelta(seconds=within)
        statement = select(OutboxRow.id, OutboxRow.payload).where(
            OutboxRow.chat_id == chat_id, OutboxRow.status == FAILED, OutboxRow.created_at >= since,
            OutboxRow.last_error.like(f"{UNREACHABLE}%"))
        ids = [row_id for row_id, payload in await self._session.execute(statement) if (payload or {}).get("resend")]
        if ids:
            await self._session.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids))
                .values(status=PENDING, not_before=now, attempts=0)
                .execution_options(synchronize_session=False))
        return len(ids)

    async def pending_count(self, *, now: datetime | None = None) -> int:
        """How many messages are still waiting to be sent (due or not); with ``now``, leaving out scheduled ones
        that are not due by then (they wait on purpose, e.g. for a comment that may replace them)."""
        statement = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == PENDING)
        if now is not None:
            statement = statement.where(or_(OutboxRow.key.is_(None), OutboxRow.not_before <= require_aware(now)))
        return (await self._session.execute(statement)).scalar_one()

    async def _records(self, statement: Select[OutboxRow], limit: int, *, by_priority: bool = False
                       ) -> list[OutboxRecord]:
        statement = (
            statement.order_by(*((OutboxRow.priority, OutboxRow.id) if by_priority else (OutboxRow.id,)))
            .limit(limit)
            .with_for_update(skip_locked=True, of=OutboxRow)  # OF: never the ranked subquery of due_heads
            .execution_options(populate_existing=True)
        )
        return [
            OutboxRecord(
                id=row.id,
                chat_id=row.chat_id,
                payload=dict(row.payload),
                attempts=row.attempts,
                not_before=row.not_before,
                created_at=row.created_at,
                priority=row.priority,
            )
            for row in await self._session.scalars(statement)
        ]

    async def _update(self, outbox_id: int, **values: Any) -> None:
        statement = (
            update(OutboxRow)
            .where(OutboxRow.id == outbox_id)
            .values(**values)
            .returning(OutboxRow.id)
            .execution_options(synchronize_session=False)
        )
        if (await self._session.execute(statement)).scalar_one_or_none() is None:
            raise OutboxMessageNotFound(f"no outbox message with id {outbox_id}")
