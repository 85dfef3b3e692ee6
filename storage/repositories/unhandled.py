"""Telegram updates the engine could not read (``unhandled_update``), kept for inspection.

Such an update is recorded here and in ``processed_update`` in one transaction: it is then confirmed to Telegram
like any other, so it neither stops the bot nor comes back after a restart, and an operator can still read what
arrived (``raw``) and why it was refused (``error``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import UnhandledUpdateRow
from storage.records import UnhandledUpdateRecord


class UnhandledUpdates:
    """Set-aside updates, by ``update_id``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, update_id: int, received_at: datetime, engine: str, error: str, raw: str) -> None:
        """Keep one update; a plain INSERT, so the same update set aside twice raises ``IntegrityError``.

        U+0000 is dropped from the texts: PostgreSQL cannot store it in text, and a database error would make
        Telegram deliver the update again, for ever (``raw`` is JSON, where it is always escaped anyway)."""
        await self._session.execute(
            insert(UnhandledUpdateRow),
            {
                "update_id": update_id,
                "received_at": require_aware(received_at, "received_at"),
                "engine": engine,
                "error": error.replace("\x00", ""),
                "raw": raw.replace("\x00", ""),
            },
        )

    async def latest(self, limit: int = 20) -> list[UnhandledUpdateRecord]:
        """The most recently set aside first."""
        rows = await self._session.scalars(
            select(UnhandledUpdateRow)
            .order_by(UnhandledUpdateRow.received_at.desc(), UnhandledUpdateRow.update_id.desc())
            .limit(limit)
        )
        return [UnhandledUpdateRecord(r.update_id, r.received_at, r.engine, r.error, r.raw) for r in rows]
