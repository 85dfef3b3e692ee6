"""End-to-end harness: the local Bot API emulator on loopback and the real bot (aiogram over HTTP) against it.

The bot runs in this process as an asyncio task (``bot.service.serve``) or, where a test kills it, as a
real child process (``python -m bot.cli run``). Each test gets its own SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from bot.service import serve
from tests.e2e import harness
from tests.e2e.harness import bot_settings, wait_until


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator()
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"
    harness.Person.db_url = url
    yield url
    harness.Person.db_url = None


@pytest.fixture
async def bot(emulator: BotApiEmulator, db_url: str) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(serve(bot_settings(emulator, db_url)))
    await wait_until(lambda: any(c.method.casefold() == "getupdates" for c in emulator.calls), task)
    yield task
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


