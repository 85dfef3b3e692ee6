"""Whatever arrives, the bot keeps going: an update the engine cannot read is set aside, and a server that lacks a
start-up call the bot can do without gets one warning. On both engines, by polling and by webhook."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator
from bot.errors import ConfigError, RetryLater
from bot.port import make_port
from bot.service import serve
from tests.e2e.harness import TOKEN, Person, Stack, bot_settings, not_the_bot_api, settle, start_bot, stop_bot

pytestmark = pytest.mark.e2e
MALFORMED = {"chat": "oops"}  # a message whose chat is not an object: no framework can read it


async def rows(db_url: str, query: str) -> list[Any]:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(query))).all())
    finally:
        await engine.dispose()


def set_aside_lines(caplog: pytest.LogCaptureFixture, update_id: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"update {update_id} set aside")]


async def test_an_update_the_engine_cannot_read_is_set_aside_between_two_that_are_answered(
    emulator: BotApiEmulator, db_url: str, stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    before, after = Person(emulator, 8101, "Sebelum"), Person(emulator, 8102, "Sesudah")
    task = await start_bot(emulator, db_url, stack)
    try:
        emulator.send_text(before.id, "/start")  # the three arrive together: one getUpdates answer when polling
        odd = emulator.push_raw("message", MALFORMED)
        emulator.send_text(after.id, "/start")
        await emulator.wait_for_message(after.id, timeout=15)
        await settle(emulator, db_url)
        assert len(before.inbox) == 2 and len(after.inbox) == 2  # each: the welcome and the privacy notice
        assert emulator.pending_updates() == 0 and not task.done()  # confirmed; nothing stopped

        [(update_id, engine, error, raw)] = await rows(db_url, "SELECT update_id, engine, error, raw "
                                                                "FROM unhandled_update")
        assert (update_id, engine) == (odd, stack.engine) and error.strip()
        assert json.loads(raw) == {"update_id": odd, "message": MALFORMED}
        assert odd in [r[0] for r in await rows(db_url, "SELECT update_id FROM processed_update")]
        assert len(set_aside_lines(caplog, odd)) == 1
        if stack.mode == "webhook":  # answered 200 at once, not retried
            assert [d.status for d in emulator.webhook_deliveries if d.update_id == odd] == [200]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text

        await stop_bot(task)  # a restart, and Telegram handing the update over once more (killed before the
        task = await start_bot(emulator, db_url, stack)  # confirmation): it is a duplicate, skipped
        emulator.redeliver(odd)
        reply = await before.say("/help")
        assert reply and emulator.pending_updates() == 0
        assert len(await rows(db_url, "SELECT update_id FROM unhandled_update")) == 1
        assert len(set_aside_lines(caplog, odd)) == 1
    finally:
        await stop_bot(task)


async def test_several_unreadable_updates_in_a_row_are_all_set_aside(
    emulator: BotApiEmulator, bot: asyncio.Task[None], db_url: str
) -> None:
    student = Person(emulator, 8103, "Banyak")
    odd = [emulator.push_raw("message", MALFORMED), emulator.push_raw("callback_query", {"from": "bob"}),
           emulator.push_raw("message", {"message_id": 1, "date": 1, "text": 5, "from": {"id": 8103},
                                         "chat": {"id": 8103, "type": "private"}})]
    await student.say("/start")
    assert [r[0] for r in await rows(db_url, "SELECT update_id FROM unhandled_update ORDER BY update_id")] == odd
    await settle(emulator, db_url)
    assert len(student.inbox) == 2 and not bot.done()  # the welcome and the privacy notice


async def test_a_server_without_the_command_menu_or_webhook_deletion_still_starts(
    emulator: BotApiEmulator, db_url: str, stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    """A self-hosted Bot API or a proxy may answer 404 or 501 to calls the bot can do without: one warning each."""
    emulator.fail_next("setMyCommands", 404, count=3, description="Not Found")
    emulator.fail_next("deleteWebhook", 501, description="Not Implemented")
    task = await start_bot(emulator, db_url, stack)
    try:
        reply = await Person(emulator, 8104, "Mulai").say("/start")
        assert "Tanggap" in reply[0].text
    finally:
        await stop_bot(task)
    warned = [r.getMessage() for r in caplog.records if "the bot starts anyway" in r.getMessage()]
    assert [line.split()[0] for line in warned] == (["setMyCommands", "deleteWebhook"] if stack.mode == "polling"
                                                    else ["setMyCommands"])
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.getMessage() in warned)
    assert emulator.commands == {}


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
async def test_a_refused_token_at_getme_still_stops_the_bot(emulator: BotApiEmulator, tmp_path: Any,
                                                            engine: str) -> None:
    emulator.fail_next("getMe", 401, description="Unauthorized")
    settings = bot_settings(emulator, f"sqlite+aiosqlite:///{tmp_path / 't.db'}", Stack(engine, "polling"))
    with pytest.raises(ConfigError, match="Telegram refused the bot token"):
        await serve(settings)


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
async def test_a_getupdates_answer_that_is_not_the_bot_api_is_retried_and_never_shows_the_token(engine: str) -> None:
    """A proxy in front of the Bot API answering an HTML page for a while: the loop retries with backoff."""
    async with not_the_bot_api(lambda path: web.Response(text=f"<html>{path}</html>", content_type="text/html")) as url:
        port = make_port(engine, TOKEN, url)
        try:
            with pytest.raises(RetryLater) as caught:
                await port.get_updates(None, 0)
        finally:
            await port.close()
    assert str(caught.value) == f"TELEGRAM_API_URL {url} does not answer like the Bot API " \
                                "(its answer to getUpdates could not be read): check the address"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # its text holds the page
