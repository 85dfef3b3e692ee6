"""End-to-end harness: the local Bot API emulator on loopback and the real bot (aiogram over HTTP) against it.

The bot runs in this process as an asyncio task (``bot.service.serve``) or, where a test kills it, as a
real child process (``python -m bot.cli run``). Each test gets its own SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator, SentMessage
from bot.service import serve
from bot.settings import Settings

TOKEN = "123456789:TEST-token-for-the-local-emulator-only"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator()
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"


def bot_settings(emulator: BotApiEmulator, db_url: str, **extra: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_url=emulator.base_url,
        database_url=db_url,
        poll_timeout=1,
        **extra,
    )


@pytest.fixture
async def bot(emulator: BotApiEmulator, db_url: str) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(serve(bot_settings(emulator, db_url)))
    await wait_until(lambda: any(c.method.casefold() == "getupdates" for c in emulator.calls), task)
    yield task
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def wait_until(condition: Callable[[], bool], task: asyncio.Task[None] | None = None,
                     timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if task is not None and task.done():
            task.result()  # raises what stopped the bot
            raise AssertionError("the bot stopped")
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


class Person:
    """A simulated Telegram user talking to the bot through the emulator."""

    def __init__(self, emulator: BotApiEmulator, user_id: int, name: str, language: str | None = "id") -> None:
        self.emu, self.id = emulator, user_id
        emulator.add_user(user_id, name, language_code=language)

    @property
    def inbox(self) -> list[SentMessage]:
        return self.emu.messages(self.id)

    @property
    def last(self) -> SentMessage:
        return self.inbox[-1]

    async def _after(self, act: Callable[[], int]) -> list[SentMessage]:
        before = len(self.inbox)
        act()
        await self.emu.wait_for_message(self.id, after=before, timeout=15)
        await self.emu.wait_idle(timeout=15)
        return self.inbox[before:]

    async def say(self, text: str) -> list[SentMessage]:
        return await self._after(lambda: self.emu.send_text(self.id, text))

    async def press(self, label: str) -> list[SentMessage]:
        return await self._after(lambda: self.emu.press_button(self.id, label))

    async def photo(self, caption: str | None = None) -> list[SentMessage]:
        return await self._after(lambda: self.emu.send_photo(self.id, caption=caption))

    def buttons(self) -> list[str]:
        for message in reversed(self.inbox):
            if message.buttons:
                return [text for row in message.buttons for text, _data in row]
        return []


class BotProcess:
    """The bot as a real child process (``python -m bot.cli run``), so a test can SIGKILL it."""

    def __init__(self, emulator: BotApiEmulator, db_url: str, log: Path) -> None:
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emulator.base_url,
                    "DATABASE_URL": db_url, "POLL_TIMEOUT": "1", "LOG_LEVEL": "WARNING"}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> str:
        """Stop the process (SIGTERM, as systemd would) and return everything it printed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.log.read_text(errors="replace") if self.log.exists() else ""


async def count_tickets(db_url: str) -> int:
    from sqlalchemy import text

    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM ticket"))).scalar_one())
    finally:
        await engine.dispose()
