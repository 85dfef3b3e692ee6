"""storage/sqlite_driver.py: aiosqlite with one crossing to its thread per statement, behind SQLAlchemy."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.database import SQLITE_BUSY_TIMEOUT_MS, make_engine
from storage.sqlite_driver import OneHopConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with made.begin() as connection:
        await connection.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"))
    yield made
    await made.dispose()


async def driver(connection: AsyncConnection) -> OneHopConnection:
    raw = await connection.get_raw_connection()
    assert isinstance(raw.driver_connection, OneHopConnection)
    return raw.driver_connection


async def test_each_statement_crosses_to_the_thread_once(engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    async with engine.begin() as connection:
        crossings: list[Any] = []
        real = OneHopConnection.on_thread

        async def counted(self: OneHopConnection, fn: Any, *args: Any) -> Any:
            crossings.append(args[0])
            return await real(self, fn, *args)

        await driver(connection)
        monkeypatch.setattr(OneHopConnection, "on_thread", counted)
        inserted = await connection.execute(text("INSERT INTO item (name) VALUES ('a') RETURNING id"))
        assert inserted.scalar_one() == 1
        rows = (await connection.execute(text("SELECT id, name FROM item ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a")]
        assert len(crossings) == 2  # aiosqlite's own cursor made 4 crossings for each: cursor, execute, fetch, close


async def test_results_counts_and_last_row_id_are_those_of_sqlite3(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES (:name)"), [{"name": n} for n in "bcd"])
        plain = await connection.execute(text("INSERT INTO item (name) VALUES ('e')"))
        assert plain.lastrowid == 4
        changed = await connection.execute(text("UPDATE item SET name = name || '!' WHERE id <= 2"))
        assert changed.rowcount == 2
        rows = (await connection.execute(text("SELECT name FROM item ORDER BY id"))).scalars().all()
        assert rows == ["b!", "c!", "d", "e"]
        assert (await connection.execute(text("SELECT name FROM item WHERE id = 99"))).first() is None
        streamed = await connection.stream(text("SELECT id FROM item ORDER BY id"))  # a "server-side" cursor
        assert [row.id async for row in streamed] == [1, 2, 3, 4]


async def test_errors_are_sqlite3s_and_the_connection_stays_usable(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES ('x')"))
        with pytest.raises(IntegrityError) as refused:
            await connection.execute(text("INSERT INTO item (name) VALUES ('x')"))
        assert isinstance(refused.value.orig, sqlite3.IntegrityError)
        await connection.rollback()
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM missing"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0  # rolled back


async def test_the_engines_connection_settings_still_apply(engine: AsyncEngine, tmp_path: Path) -> None:
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one() == SQLITE_BUSY_TIMEOUT_MS
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    # URL options reach sqlite3.connect as before: a read-only URI refuses writes
    read_only = make_engine(f"sqlite+aiosqlite:///file:{tmp_path / 'driver.db'}?mode=ro&uri=true")
    try:
        async with read_only.connect() as connection:
            await driver(connection)
            assert (await connection.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
            with pytest.raises(OperationalError, match="readonly"):
                await connection.execute(text("INSERT INTO item (name) VALUES ('y')"))
    finally:
        await read_only.dispose()
