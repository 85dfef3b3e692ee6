"""SIGKILL at 50 random moments during a scripted load of filings and staff replies; restarted each time.

Then the books are compared: every update the emulator handed out was processed, every ticket the bot
acknowledged exists exactly once (and no ticket exists that was not acknowledged), and every outbox row
reached its chat. The counts are printed (run with ``-s`` or see the CI log's captured output).

Each kill comes 0.3–4 s after the restarted process began taking updates again, at a random moment of its work
(filings, replies and deliveries in flight).

A message can arrive twice in one case only: the process died after Telegram took the message and before
the outbox row was marked sent. The Bot API has no idempotency key, so no bot can close that window; the
test counts such doubles and requires at most one per chat per kill — a chat has at most one message whose
outcome is not recorded yet (the notifier blocks the chat until it is) — and no losses at all.

The due-work engine runs all along (issue 12: each notice once across a SIGKILL loop): before the load, the
database is seeded with work that makes notices due (``tests/e2e/due_seed.py``: 200 actions of 20 owners, overdue
by various working days, LKs with their reviewer and approver, responses unrated for up to 12 working days), every
process runs a pass each half second, and each restart puts the bot's clock six hours further on (on working days,
07:40–19:40 WIB, then the next working day), so new notices become due during the run — the load's own tickets
too, once past their standard time. Between a kill and the restart the test derives what is due at the next
moment; afterwards each of those notices must have been issued once and delivered (``tests/e2e/notice_books.py``),
a doubled delivery only across a kill, as for every other message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator, EmulatorError
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.due_seed import BotTime, database_view, seed_due_work
from tests.e2e.harness import STARTUP_WITHIN, BotProcess, Stack, bot_settings, settle, wait_until
from tests.e2e.notice_books import assert_each_notice_once, notice_books

pytestmark = pytest.mark.e2e
KILLS = 50
STUDENTS = 6
ANSWER_WITHIN = 90.0  # seconds a step may take (a restart, a retry after a 429 …)
DUE_INTERVAL = "0.5"  # seconds between the engine's passes: many passes, and kills in the middle of some
ADMIN, OFFICER = 9801, 9802
NUMBER = re.compile(r"KEL-\d{4}-\d{5}")
STEPS: list[tuple[str, str]] = [
    ("say", "/new"), ("press", "Complaint"), ("press", "Academic transcript"),
    ("say", "My transcript has not been issued after two weeks."), ("press", "No attachment"),
    ("press", "Yesterday"), ("say", "01-10-2026"), ("press", "Academic portal (myITS Academics)"),
    ("press", "Yes"), ("say", "They told me to wait."), ("press", "Show my name"), ("press", "✅ Send"),
]  # fmt: skip
RUNS = [
    pytest.param("sqlite", Stack("aiogram", "polling"), id="sqlite-aiogram-polling"),
    pytest.param("postgres", Stack("ptb", "webhook"), id="postgres-ptb-webhook",
                 marks=pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")),
]  # fmt: skip


@contextlib.asynccontextmanager
async def database(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"
    else:
        async with fresh_postgres() as url:
            yield url


class Books:
    """What the simulated people did and saw."""

    def __init__(self, emulator: BotApiEmulator, db_url: str) -> None:
        self.emu, self.db_url = emulator, db_url
        self.updates: list[int] = []
        self.stuck: list[str] = []
        self._pool: asyncpg.Pool | None = None

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()

    async def act(self, user_id: int, kind: str, value: str) -> None:
        """One step; waits until the bot processed it and every reply to this person went out."""
        before = len(self.emu.messages(user_id))
        try:
            update_id = self.emu.send_text(user_id, value) if kind == "say" else self.emu.press_button(user_id, value)
        except EmulatorError:  # no such button right now (an earlier step went astray): skip it
            return
        self.updates.append(update_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + ANSWER_WITHIN
        while not await self.answered(update_id, user_id):
            if loop.time() > deadline:
                seen = [m.body[:30] for m in self.emu.messages(user_id)[max(0, before - 3) :]]
                self.stuck.append(f"{user_id} {kind} {value!r} (update {update_id}, saw {seen})")
                return
            await asyncio.sleep(0.1)

    async def answered(self, update_id: int, chat_id: int) -> bool:
        """The update committed and the chat has no message waiting in the outbox."""
        if self.db_url.startswith("sqlite"):
            return answered_in_sqlite(self.db_url.split("///", 1)[1], update_id, chat_id)
        if self._pool is None:
            self._pool = await asyncpg.create_pool(
                make_url(self.db_url).set(drivername="postgresql").render_as_string(hide_password=False),
                min_size=1,
                max_size=4,
            )
        try:
            row = await self._pool.fetchrow(ANSWERED, update_id, chat_id)
        except asyncpg.UndefinedTableError:
            return False
        return row is not None and row[0] == 1 and row[1] == 0


ANSWERED = (
    "SELECT (SELECT count(*) FROM processed_update WHERE update_id = $1), "
    "(SELECT count(*) FROM outbox WHERE chat_id = $2 AND status = 'pending')"
)


def answered_in_sqlite(path: str, update_id: int, chat_id: int) -> bool:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
        try:
            row = conn.execute(ANSWERED.replace("$1", "?").replace("$2", "?"), (update_id, chat_id)).fetchone()
        except sqlite3.OperationalError:
            return False
    return bool(row[0] == 1 and row[1] == 0)


async def students_file(books: Books, user_id: int, stop: asyncio.Event) -> None:
    while not stop.is_set():
        for kind, value in STEPS:
            await books.act(user_id, kind, value)


async def officer_replies(books: Books, students: list[int], stop: asyncio.Event) -> None:
    replied: set[str] = set()
    while not stop.is_set():
        for student in students:
            for number in acknowledged(books.emu, student) - replied:
                await books.act(OFFICER, "say", f"/reply {number} We are on it ({number}).")
                replied.add(number)
        await asyncio.sleep(0.5)


def acknowledged(emulator: BotApiEmulator, student: int) -> set[str]:
    return {n for m in emulator.messages(student) if "is recorded as" in m.body for n in NUMBER.findall(m.body)}


@pytest.mark.parametrize(("backend", "stack"), RUNS)
async def test_fifty_kills_during_a_scripted_load_lose_nothing(
    emulator: BotApiEmulator, tmp_path: Path, backend: str, stack: Stack, report_counts: Callable[[str], None]
) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    # the notices this test derives by itself are the first version's kinds: the clock it moves reaches a month's
    # first working day, whose recap (tests/e2e/test_recap.py) it cannot count, and the 30-day question has its own
    # tests — both off in the bot and in this process's view, whose passes the clock also runs; and it counts every
    # outbox row, which the passes would start deleting once delivered 30 days ago (OUTBOX_KEEP_DAYS)
    quiet = {"monthly_recap": "false", "recurrence_check_days": "3650", "outbox_keep_days": "0"}
    async with database(backend, tmp_path) as db_url, database_view(bot_settings(emulator, db_url, stack,
                                                                                 **quiet)) as app:
        seeded = await seed_due_work(app.make_uow, app.deps, emulator)
        clock = BotTime(app.make_uow, app.deps)
        process = BotProcess(emulator, db_url, tmp_path / "bot.log", stack)
        process.env.update(TANGGAP_ADMINS=str(ADMIN), DUE_INTERVAL=DUE_INTERVAL,
                           METOO_DAYS="0",  # the students file the same complaint again and again: no "me too" offer
                           **{key.upper(): value for key, value in quiet.items()})
        await clock.start(process.env)
        process.start()
        books = Books(emulator, db_url)
        students = [9900 + i for i in range(STUDENTS)]
        restarts: list[int] = []  # where in the emulator's call log each process killed before was started again
        try:
            await wait_until(lambda: stack.ready(emulator), timeout=STARTUP_WITHIN)
            for uid, name in ((ADMIN, "Admin"), (OFFICER, "Officer"), *((s, f"Student {s}") for s in students)):
                emulator.add_user(uid, name, language_code="en")
            await books.act(OFFICER, "say", "/start")
            await books.act(ADMIN, "say", f"/staff add {OFFICER} officer")
            stop = asyncio.Event()
            load = [asyncio.create_task(students_file(books, s, stop)) for s in students]
            load.append(asyncio.create_task(officer_replies(books, students, stop)))
            for _ in range(KILLS):
                await asyncio.sleep(rng.uniform(0.3, 4.0))
                process.kill()
                await clock.move_on()
                await clock.start(process.env)
                restarts.append(len(emulator.calls))
                process.start()
                # Each kill comes at a random moment of a working process's life, never before it could do
                # anything: on a loaded machine a restart alone can take longer than the gap between two kills.
                await process.started()
            stop.set()
            await asyncio.wait_for(asyncio.gather(*load), 300)
            await settle(emulator, db_url, timeout=120)
        finally:
            out = process.stop()
            await books.close()
        await clock.finish()
        counts = await compare(emulator, db_url, books, students, seeded.tickets)
        notices = await notice_books(db_url, emulator, clock.due, restarts)
    report_counts(
        f"\nSIGKILL test ({backend}, {stack}, seed {seed}): {KILLS} kills; "
        + ", ".join(f"{k} {v}" for k, v in {**counts, **notices.counts}.items())
        + f"; {clock.span()}"
    )
    assert "Traceback" not in out.replace("KeyboardInterrupt", ""), out[-3000:]
    chats = STUDENTS + 2 + len(seeded.chats)  # the students, the officer, the admin, the people of the due work
    assert_nothing_lost(counts, books, doubles_at_most=KILLS * chats)
    assert_each_notice_once(notices)


def assert_nothing_lost(counts: dict[str, int], books: Books, *, doubles_at_most: int) -> None:
    """Every update processed, every acknowledged ticket there once, every reply delivered, every step answered;
    a message doubled only where Telegram took it and we could not record that (at most one per fault)."""
    assert counts["updates unprocessed"] == 0
    assert counts["tickets acknowledged"] == counts["tickets in the database"] > 0
    assert counts["tickets acknowledged but missing"] == counts["tickets never acknowledged"] == 0
    assert counts["messages lost"] == 0 and counts["outbox rows not sent"] == 0
    assert counts["messages sent twice"] <= doubles_at_most
    assert counts["steps without an answer"] == 0, books.stuck


async def compare(
    emulator: BotApiEmulator, db_url: str, books: Books, students: list[int], seeded: frozenset[str] = frozenset()
) -> dict[str, int]:
    """The load's books; ``seeded``: tickets that were in the database before the load (not acknowledged to it)."""
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            processed = {int(r[0]) for r in await conn.execute(text("SELECT update_id FROM processed_update"))}
            numbers = Counter(
                str(r[0]) for r in await conn.execute(text("SELECT number FROM ticket")) if str(r[0]) not in seeded
            )
            rows = [
                (int(r[0]), str(r[1]), r[2] if isinstance(r[2], dict) else json.loads(r[2]))
                for r in await conn.execute(text("SELECT chat_id, status, payload FROM outbox"))
            ]
    finally:
        await engine.dispose()
    acked = set().union(*(acknowledged(emulator, s) for s in students))
    sent_rows: Counter[int] = Counter()
    for chat_id, status, payload in rows:
        if status == "sent" and payload.get("op") in ("send", "send_file"):
            sent_rows[chat_id] += 1
    delivered = Counter({chat: len(emulator.messages(chat)) for chat in {*sent_rows, *students, OFFICER, ADMIN}})
    return {
        "updates": len(books.updates),
        "updates unprocessed": len(set(books.updates) - processed),
        "tickets acknowledged": len(acked),
        "tickets in the database": sum(numbers.values()),
        "tickets acknowledged but missing": len(acked - set(numbers)),
        "tickets never acknowledged": len(set(numbers) - acked),
        "outbox rows": len(rows),
        "outbox rows not sent": sum(1 for _c, status, _p in rows if status != "sent"),
        "messages delivered": sum(delivered.values()),
        "messages lost": sum(max(0, sent_rows[c] - delivered[c]) for c in sent_rows),
        "messages sent twice": sum(max(0, delivered[c] - sent_rows[c]) for c in delivered),
        "steps without an answer": len(books.stuck),
    }
