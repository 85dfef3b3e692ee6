"""One outbox sender per database: the lease on PostgreSQL (advisory lock + LISTEN) and on SQLite (flock).

Two leases stand for two processes; the one that holds it is the only sender until it lets go or dies.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import storage.lease
from storage.database import make_engine
from storage.lease import CHANNEL, FileLease, Lease, PostgresLease, SoleLease, lease_for
from tests.databases import BACKENDS, fresh_postgres


@pytest.fixture(params=BACKENDS)
async def engines(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two engines on one database, as two processes would have."""
    monkeypatch.setattr(storage.lease, "RETRY_EVERY", 0.05)
    monkeypatch.setattr(storage.lease, "CHECK_EVERY", 0.1)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"
        first, second = make_engine(url), make_engine(url)
        yield first, second
    else:
        async with fresh_postgres() as url:
            first, second = make_engine(url), make_engine(url)
            yield first, second
            await first.dispose()
            await second.dispose()
            return
    await first.dispose()
    await second.dispose()


async def holds_within(lease: Lease, seconds: float, order: list[str], name: str, release: asyncio.Event) -> None:
    async with asyncio.timeout(seconds), lease.held():
        order.append(name)
        await release.wait()


async def test_only_one_holds_the_lease_and_the_other_takes_over_when_it_ends(
    engines: tuple[AsyncEngine, AsyncEngine],
) -> None:
    one, two = lease_for(engines[0]), lease_for(engines[1])
    assert type(one) is type(two) and not isinstance(one, SoleLease)
    order: list[str] = []
    first_done, second_done = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(holds_within(one, 10, order, "first", first_done))
    await asyncio.sleep(0.3)
    second = asyncio.create_task(holds_within(two, 10, order, "second", second_done))
    await asyncio.sleep(0.5)
    assert order == ["first"]  # the second waits
    first_done.set()
    await first
    await asyncio.sleep(0.5)
    assert order == ["first", "second"]
    second_done.set()
    await second


async def test_postgres_a_dead_holder_releases_the_lease_and_its_holder_learns_it_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.databases import POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    monkeypatch.setattr(storage.lease, "RETRY_EVERY", 0.05)
    monkeypatch.setattr(storage.lease, "CHECK_EVERY", 0.1)
    async with fresh_postgres() as url:
        holder_engine, other_engine, admin = make_engine(url), make_engine(url), create_async_engine(url)
        try:
            holder, other = PostgresLease(holder_engine), PostgresLease(other_engine)
            async with holder.held() as lost:
                async with admin.connect() as conn:  # the holder's session dies (crash, network, restart)
                    # only this test's database: other tests running beside it hold advisory locks too
                    await conn.execute(text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    ))
                    await conn.commit()
                async with asyncio.timeout(5):
                    await lost.wait()
                async with asyncio.timeout(5), other.held():
                    pass  # taken over
        finally:
            for engine in (holder_engine, other_engine, admin):
                await engine.dispose()


async def test_postgres_the_holder_hears_outbox_notifications_from_other_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.databases import POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    async with fresh_postgres() as url:
        engine, writer = make_engine(url), make_engine(url)
        heard = asyncio.Event()
        try:
            async with PostgresLease(engine, heard.set).held():
                async with writer.begin() as conn:
                    await conn.execute(text(f"NOTIFY {CHANNEL}"))
                    await asyncio.sleep(0.2)
                    assert not heard.is_set()  # delivered at the commit, not before
                async with asyncio.timeout(5):
                    await heard.wait()
        finally:
            await engine.dispose()
            await writer.dispose()


async def test_sqlite_lease_is_a_file_next_to_the_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'tanggap.db'}")
    try:
        lease = lease_for(engine)
        assert isinstance(lease, FileLease) and lease.path == tmp_path / "data" / "tanggap.db.sender.lock"
        memory = make_engine("sqlite+aiosqlite:///:memory:")
        assert isinstance(lease_for(memory), SoleLease)
        await memory.dispose()
    finally:
        await engine.dispose()


async def test_postgres_a_holder_stopped_mid_check_gives_its_connection_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's shutdown cancels the sender at any moment, also while the lease checks its connection: the
    holder must stop (with ``asyncio.wait_for`` the check swallowed a cancellation arriving as its query
    completed — Python 3.11 — and the holder waited for it for ever: 5 of 6 runs hung on a loaded machine), and the
    connection must return to the pool (or be discarded), never stay checked out for the garbage collector."""
    from tests.databases import POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    monkeypatch.setattr(storage.lease, "CHECK_EVERY", 0)  # the check's SELECT is (almost) always in flight
    async with fresh_postgres() as url:
        engine, other_engine = make_engine(url), make_engine(url)
        try:
            for pause in (0.0, 0.001, 0.005, 0.02, 0.05):
                holding = asyncio.create_task(holds_within(PostgresLease(engine), 10, [], "holder", asyncio.Event()))
                await asyncio.sleep(0.2 + pause)
                holding.cancel()
                await asyncio.gather(holding, return_exceptions=True)
                assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
                async with asyncio.timeout(5), PostgresLease(other_engine).held():
                    pass  # and the lock was released with it
        finally:
            await engine.dispose()
            await other_engine.dispose()
