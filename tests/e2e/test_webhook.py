"""What only webhook mode has: the secret header, answering after the commit, /healthz, and the switch back.

The scenarios every mode shares (filing, staff, restarts …) run in webhook mode through the ``stack``
fixture; these tests cover the HTTP endpoint itself, on both engines.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.exc import OperationalError

import bot.runner
from bot.emulator import BotApiEmulator
from bot.outage import NOTICE
from handlers.events import InboundUpdate
from handlers.i18n import Translator
from tests.e2e.harness import (
    STACKS,
    WEBHOOK_SECRET,
    BotProcess,
    Person,
    Stack,
    count_tickets,
    settle,
    start_bot,
    stop_bot,
    wait_until,
)

pytestmark = pytest.mark.e2e
HOOKS = [s for s in STACKS if s.mode == "webhook"]


@pytest.fixture(params=HOOKS, ids=str)
async def hook(request: pytest.FixtureRequest, emulator: BotApiEmulator, db_url: str) -> AsyncIterator[Stack]:
    stack = Stack(request.param.engine, "webhook")
    task = await start_bot(emulator, db_url, stack)
    yield stack
    await stop_bot(task)


def update_of(user_id: int, text: str, update_id: int = 900_001) -> dict[str, Any]:
    """A message update as Telegram would POST it."""
    return {"update_id": update_id, "message": {
        "message_id": 77, "date": 1_764_000_000, "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "Forged"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Forged", "language_code": "id"},
    }}  # fmt: skip


async def post(stack: Stack, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"http://127.0.0.1:{stack.port}/telegram", data=body, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


async def test_the_webhook_is_set_with_the_secret_and_our_update_types(emulator: BotApiEmulator, hook: Stack) -> None:
    url, secret = emulator.webhook
    assert url == f"http://127.0.0.1:{hook.port}/telegram"
    assert secret == WEBHOOK_SECRET
    assert not any(c.method.casefold() == "getupdates" for c in emulator.calls)


async def test_a_request_without_the_right_secret_is_refused_and_nothing_is_processed(
    emulator: BotApiEmulator, hook: Stack, db_url: str
) -> None:
    student = Person(emulator, 7101, "Forged")
    body = json.dumps(update_of(student.id, "/new")).encode()
    for headers in (
        {},
        {"X-Telegram-Bot-Api-Secret-Token": "guess"},
        {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET[:-1]},
    ):
        status, answer = await post(hook, body, {"Content-Type": "application/json", **headers})
        assert (status, answer["ok"]) == (403, False)
    await settle(emulator, db_url)
    assert student.inbox == []
    assert await processed_updates(db_url) == []
    status, _answer = await post(
        hook, body, {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    )
    assert status == 200
    await emulator.wait_for_message(student.id, timeout=15)
    assert await processed_updates(db_url) == [900_001]


async def test_a_body_that_is_not_an_update_is_a_400(emulator: BotApiEmulator, hook: Stack, db_url: str) -> None:
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    for body in (b"not json", b"[1, 2]", b'{"message": {}}', json.dumps({"update_id": "x"}).encode()):
        status, answer = await post(hook, body, headers)
        assert (status, answer["ok"]) == (400, False), body
    assert await processed_updates(db_url) == []


async def test_healthz_answers_with_the_engine_and_the_database(emulator: BotApiEmulator, hook: Stack) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{hook.port}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "engine": hook.engine, "mode": "webhook", "database": "ok"}


async def test_an_update_that_did_not_commit_is_answered_503_and_delivered_again(
    emulator: BotApiEmulator, hook: Stack, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer comes after the commit: a failed transaction is not acknowledged, Telegram retries it."""
    real = bot.runner.process_update
    failures = [2]  # the first two attempts find the database unavailable

    async def flaky(update: InboundUpdate, *args: Any, **kwargs: Any) -> Any:
        if failures[0] > 0:
            failures[0] -= 1
            raise OperationalError("INSERT …", {}, Exception("database is locked"))
        return await real(update, *args, **kwargs)

    monkeypatch.setattr(bot.runner, "process_update", flaky)
    student = Person(emulator, 7102, "Retry")
    update_id = emulator.send_text(student.id, "/start")
    await emulator.wait_for_message(student.id, timeout=15)
    await settle(emulator, db_url)
    statuses = [d.status for d in emulator.webhook_deliveries if d.update_id == update_id]
    assert statuses == [503, 503, 200]
    assert await processed_updates(db_url) == [update_id]
    # told once that the service is briefly unavailable (bot/outage.py), then answered: the welcome, the privacy notice
    notice, *replies = student.inbox
    assert notice.text == Translator().gettext("id")(NOTICE) and len(replies) == 2
    assert all(reply.text != notice.text for reply in replies)


async def test_run_deletes_the_webhook_and_polls_again(emulator: BotApiEmulator, db_url: str, tmp_path: Path) -> None:
    """Switching a deployment from webhook back to polling needs no manual deleteWebhook."""
    hook = Stack("aiogram", "webhook")
    task = await start_bot(emulator, db_url, hook)
    await stop_bot(task)
    assert emulator.webhook[0]  # left set on shutdown: Telegram keeps what arrives meanwhile
    student = Person(emulator, 7103, "Between")
    emulator.send_text(student.id, "/start")  # arrives while no bot runs
    process = BotProcess(emulator, db_url, tmp_path / "bot.log", Stack("ptb", "polling"))
    process.start()
    try:
        await process.started()
        await emulator.wait_for_message(student.id, timeout=30)
        await settle(emulator, db_url)
        assert emulator.webhook == ("", None)
        assert len(student.inbox) == 2  # the welcome and the privacy notice, once
    finally:
        out = process.stop()
    assert "Traceback" not in out, out


async def test_a_restarted_webhook_process_gets_what_arrived_while_it_was_down(
    emulator: BotApiEmulator, db_url: str, tmp_path: Path
) -> None:
    stack = Stack("ptb", "webhook")
    process = BotProcess(emulator, db_url, tmp_path / "bot.log", stack)
    process.start()
    try:
        await process.started()
        process.kill()
        student = Person(emulator, 7104, "Waiting")
        emulator.send_text(student.id, "/start")
        await wait_until(lambda: any(d.status is None for d in emulator.webhook_deliveries), timeout=15)
        assert student.inbox == [] and emulator.pending_updates() == 1
        process.start()
        await process.started()
        await emulator.wait_for_message(student.id, timeout=30)
        await settle(emulator, db_url)
        assert len(student.inbox) == 2 and await count_tickets(db_url) == 0  # the welcome, the privacy notice
    finally:
        out = process.stop()
    assert "Traceback" not in out, out


async def processed_updates(db_url: str) -> list[int]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return [
                int(r[0]) for r in await conn.execute(text("SELECT update_id FROM processed_update ORDER BY update_id"))
            ]
    finally:
        await engine.dispose()
