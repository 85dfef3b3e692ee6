"""Statistics: ``/stats`` over a million tickets (issue 14 §5: ≤ 2 s p95 on SQLite and PostgreSQL).

The data are the monitoring benchmark's (:func:`bench.monitor.tables`: 1,000,000 tickets over three years, 20,000
LKs, 50,000 actions; tiny: 3,000 tickets), bulk-loaded the same way. Timed, after warming up:
- the figures alone (every SQL aggregate and their mapping to working days, :func:`handlers.stats.read_figures`),
  for the default period (the last 12 months, ~330,000 tickets) and for all three years;
- the whole ``/stats`` as staff send it (through ``process_update``, then its job as the bot's runner runs it:
  the figures read and the charts drawn in the worker process as in the bot, archived, queued as photos);
- a student's reply (``/my``) while ``/stats`` runs, against the same reply when idle (the charts must not hold
  the event loop: ratio ≤ 1.5).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.common import Figure, Size, percentile
from bench.monitor import (
    BACKENDS,
    NOW,
    STAFF_TELEGRAM_ID,
    TODAY,
    loaded,
)
from bench.monitor import SCALES as MONITOR_SCALES
from bot.settings import Settings
from bot.stats_worker import ProcessStatsMaker
from dialogs.stats_query import StatsQuery, last_months
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import InboundUpdate, IncomingMessage, User
from handlers.export_jobs import run_pending
from handlers.i18n import Translator
from handlers.processing import process_update
from handlers.stats import read_figures
from reports.stats_model import StatsFigures
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork

TARGET_MS = 2000.0
RATIO_TARGET = 1.5
STUDENT_TELEGRAM_ID = 7001


@dataclass(frozen=True)
class Scale:
    calls: int
    replies: int


SCALES = {"tiny": Scale(calls=3, replies=10), "full": Scale(calls=20, replies=40)}


@dataclass
class Timings:
    figures_year: list[float]
    figures_all: list[float]
    command: list[float]
    idle_reply: list[float]
    busy_reply: list[float]
    charts: int
    shown: StatsFigures | None


async def _timed(url: str, scale: Scale, folder: Path) -> Timings:
    engine = make_engine(url)
    maker = ProcessStatsMaker(Settings(database_url=url, archive_dir=folder / "archive"), lambda: NOW)
    try:
        factory = make_session_factory(engine)

        def make_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(factory)

        deps = Deps(catalogue=load_catalogue(), translator=Translator(), clock=lambda: NOW,
                    archive=ArchiveStore(folder / "archive"), stats_maker=maker)
        year = StatsQuery(*last_months(TODAY))
        everything = StatsQuery(date(2023, 1, 1), TODAY)
        ids = itertools.count(time.time_ns() // 1000)
        staff = User(STAFF_TELEGRAM_ID, "Olivia", language_code="en")
        student = User(STUDENT_TELEGRAM_ID, "Siti", language_code="id")

        async def say(user: User, text: str) -> float:
            update = InboundUpdate(next(ids), IncomingMessage(user.id, user, next(ids), text))
            started = time.perf_counter()
            await process_update(update, make_uow, deps)
            return (time.perf_counter() - started) * 1000

        async def figures(query: StatsQuery) -> tuple[float, StatsFigures]:
            started = time.perf_counter()
            async with make_uow() as uow:
                found = await read_figures(uow, deps, query, "en")
            return (time.perf_counter() - started) * 1000, found

        async def command() -> float:
            """/stats as staff send it, then its job run as the bot's runner would: until the photos are queued."""
            started = time.perf_counter()
            await say(staff, "/stats")
            await run_pending(make_uow, deps)
            return (time.perf_counter() - started) * 1000

        await say(student, "/start")
        await command()  # warms up: the worker process starts, matplotlib loads
        t = Timings([], [], [], [], [], 0, None)
        for _ in range(scale.calls):
            ms, t.shown = await figures(year)
            t.figures_year.append(ms)
        for _ in range(max(2, scale.calls // 4)):
            t.figures_all.append((await figures(everything))[0])
        for _ in range(scale.calls):
            t.command.append(await command())
        for _ in range(scale.replies):
            t.idle_reply.append(await say(student, "/my"))
            await asyncio.sleep(0.01)
        for _ in range(max(1, scale.replies // 5)):
            busy = asyncio.create_task(command())
            await asyncio.sleep(0.05)
            while not busy.done():
                t.busy_reply.append(await say(student, "/my"))
                await asyncio.sleep(0.01)
            await busy
        async with make_uow() as uow:
            t.charts = sum(1 for o in await uow.outbox.due(NOW.replace(year=2100), limit=100_000)
                           if o.payload.get("file_type") == "photo")
        return t
    finally:
        maker.close()
        await engine.dispose()


def _figures(backend: str, size: Size, generation: float, t: Timings) -> list[Figure]:
    m = MONITOR_SCALES[size]
    where = f"{backend}, {m.tickets:,} tickets, {m.lks:,} LKs, {m.actions:,} actions ({size})"
    year, whole = percentile(t.figures_year, 95), percentile(t.command, 95)
    idle, busy = percentile(t.idle_reply, 50), percentile(t.busy_reply, 50)
    ratio = busy / idle if idle else 0.0
    s = t.shown
    shown = "" if s is None else (
        f"; last 12 months: {s.tickets:,} tickets, confirmed within {s.confirm.within_percent}% "
        f"(median {s.confirm.median_days}, P90 {s.confirm.p90_days} wd), closed within {s.close.within_percent}%, "
        f"open {sum(b.count for b in s.ageing):,}, Pareto rows {len(s.pareto)}, actions due {s.actions.due:,} "
        f"({s.actions.on_time_percent}% on time), mean rating {s.satisfaction.mean}")
    return [
        Figure("stats", f"/stats p95, {backend} (ms)", round(whole, 1), "ms", f"<= {TARGET_MS:g} ms",
               whole <= TARGET_MS, f"{where}; {len(t.command)} calls via process_update (queries + charts in the "
                                   f"worker process + archive){shown}"),
        Figure("stats", f"/stats p50, {backend} (ms)", round(percentile(t.command, 50), 1), "ms", note=where),
        Figure("stats", f"figures query p95, last 12 months, {backend} (ms)", round(year, 1), "ms",
               f"<= {TARGET_MS:g} ms", year <= TARGET_MS, where),
        Figure("stats", f"figures query p50, last 12 months, {backend} (ms)",
               round(percentile(t.figures_year, 50), 1), "ms", note=where),
        Figure("stats", f"figures query p95, three years, {backend} (ms)",
               round(percentile(t.figures_all, 95), 1), "ms", note=f"{where}; {len(t.figures_all)} calls"),
        Figure("stats", f"student reply while /stats runs / idle, {backend} (ratio of p50)", round(ratio, 2), "x",
               f"<= {RATIO_TARGET:g}", ratio <= RATIO_TARGET,
               f"/my p50 {busy:.1f} ms busy ({len(t.busy_reply)}) vs {idle:.1f} ms idle ({len(t.idle_reply)})"),
        Figure("stats", f"data generation, {backend} (s)", round(generation, 1), "s", note=where),
    ]


async def _measured(backend: str, size: Size, scale: Scale, folder: Path) -> list[Figure]:
    async with loaded(backend, MONITOR_SCALES[size], folder, "stats") as db:
        if db is None:
            return []
        url, generation = db
        return _figures(BACKENDS[backend], size, generation, await _timed(url, scale, folder))


async def run(size: Size, only: Callable[[str], bool] = lambda backend: True) -> list[Figure]:
    """``/stats`` and its figures query (p50/p95), a student's reply meanwhile, on SQLite and PostgreSQL."""
    scale = SCALES[size]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-stats-") as folder:
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
