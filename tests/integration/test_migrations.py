"""The Alembic revisions build exactly the schema the models describe, both ways."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import make_engine
from storage.errors import MigrationBrokeForeignKeys
from storage.migrate import current, downgrade, head_revision, migration_transaction, upgrade
from storage.models import Base

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "person",
    "audit_log",
    "data_request",
    "export_job",
    "ticket",
    "ticket_attachment",
    "ticket_event",
    "number_counter",
    "dialog_state",
    "processed_update",
    "outbox",
    "staff_role",
    "lk",
    "lk_ticket",
    "lk_action",
    "lk_document",
    "lk_event",
    "unhandled_update",
    "due_notice",
    "extension_request",
    "due_pass",
    "archive_item",
    "ticket_case",
    "recurrence_check",
}


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with warnings.catch_warnings():
        # /stats' index on an expression (migration 0018, SQLite only) is not in the models: SQLAlchemy cannot
        # reflect it, says so, and leaves it out of the comparison.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index "
                                          "ix_ticket_wib_day_service_kind", SAWarning)
        return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def _tables_of(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return await connection.run_sync(_tables)


@pytest.fixture
async def blank_engine(blank_db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(blank_db_url)
    yield engine
    await engine.dispose()


async def test_schema_built_by_migrations_matches_the_models(blank_engine: AsyncEngine) -> None:
    await upgrade(blank_engine)

    async with blank_engine.connect() as connection:
        diff = await connection.run_sync(_schema_diff)

    assert diff == []


async def test_upgrade_creates_every_table_and_records_the_head_revision(blank_engine: AsyncEngine) -> None:
    assert await current(blank_engine) is None

    await upgrade(blank_engine)

    assert await _tables_of(blank_engine) == TABLES
    assert await current(blank_engine) == head_revision()


async def test_downgrade_to_base_drops_everything_and_upgrade_rebuilds_it(blank_engine: AsyncEngine) -> None:
    await upgrade(blank_engine)

    await downgrade(blank_engine, "base")
    assert await _tables_of(blank_engine) == set()
    assert await current(blank_engine) is None

    await upgrade(blank_engine)
    assert await _tables_of(blank_engine) == TABLES
    async with blank_engine.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []


async def test_upgrade_twice_is_a_no_op(blank_engine: AsyncEngine) -> None:
    await upgrade(blank_engine)
    await upgrade(blank_engine)

    assert await current(blank_engine) == head_revision()


def test_alembic_cli_migrates_the_database_named_in_database_url(tmp_path: Path) -> None:
    database = tmp_path / "cli" / "tanggap.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    ini = REPO_ROOT / "storage" / "alembic.ini"

    def alembic(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(ini), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    alembic("upgrade", "head")
    assert f"{head_revision()} (head)" in alembic("current")
    alembic("downgrade", "base")
    assert "0002" not in alembic("current")
    assert database.exists()


def _rebuild_person_table(connection: Connection) -> None:
    with migration_transaction(connection):
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("person", recreate="always") as batch:
            batch.alter_column("nrp", type_=sa.String(64))


async def test_sqlite_batch_rebuild_of_a_referenced_table_keeps_the_rows_referring_to_it(
    sqlite_url: str,
) -> None:
    engine = make_engine(sqlite_url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(
                "INSERT INTO person (id, name, created_at) VALUES (1, 'Siti', '2026-01-01 00:00:00.000000')"
            )
            await connection.exec_driver_sql(
                "INSERT INTO ticket (number, kind, person_id, service_code, description, answers, anonymous,"
                " status, created_at, updated_at) VALUES ('KEL-2026-00001', 'complaint', 1, 'x', 'y', '{}',"
                " 0, 'received', '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000')"
            )
        async with engine.connect() as connection:
            await connection.run_sync(_rebuild_person_table)
            foreign_keys = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
            tickets = (await connection.exec_driver_sql("SELECT person_id FROM ticket")).all()
    finally:
        await engine.dispose()

    assert tickets == [(1,)]
    assert foreign_keys == 1


async def test_a_sqlite_migration_that_breaks_references_is_rolled_back(sqlite_url: str) -> None:
    def orphan_a_ticket(connection: Connection) -> None:
        with migration_transaction(connection):
            connection.exec_driver_sql(
                "INSERT INTO ticket_event (ticket_id, at, to_status) "
                "VALUES (999, '2026-01-01 00:00:00.000000', 'received')"
            )

    engine = make_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            with pytest.raises(MigrationBrokeForeignKeys):
                await connection.run_sync(orphan_a_ticket)
            events = (await connection.exec_driver_sql("SELECT count(*) FROM ticket_event")).scalar()
    finally:
        await engine.dispose()

    assert events == 0


async def test_a_sqlite_migration_waits_for_another_process_migrating_longer_than_the_busy_timeout(
        tmp_path: Path) -> None:
    """Another process holds the write lock for longer than the ordinary 2 s (its migration on a loaded machine:
    CI's run of 0c81658 failed so, "database is locked"): this process waits for it, then finds its schema to
    build, and afterwards its connections wait the ordinary 2 s again."""
    import asyncio
    import sqlite3

    from storage.database import SQLITE_BUSY_TIMEOUT_MS
    path = tmp_path / "tanggap.sqlite3"
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")  # as the first process's engine leaves it before migrating
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE other_process (x)")
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        migrating = asyncio.create_task(upgrade(engine))
        await asyncio.sleep(SQLITE_BUSY_TIMEOUT_MS / 1000 + 1.0)
        assert not migrating.done()  # still waiting, not failed
        holder.execute("COMMIT")
        await asyncio.wait_for(migrating, 30)
        assert await current(engine) == head_revision()
        async with engine.connect() as connection:
            timeout = (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        assert timeout == SQLITE_BUSY_TIMEOUT_MS
    finally:
        holder.close()
        await engine.dispose()


async def test_processes_starting_together_on_an_empty_database_migrate_one_after_the_other(
        blank_db_url: str) -> None:
    """Three bot processes started at once (several webhook processes after a deploy): each runs the upgrade,
    one of them builds the schema, the others find it at head; none fails."""
    import asyncio

    engines = [make_engine(blank_db_url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(engine) for engine in engines))
        assert await current(engines[0]) == head_revision()
    finally:
        for engine in engines:
            await engine.dispose()
