"""DialogRepository: one conversation state per chat, surviving the session that wrote it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from storage.records import DialogRecord
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
TELEGRAM_CHAT = 5_123_456_789  # above 2**31: needs BIGINT


def dialog(**changes: object) -> DialogRecord:
    record = DialogRecord(
        chat_id=TELEGRAM_CHAT,
        user_id=TELEGRAM_CHAT,
        dialog="file_ticket",
        state="ask_service",
        data={"kind": "complaint", "attachments": [{"file_id": "x"}], "count": 2},
        updated_at=AT,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


async def test_a_stored_dialog_is_read_back_as_it_was(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.dialogs.put(dialog())
        await uow.commit()

    async with uow:
        assert await uow.dialogs.get(TELEGRAM_CHAT) == dialog()


async def test_putting_again_replaces_the_chats_dialog(uow: SqlUnitOfWork) -> None:
    moved = dialog(state="ask_description", data={"kind": "complaint"}, updated_at=AT + timedelta(minutes=1))
    async with uow:
        await uow.dialogs.put(dialog())
        await uow.commit()
    async with uow:
        assert await uow.dialogs.get(TELEGRAM_CHAT) == dialog()
        await uow.dialogs.put(moved)
        assert await uow.dialogs.get(TELEGRAM_CHAT) == moved
        await uow.commit()

    async with uow:
        assert await uow.dialogs.get(TELEGRAM_CHAT) == moved


async def test_a_deleted_dialog_is_gone_and_deleting_nothing_is_fine(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.dialogs.put(dialog())
        await uow.dialogs.put(dialog(chat_id=1, user_id=1))
        await uow.commit()
    async with uow:
        await uow.dialogs.delete(TELEGRAM_CHAT)
        await uow.dialogs.delete(123)
        await uow.commit()

    async with uow:
        assert await uow.dialogs.get(TELEGRAM_CHAT) is None
        assert await uow.dialogs.get(1) is not None
