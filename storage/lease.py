"""One outbox sender per database, however many bot processes share it.

Several processes may take updates (webhook mode behind a load balancer), but only one at a time sends
the outbox: that keeps each chat's messages in order, sends each row once, and keeps Telegram's 30
messages/s for the bot as a whole. The primitive is the database's own:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``) held on a dedicated connection.
  If the holder dies, PostgreSQL ends its session and releases the lock, and a waiting process takes over.
  The same connection ``LISTEN``s on :data:`CHANNEL`, on which every transaction that queued outbox rows
  ``NOTIFY``s (delivered at its commit), so the sender hears of replies queued by other processes at once.
- SQLite (one machine): an exclusive ``flock`` on ``<database>.sender.lock``, released by the kernel when
  the process dies.

A lease that loses its connection stops its holder (``lost`` is set) so that two senders never run for
longer than one health check (:data:`CHECK_EVERY`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
CHANNEL = "tanggap_outbox"
LOCK_KEY = 0x7A6E_6761_7000_0001  # "tang..": our advisory lock's key, fixed across versions
CHECK_EVERY = 2.0  # seconds between checks that the lock's connection is alive
CHECK_TIMEOUT = 15.0  # a check slower than this counts as a dead connection (a busy server is not one)
RETRY_EVERY = 2.0  # seconds between attempts of a process waiting to become the sender


class Lease(Protocol):
    def held(self) -> contextlib.AbstractAsyncContextManager[asyncio.Event]:
        """Wait until this process is the sender; the block runs while it is. The event is set when lost."""


class SoleLease:
    """For a database no other process uses (in-memory SQLite, tests): always the sender."""

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[asyncio.Event]:
        yield asyncio.Event()


class FileLease:
    """SQLite: an exclusive lock on a file next to the database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[asyncio.Event]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            announced = False
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not announced:
                        log.warning("another process sends the outbox of this database (%s); waiting", self.path)
                        announced = True
                    await asyncio.sleep(RETRY_EVERY)
            try:
                yield asyncio.Event()  # a kernel lock on our own open file is not lost while we live
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


class PostgresLease:
    """PostgreSQL: an advisory lock and ``LISTEN`` on one dedicated connection; ``on_notify`` wakes the sender."""

    def __init__(self, engine: AsyncEngine, on_notify: Callable[[], None] | None = None) -> None:
        self.engine = engine
        self.on_notify = on_notify

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[asyncio.Event]:
        conn = await self._acquire()
        lost = asyncio.Event()
        watch = asyncio.create_task(self._watch(conn, lost), name="sender lease")
        try:
            yield lost
        finally:
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)
            await _release(conn)

    async def _acquire(self) -> AsyncConnection:
        announced = False
        while True:
            conn: AsyncConnection | None = None
            try:
                conn = await self.engine.connect()
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                got = (await conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY})).scalar()
                if got:
                    await self._listen(conn)
                    log.info("this process sends the outbox")
                    return conn
                if not announced:
                    log.info("another process sends the outbox; standing by")
                    announced = True
            except Exception as exc:  # the database is unavailable: try again, quietly after the first time
                log.warning("cannot take the outbox lease (%s: %s); retrying", type(exc).__name__, exc)
            except BaseException:  # stopped while trying: the connection goes back before we leave
                if conn is not None:
                    await _release(conn)
                raise
            if conn is not None:
                await _release(conn)
            await asyncio.sleep(RETRY_EVERY)

    async def _listen(self, conn: AsyncConnection) -> None:
        if self.on_notify is None:
            return
        on_notify = self.on_notify
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None

        def heard(*_args: Any) -> None:
            on_notify()

        await raw.add_listener(CHANNEL, heard)

    async def _watch(self, conn: AsyncConnection, lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY)
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that arrives as
                # the query completes, and this task would outlive its lease (shutdown waits for it for ever).
                async with asyncio.timeout(CHECK_TIMEOUT):
                    await conn.execute(text("SELECT 1"))
            except Exception as exc:
                log.error("the outbox lease's connection failed (%s); stopping sending", type(exc).__name__)
                lost.set()
                return


async def _release(conn: AsyncConnection) -> None:
    """Unlock (if held) and give the connection back to the pool. A connection that cannot take a statement — its
    server session died, or a check was cancelled in the middle of its query — is invalidated instead, so the
    pool discards it (closing its session, which releases the lock) rather than leaving it checked out for the
    garbage collector."""
    try:
        await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
        await conn.close()
    except Exception:
        with contextlib.suppress(Exception):
            await conn.invalidate()
        with contextlib.suppress(Exception):
            await conn.close()


def lease_for(engine: AsyncEngine, on_notify: Callable[[], None] | None = None) -> Lease:
    """The lease that fits the database behind ``engine``."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        return PostgresLease(engine, on_notify)
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:" and not database.startswith("file:"):
        return FileLease(Path(database).expanduser().with_name(Path(database).name + ".sender.lock"))
    return SoleLease()
