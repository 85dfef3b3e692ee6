"""What the bot sent, as tests see it: messages, edits, deletions, buttons and presses."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.emulator import BotApiEmulator, EmulatorError

USER = 42
CHOICES = {
    "inline_keyboard": [
        [{"text": "Keluhan", "callback_data": "kind:complaint"}],
        [
            {"text": "Saran", "callback_data": "kind:suggestion"},
            {"text": "Panduan", "url": "https://example.org/sop"},
        ],
    ]
}


async def send(raw: Any, **params: Any) -> dict[str, Any]:
    status, body = await raw.json("sendMessage", chat_id=USER, **params)
    assert status == 200, body
    return dict(body["result"])


class TestSentMessages:
    async def test_a_message_records_plain_text_raw_html_and_buttons(self, emulator: BotApiEmulator, raw: Any) -> None:
        result = await send(raw, text="Tiket <b>KEL-2026-00042</b> diterima", parse_mode="HTML", reply_markup=CHOICES)
        (message,) = emulator.messages(USER)
        assert message.message_id == result["message_id"]
        assert (message.kind, message.chat_id) == ("text", USER)
        assert message.text == "Tiket KEL-2026-00042 diterima"
        assert message.html == "Tiket <b>KEL-2026-00042</b> diterima"
        assert message.entities == [{"type": "bold", "offset": 6, "length": 14}]
        assert message.buttons == [
            [("Keluhan", "kind:complaint")],
            [("Saran", "kind:suggestion"), ("Panduan", None)],
        ]
        assert (message.edits, message.deleted) == (0, False)

    async def test_the_result_is_a_full_telegram_message(self, emulator: BotApiEmulator, raw: Any) -> None:
        result = await send(raw, text="halo")
        assert result["chat"] == {
            "id": USER,
            "type": "private",
            "first_name": "Siti",
            "last_name": "Rahma",
            "username": "siti",
        }
        assert result["from"]["is_bot"] is True
        assert result["from"]["id"] == 1000001
        assert isinstance(result["date"], int)
        assert "reply_markup" not in result

    async def test_message_ids_increase_within_a_chat_with_the_users_messages(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        first = await send(raw, text="satu")
        emulator.send_text(USER, "balasan")
        second = await send(raw, text="dua")
        assert second["message_id"] == first["message_id"] + 2

    async def test_photo_and_document_messages(self, emulator: BotApiEmulator, raw: Any) -> None:
        await raw.json(
            "sendPhoto",
            chat_id=USER,
            photo="https://example.org/a.jpg",
            caption="<i>foto</i>",
            parse_mode="HTML",
        )
        await raw.json("sendDocument", chat_id=USER, document="https://example.org/lk.pdf")
        photo, document = emulator.messages(USER)
        assert (photo.kind, photo.caption, photo.html) == ("photo", "foto", "<i>foto</i>")
        assert (document.kind, document.caption) == ("document", None)
        assert photo.file_id and document.file_id

    async def test_a_users_document_file_id_cannot_be_sent_as_a_photo(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.send_document(USER)
        update = (await raw.json("getUpdates"))[1]["result"][0]
        file_id = update["message"]["document"]["file_id"]
        assert (await raw.json("sendDocument", chat_id=USER, document=file_id))[0] == 200
        status, body = await raw.json("sendPhoto", chat_id=USER, photo=file_id)
        assert (status, body["description"]) == (400, "Bad Request: type of file mismatch")
        status, body = await raw.json("sendPhoto", chat_id=USER, photo="no-such-file-id")
        assert (status, body["description"]) == (400, "Bad Request: wrong file identifier/HTTP URL specified")


class TestEdits:
    async def test_edit_text_changes_the_message_and_counts_the_edit(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await send(raw, text="Status: diterima", reply_markup=CHOICES)
        status, body = await raw.json(
            "editMessageText",
            chat_id=USER,
            message_id=sent["message_id"],
            text="Status: <b>dikonfirmasi</b>",
            parse_mode="HTML",
        )
        assert status == 200
        assert body["result"]["text"] == "Status: dikonfirmasi"
        assert "edit_date" in body["result"]
        (message,) = emulator.messages(USER)
        assert (message.text, message.edits) == ("Status: dikonfirmasi", 1)
        assert message.reply_markup is None  # editMessageText without reply_markup removes the keyboard

    async def test_same_text_with_new_buttons_is_a_modification(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await send(raw, text="Pilih")
        status, _ = await raw.json(
            "editMessageText", chat_id=USER, message_id=sent["message_id"], text="Pilih", reply_markup=CHOICES
        )
        assert status == 200
        assert emulator.messages(USER)[0].buttons[0] == [("Keluhan", "kind:complaint")]

    async def test_edit_reply_markup_replaces_then_removes_buttons(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await send(raw, text="Pilih", reply_markup=CHOICES)
        one = {"inline_keyboard": [[{"text": "Batal", "callback_data": "cancel"}]]}
        await raw.json("editMessageReplyMarkup", chat_id=USER, message_id=sent["message_id"], reply_markup=one)
        assert emulator.messages(USER)[0].buttons == [[("Batal", "cancel")]]
        status, body = await raw.json("editMessageReplyMarkup", chat_id=USER, message_id=sent["message_id"])
        assert status == 200
        assert "reply_markup" not in body["result"]
        assert emulator.messages(USER)[0].edits == 2

    async def test_the_same_html_in_other_words_is_not_modified(self, raw: Any) -> None:
        sent = await send(raw, text="<b>x</b>", parse_mode="HTML")
        status, body = await raw.json(
            "editMessageText",
            chat_id=USER,
            message_id=sent["message_id"],
            text="<strong>x</strong>",
            parse_mode="HTML",
        )
        assert status == 400
        assert body["description"].startswith("Bad Request: message is not modified")

    async def test_a_users_own_message_cannot_be_edited(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.send_text(USER, "halo")
        update = (await raw.json("getUpdates"))[1]["result"][0]
        status, body = await raw.json(
            "editMessageText", chat_id=USER, message_id=update["message"]["message_id"], text="diubah"
        )
        assert (status, body["description"]) == (400, "Bad Request: message can't be edited")

    async def test_aiogram_edits_with_its_own_types(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        sent = await aiogram_bot.send_message(USER, "Menunggu")
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="OK", callback_data="ok")]])
        edited = await aiogram_bot.edit_message_text(
            "Selesai", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard
        )
        assert not isinstance(edited, bool) and edited.text == "Selesai"
        assert emulator.messages(USER)[0].buttons == [[("OK", "ok")]]


class TestDeletion:
    async def test_a_deleted_message_is_flagged_and_cannot_be_deleted_twice(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        sent = await send(raw, text="sementara")
        assert await raw.json("deleteMessage", chat_id=USER, message_id=sent["message_id"]) == (
            200,
            {"ok": True, "result": True},
        )
        assert emulator.messages(USER)[0].deleted
        status, body = await raw.json("deleteMessage", chat_id=USER, message_id=sent["message_id"])
        assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
        status, body = await raw.json("editMessageText", chat_id=USER, message_id=sent["message_id"], text="x")
        assert (status, body["description"]) == (400, "Bad Request: message to edit not found")


class TestButtons:
    async def test_press_button_by_label_queues_a_callback_query(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await send(raw, text="Jenis?", reply_markup=CHOICES)
        update_id = emulator.press_button(USER, "Saran")
        update = (await raw.json("getUpdates"))[1]["result"][0]
        assert update["update_id"] == update_id
        query = update["callback_query"]
        assert query["data"] == "kind:suggestion"
        assert query["message"]["message_id"] == sent["message_id"]
        assert query["from"]["id"] == USER
        assert emulator.callback(update_id).answered is False

    async def test_press_button_by_index_and_on_a_given_message(self, emulator: BotApiEmulator, raw: Any) -> None:
        older = await send(raw, text="Lama", reply_markup=CHOICES)
        await send(raw, text="Baru", reply_markup={"inline_keyboard": [[{"text": "X", "callback_data": "x"}]]})
        update_id = emulator.press_button(USER, 1, message_id=older["message_id"])
        update = (await raw.json("getUpdates"))[1]["result"][0]
        assert (update["update_id"], update["callback_query"]["data"]) == (update_id, "kind:suggestion")

    async def test_press_button_refuses_what_a_user_could_not_press(self, emulator: BotApiEmulator, raw: Any) -> None:
        with pytest.raises(EmulatorError, match="no bot message with buttons"):
            emulator.press_button(USER, "Saran")
        await send(raw, text="Jenis?", reply_markup=CHOICES)
        with pytest.raises(EmulatorError, match="0 buttons match"):
            emulator.press_button(USER, "Tidak ada")
        with pytest.raises(EmulatorError, match="no callback_data"):
            emulator.press_button(USER, "Panduan")

    async def test_press_accepts_forged_data(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await send(raw, text="Jenis?", reply_markup=CHOICES)
        emulator.press(USER, sent["message_id"], "ticket:999:delete")
        update = (await raw.json("getUpdates"))[1]["result"][0]
        assert update["callback_query"]["data"] == "ticket:999:delete"

    async def test_a_callback_query_is_answered_once(self, emulator: BotApiEmulator, raw: Any) -> None:
        sent = await send(raw, text="Jenis?", reply_markup=CHOICES)
        update_id = emulator.press(USER, sent["message_id"], "kind:complaint")
        query_id = (await raw.json("getUpdates"))[1]["result"][0]["callback_query"]["id"]
        ok = await raw.json("answerCallbackQuery", callback_query_id=query_id, text="Dicatat", show_alert=True)
        assert ok == (200, {"ok": True, "result": True})
        answer = emulator.callback(update_id)
        assert (answer.answered, answer.answer_text, answer.show_alert) == (True, "Dicatat", True)
        status, _ = await raw.json("answerCallbackQuery", callback_query_id=query_id)
        assert status == 400


class TestWaiting:
    async def test_wait_for_message_returns_the_first_match_after_an_index(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        await send(raw, text="lama")
        before = len(emulator.messages(USER))
        waiter = asyncio.create_task(
            emulator.wait_for_message(USER, after=before, predicate=lambda m: "KEL-" in m.body)
        )
        await send(raw, text="bukan ini")
        await send(raw, text="Nomor tiket KEL-2026-00001")
        message = await asyncio.wait_for(waiter, 5)
        assert message.text == "Nomor tiket KEL-2026-00001"

    async def test_wait_for_message_times_out_with_what_was_sent(self, emulator: BotApiEmulator, raw: Any) -> None:
        await send(raw, text="sesuatu")
        with pytest.raises(TimeoutError, match="sesuatu"):
            await emulator.wait_for_message(USER, predicate=lambda m: m.kind == "photo", timeout=0.3)

    async def test_wait_idle_waits_for_unconfirmed_updates(self, emulator: BotApiEmulator, raw: Any) -> None:
        update_id = emulator.send_text(USER, "halo")
        with pytest.raises(TimeoutError, match="1 updates pending"):
            await emulator.wait_idle(timeout=0.3)
        await raw.json("getUpdates", offset=update_id + 1)
        await emulator.wait_idle(timeout=2)


class TestGroupsAndFiles:
    async def test_a_group_gets_messages_and_its_own_limit(self, emulator: BotApiEmulator, raw: Any) -> None:
        emulator.add_group(-1001234, "Staf BAPKM")
        first = await raw.json("sendMessage", chat_id=-1001234, text="0")
        assert first[1]["result"]["chat"] == {"id": -1001234, "type": "supergroup", "title": "Staf BAPKM"}
        for n in range(1, 20):
            assert (await raw.json("sendMessage", chat_id=-1001234, text=f"{n}"))[0] == 200
        status, body = await raw.json("sendMessage", chat_id=-1001234, text="21")
        assert (status, body["parameters"]) == (429, {"retry_after": 3})  # 20 per minute: a token every 3 s

    async def test_aiogram_downloads_a_users_file(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        emulator.send_document(USER, "bukti.pdf", data=b"%PDF-bukti")
        (update,) = await aiogram_bot.get_updates()
        assert update.message and update.message.document
        downloaded = await aiogram_bot.download(update.message.document.file_id)
        assert downloaded is not None and downloaded.read() == b"%PDF-bukti"


class TestCallbackTimeout:
    async def test_a_press_answered_after_15_seconds_is_too_old(self, raw_for: Any) -> None:
        now = [1000.0]
        async with BotApiEmulator(clock=lambda: now[0]) as emu:
            emu.add_user(USER, "Siti")
            raw = raw_for(emu)
            await raw.json("sendMessage", chat_id=USER, text="Pilih", reply_markup=CHOICES)
            emu.press_button(USER, "Keluhan")
            query_id = (await raw.json("getUpdates"))[1]["result"][0]["callback_query"]["id"]
            now[0] += 16
            status, body = await raw.json("answerCallbackQuery", callback_query_id=query_id)
        assert (status, body["description"]) == (
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
