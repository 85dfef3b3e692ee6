"""Fixtures: a running emulator, raw HTTP, and the real aiogram / python-telegram-bot clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.emulator import BotApiEmulator

USER = 42
STRANGER = 999


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator()
    emu.add_user(USER, "Siti", last_name="Rahma", username="siti")
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Raw:
    """Raw Bot API calls over HTTP, answering (status, body)."""

    def __init__(self, session: aiohttp.ClientSession, emu: BotApiEmulator) -> None:
        self.session = session
        self.emu = emu

    def url(self, method: str) -> str:
        return f"{self.emu.base_url}/bot{self.emu.token}/{method}"

    async def json(self, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
        async with self.session.post(self.url(method), json=params) as response:
            return response.status, await response.json()

    async def form(self, method: str, **params: str) -> tuple[int, dict[str, Any]]:
        async with self.session.post(self.url(method), data=params) as response:
            return response.status, await response.json()

    async def query(self, method: str, **params: str) -> tuple[int, dict[str, Any]]:
        async with self.session.get(self.url(method), params=params) as response:
            return response.status, await response.json()


@pytest.fixture
def raw(http: aiohttp.ClientSession, emulator: BotApiEmulator) -> Raw:
    return Raw(http, emulator)


@pytest.fixture
def raw_for(http: aiohttp.ClientSession) -> Callable[[BotApiEmulator], Raw]:
    """Raw calls to another emulator (one built with tighter limits)."""
    return lambda emu: Raw(http, emu)


@pytest.fixture
async def aiogram_bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))
    bot = Bot(emulator.token, session=session)
    try:
        yield bot
    finally:
        await bot.session.close()


@pytest.fixture
async def ptb_bot(emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[telegram.Bot]:
    # PTB 22 warns (PTBDeprecationWarning) when it builds RetryAfter unless timedelta mode is opted into.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with telegram.Bot(
        emulator.token, base_url=f"{emulator.base_url}/bot", base_file_url=f"{emulator.base_url}/file/bot"
    ) as bot:
        yield bot
