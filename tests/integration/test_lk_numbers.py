"""LK numbers: LK-/PRG-YYYY-NNN, sequential per kind and WIB year, never duplicated."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import NumberCounterRow
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork

NOON_2026 = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)


def lk(kind: str, prepared_by: int, created_at: datetime = NOON_2026) -> NewLk:
    return NewLk(kind, "library", "SOP Perpustakaan 4.2", "Reading room closes early.", "Roster gap.", prepared_by,
                 created_at)


async def a_preparer(uow: SqlUnitOfWork) -> int:
    async with uow:
        person = await uow.persons.ensure_telegram(1, "Rina")
        await uow.commit()
    return person.id


async def test_thirty_concurrent_creations_get_unique_sequential_numbers_per_kind(
    uow: SqlUnitOfWork, new_uow: Callable[[], SqlUnitOfWork]
) -> None:
    officer = await a_preparer(uow)

    async def create_both() -> tuple[str, str]:
        async with new_uow() as task_uow:
            report = await task_uow.lks.add(lk("nonconformity", officer))
            programme = await task_uow.lks.add(lk("improvement", officer))
            await task_uow.commit()
            return report.number, programme.number

    numbers = await asyncio.gather(*(create_both() for _ in range(30)))

    assert sorted(n for n, _ in numbers) == [f"LK-2026-{n:03d}" for n in range(1, 31)]
    assert sorted(p for _, p in numbers) == [f"PRG-2026-{n:03d}" for n in range(1, 31)]


async def test_tickets_filed_in_between_do_not_take_lk_numbers(uow: SqlUnitOfWork) -> None:
    officer = await a_preparer(uow)
    async with uow:
        first = await uow.lks.add(lk("nonconformity", officer))
        ticket = await uow.tickets.add(
            NewTicket("complaint", "letter", None, "library", None, "Closed early.", None, {}, (), True, "received",
                      NOON_2026)
        )
        second = await uow.lks.add(lk("nonconformity", officer))
        await uow.commit()

    assert (first.number, ticket.number, second.number) == ("LK-2026-001", "KEL-2026-00001", "LK-2026-002")


async def test_the_year_is_the_year_in_jakarta_and_each_year_starts_at_one(uow: SqlUnitOfWork) -> None:
    officer = await a_preparer(uow)
    async with uow:
        numbers = [
            (await uow.lks.add(lk("nonconformity", officer, at))).number
            for at in (
                datetime(2026, 12, 31, 16, 59, tzinfo=UTC),
                datetime(2026, 12, 31, 17, 30, tzinfo=UTC),  # already 1 January 2027 in WIB
                datetime(2026, 3, 1, tzinfo=UTC),
            )
        ]
        await uow.commit()

    assert numbers == ["LK-2026-001", "LK-2027-001", "LK-2026-002"]


async def test_numbers_grow_past_three_digits(
    uow: SqlUnitOfWork, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    officer = await a_preparer(uow)
    async with uow:
        await uow.lks.add(lk("improvement", officer))
        await uow.commit()
    async with session_factory() as session:
        await session.execute(
            update(NumberCounterRow)
            .where(NumberCounterRow.series == "PRG", NumberCounterRow.year == 2026)
            .values(last_value=999)
        )
        await session.commit()

    async with uow:
        thousandth = await uow.lks.add(lk("improvement", officer))
        await uow.commit()

    assert thousandth.number == "PRG-2026-1000"


async def test_a_rolled_back_creation_leaves_no_gap(uow: SqlUnitOfWork) -> None:
    officer = await a_preparer(uow)
    async with uow:
        abandoned = await uow.lks.add(lk("nonconformity", officer))
    async with uow:
        kept = await uow.lks.add(lk("nonconformity", officer))
        await uow.commit()

    assert abandoned.number == kept.number == "LK-2026-001"
