"""Ticket numbers: KEL-/SAR-YYYY-NNNNN, sequential per kind and WIB year, never duplicated."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from storage.records import NewTicket
from storage.uow import SqlUnitOfWork


def ticket(kind: str, created_at: datetime) -> NewTicket:
    return NewTicket(
        kind=kind,
        channel="telegram",
        person_id=None,
        service_code="library",
        service_other=None,
        description="The reading room closes early.",
        occurred_on=None,
        answers={},
        attachments=(),
        anonymous=True,
        status="received",
        created_at=created_at,
    )


NOON_2026 = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)


async def test_fifty_concurrent_filings_get_unique_contiguous_numbers_per_kind(
    new_uow: Callable[[], SqlUnitOfWork],
) -> None:
    async def file_both() -> tuple[str, str]:
        async with new_uow() as uow:
            complaint = await uow.tickets.add(ticket("complaint", NOON_2026))
            suggestion = await uow.tickets.add(ticket("suggestion", NOON_2026))
            await uow.commit()
            return complaint.number, suggestion.number

    numbers = await asyncio.gather(*(file_both() for _ in range(50)))

    assert sorted(c for c, _ in numbers) == [f"KEL-2026-{n:05d}" for n in range(1, 51)]
    assert sorted(s for _, s in numbers) == [f"SAR-2026-{n:05d}" for n in range(1, 51)]


async def test_the_year_is_the_year_in_jakarta(uow: SqlUnitOfWork) -> None:
    async with uow:
        before = await uow.tickets.add(ticket("complaint", datetime(2026, 12, 31, 16, 59, tzinfo=UTC)))
        new_year_in_wib = await uow.tickets.add(
            ticket("complaint", datetime(2026, 12, 31, 17, 30, tzinfo=UTC))
        )
        await uow.commit()

    assert before.number == "KEL-2026-00001"
    assert new_year_in_wib.number == "KEL-2027-00001"


async def test_each_year_starts_again_at_one(uow: SqlUnitOfWork) -> None:
    async with uow:
        numbers = [
            (await uow.tickets.add(ticket("suggestion", datetime(year, 3, 1, tzinfo=UTC)))).number
            for year in (2026, 2026, 2027, 2026)
        ]
        await uow.commit()

    assert numbers == ["SAR-2026-00001", "SAR-2026-00002", "SAR-2027-00001", "SAR-2026-00003"]


async def test_a_rolled_back_filing_leaves_no_gap(uow: SqlUnitOfWork) -> None:
    async with uow:
        abandoned = await uow.tickets.add(ticket("complaint", NOON_2026))
    async with uow:
        kept = await uow.tickets.add(ticket("complaint", NOON_2026))
        await uow.commit()
    async with uow:
        assert await uow.tickets.get_by_number(abandoned.number) == kept

    assert abandoned.number == kept.number == "KEL-2026-00001"
