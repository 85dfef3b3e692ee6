"""SQLite zeroes what is deleted (``PRAGMA secure_delete``, set on every connection by storage/database.py): an
erasure must not leave the name in the file's free space. This machine's SQLite is compiled with SECURE_DELETE on,
so the test holds here without the pragma too; the pragma makes it hold where a build is not (the property is what
is checked, on the engine the bot uses)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import make_engine

SECRET = "Zulkarnain Wibisono 0812-3456-7890"


async def noted(engine: AsyncEngine) -> None:
    """A table with the secret in one row and something kept in another."""
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
        await connection.execute(text("INSERT INTO note (body) VALUES (:a), (:b)"), {"a": SECRET, "b": "kept " * 20})


async def test_a_deleted_row_leaves_nothing_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "erase.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await noted(engine)
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM note WHERE body = :a"), {"a": SECRET})
    finally:
        await engine.dispose()
    with contextlib.closing(sqlite3.connect(path)) as raw:  # the WAL's pages into the file, the WAL emptied
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = await asyncio.to_thread(path.read_bytes)
    assert b"kept kept" in data and SECRET.encode() not in data


async def test_after_an_erasure_the_write_ahead_log_keeps_no_old_version_of_the_page(tmp_path: Path) -> None:
    """Found in a walk of issue 15: after /forget the name was gone from the tables but still in ``<db>-wal``, in
    the frames holding the page as it was. ``settle_erasure`` (called after an erasure's commit) checkpoints the log
    into the file and truncates it."""
    from storage.database import make_session_factory
    from storage.uow import SqlUnitOfWork

    path = tmp_path / "erase.db"
    wal = tmp_path / "erase.db-wal"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await noted(engine)
        uow = SqlUnitOfWork(make_session_factory(engine))
        async with engine.begin() as connection:  # the erasure rewrites the row
            await connection.execute(text("UPDATE note SET body = '[…]' WHERE body = :a"), {"a": SECRET})
        assert SECRET.encode() in await asyncio.to_thread(wal.read_bytes)  # the page as it was, in an older frame
        async with uow:
            await uow.settle_erasure()
        assert await asyncio.to_thread(wal.read_bytes) == b""
        async with engine.connect() as connection:  # the bot goes on: nothing lost
            bodies = sorted((await connection.execute(text("SELECT body FROM note"))).scalars())
        assert bodies == ["[…]", "kept " * 20]
    finally:
        await engine.dispose()
    data = await asyncio.to_thread(path.read_bytes)
    assert SECRET.encode() not in data and b"kept kept" in data


async def test_a_checkpoint_another_process_holds_up_is_left_for_the_next_pass_and_nothing_waits_long(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Review: a reader on an older snapshot (a backup, the register's child process) keeps the log's frames; the
    checkpoint then waits only briefly (not the 2 s every reply would queue behind), says so in the log, and the
    next retention pass (``erased=False``) empties the log once the reader is gone."""
    from storage.database import make_session_factory
    from storage.uow import SqlUnitOfWork

    path = tmp_path / "erase.db"
    wal = tmp_path / "erase.db-wal"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    reader = sqlite3.connect(str(path), isolation_level=None)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)"))
            await connection.execute(text("INSERT INTO note (body) VALUES (:a)"), {"a": SECRET})
        reader.execute("BEGIN")
        assert reader.execute("SELECT body FROM note").fetchone() == (SECRET,)  # its snapshot holds the old frames
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE note SET body = '[…]'"))
        uow = SqlUnitOfWork(make_session_factory(engine))
        with caplog.at_level(logging.WARNING, logger="storage.uow"):
            assert await uow.settle_erasure() is False
        assert "could not be emptied" in caplog.text
        assert SECRET.encode() in await asyncio.to_thread(wal.read_bytes)
        async with engine.begin() as connection:  # the bot goes on writing meanwhile
            await connection.execute(text("INSERT INTO note (body) VALUES ('next')"))
        reader.execute("COMMIT")
        assert await uow.settle_erasure(erased=False) is True  # the next pass
        assert await asyncio.to_thread(wal.read_bytes) == b""
        assert await uow.settle_erasure(erased=False) is True  # settled: nothing to do
    finally:
        reader.close()
        await engine.dispose()
    assert SECRET.encode() not in await asyncio.to_thread(path.read_bytes)
