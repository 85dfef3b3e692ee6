"""Three bot processes in webhook mode on one PostgreSQL, behind a round-robin load balancer.

aiogram and python-telegram-bot processes side by side; the emulator keeps Telegram's limits (30/s per
bot, ~1/s per chat). Afterwards: every update processed exactly once, ticket numbers unique and without
gaps, every message sent exactly once by whichever process held the outbox lease, no 429 — and when the
sending process is killed, another takes over.

The due-work engine runs beside the sending (issue 12: each notice once with several processes on one PostgreSQL):
the database is seeded with due work first (``tests/e2e/due_seed.py``), all processes share one ``CLOCK_START`` (a
Monday afternoon, in office hours) and run a pass each half second while they hold the lease. After the load every
notice due then was issued once and delivered once; after the sender is killed, new due work is added, and the
process that took the lease over issues and delivers it, again each once (``tests/e2e/notice_books.py``). Only
those two processes issued notices: never one without the lease.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.bootstrap import App
from bot.emulator import BotApiEmulator
from handlers.due.engine import due_now
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.due_seed import (
    APPROVERS,
    COMPLAINANTS,
    FIRST_MOMENT,
    PREPARER,
    REVIEWERS,
    add_lk,
    add_response,
    at_wib,
    database_view,
    due_keys,
    people,
    seed_due_work,
)
from tests.e2e.harness import BotProcess, Person, Stack, bot_settings, free_port, settle, wait_until
from tests.e2e.notice_books import assert_each_notice_once, notice_books
from tests.e2e.test_kill_load import STEPS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not POSTGRES_URL, reason="several processes need PostgreSQL: set TANGGAP_TEST_POSTGRES_URL"),
]
STUDENTS = 24
ADMIN, OFFICER = 9701, 9702
NUMBER = re.compile(r"KEL-\d{4}-(\d{5})")
MOMENT = FIRST_MOMENT.replace(hour=13)  # Monday 21 December 2026, 13:40 WIB: every kind of notice may go
SENDING = "this process sends the outbox"
LATE_OWNER = 9421  # owns the actions added after the sender was killed


class Balancer:
    """Round robin over the processes' webhook servers; a backend that refuses is skipped (like a health check)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = itertools.cycle(range(len(ports)))
        self.served: Counter[int] = Counter()
        self.port = free_port()
        self.http: aiohttp.ClientSession | None = None
        app = web.Application()
        app.router.add_post("/telegram", self.forward)
        self.runner = web.AppRunner(app)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def start(self) -> None:
        self.http = aiohttp.ClientSession()
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        await self.runner.cleanup()
        if self.http is not None:
            await self.http.close()

    async def forward(self, request: web.Request) -> web.Response:
        assert self.http is not None
        body = await request.read()
        headers = {
            k: v for k, v in request.headers.items() if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")
        }
        for _ in range(len(self.ports)):
            port = self.ports[next(self.turn)]
            try:
                async with self.http.post(f"http://127.0.0.1:{port}/telegram", data=body, headers=headers) as answer:
                    self.served[port] += 1
                    return web.Response(status=answer.status, body=await answer.read(), content_type="application/json")
            except aiohttp.ClientConnectionError:
                continue
        return web.Response(status=502)


@pytest.fixture
async def pg_url() -> AsyncIterator[str]:
    async with fresh_postgres() as url:
        yield url


@pytest.fixture
async def app(emulator: BotApiEmulator, pg_url: str) -> AsyncIterator[App]:
    """The test's own view of the database (to seed it, to derive what is due), on the bots' clock."""
    async with database_view(bot_settings(emulator, pg_url, clock_start=MOMENT.isoformat())) as view:
        yield view


