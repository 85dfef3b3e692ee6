"""Test databases shared by the integration and end-to-end suites: a SQLite file, or a fresh PostgreSQL database.

PostgreSQL runs where ``TANGGAP_TEST_POSTGRES_URL`` names a server (``scripts/test.sh`` sets it when one
answers on 127.0.0.1:5432); elsewhere its cases are skipped and pytest prints the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

POSTGRES_ENV = "TANGGAP_TEST_POSTGRES_URL"
POSTGRES_URL = os.environ.get(POSTGRES_ENV, "")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason=f"PostgreSQL tests need {POSTGRES_ENV}"),
    ),
]


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A new, empty database next to the configured one; dropped afterwards (connections closed by force)."""
    name = f"tanggap_test_{uuid.uuid4().hex[:16]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()
