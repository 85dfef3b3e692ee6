"""SqlUnitOfWork: one transaction per block; nothing is kept unless committed."""

from __future__ import annotations

import pytest

from storage.errors import UnitOfWorkAlreadyActive, UnitOfWorkNotActive
from storage.uow import SqlUnitOfWork, UnitOfWork


async def test_leaving_the_block_without_commit_rolls_back(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.persons.ensure_telegram(42, "Siti")

    async with uow:
        assert await uow.persons.get_by_telegram_id(42) is None


async def test_an_exception_in_the_block_rolls_back_and_propagates(uow: SqlUnitOfWork) -> None:
    with pytest.raises(ZeroDivisionError):
        async with uow:
            await uow.persons.ensure_telegram(42, "Siti")
            _ = 1 / 0

    async with uow:
        assert await uow.persons.get_by_telegram_id(42) is None


async def test_committed_work_is_kept_and_later_work_in_the_block_is_not(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.persons.ensure_telegram(1, "Siti")
        await uow.commit()
        await uow.persons.ensure_telegram(2, "Budi")

    async with uow:
        assert await uow.persons.get_by_telegram_id(1) is not None
        assert await uow.persons.get_by_telegram_id(2) is None


async def test_explicit_rollback_discards_work_so_far(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.persons.ensure_telegram(1, "Siti")
        await uow.rollback()
        await uow.persons.ensure_telegram(2, "Budi")
        await uow.commit()

    async with uow:
        assert await uow.persons.get_by_telegram_id(1) is None
        assert await uow.persons.get_by_telegram_id(2) is not None


async def test_repositories_and_commit_are_refused_outside_the_block(uow: SqlUnitOfWork) -> None:
    with pytest.raises(UnitOfWorkNotActive):
        _ = uow.tickets
    with pytest.raises(UnitOfWorkNotActive):
        await uow.commit()


async def test_entering_an_open_unit_of_work_again_is_refused(uow: SqlUnitOfWork) -> None:
    async with uow:
        with pytest.raises(UnitOfWorkAlreadyActive):
            async with uow:
                pass


def test_the_sql_unit_of_work_satisfies_the_protocol(uow: SqlUnitOfWork) -> None:
    typed: UnitOfWork = uow  # checked by mypy
    assert typed is uow
