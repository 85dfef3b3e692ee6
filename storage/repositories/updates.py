"""Telegram updates already handled (``processed_update``): at most once per ``update_id``."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import ProcessedUpdateRow

_TABLE = cast(Table, ProcessedUpdateRow.__table__)
_SEEN = select(_TABLE.c.update_id).where(_TABLE.c.update_id == bindparam("update_id"))
_RECORD = insert(_TABLE)
"""Built once (every update runs both): building a statement costs more CPU than running it."""


class UpdateLog:
    """Record update ids in the same transaction as the update's effects.

    Use: ``if await uow.updates.seen(u): return`` … handle … ``await uow.updates.record(u, now)``,
    then commit. If another process handles the same update concurrently, one of the two
    transactions fails with ``sqlalchemy.exc.IntegrityError`` (raised by :meth:`record` or by the
    commit) and rolls back, so its effects never become visible.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def seen(self, update_id: int) -> bool:
        return (await self._session.execute(_SEEN, {"update_id": update_id})).first() is not None

    async def record(self, update_id: int, at: datetime) -> None:
        """Mark ``update_id`` processed; a plain INSERT, so a duplicate raises ``IntegrityError``."""
        at = require_aware(at, "at")
        await self._session.execute(_RECORD, {"update_id": update_id, "processed_at": at})

    async def prune(self, before: datetime) -> int:
        """Forget updates processed before ``before``; returns how many (Telegram re-sends for 24 h)."""
        before = require_aware(before, "before")
        result = await self._session.execute(
            delete(ProcessedUpdateRow)
            .where(ProcessedUpdateRow.processed_at < before)
            .execution_options(synchronize_session=False)
        )
        assert isinstance(result, CursorResult)
        return result.rowcount
