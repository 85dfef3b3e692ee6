"""The search index cache of /search and /similar, and the fan-out and search benchmarks in their tiny size
(figures are checked for completeness and correctness, never for speed)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import bench.fanout
import bench.search
from handlers.staff import search_index
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk

OFFICER = 4242
START = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def new_uow(tmp_path: Path) -> AsyncIterator[Callable[[], SqlUnitOfWork]]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'search.db'}")
    await upgrade(engine)
    sessions = make_session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions)
    search_index.forget_indexes()
    await engine.dispose()


async def file(new_uow: Callable[[], SqlUnitOfWork], text: str, at: datetime, status: str = "received") -> int:
    async with new_uow() as uow:
        ticket = await uow.tickets.add(NewTicket("complaint", "telegram", None, "transcript", None, text, None, {},
                                                 (), False, status, at))
        await uow.commit()
    return ticket.id


async def move(new_uow: Callable[[], SqlUnitOfWork], ticket_id: int, to: str, at: datetime) -> None:
    async with new_uow() as uow:
        await uow.tickets.set_status(ticket_id, to, actor_person_id=None, note=None, at=at)
        await uow.commit()


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    async with new_uow() as uow:
        officer = await uow.persons.ensure_telegram(OFFICER, "Sari Officer", "en")
        await uow.staff.grant(officer.id, "officer", by=None, at=START)
        await uow.commit()
    return Desk(new_uow, clock=Clock())


def built_at(desk: Desk) -> float:
    return search_index.cache_of(desk.deps).built


async def test_a_ticket_filed_after_the_index_was_built_is_found_without_a_rebuild(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    staff = desk.user(OFFICER)
    await file(new_uow, "transkrip saya belum terbit padahal sudah 3 minggu", START - timedelta(days=3))
    first = await desk.say(staff, "/search transkrip belum terbit")
    assert "KEL-2026-00001" in first[0]
    built = built_at(desk)

    # Filed by "another process": straight into the database, not through this desk.
    await file(new_uow, "legalisir ijazah ditolak tanpa alasan", START)
    found = await desk.say(staff, "/search legalisir ijasah")

    assert "KEL-2026-00002" in found[0] and "KEL-2026-00001" not in found[0]
    assert built_at(desk) == built  # refreshed, not rebuilt
    assert len(search_index.cache_of(desk.deps).index) == 2


async def test_a_changed_ticket_is_reindexed_and_shown_as_it_is_now(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    staff = desk.user(OFFICER)
    old = START - timedelta(days=500)
    closed_old = await file(new_uow, "antrean ktm sangat panjang di rektorat", old, status="closed")
    open_old = await file(new_uow, "ktm saya salah nama dan salah nrp", old, status="confirming")
    assert "KEL-2025-00002" in (await desk.say(staff, "/search ktm"))[0]
    index = search_index.cache_of(desk.deps).index
    assert closed_old not in index and open_old in index

    await move(new_uow, closed_old, "reopened", START)  # open again: back in the corpus
    await move(new_uow, open_old, "closed", START)  # closed more than a year after it was filed: out
    shown = (await desk.say(staff, "/search ktm"))[0]

    assert "KEL-2025-00001" in shown and "KEL-2025-00002" not in shown
    assert closed_old in index and open_old not in index
    assert "reopen" in shown.casefold()


async def test_similar_of_an_old_closed_ticket_leaves_the_shared_index_alone(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    staff = desk.user(OFFICER)
    old = await file(new_uow, "transkrip nilai salah nama", START - timedelta(days=600), status="closed")
    recent = await file(new_uow, "transkrip nilai saya salah nama mahasiswa", START - timedelta(days=2))

    shown = (await desk.say(staff, "/similar KEL-2025-00001"))[0]

    assert "KEL-2026-00001" in shown
    index = search_index.cache_of(desk.deps).index
    assert old not in index and recent in index


async def test_each_deps_has_its_own_index(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    await file(new_uow, "wisuda yudisium jadwal mundur", START)
    other = Desk(new_uow, clock=Clock())
    await desk.say(desk.user(OFFICER), "/search wisuda")
    assert search_index.cache_of(other.deps) is not search_index.cache_of(desk.deps)


async def test_search_benchmark_tiny_reports_every_figure() -> None:
    figures = await bench.search.run("tiny")
    metrics = {f.metric for f in figures}
    assert {"/search p95, 2k tickets", "/similar p95, 2k tickets", "first /search (index build), 2k tickets",
            "naive process.extract WRatio p95, 2k tickets", "/search with filters p95, 2k tickets",
            "/search filters only p95, 2k tickets", "/search page button p95, 2k tickets"} <= metrics
    pressed = next(f for f in figures if f.metric == "/search page button p95, 2k tickets")
    assert not pressed.note.startswith("0 ")  # the filters-only pages had « / » buttons, and they were pressed
    assert all(f.benchmark == "search" and f.value >= 0 for f in figures)


@pytest.mark.e2e
async def test_fanout_benchmark_tiny_loses_and_doubles_nothing() -> None:
    figures = {f.metric: f for f in await bench.fanout.run("tiny")}
    assert figures["notifications lost"].value == 0
    assert figures["notifications sent twice"].value == 0
    assert figures["messages/s, first to last delivery"].value > 0
    assert "one chat: 429 answers (8 messages)" in figures
