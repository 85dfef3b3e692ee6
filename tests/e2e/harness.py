"""Helpers of the end-to-end tests: simulated people, waiting until the bot settled, the bot as a process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator, SentMessage
from bot.settings import Settings

TOKEN = "123456789:TEST-token-for-the-local-emulator-only"
ROOT = Path(__file__).resolve().parents[2]


def bot_settings(emulator: BotApiEmulator, db_url: str, **extra: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_url=emulator.base_url,
        database_url=db_url,
        poll_timeout=1,
        **extra,
    )


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


def outbox_pending(db_url: str) -> int:
    """Pending outbox rows, read without a write lock (SQLite WAL lets readers run beside the bot)."""
    path = db_url.split("///", 1)[1]
    if not Path(path).exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
        try:
            return int(conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0])
        except sqlite3.OperationalError:  # no schema yet
            return 0


async def settle(emulator: BotApiEmulator, db_url: str | None, timeout: float = 30.0) -> None:
    """Until every update was confirmed and every queued reply was sent (the notifier paces chats at ~1/s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await emulator.wait_idle(timeout=timeout)
        if emulator.pending_updates() == 0 and (db_url is None or outbox_pending(db_url) == 0):
            await emulator.wait_idle(timeout=timeout)
            return
        if loop.time() > deadline:
            raise AssertionError("the bot did not settle")
        await asyncio.sleep(0.05)


class Person:
    """A simulated Telegram user talking to the bot through the emulator."""

    db_url: str | None = None  # set by the ``db_url`` fixture: wait for the outbox too

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
        await settle(self.emu, Person.db_url)
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
