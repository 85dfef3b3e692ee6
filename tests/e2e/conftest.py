"""End-to-end harness: the local Bot API emulator on loopback and the real bot against it.

Every test that takes the ``bot`` or ``stack`` fixture runs four times: on aiogram and on
python-telegram-bot, each by long polling and by webhook (the emulator POSTs to the bot's server);
every test that takes ``db_url`` runs on a SQLite file and on a fresh PostgreSQL database (where
``TANGGAP_TEST_POSTGRES_URL`` is set; skipped with the reason elsewhere). The bot runs in this process as
an asyncio task (``bot.service.serve``) or, where a test kills it, as a real child process
(``python -m bot.cli run|webhook``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from tests.databases import BACKENDS, fresh_postgres
from tests.e2e import harness
from tests.e2e.harness import STACKS, Stack, start_bot, stop_bot


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator()
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture(params=BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The bot's database, empty (the bot migrates it at start): a SQLite file, or a new PostgreSQL database."""
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"
        else:
            url = await stack.enter_async_context(fresh_postgres())
        harness.Person.db_url = url
        try:
            yield url
        finally:
            harness.Person.db_url = None


@pytest.fixture(params=STACKS, ids=str)
def stack(request: pytest.FixtureRequest) -> Stack:
    """The engine and mode of this run (its webhook port is fresh for each test)."""
    return Stack(request.param.engine, request.param.mode)


@pytest.fixture
async def bot(emulator: BotApiEmulator, db_url: str, stack: Stack) -> AsyncIterator[asyncio.Task[None]]:
    task = await start_bot(emulator, db_url, stack)
    yield task
    await stop_bot(task)
