"""A mass case stays fast (issue 14 §1, §5): closing an LK linked to 1,000 tickets, and a student filing meanwhile.

The data: complainants with Telegram ids and languages (every third one English, the rest Indonesian), and LKs
awaiting verification, each covering 1,000 complaints in follow-up with a deadline: one "me too" case, led by its
first ticket (which has a card in the staff group) with 999 members (no card of their own). Two parts:

1. close time: the monitor presses "✔ Effective" and writes the response through ``process_update`` (the real chat
   turn: the LK closes, its tickets resolve, their history, the notices and the staff group's card are written in
   that one transaction), once per LK (the first, which also loads the PDF library, not counted); p50 and p95 over
   the runs, on a SQLite file and, when reachable, PostgreSQL
   (``TANGGAP_TEST_POSTGRES_URL`` or the local server). Checked after each: every ticket resolved with one event,
   one notice and one rating request per complainant, and the staff group's card edited once;
2. meanwhile: the real bot (``python -m bot.cli run``, Telegram's limits on) serves the SQLite file against the
   emulator; students file a complaint idle, then the monitor closes one more LK through the bot and the same
   number of students start filing at that moment (``bench.replies``' machinery). Target: answer p95 during the
   close over idle <= 1.5.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bench.common import Figure, Size, percentile
from bench.fanout import MONITOR, RESPONSE
from bench.replies import Filing, close_through_the_bot, file_complaints, filing_figures, until
from bench.students import FILING, add_students, tanggap
from bot.emulator import BotApiEmulator
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import ButtonPress, InboundUpdate, IncomingMessage, User
from handlers.i18n import Translator
from handlers.lk_form_jobs import run_lk_forms
from handlers.processing import process_update
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import LkTicketRow, OutboxRow, TicketCaseRow, TicketEventRow, TicketRow
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork

NAME = "lk_close"
SIZES = {"tiny": (40, 2, 2, 3), "full": (1_000, 5, 5, len(FILING))}  # tickets per LK, closes, students, steps
STUDENTS: int | None = None  # ``python -m bench --students N``
TIME_TARGET_S = 1.0
RATIO_TARGET = 1.5
STAFF_GROUP = -1009000001
FIRST = 830_000
POSTGRES_ENV = "TANGGAP_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Closed:
    seconds: float
    resolved: int  # tickets of the LK now resolved
    events: int  # their "resolved" history events
    to_complainants: int  # outbox rows to the complainants (notice + rating request each)
    card_edits: int  # outbox rows to the staff group
    form_seconds: float = 0.0  # the closed form's job, run after the commit (handlers.lk_form_jobs)


async def seed(sessions: Sessions, tickets: int, lks: int) -> list[int]:
    """The monitor, ``tickets`` complainants, and ``lks`` LKs awaiting verification, each covering one case of
    ``tickets`` complaints in follow-up (the first leads it, with a card); returns the LKs' ids."""
    now = datetime.now(UTC)
    due = date.today() + timedelta(days=60)  # a deadline, far enough for the due-work engine to leave it alone
    async with SqlUnitOfWork(sessions) as uow:
        monitor = await uow.persons.ensure_telegram(MONITOR, "Bench Monitor", "id")
        await uow.staff.grant(monitor.id, "monitor", by=None, at=now)
        people = [(await uow.persons.ensure_telegram(FIRST + n, f"Mahasiswa {n}", "en" if n % 3 == 0 else "id")).id
                  for n in range(tickets)]
        await uow.commit()
    ids = []
    for k in range(lks):
        async with SqlUnitOfWork(sessions) as uow:
            ticket_ids = [(await uow.tickets.add(NewTicket(
                "complaint", "telegram", person, "transcript", None, f"transkrip saya belum terbit ({k}.{n})", None,
                {}, (), False, "in_followup", now))).id for n, person in enumerate(people)]
            await uow.commit()
        async with sessions() as session:  # the case, led by the first ticket, and everyone's deadline
            case = TicketCaseRow(service_code="transcript", lead_ticket_id=ticket_ids[0], created_at=now,
                                 summary="Transkrip terlambat terbit")
            session.add(case)
            await session.flush()
            await session.execute(update(TicketRow).where(TicketRow.id.in_(ticket_ids)).values(
                case_id=case.id, due_step="respond", due_on=due, confirmed_at=now))
            await session.execute(update(TicketRow).where(TicketRow.id == ticket_ids[0]).values(
                card_message_id=1000 + k))
            await session.commit()
        async with SqlUnitOfWork(sessions) as uow:
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP-AK-01", "Transkrip terlambat",
                                         "Tanda tangan dekan menumpuk", monitor.id, now,
                                         status="awaiting_verification"))
            await uow.lks.link(lk.id, ticket_ids)
            await uow.commit()
            ids.append(lk.id)
    return ids


