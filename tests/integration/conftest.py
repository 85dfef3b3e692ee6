"""Databases for integration tests: a real SQLite file, and PostgreSQL when
``TANGGAP_TEST_POSTGRES_URL`` is set (e.g. ``postgresql+asyncpg://postgres@127.0.0.1:5432/test``).

Every test gets a fresh database: a new SQLite file under ``tmp_path``, or a new PostgreSQL
database created next to the configured one and dropped afterwards. Schemas come from Alembic.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork
from tests.databases import BACKENDS, fresh_postgres


def sqlite_file_url(folder: Path) -> str:
    """A SQLite URL in a folder that does not exist yet (``make_engine`` must create it)."""
    return f"sqlite+aiosqlite:///{folder / 'data' / 'tanggap.sqlite3'}"


async def migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def blank_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database (no tables) on each backend."""
    if request.param == "sqlite":
        yield sqlite_file_url(tmp_path)
        return
    async with fresh_postgres() as url:
        yield url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "blank_db_url" in metafunc.fixturenames:
        metafunc.parametrize("blank_db_url", BACKENDS, indirect=True)


@pytest.fixture
async def db_url(blank_db_url: str) -> str:
    """A database migrated to the newest revision, on SQLite and (if configured) PostgreSQL."""
    await migrate(blank_db_url)
    return blank_db_url


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file database migrated to the newest revision (SQLite only)."""
    url = sqlite_file_url(tmp_path)
    await migrate(url)
    return url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def new_uow(session_factory: async_sessionmaker[AsyncSession]) -> Callable[[], SqlUnitOfWork]:
    """Makes a fresh unit of work; concurrent tasks each need their own."""
    return lambda: SqlUnitOfWork(session_factory)


@pytest.fixture
def uow(new_uow: Callable[[], SqlUnitOfWork]) -> SqlUnitOfWork:
    return new_uow()
