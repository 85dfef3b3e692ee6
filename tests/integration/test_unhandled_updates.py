"""UnhandledUpdates: an update the engine could not read is kept, whole, for inspection."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.records import UnhandledUpdateRecord
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
RAW = json.dumps({"update_id": 5, "message": {"chat": "oops", "text": "héllo \u0000 <b>"}}, ensure_ascii=False)


async def test_a_set_aside_update_is_kept_with_its_raw_json_and_error(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.unhandled.add(5, AT, "aiogram", "ValidationError: message.chat: not an object", RAW)
        await uow.updates.record(5, AT)
        await uow.commit()

    async with uow:
        assert await uow.unhandled.latest() == [
            UnhandledUpdateRecord(5, AT, "aiogram", "ValidationError: message.chat: not an object", RAW)
        ]
        assert await uow.updates.seen(5)
    assert json.loads(RAW)["message"]["text"] == "héllo \x00 <b>"  # the JSON escape survives, as sent


async def test_a_nul_character_in_the_error_text_is_dropped_not_refused(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.unhandled.add(6, AT, "ptb", "KeyError: 'a\x00b'", "{}")
        await uow.commit()

    async with uow:
        [kept] = await uow.unhandled.latest()
    assert kept.error == "KeyError: 'ab'"


async def test_latest_lists_the_most_recent_first_within_the_limit(uow: SqlUnitOfWork) -> None:
    async with uow:
        for update_id, minutes in ((10, 0), (11, 2), (12, 1)):
            await uow.unhandled.add(update_id, AT + timedelta(minutes=minutes), "ptb", "TypeError", "{}")
        await uow.commit()

    async with uow:
        assert [r.update_id for r in await uow.unhandled.latest(limit=2)] == [11, 12]


async def test_setting_the_same_update_aside_twice_fails_with_integrity_error(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.unhandled.add(7, AT, "aiogram", "ValueError", "{}")
        await uow.commit()

    with pytest.raises(IntegrityError):
        async with uow:
            await uow.unhandled.add(7, AT, "aiogram", "ValueError", "{}")
            await uow.commit()