async def close(sessions: Sessions, deps: Deps, lk_id: int, update_id: int) -> Closed:
    """The monitor presses "✔ Effective" and writes the response; the closing update timed and checked."""
    user = User(MONITOR, "Bench Monitor", language_code="id")

    def make_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions)

    await process_update(InboundUpdate(update_id, ButtonPress(MONITOR, user, f"cb{update_id}", f"lk:eff:{lk_id}",
                                                              update_id)), make_uow, deps)
    async with sessions() as s:
        before = await s.scalar(select(func.max(OutboxRow.id))) or 0
    started = time.perf_counter()
    done = await process_update(InboundUpdate(update_id + 1, IncomingMessage(MONITOR, user, update_id + 1,
                                                                             RESPONSE)), make_uow, deps)
    seconds = time.perf_counter() - started
    if done.duplicate or not done.outbox_ids:
        raise RuntimeError("closing the LK queued nothing")
    async with sessions() as s:
        ticket_ids = select(LkTicketRow.ticket_id).where(LkTicketRow.lk_id == lk_id).scalar_subquery()
        resolved = await s.scalar(select(func.count()).select_from(TicketRow).where(
            TicketRow.id.in_(ticket_ids), TicketRow.status == "resolved"))
        events = await s.scalar(select(func.count()).select_from(TicketEventRow).where(
            TicketEventRow.ticket_id.in_(ticket_ids), TicketEventRow.code == "resolved"))
        to_complainants = await s.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.id > before, OutboxRow.chat_id >= FIRST))
        card_edits = await s.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.id > before, OutboxRow.chat_id == STAFF_GROUP))
    started = time.perf_counter()
    if await run_lk_forms(make_uow, deps) != 1:  # the monitor's copy (the preparer is the monitor here)
        raise RuntimeError("closing the LK queued no form")
    form = time.perf_counter() - started
    return Closed(seconds, resolved or 0, events or 0, to_complainants or 0, card_edits or 0, form)


async def closes(url: str, folder: Path, tickets: int, runs: int) -> list[Closed]:
    engine = make_engine(url)
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        lks = await seed(sessions, tickets, runs + 1)
        deps = Deps(catalogue=load_catalogue(), translator=Translator(), archive=ArchiveStore(folder / "archive"),
                    staff_chat_id=STAFF_GROUP)
        closed = [await close(sessions, deps, lk_id, 10 * (n + 1)) for n, lk_id in enumerate(lks)]
        return closed[1:]  # the first close of a process also loads fpdf2 and its fonts for the LK form: not counted
    finally:
        await engine.dispose()


def close_figures(where: str, tickets: int, runs: list[Closed]) -> list[Figure]:
    times = [r.seconds for r in runs]
    p95 = percentile(times, 95)
    right = all(r.resolved == tickets and r.events == tickets and r.to_complainants == 2 * tickets
                for r in runs)
    return [
        Figure(NAME, f"{where}: close p50 ({tickets:,} tickets)", round(percentile(times, 50), 3), "s",
               note=f"{len(runs)} closes, one LK each"),
        Figure(NAME, f"{where}: close p95 ({tickets:,} tickets)", round(p95, 3), "s", f"<= {TIME_TARGET_S:g} s",
               p95 <= TIME_TARGET_S),
        Figure(NAME, f"{where}: closed form after the commit p50 / max", round(percentile(
            [r.form_seconds for r in runs], 50), 3), "s", note=f"max {max(r.form_seconds for r in runs):.3f} s; "
                                                               "a job, outside the closing transaction"),
        Figure(NAME, f"{where}: every ticket resolved, one event and two messages each", int(right), "", "= 1",
               right, f"last: {runs[-1].resolved} resolved, {runs[-1].events} events, "
                      f"{runs[-1].to_complainants} messages"),
        Figure(NAME, f"{where}: staff group card edits per close", max(r.card_edits for r in runs), "", "= 1",
               all(r.card_edits == 1 for r in runs), "one card per case"),
    ]


