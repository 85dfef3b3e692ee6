"""The baseline: a bare aiogram echo bot (one handler, long polling), run as its own process by bench.updates.

``TELEGRAM_API_URL`` / ``TELEGRAM_BOT_TOKEN`` / ``POLL_TIMEOUT`` as for Tanggap: ``python -m bench.echo_bot``.
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

dp = Dispatcher()


@dp.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "?")


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    await dp.start_polling(bot, polling_timeout=int(os.environ.get("POLL_TIMEOUT", "1")))


if __name__ == "__main__":
    asyncio.run(main())
