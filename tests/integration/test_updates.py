"""UpdateLog: each Telegram update is processed at most once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.uow import SqlUnitOfWork

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


async def test_a_recorded_update_is_seen_after_commit(uow: SqlUnitOfWork) -> None:
    async with uow:
        assert not await uow.updates.seen(900_000_001)
        await uow.updates.record(900_000_001, AT)
        await uow.commit()

    async with uow:
        assert await uow.updates.seen(900_000_001)
        assert not await uow.updates.seen(900_000_002)


async def test_an_update_recorded_in_a_rolled_back_transaction_is_not_seen(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.updates.record(7, AT)

    async with uow:
        assert not await uow.updates.seen(7)


async def test_recording_an_update_twice_fails_with_integrity_error(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.updates.record(7, AT)
        await uow.commit()

    with pytest.raises(IntegrityError):
        async with uow:
            await uow.updates.record(7, AT)
            await uow.commit()


async def test_pruning_forgets_only_older_updates(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.updates.record(1, AT - timedelta(days=2))
        await uow.updates.record(2, AT)
        await uow.commit()
    async with uow:
        assert await uow.updates.prune(AT - timedelta(days=1)) == 1
        await uow.commit()

    async with uow:
        assert (await uow.updates.seen(1), await uow.updates.seen(2)) == (False, True)