async def postgres_closes(folder: Path, tickets: int, runs: int) -> list[Closed] | None:
    server = os.environ.get(POSTGRES_ENV) or DEFAULT_POSTGRES_URL
    name = f"tanggap_massclose_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(make_url(server).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT")
    try:
        try:
            async with asyncio.timeout(5), admin.connect() as connection:
                await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except Exception as exc:  # any failure to reach the server means: no PostgreSQL here
            print(f"lk_close: PostgreSQL skipped, {server} not reachable ({type(exc).__name__}: {exc})",
                  file=sys.stderr)
            return None
        url = make_url(server).set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False)
        try:
            return await closes(url, folder, tickets, runs)
        finally:
            async with admin.connect() as connection:
                await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.dispose()


async def meanwhile(folder: Path, tickets: int, students: int, steps: tuple[tuple[str, str], ...]
                    ) -> tuple[Filing, Filing, float]:
    """Students filing idle, then from the moment the monitor sends the closing response through the bot; and the
    time from that response to the monitor's answer (the close as the monitor sees it)."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
    path = folder / "tanggap.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        [lk_id] = await seed(sessions, tickets, 1)
        async with SqlUnitOfWork(sessions) as uow:
            lk = await uow.lks.get(lk_id)
            assert lk is not None
    finally:
        await engine.dispose()
    async with BotApiEmulator() as emulator:
        emulator.add_user(MONITOR, "Bench Monitor")
        for n in range(tickets):
            emulator.add_user(FIRST + n, f"Mahasiswa {n}")
        async with tanggap(emulator, folder, lifted=False):
            idle = await file_complaints(emulator, add_students(emulator, students), steps)
            await emulator.wait_idle(timeout=30)
            later = add_students(emulator, students, first=760_000_001)
            answers: list[float] = []
            remove = emulator.on_bot_output(lambda chat: answers.append(time.monotonic()) if chat == MONITOR
                                            else None)
            try:
                sent = await close_through_the_bot(emulator, lk)
                busy = await file_complaints(emulator, later, steps)
                if not await until(lambda: any(t > sent for t in answers), 120):
                    raise RuntimeError("the monitor got no answer to the closing response")
            finally:
                remove()
            seen = min(t for t in answers if t > sent) - sent
    return idle, busy, seen


async def run(size: Size) -> list[Figure]:
    tickets, runs, students, step_count = SIZES[size]
    students = STUDENTS or students
    steps = FILING[:step_count]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-lk-close-") as tmp:
        folder = Path(tmp)
        print(f"  lk_close: {runs} closes of {tickets:,} tickets on SQLite ...", file=sys.stderr)
        figures += close_figures("SQLite", tickets, await closes(
            f"sqlite+aiosqlite:///{folder / 'closes.db'}", folder, tickets, runs))
        print("  lk_close: the same on PostgreSQL ...", file=sys.stderr)
        on_postgres = await postgres_closes(folder, tickets, runs)
        if on_postgres is not None:
            figures += close_figures("PostgreSQL", tickets, on_postgres)
        print(f"  lk_close: {students} students filing idle, then while the bot closes one ...", file=sys.stderr)
        idle, busy, seen = await meanwhile(folder / "bot", tickets, students, steps)
    figures += filing_figures(NAME, "the close", steps, idle, busy, students=students)
    figures.append(Figure(NAME, "through the bot: response sent → the monitor's answer", round(seen, 3), "s",
                          note="SQLite; includes the notifier's pick-up"))
    return figures
