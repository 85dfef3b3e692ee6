"""The real frameworks' polling loops against the emulator: a user talks, the bot answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot, Dispatcher, F
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import BotApiEmulator

USER = 42


def aiogram_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Keluhan", callback_data="complaint"),
                          InlineKeyboardButton(text="Saran", callback_data="suggestion")]]
    )  # fmt: skip

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Selamat datang di <b>Tanggap</b>", parse_mode="HTML", reply_markup=keyboard)

    @dp.callback_query(F.data)
    async def chosen(query: CallbackQuery) -> None:
        await query.answer("Dicatat")
        if isinstance(query.message, Message):
            await query.message.edit_text(f"Dipilih: {query.data}")

    return dp


@pytest.fixture
async def aiogram_polling(emulator: BotApiEmulator, aiogram_bot: Bot) -> AsyncIterator[None]:
    dp = aiogram_dispatcher()
    task = asyncio.create_task(dp.start_polling(aiogram_bot, handle_signals=False, close_bot_session=False))
    try:
        yield
    finally:
        await dp.stop_polling()
        await task


@pytest.fixture
async def ptb_polling(emulator: BotApiEmulator, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Keluhan", callback_data="complaint"),
          telegram.InlineKeyboardButton("Saran", callback_data="suggestion")]]
    )  # fmt: skip

    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message
        await update.effective_message.reply_html("Selamat datang di <b>Tanggap</b>", reply_markup=keyboard)

    async def chosen(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query
        await query.answer("Dicatat")
        await query.edit_message_text(f"Dipilih: {query.data}")

    app = Application.builder().token(emulator.token).base_url(f"{emulator.base_url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(chosen))
    async with app:
        await app.start()
        assert app.updater
        await app.updater.start_polling(timeout=5)
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()


async def converse(emulator: BotApiEmulator) -> None:
    """/start, then press "Saran": the welcome is edited into the choice and the press answered."""
    emulator.send_text(USER, "/start")
    welcome = await emulator.wait_for_message(USER)
    assert welcome.text == "Selamat datang di Tanggap"
    assert welcome.buttons == [[("Keluhan", "complaint"), ("Saran", "suggestion")]]
    update_id = emulator.press_button(USER, "Saran")
    edited = await emulator.wait_for_message(USER, predicate=lambda m: m.edits > 0)
    assert edited.message_id == welcome.message_id
    assert edited.text == "Dipilih: suggestion"
    assert edited.buttons == []
    await emulator.wait_idle(timeout=5)
    assert emulator.callback(update_id).answer_text == "Dicatat"
    assert emulator.pending_updates() == 0
    assert all(call.status == 200 for call in emulator.calls)


@pytest.mark.usefixtures("aiogram_polling")
async def test_aiogram_dispatcher_converses_with_a_user(emulator: BotApiEmulator) -> None:
    await converse(emulator)


@pytest.mark.usefixtures("ptb_polling")
async def test_ptb_application_converses_with_a_user(emulator: BotApiEmulator) -> None:
    await converse(emulator)


@pytest.mark.usefixtures("aiogram_polling")
async def test_a_redelivered_update_reaches_the_running_bot_again(emulator: BotApiEmulator) -> None:
    update_id = emulator.send_text(USER, "/start")
    await emulator.wait_for_message(USER)
    await emulator.wait_idle(timeout=5)
    emulator.redeliver(update_id)
    await emulator.wait_for_message(USER, after=1)
    await emulator.wait_idle(timeout=5)
    assert [m.text for m in emulator.messages(USER)] == ["Selamat datang di Tanggap"] * 2
