"""The monthly recap (issue 14 §4): the time to build one — the month's figures and charts (the statistics' worker
process), the recap's own lists (capped SQL), the PDF drawn in its child process, archived and queued — over the
monitoring benchmark's data (:func:`bench.monitor.tables`: 1,000,000 tickets over three years, 20,000 LKs, 50,000
actions; tiny: 3,000 tickets), and a student's reply (``/my``) while a recap is being made, against the same reply
when idle (ratio of p50; the recap must not hold the event loop).

``/recap`` is sent as staff send it (through ``process_update``) and its job run as the bot's runner runs it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import Figure, Size, percentile
from bench.monitor import (
    BACKENDS,
    NOW,
    STAFF_TELEGRAM_ID,
    loaded,
)
from bench.monitor import SCALES as MONITOR_SCALES
from bot.recap_child import child_drawer
from bot.settings import Settings
from bot.stats_worker import ProcessStatsMaker
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import InboundUpdate, IncomingMessage, User
from handlers.export_jobs import run_pending
from handlers.i18n import Translator
from handlers.processing import process_update
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork

RATIO_TARGET = 1.5
STUDENT_TELEGRAM_ID = 7001


@dataclass(frozen=True)
class Scale:
    recaps: int
    replies: int


SCALES = {"tiny": Scale(recaps=2, replies=10), "full": Scale(recaps=5, replies=40)}


@dataclass
class Timings:
    recap: list[float]
    idle_reply: list[float]
    busy_reply: list[float]
    pdfs: int


async def _timed(url: str, scale: Scale, folder: Path) -> Timings:
    engine = make_engine(url)
    maker = ProcessStatsMaker(Settings(database_url=url, archive_dir=folder / "archive"), lambda: NOW)
    try:
        factory = make_session_factory(engine)

        def make_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(factory)

        deps = Deps(catalogue=load_catalogue(), translator=Translator(), clock=lambda: NOW,
                    archive=ArchiveStore(folder / "archive"), stats_maker=maker)
        draw = child_drawer()
        ids = itertools.count(time.time_ns() // 1000)
        staff = User(STAFF_TELEGRAM_ID, "Olivia", language_code="en")
        student = User(STUDENT_TELEGRAM_ID, "Siti", language_code="id")

        async def say(user: User, text: str) -> float:
            update = InboundUpdate(next(ids), IncomingMessage(user.id, user, next(ids), text))
            started = time.perf_counter()
            await process_update(update, make_uow, deps)
            return (time.perf_counter() - started) * 1000

        async def recap() -> float:
            """/recap (the previous month) as staff send it, then its job: until the PDF is queued."""
            started = time.perf_counter()
            await say(staff, "/recap")
            await run_pending(make_uow, deps, draw=draw)
            return (time.perf_counter() - started) * 1000

        await say(student, "/start")
        await recap()  # warms up: the statistics' worker starts, matplotlib loads
        t = Timings([], [], [], 0)
        for _ in range(scale.recaps):
            t.recap.append(await recap())
        for _ in range(scale.replies):
            t.idle_reply.append(await say(student, "/my"))
            await asyncio.sleep(0.01)
        for _ in range(max(1, scale.replies // 10)):
            busy = asyncio.create_task(recap())
            await asyncio.sleep(0.05)
            while not busy.done():
                t.busy_reply.append(await say(student, "/my"))
                await asyncio.sleep(0.01)
            await busy
        async with make_uow() as uow:
            t.pdfs = sum(1 for o in await uow.outbox.due(NOW.replace(year=2100), limit=100_000)
                         if str(o.payload.get("file_name", "")).startswith("recap-"))
        return t
    finally:
        maker.close()
        await engine.dispose()


def _figures(backend: str, size: Size, generation: float, t: Timings) -> list[Figure]:
    m = MONITOR_SCALES[size]
    where = f"{backend}, {m.tickets:,} tickets, {m.lks:,} LKs, {m.actions:,} actions ({size})"
    idle, busy = percentile(t.idle_reply, 50), percentile(t.busy_reply, 50)
    ratio = busy / idle if idle else 0.0
    return [
        Figure("recap", f"one recap built, p50, {backend} (s)", round(percentile(t.recap, 50) / 1000, 2), "s",
               note=f"{where}; {len(t.recap)} recaps (figures + charts in the statistics' worker, lists, PDF in a "
                    f"child process, archived, queued); {t.pdfs} PDFs queued"),
        Figure("recap", f"one recap built, max, {backend} (s)", round(max(t.recap) / 1000, 2), "s", note=where),
        Figure("recap", f"student reply while a recap is made / idle, {backend} (ratio of p50)", round(ratio, 2),
               "x", f"<= {RATIO_TARGET:g}", ratio <= RATIO_TARGET,
               f"/my p50 {busy:.1f} ms busy ({len(t.busy_reply)}) vs {idle:.1f} ms idle ({len(t.idle_reply)})"),
        Figure("recap", f"data generation, {backend} (s)", round(generation, 1), "s", note=where),
    ]


async def _measured(backend: str, size: Size, scale: Scale, folder: Path) -> list[Figure]:
    async with loaded(backend, MONITOR_SCALES[size], folder, "recap") as db:
        if db is None:
            return []
        url, generation = db
        return _figures(BACKENDS[backend], size, generation, await _timed(url, scale, folder))


async def run(size: Size, only: Callable[[str], bool] = lambda backend: True) -> list[Figure]:
    """One recap's build time and a student's reply meanwhile, on SQLite and PostgreSQL."""
    scale = SCALES[size]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-recap-") as folder:
        for backend in ("sqlite", "postgres"):
            if only(backend):
                figures += await _measured(backend, size, scale, Path(folder))
    return figures


if __name__ == "__main__":
    import sys

    wanted = [a for a in sys.argv[1:] if a in ("sqlite", "postgres")]
    for figure in asyncio.run(run("full" if "full" in sys.argv[1:] else "tiny",
                                  lambda backend: not wanted or backend in wanted)):
        print(json.dumps(figure.as_dict(), ensure_ascii=False))
