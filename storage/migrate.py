"""Run Alembic migrations from inside the application (and its tests) on an ``AsyncEngine``.

Alembic is synchronous, so each command runs in ``AsyncConnection.run_sync`` on one connection
that ``migrations/env.py`` picks up from ``config.attributes["connection"]`` (Alembic cookbook:
"Programmatic API use (connection sharing) with asyncio"). This works inside a running event
loop; the whole command is one transaction (see :func:`migration_transaction`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import SQLITE_BUSY_TIMEOUT_MS, driver_execute
from storage.errors import MigrationBrokeForeignKeys

#: PostgreSQL advisory lock key held while migrating (storage/lease.py uses another key).
MIGRATION_LOCK_KEY = 0x7A6E_6761_7000_0002

#: How long a SQLite migration waits for another process's migration (the write lock) before "database is locked".
#: The ordinary 2 s (``storage.database.SQLITE_BUSY_TIMEOUT_MS``) is for transactions of milliseconds; a
#: migration holds the lock for its whole run: 0.2 s from an empty database on an idle machine, over 2 s on a
#: loaded one (CI's run of 0c81658 failed so: three processes starting together, the third gave up), and minutes
#: when a migration rebuilds a large table. A process starting meanwhile has nothing to do until the schema is
#: at head, so it waits as PostgreSQL's advisory lock makes it wait; ten minutes bounds a stuck lock.
SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 600_000

#: The Alembic script folder (env.py, versions/); no alembic.ini is needed to use it.
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An in-memory Alembic config pointing at ``storage/migrations``, sharing ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@contextmanager
def migration_transaction(connection: Connection) -> Iterator[None]:
    """One transaction around a migration run, on a connection not yet in a transaction.

    On PostgreSQL an advisory lock serialises migrations of concurrent processes (SQLite's
    ``BEGIN IMMEDIATE`` does that already).

    On SQLite the wait for the write lock is ``SQLITE_MIGRATION_BUSY_TIMEOUT_MS`` during the run (another process
    may be migrating), and the engine's own afterwards.

    On SQLite, foreign keys are switched off around it, because Alembic's batch mode rebuilds a
    table by copying it and dropping the original, which with enforced foreign keys would fail
    (or cascade) for a table other rows refer to; SQLite only accepts that switch outside a
    transaction. Before commit, ``PRAGMA foreign_key_check`` must find nothing broken.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_pragma(connection, "foreign_keys = OFF")
        _sqlite_pragma(connection, f"busy_timeout = {SQLITE_MIGRATION_BUSY_TIMEOUT_MS}")
    try:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                # Processes starting together on one database migrate one after the other; the later
                # ones then find the schema at head. Released at commit or rollback.
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            yield
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise MigrationBrokeForeignKeys(f"rows referring to missing rows: {broken[:10]!r}")
    finally:
        if sqlite:
            _sqlite_pragma(connection, "foreign_keys = ON")
            _sqlite_pragma(connection, f"busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    driver_execute(connection, f"PRAGMA {pragma}")


def _run(connection: Connection, action: Callable[[Config], None]) -> None:
    with migration_transaction(connection):
        action(alembic_config(connection))


def head_revision() -> str | None:
    """The newest revision in ``storage/migrations/versions``."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    async with engine.connect() as connection:
        await connection.run_sync(_run, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Migrate the database down to ``revision`` (``"base"`` drops every table)."""
    async with engine.connect() as connection:
        await connection.run_sync(_run, lambda config: command.downgrade(config, revision))


async def current(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or ``None`` if it was never migrated."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)
