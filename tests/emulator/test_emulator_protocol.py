"""The wire protocol: URLs, body encodings, JSON-string fields and Telegram's response shape."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import telegram
from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.emulator import BotApiEmulator

USER = 42
KEYBOARD = {"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}, {"text": "Web", "url": "https://x.id"}]]}


class TestRouting:
    async def test_method_names_are_case_insensitive(self, raw: Any) -> None:
        status, body = await raw.json("GETME")
        assert status == 200
        assert body["result"]["username"] == "tanggap_bot"
        assert body["result"]["is_bot"] is True

    async def test_an_unknown_method_is_404_not_found(self, raw: Any) -> None:
        assert await raw.json("sendTelepathy") == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )

    async def test_a_malformed_token_is_404(self, emulator: BotApiEmulator, http: aiohttp.ClientSession) -> None:
        async with http.get(f"{emulator.base_url}/botnot-a-token/getMe") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}

    async def test_any_well_formed_token_is_accepted(
        self, emulator: BotApiEmulator, http: aiohttp.ClientSession
    ) -> None:
        async with http.get(f"{emulator.base_url}/bot123456:ABC-def_ghi/getMe") as response:
            assert response.status == 200

    async def test_get_with_a_query_string_works(self, raw: Any) -> None:
        status, body = await raw.query("sendMessage", chat_id=str(USER), text="lewat GET")
        assert status == 200
        assert body["result"]["text"] == "lewat GET"


class TestBodies:
    async def test_json_body(self, emulator: BotApiEmulator, raw: Any) -> None:
        status, body = await raw.json("sendMessage", chat_id=USER, text="json", reply_markup=KEYBOARD)
        assert status == 200
        assert body["result"]["reply_markup"] == KEYBOARD
        assert emulator.calls[-1].content_type == "application/json"

    async def test_urlencoded_body_with_json_string_fields(self, emulator: BotApiEmulator, raw: Any) -> None:
        entities = json.dumps([{"type": "bold", "offset": 0, "length": 4}])
        status, body = await raw.form(
            "sendMessage",
            chat_id=str(USER),
            text="form",
            reply_markup=json.dumps(KEYBOARD),
            entities=entities,
        )
        assert status == 200
        assert body["result"]["reply_markup"] == KEYBOARD
        assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
        assert emulator.calls[-1].content_type == "application/x-www-form-urlencoded"
        assert emulator.messages(USER)[-1].buttons == [[("Ya", "yes"), ("Web", None)]]

    async def test_multipart_body_with_a_file(
        self, emulator: BotApiEmulator, http: aiohttp.ClientSession, raw: Any
    ) -> None:
        form = aiohttp.FormData()
        form.add_field("chat_id", str(USER))
        form.add_field("caption", "<b>LK</b> terlampir")
        form.add_field("parse_mode", "HTML")
        form.add_field("document", b"%PDF-1.7 lk", filename="LK-2026-003.pdf", content_type="application/pdf")
        async with http.post(raw.url("sendDocument"), data=form) as response:
            assert response.status == 200
            result = (await response.json())["result"]
        assert result["document"]["file_name"] == "LK-2026-003.pdf"
        assert result["document"]["mime_type"] == "application/pdf"
        assert result["caption"] == "LK terlampir"
        assert result["caption_entities"] == [{"type": "bold", "offset": 0, "length": 2}]
        assert emulator.file_content(result["document"]["file_id"]) == b"%PDF-1.7 lk"
        assert emulator.calls[-1].content_type == "multipart/form-data"

    async def test_an_unparsable_reply_markup_is_refused(self, raw: Any) -> None:
        status, body = await raw.form("sendMessage", chat_id=str(USER), text="x", reply_markup="{nope")
        assert (status, body["description"]) == (
            400,
            "Bad Request: can't parse reply keyboard markup JSON object",
        )


class TestFrameworkWire:
    async def test_aiogram_sends_urlencoded_and_multipart_with_attach(
        self, emulator: BotApiEmulator, aiogram_bot: Bot
    ) -> None:
        await aiogram_bot.send_message(USER, "halo")
        assert emulator.calls[-1].content_type == "application/x-www-form-urlencoded"
        photo = await aiogram_bot.send_photo(USER, BufferedInputFile(b"\xff\xd8jpeg", "bukti.jpg"))
        call = emulator.calls[-1]
        assert call.content_type == "multipart/form-data"
        assert str(call.params["photo"]).startswith("attach://")
        assert photo.photo and emulator.file_content(photo.photo[-1].file_id) == b"\xff\xd8jpeg"

    async def test_ptb_sends_urlencoded_and_multipart_under_the_field_name(
        self, emulator: BotApiEmulator, ptb_bot: telegram.Bot
    ) -> None:
        await ptb_bot.send_message(USER, "halo")
        assert emulator.calls[-1].content_type == "application/x-www-form-urlencoded"
        document = await ptb_bot.send_document(USER, b"%PDF", filename="lk.pdf")
        call = emulator.calls[-1]
        assert call.content_type == "multipart/form-data"
        assert call.params["document"] == "<file 'lk.pdf', 4 bytes>"
        assert document.document and emulator.file_content(document.document.file_id) == b"%PDF"

    async def test_resending_a_users_photo_by_file_id(self, emulator: BotApiEmulator, ptb_bot: telegram.Bot) -> None:
        emulator.send_photo(USER, data=b"\xff\xd8user")
        (update,) = await ptb_bot.get_updates()
        assert update.message
        file_id = update.message.photo[-1].file_id
        sent = await ptb_bot.send_photo(USER, file_id, caption="diteruskan")
        assert sent.photo[-1].file_id == file_id
        assert emulator.messages(USER)[-1].file_id == file_id
        downloaded = await (await ptb_bot.get_file(file_id)).download_as_bytearray()
        assert bytes(downloaded) == b"\xff\xd8user"


class TestCommands:
    async def test_commands_are_stored_per_scope_and_language(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

        await aiogram_bot.set_my_commands([BotCommand(command="start", description="Mulai")])
        await aiogram_bot.set_my_commands([BotCommand(command="start", description="Start")], language_code="en")
        await aiogram_bot.set_my_commands(
            [BotCommand(command="lapor", description="Lapor")], scope=BotCommandScopeAllPrivateChats()
        )
        await aiogram_bot.set_my_commands(
            [BotCommand(command="antrian", description="Antrian")], scope=BotCommandScopeChat(chat_id=USER)
        )
        assert emulator.commands == {
            ("default", ""): [{"command": "start", "description": "Mulai"}],
            ("default", "en"): [{"command": "start", "description": "Start"}],
            ("all_private_chats", ""): [{"command": "lapor", "description": "Lapor"}],
            (f"chat:{USER}", ""): [{"command": "antrian", "description": "Antrian"}],
        }
        listed = await aiogram_bot.get_my_commands(language_code="en")
        assert [c.description for c in listed] == ["Start"]
        await aiogram_bot.delete_my_commands(language_code="en")
        assert await aiogram_bot.get_my_commands(language_code="en") == []

    async def test_an_invalid_command_is_refused(self, raw: Any) -> None:
        status, body = await raw.json("setMyCommands", commands=[{"command": "Buat Tiket", "description": "x"}])
        assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")

    async def test_close_and_log_out_answer_true(self, raw: Any) -> None:
        assert await raw.json("close") == (200, {"ok": True, "result": True})
        assert await raw.json("logOut") == (200, {"ok": True, "result": True})
