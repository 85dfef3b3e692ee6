"""Alembic environment for Tanggap.

Two ways in:
- programmatic (``storage.migrate``): the caller's connection, already inside a transaction, is
  shared through ``config.attributes["connection"]`` and used as is;
- standalone (``alembic -c storage/alembic.ini …``): an engine is built from ``DATABASE_URL``
  with ``storage.database.make_engine`` and driven with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from storage.columns import UtcDateTime
from storage.database import make_engine, normalise_url
from storage.migrate import migration_transaction
from storage.models import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "set DATABASE_URL (e.g. sqlite+aiosqlite:///data/tanggap.sqlite3) to run migrations"
        )
    return url


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes plain SQLAlchemy types, so revisions never import the models."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """``--sql`` mode: print the SQL instead of running it."""
    url = normalise_url(_database_url())
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_standalone(connection: Connection) -> None:
    # One transaction for the whole run (SQLite DDL is transactional too with make_engine's BEGIN).
    with migration_transaction(connection):
        do_run_migrations(connection)


async def run_async_migrations() -> None:
    engine = make_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_standalone)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
