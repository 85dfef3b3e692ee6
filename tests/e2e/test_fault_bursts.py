"""Telegram misbehaving in bursts during a load of filings and staff replies: 5xx, 429 and timeouts, on
getUpdates and on every send. Nothing may be lost; the counts are printed.

A request that timed out after Telegram had already done it is retried, so its message can arrive twice
(the Bot API has no idempotency key): such doubles are counted and may not exceed the timeouts injected.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from tests.databases import POSTGRES_URL
from tests.e2e.harness import STARTUP_WITHIN, BotProcess, Stack, settle, wait_until
from tests.e2e.test_kill_load import (
    ADMIN,
    OFFICER,
    STUDENTS,
    Books,
    assert_nothing_lost,
    compare,
    database,
    officer_replies,
    students_file,
)

pytestmark = pytest.mark.e2e
BURSTS = 40
TIMEOUT = 1.5  # the bot's TELEGRAM_REQUEST_TIMEOUT in this test; a delayed call waits longer than this
RUNS = [
    pytest.param("sqlite", Stack("ptb", "polling"), id="sqlite-ptb-polling"),
    pytest.param("postgres", Stack("aiogram", "webhook"), id="postgres-aiogram-webhook",
                 marks=pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")),
]  # fmt: skip


def burst(emulator: BotApiEmulator, rng: random.Random, injected: Counter[str]) -> None:
    """One burst of one kind of fault on one method (or on all)."""
    method = rng.choice(["sendMessage", "editMessageReplyMarkup", "answerCallbackQuery", "getUpdates", "*"])
    kind = rng.choice(["500", "502", "429", "timeout"])
    count = rng.randint(2, 8)
    if kind == "timeout":
        emulator.delay_next(method, TIMEOUT + 1.0, count)
    elif kind == "429":
        emulator.fail_next(
            method, 429, count, retry_after=rng.randint(1, 3), description="Too Many Requests: retry after"
        )
    else:
        emulator.fail_next(method, int(kind), count)
    injected[kind] += count  # at most: a burst ends (clear_faults) before all are used


@pytest.mark.parametrize(("backend", "stack"), RUNS)
async def test_bursts_of_5xx_429_and_timeouts_lose_nothing(tmp_path: Path, backend: str, stack: Stack,
                                                           report_counts: Callable[[str], None]) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    emulator = BotApiEmulator(rate_limits=False)  # every 429 here is one we injected
    await emulator.start()
    injected: Counter[str] = Counter()
    try:
        async with database(backend, tmp_path) as db_url:
            process = BotProcess(emulator, db_url, tmp_path / "bot.log", stack)
            process.env.update(TANGGAP_ADMINS=str(ADMIN), TELEGRAM_REQUEST_TIMEOUT=str(TIMEOUT))
            process.start()
            books = Books(emulator, db_url)
            students = [9500 + i for i in range(STUDENTS)]
            try:
                await wait_until(lambda: stack.ready(emulator), timeout=STARTUP_WITHIN)
                for uid in (ADMIN, OFFICER, *students):
                    emulator.add_user(uid, f"User {uid}", language_code="en")
                await books.act(OFFICER, "say", "/start")
                await books.act(ADMIN, "say", f"/staff add {OFFICER} officer")
                stop = asyncio.Event()
                load = [asyncio.create_task(students_file(books, s, stop)) for s in students]
                load.append(asyncio.create_task(officer_replies(books, students, stop)))
                for _ in range(BURSTS):  # Telegram's troubles last seconds: each burst ends after its time
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    burst(emulator, rng, injected)
                    await asyncio.sleep(rng.uniform(0.5, 2.0))
                    emulator.clear_faults()
                stop.set()
                await asyncio.wait_for(asyncio.gather(*load), 300)
                await settle(emulator, db_url, timeout=180)
            finally:
                out = process.stop()
                await books.close()
            counts = await compare(emulator, db_url, books, students)
    finally:
        await emulator.stop()
    answered = Counter(str(c.status) for c in emulator.calls if c.status >= 400)
    report_counts(
        f"\nfault bursts ({backend}, {stack}, seed {seed}): injected {dict(injected)}; Telegram answered "
        f"{dict(answered)}; " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    assert "Traceback" not in out, out[-3000:]
    assert_nothing_lost(counts, books, doubles_at_most=injected["timeout"])
