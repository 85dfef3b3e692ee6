"""The due-work engine (issue 12 §4): passes of ``handlers.due.engine.run_once`` over the monitoring benchmark's data.

The data is ``bench.monitor``'s (1,000,000 tickets, 20,000 LKs, 50,000 actions at full size) with what the engine
reads added: each active ticket's step and deadline (as the engine's backfill would have set them), the officer it
is assigned to, a complainant's message left unread on a few, complainants who started the bot (half of them),
a staff of officers, reviewers, approvers and monitors who own the actions, and a staff group. Conclusions older
than three weeks were rated (closed), as they would be by the time the engine had run for a while; the old tail of
active tickets nobody handled stays, late, and what such an engine told of those late for over two weeks (their
complainants, the reviewers of those still to confirm) is in ``due_notice``, with the tickets' watermarks it set.

At a fixed moment (a Wednesday, 08:00 WIB) the first pass issues the morning's backlog (timed on its own); then
``PASSES`` passes in which nothing new is due give the steady-state p95 the issue sets a target for (≤ 200 ms);
then a message on 100 more tickets is marked unread since two days and one pass issues those 100 reminders.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench import monitor
from bench.common import Figure, Size, percentile
from bench.monitor import NOW as DATA_NOW
from bench.monitor import POSTGRES_ENV, SCALES, Batch, Scale, asyncpg_dsn, load_postgres, load_sqlite, tables
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import DEFAULT_STANDARD_TIMES
from domain.vocabulary import RATEABLE, TicketStatus
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.due.engine import Report, run_once
from handlers.due.gather import LIMIT
from handlers.i18n import Translator
from handlers.procedure.deadlines import CONFIRM, STEP_OF
from storage.database import make_engine, make_session_factory
from storage.migrate import head_revision, upgrade
from storage.models import TicketRow
from storage.uow import SqlUnitOfWork

NAME = "due"
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # Wednesday 25 November 2026, 08:00 WIB
TARGET_MS = 200.0
PASSES = {"tiny": 8, "full": 40}
NEW_DUE = {"tiny": 20, "full": 100}
STAFF_GROUP = -1_001_234_567_890
#: The staff beyond the monitor's person 1 (an officer): how many hold each role.
STAFF_ROLES = {"officer": 10, "reviewer": 4, "approver": 3, "monitor": 2}
RATED_AFTER = timedelta(days=21)  # conclusions older than this were rated (and closed) by the time of the bench
TICKET_EXTRA = ("due_step", "due_on", "assigned_to", "unread_since", "rating", "late_told_step", "late_told_on",
                "escalated_on")
TZ_OFFSET = timedelta(hours=7)
KEEP_ENV = "TANGGAP_BENCH_DUE_DATA"
"""A folder: the generated data is kept there (SQLite: a file; PostgreSQL: a database of that name on the server)
and each later run starts from a copy of it instead of generating it again (the generation figure is then the
copy's time). Kept copies are named by size, schema head and ``DATA_VERSION``; remove them by hand."""
DATA_VERSION = 4
"""Raise it when the generated data changes, so kept copies are not used."""
MAX_DRAIN = 20
"""Passes after the first that may still drain its backlog (each reads at most ``LIMIT`` items of a kind); the
steady passes start with the first that issues nothing, so a notice a steady pass issues is one issued again."""
NOTICED_BEFORE = date(2026, 11, 11)
"""Tickets late from before this day were noticed then (their keys are in ``due_notice``), as by an engine that had
run all along: the first pass issues the last two weeks' and what else is due, not years of backlog."""


@dataclass(frozen=True)
class Staff:
    """Person ids of the staff added after the complainants, by role."""

    by_role: dict[str, list[int]]

    @property
    def everyone(self) -> list[int]:
        return [1] + [pid for ids in self.by_role.values() for pid in ids]


def staff_of(scale: Scale) -> Staff:
    first, by_role = scale.persons + 2, {}
    for role, count in STAFF_ROLES.items():
        by_role[role] = list(range(first, first + count))
        first += count
    return Staff(by_role)


def _deadline(calendar: WorkingCalendar, status: str, created: datetime, confirmed: datetime | None
              ) -> tuple[str | None, date | None]:
    """What the engine's backfill (``handlers.procedure.deadlines.deadline``) gives a ticket in ``status``."""
    step = STEP_OF.get(status)
    if step is None:
        return None, None
    since = created if step == CONFIRM or confirmed is None else confirmed
    days = DEFAULT_STANDARD_TIMES.confirm if step == CONFIRM else DEFAULT_STANDARD_TIMES.respond
    return step, calendar.add_working_days((since + TZ_OFFSET).date(), days)


def _ticket(row: tuple[Any, ...], rng: random.Random, calendar: WorkingCalendar, officers: list[int]
            ) -> tuple[Any, ...]:
    columns = dict(zip(monitor.TICKET_COLUMNS, row, strict=True))
    status, created, confirmed, resolved = (columns["status"], columns["created_at"], columns["confirmed_at"],
                                            columns["resolved_at"])
    rating = None
    if status in RATEABLE and resolved is not None and resolved < DATA_NOW - RATED_AFTER:
        status, rating = TicketStatus.CLOSED.value, 4
    step, due_on = _deadline(calendar, status, created, confirmed)
    assigned = rng.choice(officers) if step is not None and confirmed is not None else None
    unread = created + timedelta(days=3) if step is not None and rng.random() < 0.02 else None
    columns["status"] = status
    # the watermarks an engine running all along set for what it settled before ``NOTICED_BEFORE`` (see _noticed)
    settled = due_on is not None and due_on < NOTICED_BEFORE
    told = (step, due_on) if settled else (None, None)
    escalated = due_on if settled else None  # escalated, or no escalation to make (a step other than confirm)
    return (*columns.values(), step, due_on, assigned, unread, rating, *told, escalated)


def due_tables(scale: Scale) -> Iterator[Batch]:
    """``bench.monitor.tables`` with what the due-work engine reads (see the module's docstring)."""
    rng, calendar, staff = random.Random(12), WorkingCalendar(), staff_of(scale)
    officers, noticed = [1, *staff.by_role["officer"]], list[tuple[Any, ...]]()
    for table, columns, rows in tables(scale, random.Random(5)):
        if table == "person":
            complainants = [(pid, 600_000_000 + pid if pid % 2 == 0 else None, name, at,
                             at if pid % 2 == 0 else None) for pid, _tid, name, at, _s in rows[1:]]
            people = [(pid, 500_000_000 + pid, f"Staf {pid}", DATA_NOW, DATA_NOW) for pid in staff.everyone[1:]]
            yield table, columns, [rows[0], *complainants, *people]
        elif table == "staff_role":
            yield table, columns, rows + [(pid, role, DATA_NOW) for role, ids in staff.by_role.items() for pid in ids]
        elif table == "ticket":
            done = [_ticket(row, rng, calendar, officers) for row in rows]
            noticed += _noticed(done, columns)
            yield table, (*columns, *TICKET_EXTRA), done
        elif table == "lk_action":
            owner = monitor.ACTION_COLUMNS.index("owner_person_id")
            yield table, columns, [(*row[:owner], rng.choice(staff.everyone) if row[owner] == 1 else row[owner],
                                    *row[owner + 1:]) for row in rows]
        else:
            yield table, columns, rows
    yield "due_notice", ("key", "kind", "chat_id", "issued_at"), noticed


def _noticed(tickets: list[tuple[Any, ...]], columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The notices an engine running all along issued for tickets late since before ``NOTICED_BEFORE``: the
    complainant told (one who started the bot) and, for a ticket still to confirm, the reviewers."""
    names = (*columns, *TICKET_EXTRA)
    person, step, due_on, ident = (names.index(n) for n in ("person_id", "due_step", "due_on", "id"))
    at, keys = DATA_NOW - timedelta(days=1), []
    for row in tickets:
        if row[due_on] is None or row[due_on] >= NOTICED_BEFORE:
            continue
        if row[person] is not None and row[person] % 2 == 0:
            keys.append((f"ticket:{row[ident]}:late:{row[step]}:{row[due_on]}", "complainant_late", None, at))
        if row[step] == CONFIRM:
            keys.append((f"ticket:{row[ident]}:confirm-escalation:{row[due_on]}", "confirm_escalation", None, at))
    return keys


def deps() -> Deps:
    return Deps(catalogue=load_catalogue(), translator=Translator(), clock=lambda: NOW, staff_chat_id=STAFF_GROUP)


async def _timed(url: str, passes: int, new_due: int) -> dict[str, Any]:
    """The first pass, ``passes`` steady passes, then one pass after ``new_due`` tickets got an unread message."""
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        the_deps = deps()

        def make_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(factory)

        async def one() -> tuple[float, Report]:
            started = time.perf_counter()
            report = await run_once(make_uow, the_deps, NOW)
            return (time.perf_counter() - started) * 1000, report

        first_ms, first = await one()
        drained: list[tuple[float, Report]] = []  # a backlog beyond one pass's window (LIMIT per kind) goes next
        while True:
            ms, report = await one()
            if report.issued == 0 or len(drained) == MAX_DRAIN:
                steady = [(ms, report)] + [await one() for _ in range(passes - 1)]
                break
            drained.append((ms, report))
        async with factory() as session:  # the bench's own change of state, as a student's message would make it
            ids = list(await session.scalars(
                select(TicketRow.id).where(TicketRow.status == "in_followup", TicketRow.unread_since.is_(None))
                .order_by(TicketRow.id.desc()).limit(new_due)))
            await session.execute(update(TicketRow).where(TicketRow.id.in_(ids)).values(
                unread_since=NOW - timedelta(days=2)))
            await session.commit()
        new_ms, new = await one()
        again_ms, again = await one()
        return {"first_ms": first_ms, "first": first, "drained": drained, "steady": steady, "new_ms": new_ms,
                "new": new,
                "again_ms": again_ms, "again": again}
    finally:
        await engine.dispose()


def _figures(backend: str, size: Size, scale: Scale, generation: float, r: dict[str, Any]) -> list[Figure]:
    where = f"{backend}, {scale.tickets:,} tickets, {scale.lks:,} LKs, {scale.actions:,} actions ({size})"
    steady_ms = [ms for ms, _r in r["steady"]]
    twice = sum(rep.issued for _ms, rep in r["steady"]) + r["again"].issued
    p95 = percentile(steady_ms, 95)
    first: Report = r["first"]
    new: Report = r["new"]
    size_new = NEW_DUE[size]
    return [
        Figure(NAME, f"steady pass p95, {backend} (ms)", round(p95, 2), "ms", f"<= {TARGET_MS:g} ms",
               p95 <= TARGET_MS, f"{where}; {len(steady_ms)} passes at 08:00 WIB with nothing new due; "
               f"notices issued by them: {twice}"),
        Figure(NAME, f"steady pass p50, {backend} (ms)", round(percentile(steady_ms, 50), 2), "ms", note=where),
        Figure(NAME, f"first pass (the morning's backlog), {backend} (ms)", round(r["first_ms"], 1), "ms",
               note=f"{first.issued} notices, {first.messages} messages, {first.backfilled} deadlines backfilled; "
                    f"then {len(r['drained'])} more passes issued {sum(rep.issued for _ms, rep in r['drained'])} (the "
                    f"backlog beyond a pass's window of {LIMIT:,} per kind) before the steady ones"),
        Figure(NAME, f"pass after {size_new} messages became unread, {backend} (ms)", round(r["new_ms"], 1), "ms",
               note=f"{new.messages} messages; the pass after it: {r['again_ms']:.1f} ms, {r['again'].issued} issued"),
        Figure(NAME, f"notices issued by that pass, {backend}", new.issued, "count", f"= {size_new}",
               new.issued == size_new),
        Figure(NAME, f"notices issued twice, {backend}", twice, "count", "0", twice == 0),
        Figure(NAME, f"data generation, {backend} (s)", round(generation, 1), "s", note=where),
    ]


def _kept(size: Size) -> str:
    """The name of a kept copy of the generated data: its size, the schema it was made for and ``DATA_VERSION``."""
    return f"tanggap_bench_due_{size}_{head_revision()}_{DATA_VERSION}"


async def _sqlite(size: Size, scale: Scale, folder: Path) -> list[Figure]:
    path = folder / "due.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    keep = os.environ.get(KEEP_ENV)
    pristine = Path(keep) / f"{_kept(size)}.sqlite3" if keep else None
    started = time.perf_counter()
    if pristine is None or not pristine.exists():
        engine = make_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        await asyncio.to_thread(load_sqlite, path, due_tables(scale))
        if pristine is not None:
            pristine.parent.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(shutil.copyfile, path, pristine)
    else:
        await asyncio.to_thread(shutil.copyfile, pristine, path)
    generation = time.perf_counter() - started
    return _figures("SQLite", size, scale, generation, await _timed(url, PASSES[size], NEW_DUE[size]))


async def _postgres(size: Size, scale: Scale) -> list[Figure]:
    server = os.environ.get(POSTGRES_ENV) or monitor.DEFAULT_POSTGRES_URL
    name = f"tanggap_bench_due_{uuid.uuid4().hex[:12]}"
    keep = _kept(size) if os.environ.get(KEEP_ENV) else None
    admin = create_async_engine(make_url(server).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT")
    try:
        try:
            async with asyncio.timeout(5), admin.connect() as connection:
                await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except Exception as exc:  # any failure to reach the server means: no PostgreSQL here
            print(f"due: PostgreSQL skipped, {server} not reachable ({type(exc).__name__}: {exc})")
            return []
        url = make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False)
        try:
            started = time.perf_counter()
            if keep is None:
                await _generate_postgres(url, scale)
            else:
                await _from_kept_postgres(admin, server, keep, name, scale)
            generation = time.perf_counter() - started
            return _figures("PostgreSQL", size, scale, generation, await _timed(url, PASSES[size], NEW_DUE[size]))
        finally:
            async with admin.connect() as connection:
                await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


async def _generate_postgres(url: str, scale: Scale) -> None:
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    await load_postgres(asyncpg_dsn(url), due_tables(scale))


async def _from_kept_postgres(admin: AsyncEngine, server: str, keep: str, name: str, scale: Scale) -> None:
    """The database ``name`` as a copy of the kept one (``CREATE DATABASE … TEMPLATE``), generated first if need be.
    """
    async with admin.connect() as connection:
        exists = await connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": keep})
        if not exists:
            await connection.exec_driver_sql(f'CREATE DATABASE "{keep}"')
    if not exists:
        try:
            url = make_url(server).set(drivername="postgresql+asyncpg", database=keep)
            await _generate_postgres(url.render_as_string(hide_password=False), scale)
        except BaseException:
            async with admin.connect() as connection:
                await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{keep}" WITH (FORCE)')
            raise
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f'DROP DATABASE "{name}"')
        await connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{keep}"')


async def run(size: Size) -> list[Figure]:
    """Pass times of the due-work engine on SQLite and (when reachable) PostgreSQL."""
    scale = SCALES[size]
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-due-") as folder:
        figures = await _sqlite(size, scale, Path(folder))
    return figures + await _postgres(size, scale)


if __name__ == "__main__":
    import sys

    for figure in asyncio.run(run("full" if "full" in sys.argv[1:] else "tiny")):
        print(json.dumps(figure.as_dict(), ensure_ascii=False))
