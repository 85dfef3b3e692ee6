"""getUpdates: confirmation by offset, re-delivery, long polling, conflicts, filters."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
import telegram
from aiogram import Bot

from bot.emulator import BotApiEmulator
from tests.emulator.test_webhook import free_port

USER = 42


def ids(body: dict[str, Any]) -> list[int]:
    return [update["update_id"] for update in body["result"]]


class TestConfirmation:
    async def test_unconfirmed_updates_are_delivered_again(self, emulator: BotApiEmulator, raw: Any) -> None:
        first = emulator.send_text(USER, "halo")
        second = emulator.send_text(USER, "lagi")
        assert second > first
        assert ids((await raw.json("getUpdates"))[1]) == [first, second]
        assert ids((await raw.json("getUpdates"))[1]) == [first, second]
        assert emulator.pending_updates() == 2

    async def test_an_offset_confirms_and_forgets_earlier_updates(self, emulator: BotApiEmulator, raw: Any) -> None:
        first = emulator.send_text(USER, "satu")
        second = emulator.send_text(USER, "dua")
        assert ids((await raw.json("getUpdates", offset=first + 1))[1]) == [second]
        assert ids((await raw.json("getUpdates"))[1]) == [second]
        assert ids((await raw.json("getUpdates", offset=second + 1))[1]) == []
        assert emulator.pending_updates() == 0

    async def test_a_raw_update_is_delivered_exactly_as_pushed_between_the_others(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        first = emulator.send_text(USER, "satu")
        odd = emulator.push_raw("message", {"chat": "oops"})
        last = emulator.send_text(USER, "dua")
        status, body = await raw.json("getUpdates")
        assert status == 200 and ids(body) == [first, odd, last]
        assert body["result"][1] == {"update_id": odd, "message": {"chat": "oops"}}
        assert ids((await raw.json("getUpdates", offset=last + 1))[1]) == []

    async def test_limit_caps_the_batch(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = [emulator.send_text(USER, str(n)) for n in range(3)]
        assert ids((await raw.form("getUpdates", limit="2"))[1]) == sent[:2]

    async def test_a_negative_offset_keeps_only_the_latest_updates(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = [emulator.send_text(USER, str(n)) for n in range(3)]
        assert ids((await raw.json("getUpdates", offset=-1))[1]) == [sent[-1]]
        assert emulator.pending_updates() == 1

    async def test_redelivery_repeats_the_same_update_id_after_confirmation(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        update_id = emulator.send_text(USER, "/start")
        later = emulator.send_text(USER, "berikutnya")
        await raw.json("getUpdates", offset=later + 1)
        emulator.redeliver(update_id)
        status, body = await raw.json("getUpdates", offset=later + 1)
        assert status == 200
        assert ids(body) == [update_id]
        assert body["result"][0]["message"]["text"] == "/start"
        assert ids((await raw.json("getUpdates", offset=later + 1))[1]) == []


class TestIdsNeverRepeat:
    """Telegram never reuses an update id, nor a message id in a chat: a new emulator on an old database must not."""

    async def test_update_ids_go_up_by_one_from_the_chosen_first_id(self, raw_for: Any) -> None:
        async with BotApiEmulator(first_update_id=5_000) as emu:
            emu.add_user(USER, "Siti")
            sent = [emu.send_text(USER, "satu"), emu.send_text(USER, "dua")]
            assert sent == [5_000, 5_001]
            assert ids((await raw_for(emu).json("getUpdates"))[1]) == [5_000, 5_001]

    def test_each_new_emulator_starts_its_update_ids_at_random(self) -> None:
        firsts = set()
        for _run in range(3):
            emu = BotApiEmulator()
            emu.add_user(USER, "Siti")
            firsts.add(emu.send_text(USER, "/start"))
        assert len(firsts) == 3  # three runs on one database: no id of one is skipped as processed in another
        assert all(1 <= first < 2**31 for first in firsts)  # positive, and a 32-bit number as on Telegram

    async def test_message_ids_start_at_the_chosen_first_id_in_every_chat(self, raw_for: Any) -> None:
        async with BotApiEmulator(first_message_id=40) as emu:
            emu.add_user(USER, "Siti")
            emu.add_group(-100123, "Staf")
            raw = raw_for(emu)
            private = (await raw.json("sendMessage", chat_id=USER, text="halo"))[1]["result"]
            group = (await raw.json("sendMessage", chat_id=-100123, text="kartu"))[1]["result"]
            emu.send_text(USER, "balas")
            after = (await raw.json("sendMessage", chat_id=USER, text="lagi"))[1]["result"]
        assert (private["message_id"], group["message_id"], after["message_id"]) == (40, 40, 42)

    @pytest.mark.parametrize("first", [{"first_update_id": 0}, {"first_message_id": 0}], ids=["update", "message"])
    def test_ids_below_one_are_refused(self, first: dict[str, int]) -> None:
        with pytest.raises(ValueError, match="positive"):
            BotApiEmulator(**first)


class TestLongPolling:
    async def test_a_waiting_poll_wakes_up_when_a_user_writes(self, emulator: BotApiEmulator, raw: Any) -> None:
        started = time.monotonic()
        poll = asyncio.create_task(raw.json("getUpdates", timeout=10))
        await asyncio.sleep(0.2)
        assert not poll.done()
        update_id = emulator.send_text(USER, "halo")
        status, body = await asyncio.wait_for(poll, 5)
        assert status == 200
        assert ids(body) == [update_id]
        assert time.monotonic() - started < 3

    async def test_a_poll_with_nothing_to_deliver_answers_empty_after_its_timeout(self, raw: Any) -> None:
        started = time.monotonic()
        assert await raw.query("getUpdates", timeout="1") == (200, {"ok": True, "result": []})
        assert 0.9 < time.monotonic() - started < 3

    async def test_a_second_poll_terminates_the_first_with_409(self, emulator: BotApiEmulator, raw: Any) -> None:
        older = asyncio.create_task(raw.json("getUpdates", timeout=10))
        await asyncio.sleep(0.2)
        newer = asyncio.create_task(raw.json("getUpdates", timeout=10))
        assert await asyncio.wait_for(older, 5) == (
            409,
            {
                "ok": False,
                "error_code": 409,
                "description": "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            },
        )
        update_id = emulator.send_text(USER, "untuk yang baru")
        assert ids((await asyncio.wait_for(newer, 5))[1]) == [update_id]

    async def test_stopping_the_emulator_ends_a_waiting_poll(self, emulator: BotApiEmulator, raw: Any) -> None:
        poll = asyncio.create_task(raw.json("getUpdates", timeout=30))
        await asyncio.sleep(0.2)
        await emulator.stop()
        assert await asyncio.wait_for(poll, 5) == (200, {"ok": True, "result": []})


class TestFiltersAndWebhook:
    async def test_allowed_updates_leaves_out_other_kinds(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await raw.json(
            "sendMessage",
            chat_id=USER,
            text="pilih",
            reply_markup={"inline_keyboard": [[{"text": "Ya", "callback_data": "ya"}]]},
        )
        await raw.form("getUpdates", allowed_updates='["message"]')
        emulator.press(USER, sent[1]["result"]["message_id"], "ya")
        message = emulator.send_text(USER, "teks")
        assert ids((await raw.json("getUpdates"))[1]) == [message]

    async def test_get_updates_conflicts_with_an_active_webhook(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.send_text(USER, "halo")
        url = f"https://127.0.0.1:{free_port()}/hook"  # loopback and closed: the update stays pending, offline
        assert (await raw.json("setWebhook", url=url, secret_token="s3cr3t"))[1] == {
            "ok": True,
            "result": True,
            "description": "Webhook was set",
        }
        assert emulator.webhook == (url, "s3cr3t")
        status, body = await raw.json("getUpdates")
        assert status == 409
        assert body["description"] == (
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
            "webhook first"
        )
        info = (await raw.json("getWebhookInfo"))[1]["result"]
        assert (info["url"], info["pending_update_count"]) == (url, 1)
        assert (await raw.json("deleteWebhook", drop_pending_updates=True))[1]["description"] == ("Webhook was deleted")
        assert emulator.pending_updates() == 0
        assert (await raw.json("getWebhookInfo"))[1]["result"] == {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }


class TestFrameworksParseUpdates:
    async def test_aiogram_parses_every_kind_of_update(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        sent = await aiogram_bot.send_message(USER, "pilih")
        emulator.send_text(USER, "/start abc")
        emulator.send_photo(USER, caption="bukti")
        emulator.send_document(USER, "surat.pdf", caption="lampiran")
        emulator.press(USER, sent.message_id, "ticket:7")
        updates = await aiogram_bot.get_updates()
        command, photo, document, press = updates
        assert command.message and command.message.text == "/start abc"
        assert command.message.entities and command.message.entities[0].type == "bot_command"
        assert command.message.from_user and command.message.from_user.language_code == "id"
        assert photo.message and photo.message.photo and len(photo.message.photo) == 3
        assert photo.message.caption == "bukti"
        assert document.message and document.message.document
        assert document.message.document.file_name == "surat.pdf"
        assert press.callback_query and press.callback_query.data == "ticket:7"
        assert press.callback_query.message and press.callback_query.message.message_id == sent.message_id

    async def test_ptb_parses_every_kind_of_update(self, emulator: BotApiEmulator, ptb_bot: telegram.Bot) -> None:
        sent = await ptb_bot.send_message(USER, "pilih")
        emulator.send_text(USER, "/lapor")
        emulator.send_photo(USER)
        emulator.send_document(USER, "foto.png", "image/png")
        emulator.press(USER, sent.message_id, "ticket:7")
        command, photo, document, press = await ptb_bot.get_updates()
        assert command.message and command.message.text == "/lapor"
        assert command.message.entities[0].type == telegram.constants.MessageEntityType.BOT_COMMAND
        assert photo.message and photo.message.photo[-1].width == 800
        assert document.message and document.message.document
        assert document.message.document.mime_type == "image/png"
        assert press.callback_query and press.callback_query.data == "ticket:7"
        assert press.callback_query.from_user.first_name == "Siti"