async def test_three_webhook_processes_on_one_postgres_process_and_send_everything_once(
    emulator: BotApiEmulator, pg_url: str, app: App, tmp_path: Path, report_counts: Callable[[str], None]
) -> None:
    seeded = await seed_due_work(app.make_uow, app.deps, emulator, MOMENT)
    due = await due_keys(app.make_uow, app.deps, MOMENT)
    stacks = [Stack("aiogram", "webhook"), Stack("ptb", "webhook"), Stack("aiogram", "webhook")]
    balancer = Balancer([s.port for s in stacks])
    await balancer.start()
    processes = [BotProcess(emulator, pg_url, tmp_path / f"bot{i}.log", s) for i, s in enumerate(stacks)]
    for process in processes:
        process.env.update(WEBHOOK_URL=balancer.url, TANGGAP_ADMINS=str(ADMIN), LOG_LEVEL="INFO",
                           CLOCK_START=MOMENT.isoformat(), DUE_INTERVAL="0.5",
                           METOO_DAYS="0")  # six students file the same complaint: STEPS answer no "me too" offer
    try:
        processes[0].start()
        await wait_until(lambda: bool(emulator.webhook[0]), timeout=30)
        for process in processes[1:]:
            process.start()
        await wait_until(lambda: all(p.log.exists() and "running" in p.log.read_text() for p in processes), timeout=30)
        admin, officer = Person(emulator, ADMIN, "Admin", "en"), Person(emulator, OFFICER, "Officer", "en")
        await officer.say("/start")
        await admin.say(f"/staff add {OFFICER} officer")
        students = [Person(emulator, 9600 + i, f"Student {i}", "en") for i in range(STUDENTS)]

        async def file(student: Person) -> None:
            for kind, value in STEPS:
                await (student.say(value) if kind == "say" else student.press(value))

        await asyncio.gather(*(file(s) for s in students))
        numbers = sorted(
            {n for s in students for m in s.inbox if "is recorded as" in m.body for n in NUMBER.findall(m.body)}
        )
        await asyncio.gather(*(officer.say(f"/reply KEL-2026-{n} Noted, we are on it.") for n in numbers))
        await settle(emulator, pg_url, timeout=120)

        chats = [s.id for s in students] + [ADMIN, OFFICER, *seeded.chats]
        counts = await books(emulator, pg_url, chats)
        notices = await notice_books(pg_url, emulator, due)
        senders = [i for i, p in enumerate(processes) if SENDING in p.log.read_text()]
        report_counts(
            f"\nthree processes: served by each {dict(balancer.served)}; senders {senders}; "
            + ", ".join(f"{k} {v}" for k, v in {**counts, **notices.counts}.items())
        )
        first = len(seeded.tickets) + 1  # the seed's tickets were numbered first
        assert len(numbers) == STUDENTS and numbers == [f"{i:05d}" for i in range(first, first + STUDENTS)]
        assert all(balancer.served[s.port] > 0 for s in stacks)  # every process took updates
        handovers = sum(p.log.read_text().count("the lease was lost") for p in processes)
        assert len(senders) == 1 + handovers  # one sender at a time: another only after the lease was lost
        assert counts["updates"] == counts["updates processed"]
        assert counts["messages lost"] == counts["messages sent twice"] == counts["outbox rows not sent"] == 0
        assert counts["429 answers"] == 0
        for student in students:  # the officer's reply reached each complainant once
            assert sum("Noted, we are on it." in m.body for m in student.inbox) == 1
        assert_each_notice_once(notices)
        assert notices.counts["notices doubled"] == 0

        processes[senders[0]].kill()  # the sender dies: another process takes the lease over
        await wait_until(lambda: any(SENDING in p.log.read_text() for i, p in enumerate(processes)
                                     if i not in senders), timeout=30)
        late = Person(emulator, 9690, "Late", "en")
        await late.say("/start")
        await wait_until(lambda: len(late.inbox) >= 2, timeout=15)  # the welcome and the privacy notice
        await settle(emulator, pg_url)
        assert len(late.inbox) == 2
        due |= await more_due_work(app, emulator)  # the new sender's passes find it
        await wait_until_issued(app, due, timeout=60)
        await settle(emulator, pg_url, timeout=120)
        counts = await books(emulator, pg_url, [*chats, late.id, LATE_OWNER])
        notices = await notice_books(pg_url, emulator, due)
        takers = [i for i, p in enumerate(processes) if SENDING in p.log.read_text() and i not in senders]
        report_counts(
            f"three processes, after sender {senders[0]} was killed and {takers} took over: "
            + ", ".join(f"{k} {v}" for k, v in {**counts, **notices.counts}.items())
        )
        assert counts["messages lost"] == counts["messages sent twice"] == counts["outbox rows not sent"] == 0
        assert_each_notice_once(notices)
        assert notices.counts["notices doubled"] == 0
        # Passes ran in the first sender (the seed's notices) and in the one that took over (the new work) only.
        ran = [i for i, p in enumerate(processes) if "due work:" in p.log.read_text()]
        assert ran == sorted(senders + takers)
    finally:
        logs = "".join(p.stop() for p in processes)
        await balancer.stop()
    assert "Traceback" not in logs, logs[-3000:]


async def more_due_work(app: App, emulator: BotApiEmulator) -> set[str]:
    """Add work that is due at once — an LK whose 3 actions (of an owner new to the seed) are 6 working days
    overdue, a response unrated for 10 working days — and return the keys of the notices it makes due: derived in
    the transaction that adds it, so before any process can act on it."""
    ids = await people(app.make_uow, emulator, (LATE_OWNER, PREPARER, REVIEWERS[0], APPROVERS[0], COMPLAINANTS[0]),
                       MOMENT)
    calendar, day = app.deps.calendar, MOMENT.date()
    async with app.make_uow() as uow:
        await add_lk(uow, ids, 0, [(LATE_OWNER, calendar.add_working_days(day, -6))] * 3, MOMENT)
        await add_response(uow, ids[COMPLAINANTS[0]], at_wib(calendar.add_working_days(day, -10), MOMENT.time()))
        keys = {d.key for d in await due_now(uow, app.deps, app.deps.clock())}
        await uow.commit()
    return keys


async def wait_until_issued(app: App, keys: set[str], timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with app.make_uow() as uow:
            if await uow.due.issued(keys) == keys:
                return
        if loop.time() > deadline:
            raise AssertionError("the due notices were not all issued")
        await asyncio.sleep(0.2)


async def books(emulator: BotApiEmulator, db_url: str, chats: list[int]) -> dict[str, int]:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            processed = int((await conn.execute(text("SELECT count(*) FROM processed_update"))).scalar_one())
            rows = [
                (int(r[0]), str(r[1]), r[2] if isinstance(r[2], dict) else json.loads(r[2]))
                for r in await conn.execute(text("SELECT chat_id, status, payload FROM outbox"))
            ]
    finally:
        await engine.dispose()
    sent = Counter(c for c, status, p in rows if status == "sent" and p.get("op") in ("send", "send_file"))
    delivered = Counter({c: len(emulator.messages(c)) for c in chats})
    acknowledged = {d.update_id for d in emulator.webhook_deliveries if d.status is not None and d.status < 300}
    return {
        "updates": len(acknowledged) + emulator.pending_updates(),
        "updates processed": processed,
        "outbox rows": len(rows),
        "outbox rows not sent": sum(1 for _c, status, _p in rows if status != "sent"),
        "messages lost": sum(max(0, sent[c] - delivered[c]) for c in sent),
        "messages sent twice": sum(max(0, delivered[c] - sent[c]) for c in delivered),
        "429 answers": sum(1 for c in emulator.calls if c.status == 429),
    }
