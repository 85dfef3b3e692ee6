"""Fault injection, and the standalone ``python -m bot.emulator``."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError

from bot.emulator import BotApiEmulator

USER = 42


class TestFailNext:
    async def test_the_next_call_fails_with_the_status_then_calls_succeed(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        emulator.fail_next("sendMessage", 500)
        assert await raw.json("sendMessage", chat_id=USER, text="a") == (
            500,
            {"ok": False, "error_code": 500, "description": "Internal Server Error"},
        )
        assert (await raw.json("sendMessage", chat_id=USER, text="b"))[0] == 200
        assert [m.text for m in emulator.messages(USER)] == ["b"]  # the failed call had no effect

    async def test_count_and_a_case_insensitive_method_name(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.fail_next("SENDMESSAGE", 502, count=2)
        statuses = [(await raw.json("sendMessage", chat_id=USER, text="x"))[0] for _ in range(3)]
        assert statuses == [502, 502, 200]

    async def test_an_injected_429_carries_retry_after(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        emulator.fail_next("sendMessage", 429, retry_after=7)
        with pytest.raises(TelegramRetryAfter) as caught:
            await aiogram_bot.send_message(USER, "x")
        assert caught.value.retry_after == 7
        assert emulator.calls[-1].retry_after == 7

    async def test_aiogram_sees_a_server_error(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        emulator.fail_next("getMe", 500)
        with pytest.raises(TelegramServerError):
            await aiogram_bot.get_me()

    async def test_ptb_sees_a_forbidden_on_any_method(self, emulator: BotApiEmulator, ptb_bot: telegram.Bot) -> None:
        emulator.fail_next("*", 403)
        with pytest.raises(telegram.error.Forbidden, match="bot was blocked by the user"):
            await ptb_bot.send_message(USER, "x")

    async def test_other_methods_are_not_affected(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.fail_next("sendPhoto", 500)
        assert (await raw.json("sendMessage", chat_id=USER, text="x"))[0] == 200


class TestDelayNext:
    async def test_the_next_call_is_answered_late(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.delay_next("sendMessage", 0.5)
        started = time.monotonic()
        assert (await raw.json("sendMessage", chat_id=USER, text="lambat"))[0] == 200
        assert time.monotonic() - started >= 0.5
        started = time.monotonic()
        await raw.json("sendMessage", chat_id=USER, text="cepat")
        assert time.monotonic() - started < 0.5

    async def test_a_delayed_call_counts_as_in_flight(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.delay_next("sendMessage", 0.5)
        call = asyncio.create_task(raw.json("sendMessage", chat_id=USER, text="x"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimeoutError, match="1 requests in flight"):
            await emulator.wait_idle(timeout=0.2)
        await call
        await emulator.wait_idle(timeout=2)


async def test_standalone_server_logs_calls_without_the_token() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-u",
        "-m",
        "bot.emulator",
        "--port",
        "0",
        "--user",
        "42",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )
    assert process.stdout and process.stderr
    try:
        banner = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        base_url = banner.split()[4]
        token = "123456:SECRET-token_value"
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base_url}/bot{token}/sendMessage", data={"chat_id": "42", "text": "hi"}) as r:
                assert r.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 60)  # seconds, not a figure: a loaded two-core machine is slow to exit
    log = (await process.stderr.read()).decode()
    assert "sendMessage -> 200" in log
    assert "SECRET" not in log
