"""Monitoring: ``/monitor`` as staff call it (through ``process_update``) over many tickets, LKs and actions.

full: 1,000,000 tickets over three years (most closed or resolved, some still open or never confirmed),
20,000 LKs in every status, 50,000 actions due around today; tiny: a few thousand tickets. Rows are
bulk-loaded straight into a schema built by Alembic (``executemany`` in big transactions on SQLite,
``COPY`` on PostgreSQL), then ``/monitor`` is timed on SQLite and, when reachable, on PostgreSQL
(``TANGGAP_TEST_POSTGRES_URL``, or the local server).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import re
import sqlite3
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import Figure, Size, percentile
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import InboundUpdate, IncomingMessage, User
from handlers.i18n import Translator
from handlers.processing import process_update
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
POSTGRES_ENV = "TANGGAP_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # a Wednesday, 10:00 WIB
TODAY = date(2026, 11, 25)
STAFF_TELEGRAM_ID = 9002
TARGET_MS = 100.0
BATCH = 50_000
Batch = tuple[str, Sequence[str], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Scale:
    tickets: int
    lks: int
    actions: int
    persons: int
    calls: int


SCALES: dict[str, Scale] = {
    "tiny": Scale(tickets=3_000, lks=300, actions=600, persons=100, calls=10),
    "full": Scale(tickets=1_000_000, lks=20_000, actions=50_000, persons=20_000, calls=60),
}

PERSON_COLUMNS = ("id", "telegram_id", "name", "created_at", "started_at")
TICKET_COLUMNS = ("id", "number", "kind", "channel", "person_id", "service_code", "description", "answers",
                  "anonymous", "status", "created_at", "updated_at", "confirmed_at", "resolved_at",
                  "awaiting_complainant_since")
LK_COLUMNS = ("id", "number", "kind", "service_code", "procedure_ref", "description", "root_cause", "status",
              "round", "prepared_by", "created_at", "updated_at", "closed_at")
STAFF_ROLE_COLUMNS = ("person_id", "role", "granted_at")
ACTION_COLUMNS = ("id", "lk_id", "kind", "description", "owner_person_id", "due_on", "round", "status",
                  "done_at", "created_at")

#: Ticket statuses by age: what a desk that keeps up looks like, with a tail nobody confirmed.
RECENT_MIX = {"received": 25, "confirming": 20, "in_followup": 20, "resolved": 15, "closed": 15, "reopened": 5}
OLD_MIX = {"closed": 780, "resolved": 90, "conforming": 40, "rejected": 20, "duplicate": 20, "in_followup": 20,
           "received": 8, "reopened": 2}
SUGGESTION_MIX = {"closed": 70, "accepted": 10, "declined": 10, "under_review": 5, "received": 5}
LK_MIX = {"closed": 55, "in_progress": 20, "draft": 5, "awaiting_check": 7, "awaiting_approval": 7,
          "awaiting_verification": 6}
SERVICES = ("transcript", "registration", "graduation", "scholarship", "ktm", "leave")


def _picker(mix: dict[str, int], rng: random.Random) -> Callable[[], str]:
    names, weights = list(mix), list(itertools.accumulate(mix.values()))
    return lambda: rng.choices(names, cum_weights=weights)[0]


def _tickets(scale: Scale, rng: random.Random) -> Iterator[list[tuple[Any, ...]]]:
    """Tickets oldest first over three years before NOW, numbered per series and year."""
    start, span = NOW - timedelta(days=3 * 365), 3 * 365 * 86_400
    recent, old, suggestion = _picker(RECENT_MIX, rng), _picker(OLD_MIX, rng), _picker(SUGGESTION_MIX, rng)
    counters: dict[tuple[str, int], int] = {}
    batch: list[tuple[Any, ...]] = []
    for i in range(scale.tickets):
        created = start + timedelta(seconds=span * i / scale.tickets + rng.random() * 30)
        is_complaint = rng.random() < 0.85
        kind, series = ("complaint", "KEL") if is_complaint else ("suggestion", "SAR")
        year = (created + timedelta(hours=7)).year
        counters[series, year] = value = counters.get((series, year), 0) + 1
        if not is_complaint:
            status = suggestion()
        else:
            status = recent() if NOW - created < timedelta(days=14) else old()
        confirmed = created + timedelta(days=1) if status not in ("received", "reopened") else None
        resolved = created + timedelta(days=10) if status in ("resolved", "closed") else None
        # An officer asked the complainant something on a few active tickets and waits for the answer.
        asked = created + timedelta(days=2) if status in ("confirming", "in_followup") and rng.random() < 0.2 else None
        batch.append((i + 1, f"{series}-{year:04d}-{value:05d}", kind, rng.choice(("telegram", "email", "letter")),
                      rng.randint(2, scale.persons + 1), rng.choice(SERVICES),
                      f"Keluhan {i}: layanan {rng.choice(SERVICES)} terlambat", "{}", rng.random() < 0.1, status,
                      created, created, confirmed, resolved, asked))
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _lks(scale: Scale, rng: random.Random) -> list[tuple[Any, ...]]:
    pick, rows = _picker(LK_MIX, rng), []
    counters: dict[int, int] = {}
    for i in range(scale.lks):
        created = NOW - timedelta(days=3 * 365) + timedelta(seconds=3 * 365 * 86_400 * i / scale.lks)
        year = (created + timedelta(hours=7)).year
        counters[year] = value = counters.get(year, 0) + 1
        status = pick()
        # One open LK in ten is in its second round: its first programme was judged not effective.
        round_ = 2 if status != "closed" and rng.random() < 0.1 else 1
        rows.append((i + 1, f"LK-{year:04d}-{value:03d}", "nonconformity", rng.choice(SERVICES), "SOP PM-BAPKM",
                     f"Ketidaksesuaian {i}", "Akar masalah", status, round_, 1, created, created,
                     created + timedelta(days=40) if status == "closed" else None))
    return rows


def _actions(scale: Scale, rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for i in range(scale.actions):
        due = TODAY + timedelta(days=rng.randint(-90, 60))
        done = rng.random() < (0.85 if due < TODAY else 0.2)
        # most owners are the staff member; one in fifty never started the bot
        owner = rng.randint(2, scale.persons + 1) if rng.random() < 0.02 else 1
        rows.append((i + 1, rng.randint(1, scale.lks), rng.choice(("correction", "corrective", "preventive")),
                     f"Tindakan {i}", owner, due, 1, "done" if done else "open", NOW if done else None,
                     datetime.combine(due - timedelta(days=30), datetime.min.time(), tzinfo=UTC)))
    return rows


def _persons(scale: Scale) -> list[tuple[Any, ...]]:
    """The staff member (who started the bot) and the complainants (who never did: letters and e-mails)."""
    staff = (1, STAFF_TELEGRAM_ID, "Olivia", NOW, NOW)
    return [staff, *((i, None, f"Mahasiswa {i}", NOW, None) for i in range(2, scale.persons + 2))]


# SQLite ----------------------------------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    """What ``UtcDateTime`` and ``Date`` write on SQLite: naive UTC text, ISO dates."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _sqlite_insert(db: sqlite3.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(columns))
    db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                   [tuple(_sqlite_value(v) for v in row) for row in rows])


