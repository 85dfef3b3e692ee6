"""Three bot processes in webhook mode on one PostgreSQL, behind a round-robin load balancer.

aiogram and python-telegram-bot processes side by side; the emulator keeps Telegram's limits (30/s per
bot, ~1/s per chat). Afterwards: every update processed exactly once, ticket numbers unique and without
gaps, every message sent exactly once by whichever process held the outbox lease, no 429 — and when the
sending process is killed, another takes over.
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

from bot.emulator import BotApiEmulator
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.harness import BotProcess, Person, Stack, free_port, settle, wait_until
from tests.e2e.test_kill_load import STEPS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not POSTGRES_URL, reason="several processes need PostgreSQL: set TANGGAP_TEST_POSTGRES_URL"),
]
STUDENTS = 24
ADMIN, OFFICER = 9701, 9702
NUMBER = re.compile(r"KEL-\d{4}-(\d{5})")


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


async def test_three_webhook_processes_on_one_postgres_process_and_send_everything_once(
    emulator: BotApiEmulator, pg_url: str, tmp_path: Path, report_counts: Callable[[str], None]
) -> None:
    stacks = [Stack("aiogram", "webhook"), Stack("ptb", "webhook"), Stack("aiogram", "webhook")]
    balancer = Balancer([s.port for s in stacks])
    await balancer.start()
    processes = [BotProcess(emulator, pg_url, tmp_path / f"bot{i}.log", s) for i, s in enumerate(stacks)]
    for process in processes:
        process.env.update(WEBHOOK_URL=balancer.url, TANGGAP_ADMINS=str(ADMIN), LOG_LEVEL="INFO")
    try:
        processes[0].start()  # the first migrates; the others start on the migrated schema
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

        counts = await books(emulator, pg_url, [s.id for s in students] + [ADMIN, OFFICER])
        senders = [i for i, p in enumerate(processes) if "this process sends the outbox" in p.log.read_text()]
        report_counts(
            f"\nthree processes: served by each {dict(balancer.served)}; senders {senders}; "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
        assert len(numbers) == STUDENTS and numbers == [f"{i:05d}" for i in range(1, STUDENTS + 1)]
        assert all(balancer.served[s.port] > 0 for s in stacks)  # every process took updates
        handovers = sum(p.log.read_text().count("the lease was lost") for p in processes)
        assert len(senders) == 1 + handovers  # one sender at a time: another only after the lease was lost
        assert counts["updates"] == counts["updates processed"]
        assert counts["messages lost"] == counts["messages sent twice"] == counts["outbox rows not sent"] == 0
        assert counts["429 answers"] == 0
        for student in students:  # the officer's reply reached each complainant once
            assert sum("Noted, we are on it." in m.body for m in student.inbox) == 1

        processes[senders[0]].kill()  # the sender dies: another process takes the lease over
        late = Person(emulator, 9690, "Late", "en")
        await late.say("/start")
        assert len(late.inbox) == 1
    finally:
        logs = "".join(p.stop() for p in processes)
        await balancer.stop()
    assert "Traceback" not in logs, logs[-3000:]


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
