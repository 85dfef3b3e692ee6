"""Conversation state per chat (``dialog_state``), so dialogs survive restarts and span processes."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import DialogStateRow
from storage.records import DialogRecord
from storage.repositories._sql import upsert

_TABLE = cast(Table, DialogStateRow.__table__)
_GET = select(_TABLE).where(_TABLE.c.chat_id == bindparam("chat_id"))
"""Core, built once: a plain row, no ORM object to track (this runs for every message and button press)."""


class DialogRepository:
    """One dialog state per chat; ``put`` replaces whatever was there."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chat_id: int) -> DialogRecord | None:
        row = (await self._session.execute(_GET, {"chat_id": chat_id})).one_or_none()
        if row is None:
            return None
        return DialogRecord(
            chat_id=row.chat_id,
            user_id=row.user_id,
            dialog=row.dialog,
            state=row.state,
            data=dict(row.data),
            updated_at=row.updated_at,
        )

    async def put(self, record: DialogRecord) -> None:
        """Insert or replace the chat's dialog state (``data`` must be JSON-serialisable)."""
        values = {
            "chat_id": record.chat_id,
            "user_id": record.user_id,
            "dialog": record.dialog,
            "state": record.state,
            "data": dict(record.data),
            "updated_at": require_aware(record.updated_at, "updated_at"),
        }
        await upsert(self._session, DialogStateRow, values, ["chat_id"])

    async def delete(self, chat_id: int) -> None:
        """Forget the chat's dialog state (nothing happens if there is none)."""
        await self._session.execute(
            delete(DialogStateRow)
            .where(DialogStateRow.chat_id == chat_id)
            .execution_options(synchronize_session=False)
        )