def tables(scale: Scale, rng: random.Random) -> Iterator[Batch]:
    """Every table's rows, in load order, as (table, columns, rows) batches: the monitor's data, which the due-work
    benchmark (``bench.due``) extends."""
    yield "person", PERSON_COLUMNS, _persons(scale)
    yield "staff_role", STAFF_ROLE_COLUMNS, [(1, "officer", NOW)]
    for batch in _tickets(scale, rng):
        yield "ticket", TICKET_COLUMNS, batch
    yield "lk", LK_COLUMNS, _lks(scale, rng)
    yield "lk_action", ACTION_COLUMNS, _actions(scale, rng)
    yield "lk_ticket", ("lk_id", "ticket_id"), sorted({(i, rng.randint(1, scale.tickets))
                                                       for i in range(1, scale.lks + 1)})


def load_sqlite(path: Path, batches: Iterator[Batch]) -> None:
    """``batches`` into the SQLite file at ``path`` in one transaction."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        for table, columns, rows in batches:
            _sqlite_insert(db, table, columns, rows)
        db.execute("COMMIT")
    finally:
        db.close()


# PostgreSQL ------------------------------------------------------------------------------------------------------


async def load_postgres(dsn: str, batches: Iterator[Batch]) -> None:
    """``batches`` into the PostgreSQL database at ``dsn`` by COPY in one transaction, then VACUUM ANALYZE."""
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction():
            for table, columns, rows in batches:
                await connection.copy_records_to_table(table, records=rows, columns=list(columns))
            for table in ("person", "ticket", "lk", "lk_action", "outbox", "ticket_attachment"):
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # What autovacuum would have done by the time anyone asks: statistics and the visibility map.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# Timing ----------------------------------------------------------------------------------------------------------


async def _time_monitor(url: str, calls: int) -> tuple[list[float], str]:
    """Milliseconds per ``/monitor`` through ``process_update`` (after warming up), and the last report."""
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        deps = Deps(catalogue=load_catalogue(), translator=Translator(), clock=lambda: NOW)
        user = User(STAFF_TELEGRAM_ID, "Olivia", language_code="en")
        ids = itertools.count(time.time_ns() // 1000)  # fresh update ids each run: none is a re-delivery
        timings: list[float] = []
        report = ""
        for call in range(calls + 3):
            update = InboundUpdate(next(ids), IncomingMessage(STAFF_TELEGRAM_ID, user, next(ids), "/monitor"))
            started = time.perf_counter()
            done = await process_update(update, lambda: SqlUnitOfWork(factory), deps)
            elapsed = (time.perf_counter() - started) * 1000
            if call >= 3:
                timings.append(elapsed)
            if call == calls + 2:
                async with SqlUnitOfWork(factory) as uow:
                    sent = await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), limit=1000)
                    report = "\n\n".join(str(o.payload.get("text", "")) for o in sent if o.id in done.outbox_ids)
        return timings, report
    finally:
        await engine.dispose()


def _figures(backend: str, size: Size, scale: Scale, generation: float, timings: list[float],
             target: bool, report: str) -> list[Figure]:
    where = f"{backend}, {scale.tickets:,} tickets, {scale.lks:,} LKs, {scale.actions:,} actions ({size})"
    p95, p50 = percentile(timings, 95), percentile(timings, 50)
    counts = " ".join(re.findall(r"^<b>.*</b> (\(\d+\))$", report, flags=re.MULTILINE))
    return [
        Figure("monitor", f"/monitor p95 latency, {backend} (ms)", round(p95, 2), "ms",
               f"<= {TARGET_MS:g} ms" if target else "", (p95 <= TARGET_MS) if target else None,
               f"{where}; {len(timings)} calls via process_update; section counts {counts}"),
        Figure("monitor", f"/monitor p50 latency, {backend} (ms)", round(p50, 2), "ms", note=where),
        Figure("monitor", f"data generation, {backend} (s)", round(generation, 1), "s", note=where),
    ]


@asynccontextmanager
async def loaded(backend: str, scale: Scale, folder: Path, bench: str,
                 data: Callable[[Scale, random.Random], Iterator[Batch]] | None = None
                 ) -> AsyncIterator[tuple[str, float] | None]:
    """A database (``sqlite`` in ``folder``, or ``postgres``: a database of its own on the server, dropped after),
    migrated and filled with this benchmark's data at ``scale`` (``data``'s batches; by default :func:`tables`): its
    URL and the seconds the data took. None when PostgreSQL is not reachable (said on stdout, under ``bench``'s
    name). Shared by the monitor, /stats, recap and retention benchmarks."""
    data = data or tables
    if backend == "sqlite":
        path = folder / f"{bench}.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        await _upgrade(url)
        started = time.perf_counter()
        await asyncio.to_thread(load_sqlite, path, data(scale, random.Random(5)))
        yield url, time.perf_counter() - started
        return
    server = os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES_URL
    name = f"tanggap_{bench}_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(make_url(server).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT")
    try:
        try:
            async with asyncio.timeout(5), admin.connect() as connection:
                await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except Exception as exc:  # any failure to reach the server means: no PostgreSQL here
            print(f"{bench}: PostgreSQL skipped, {server} not reachable ({type(exc).__name__}: {exc})")
            yield None
            return
        url = make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False)
        try:
            await _upgrade(url)
            started = time.perf_counter()
            await load_postgres(asyncpg_dsn(url), data(scale, random.Random(5)))
            yield url, time.perf_counter() - started
        finally:
            async with admin.connect() as connection:
                await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


async def _upgrade(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _measured(backend: str, size: Size, scale: Scale, folder: Path) -> list[Figure]:
    async with loaded(backend, scale, folder, "monitor") as db:
        if db is None:
            return []
        url, generation = db
        timings, report = await _time_monitor(url, scale.calls)
        return _figures(BACKENDS[backend], size, scale, generation, timings, backend == "postgres", report)


async def run(size: Size) -> list[Figure]:
    """p95/p50 of ``/monitor`` and the time to generate the data, on SQLite and (when reachable) PostgreSQL."""
    scale = SCALES[size]
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-monitor-") as folder:
        return await _measured("sqlite", size, scale, Path(folder)) + await _measured("postgres", size, scale,
                                                                                       Path(folder))


if __name__ == "__main__":
    import sys

    for figure in asyncio.run(run("full" if "full" in sys.argv[1:] else "tiny")):
        print(json.dumps(figure.as_dict(), ensure_ascii=False))
