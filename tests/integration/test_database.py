"""make_engine: SQLite file settings, concurrent writers, and UTC datetimes on every backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.database import SQLITE_BUSY_TIMEOUT_MS, make_engine, make_session_factory, normalise_url
from storage.errors import NaiveDatetime
from storage.models import ProcessedUpdateRow
from storage.uow import SqlUnitOfWork

WIB = timezone(timedelta(hours=7))


async def test_sqlite_engine_creates_the_folder_and_uses_wal_busy_timeout_and_foreign_keys(
    tmp_path: Path,
) -> None:
    database = tmp_path / "deep" / "er" / "tanggap.sqlite3"
    engine = make_engine(f"sqlite+aiosqlite:///{database}")
    try:
        async with engine.connect() as connection:
            journal = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
            busy = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
            foreign_keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
    finally:
        await engine.dispose()

    assert database.exists()
    assert (journal, busy, foreign_keys) == ("wal", SQLITE_BUSY_TIMEOUT_MS, 1)


async def test_sqlite_rejects_a_ticket_for_a_person_that_does_not_exist(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(Exception, match="FOREIGN KEY"):
                await connection.execute(
                    text(
                        "INSERT INTO ticket_event (ticket_id, at, to_status) "
                        "VALUES (999, '2026-01-01 00:00:00.000000', 'received')"
                    )
                )
    finally:
        await engine.dispose()


def test_bare_urls_get_their_asyncio_driver() -> None:
    assert normalise_url("sqlite:///x.db").drivername == "sqlite+aiosqlite"
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+asyncpg"
    assert normalise_url("sqlite+aiosqlite:///x.db").drivername == "sqlite+aiosqlite"


async def test_concurrent_read_then_write_transactions_queue_instead_of_failing(sqlite_url: str) -> None:
    # With a deferred BEGIN, transactions that read and then write cannot upgrade their stale
    # WAL snapshot once another has committed, and fail at once with "database is locked".
    engine = make_engine(sqlite_url)
    factory = make_session_factory(engine)

    async def read_then_write(update_id: int) -> None:
        async with factory() as session:
            await session.execute(select(ProcessedUpdateRow))
            await asyncio.sleep(0.05)
            session.add(ProcessedUpdateRow(update_id=update_id, processed_at=datetime.now(UTC)))
            await session.commit()

    try:
        await asyncio.gather(*(read_then_write(i) for i in range(5)))
        async with factory() as session:
            count = len((await session.scalars(select(ProcessedUpdateRow))).all())
    finally:
        await engine.dispose()

    assert count == 5


async def test_aware_datetimes_come_back_equal_and_in_utc(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    at = datetime(2026, 3, 1, 10, 0, 0, 123456, tzinfo=WIB)
    async with session_factory() as session:
        session.add(ProcessedUpdateRow(update_id=1, processed_at=at))
        await session.commit()

    async with session_factory() as session:
        stored = (await session.scalars(select(ProcessedUpdateRow.processed_at))).one()

    assert stored == at
    assert stored.tzinfo is UTC
    assert stored.hour == 3


async def test_naive_datetimes_are_refused(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        session.add(ProcessedUpdateRow(update_id=1, processed_at=datetime(2026, 3, 1, 10, 0)))
        with pytest.raises(StatementError) as raised:
            await session.flush()

    assert isinstance(raised.value.orig, NaiveDatetime)


async def test_repositories_refuse_naive_datetimes_directly(uow: SqlUnitOfWork) -> None:
    async with uow:
        with pytest.raises(NaiveDatetime):
            await uow.updates.record(1, datetime(2026, 3, 1, 10, 0))
