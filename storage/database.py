"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from storage.sqlite_driver import creator

#: How long a SQLite writer waits for the write lock held by ANOTHER process before giving up ("database is
#: locked"). Within one process writers never meet here: they queue for the engine's one pooled connection
#: (``SQLITE_POOL_TIMEOUT``), so this wait is only for other processes on the same file: a second bot
#: process during a restart, ``tanggap migrate`` or an admin's ``sqlite3`` session. Their ordinary
#: transactions hold the lock for milliseconds (WAL readers, such as a backup, do not take it at all), so
#: 2 s is still a hundredfold headroom. A lock held longer is an outage, and the bot must say so within
#: seconds (bot/outage.py). While the file is locked, every attempt holds this process's one connection
#: for the whole timeout, and the others queue behind it: the notifier's round, the recording of a
#: delivery, the update that would detect the outage. With 30 s (the old value) a 30-second lock was not
#: even noticed: users heard nothing. With 5 s the first notice took up to 15 s in tests (three attempts
#: in the queue), too late for a button press's alert (the emulator, modelled on Telegram, refuses an answer
#: after 15 s). With 2 s it comes within about 6 s.
SQLITE_BUSY_TIMEOUT_MS = 2_000
#: How long a transaction of this process waits for the one pooled connection (its place in the queue):
#: under load the queue is long but moves, so this stays generous.
SQLITE_POOL_TIMEOUT = 30.0

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


def normalise_url(url: str | URL) -> URL:
    """Parse ``url`` and give a bare ``sqlite://`` / ``postgresql://`` its asyncio driver."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def make_engine(url: str | URL, *, echo: bool = False, read_only: bool = False) -> AsyncEngine:
    """Create the application's engine.

    For SQLite: the database file's folder is created, the journal is WAL, ``busy_timeout`` is
    2 s (for other processes; see ``SQLITE_BUSY_TIMEOUT_MS``), foreign keys are enforced, and every
    transaction starts with ``BEGIN IMMEDIATE`` (the write lock is taken up front), so concurrent writers
    queue instead of failing with "database is locked" when a read transaction later tries to write.

    ``read_only``: an engine that only reads (the register's child process, :mod:`bot.register_job`). Its
    transactions never take the write lock: on SQLite a plain ``BEGIN`` (a WAL reader, which writers do not wait
    for) with ``PRAGMA query_only``; on PostgreSQL ``SET TRANSACTION READ ONLY``.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        if read_only:
            return create_async_engine(parsed, echo=echo, pool_pre_ping=True,
                                       execution_options={"postgresql_readonly": True})
        return create_async_engine(parsed, echo=echo, pool_pre_ping=True)
    _create_parent_folder(parsed)
    # One connection per process: SQLite has one writer anyway, and every transaction here is BEGIN IMMEDIATE.
    # Queueing for the pool's connection (an asyncio wait, in order) replaces contending for the file lock,
    # whose busy handler sleeps in growing naps and left the bot idle under load (docs/benchmarks.md).
    pool: dict[str, object] = {}
    if parsed.database and parsed.database != ":memory:":
        pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": SQLITE_POOL_TIMEOUT}
    # aiosqlite, one thread crossing per statement instead of three or four (storage/sqlite_driver.py)
    arguments, options = parsed.get_dialect()().create_connect_args(parsed)
    options["timeout"] = SQLITE_BUSY_TIMEOUT_MS / 1000
    engine = create_async_engine(parsed, echo=echo, async_creator=creator(arguments, options), **pool)
    _install_sqlite_hooks(engine, read_only=read_only)
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (records are built from them)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _create_parent_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:") or url.query.get("uri"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _install_sqlite_hooks(engine: AsyncEngine, *, read_only: bool = False) -> None:
    """SQLAlchemy's "serializable isolation / savepoints / transactional DDL" recipe, with IMMEDIATE (a plain,
    deferred ``BEGIN`` when ``read_only``: a reader must not queue the writers of other processes)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _connection_record: Any) -> None:
        # Stop the driver from issuing its own (deferred, DML-only) BEGIN; _on_begin does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            # what is deleted or overwritten is zeroed in the file, not left in free pages (issue 15: after an
            # erasure the raw file still held the name; the WAL's old frames go once it is checkpointed and reused)
            cursor.execute("PRAGMA secure_delete = ON")
            if read_only:
                cursor.execute("PRAGMA query_only = ON")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def driver_execute(connection: Connection, sql: str) -> tuple[Any, ...] | None:
    """``sql`` straight on the driver's connection, its first row if any: a SQLAlchemy statement would first begin a
    transaction (``BEGIN IMMEDIATE`` on SQLite), and some pragmas only work outside one (``foreign_keys``, a
    checkpoint that is to finish)."""
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        row = cursor.fetchone()
        return tuple(row) if row is not None else None
    finally:
        cursor.close()
