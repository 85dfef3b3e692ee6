"""Telegram's refusals (400, 403, 404, 429), over raw HTTP and through the real aiogram and PTB clients."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import telegram
from aiogram import Bot, methods
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)

from bot.emulator import BotApiEmulator

USER = 42
BLOCKED = 43
PHOTO_URL = "https://example.org/bukti.jpg"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def keyboard(data: str) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "Tombol", "callback_data": data}]]}


@dataclass(frozen=True)
class Case:
    method: str
    params: dict[str, Any]
    status: int
    description: str
    needs_message: bool = False  # params get the message_id of a fresh "sama" message
    extra: dict[str, Any] = field(default_factory=dict)


CASES = {
    "text_too_long": Case("sendMessage", {"text": "x" * 4097}, 400, "Bad Request: message is too long"),
    "too_long_in_utf16_units": Case("sendMessage", {"text": "😀" * 2049}, 400, "Bad Request: message is too long"),
    "text_empty": Case("sendMessage", {"text": " \n "}, 400, "Bad Request: message text is empty"),
    "text_empty_after_html": Case(
        "sendMessage", {"text": "<b> </b>", "parse_mode": "HTML"}, 400, "Bad Request: message text is empty"
    ),
    "caption_too_long": Case(
        "sendPhoto",
        {"photo": PHOTO_URL, "caption": "x" * 1025},
        400,
        "Bad Request: message caption is too long",
    ),
    "callback_data_over_64_bytes": Case(
        "sendMessage",
        {"text": "pilih", "reply_markup": keyboard("é" * 33)},
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    ),
    "chat_not_found": Case("sendMessage", {"chat_id": 999, "text": "halo"}, 400, "Bad Request: chat not found"),
    "bare_less_than": Case(
        "sendMessage",
        {"text": "nilai < 3", "parse_mode": "HTML"},
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 6',
    ),
    "unsupported_tag": Case(
        "sendMessage",
        {"text": "<script>x</script>", "parse_mode": "HTML"},
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 0',
    ),
    "unclosed_tag": Case(
        "sendMessage",
        {"text": "<b>tebal", "parse_mode": "HTML"},
        400,
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
    ),
    "misnested_tags": Case(
        "sendMessage",
        {"text": "<b><i>x</b></i>", "parse_mode": "HTML"},
        400,
        'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 7, expected "</i>", found "</b>"',
    ),
    "edit_unknown_message": Case(
        "editMessageText", {"message_id": 999, "text": "baru"}, 400, "Bad Request: message to edit not found"
    ),
    "edit_not_modified": Case(
        "editMessageText",
        {"text": "sama"},
        400,
        NOT_MODIFIED,
        needs_message=True,
    ),
    "markup_not_modified": Case(
        "editMessageReplyMarkup",
        {},
        400,
        NOT_MODIFIED,
        needs_message=True,
    ),
    "delete_unknown_message": Case(
        "deleteMessage", {"message_id": 999}, 400, "Bad Request: message to delete not found"
    ),
    "answer_unknown_callback": Case(
        "answerCallbackQuery",
        {"callback_query_id": "12345"},
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    ),
    "blocked_user": Case(
        "sendMessage", {"chat_id": BLOCKED, "text": "halo"}, 403, "Forbidden: bot was blocked by the user"
    ),
    "edit_for_blocked_user": Case(
        "editMessageText",
        {"chat_id": BLOCKED, "message_id": 1, "text": "baru"},
        403,
        "Forbidden: bot was blocked by the user",
    ),
}


@pytest.fixture
def users(emulator: BotApiEmulator) -> BotApiEmulator:
    emulator.add_user(BLOCKED, "Budi")
    emulator.block(BLOCKED)
    return emulator


async def params_for(case: Case, raw: Any) -> dict[str, Any]:
    params = {"chat_id": USER, **case.params}
    if case.method == "answerCallbackQuery":
        params.pop("chat_id")
    if case.needs_message:  # a fresh bot message "sama" without buttons
        params["message_id"] = (await raw.json("sendMessage", chat_id=USER, text="sama"))[1]["result"]["message_id"]
    return params


@pytest.mark.parametrize("name", CASES)
async def test_raw_http_gets_telegrams_error(name: str, users: BotApiEmulator, raw: Any) -> None:
    case = CASES[name]
    status, body = await raw.json(case.method, **await params_for(case, raw))
    assert status == case.status
    assert body == {"ok": False, "error_code": case.status, "description": case.description}
    assert users.calls[-1].status == case.status


@pytest.mark.parametrize("name", CASES)
async def test_aiogram_raises_its_exception(name: str, users: BotApiEmulator, raw: Any, aiogram_bot: Bot) -> None:
    case = CASES[name]
    call = getattr(methods, case.method[0].upper() + case.method[1:])(**await params_for(case, raw))
    expected = TelegramForbiddenError if case.status == 403 else TelegramBadRequest
    with pytest.raises(expected) as caught:
        await aiogram_bot(call)
    assert caught.value.message == case.description


def ptb_message(description: str) -> str:
    """PTB strips "Bad Request: " and capitalizes the rest (lowercasing it)."""
    stripped = description.removeprefix("Bad Request: ")
    return stripped.capitalize() if stripped != description else description


@pytest.mark.parametrize("name", CASES)
async def test_ptb_raises_its_exception(name: str, users: BotApiEmulator, raw: Any, ptb_bot: telegram.Bot) -> None:
    case = CASES[name]
    params = await params_for(case, raw)
    if "reply_markup" in params:
        params["reply_markup"] = telegram.InlineKeyboardMarkup.de_json(params["reply_markup"], ptb_bot)
    snake = re.sub(r"([A-Z])", r"_\1", case.method).lower()
    expected = telegram.error.Forbidden if case.status == 403 else telegram.error.BadRequest
    with pytest.raises(expected) as caught:
        await getattr(ptb_bot, snake)(**params)
    assert caught.value.message == ptb_message(case.description)


class TestLimitsAtTheBoundary:
    async def test_exactly_4096_utf16_units_is_accepted(self, raw: Any) -> None:
        assert (await raw.json("sendMessage", chat_id=USER, text="😀" * 2048))[0] == 200

    async def test_length_is_counted_after_html_parsing(self, raw: Any) -> None:
        text = "<b>" + "&lt;" * 4096 + "</b>"
        assert (await raw.json("sendMessage", chat_id=USER, text=text, parse_mode="HTML"))[0] == 200

    async def test_callback_data_of_exactly_64_bytes_is_accepted(self, raw: Any) -> None:
        status, _ = await raw.json("sendMessage", chat_id=USER, text="x", reply_markup=keyboard("é" * 32))
        assert status == 200

    async def test_surrounding_whitespace_is_trimmed_and_not_counted(self, raw: Any) -> None:
        status, body = await raw.json("sendMessage", chat_id=USER, text="  " + "x" * 4096 + "\n\n")
        assert status == 200
        assert body["result"]["text"] == "x" * 4096

    async def test_an_unblocked_user_can_be_written_to_again(self, users: BotApiEmulator, raw: Any) -> None:
        users.unblock(BLOCKED)
        assert (await raw.json("sendMessage", chat_id=BLOCKED, text="halo lagi"))[0] == 200


class TestUnknownMethod:
    async def test_aiogram_gets_not_found(self, aiogram_bot: Bot) -> None:
        class SendTelepathy(methods.TelegramMethod[bool]):
            __returning__ = bool
            __api_method__ = "sendTelepathy"

        with pytest.raises(TelegramNotFound, match="Not Found"):
            await aiogram_bot(SendTelepathy())

    async def test_ptb_gets_end_point_not_found(self, ptb_bot: telegram.Bot) -> None:
        with pytest.raises(telegram.error.EndPointNotFound):
            await ptb_bot.do_api_request("sendTelepathy")


class TestFloodControl:
    async def test_the_21st_message_in_a_burst_gets_429_with_retry_after(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        for n in range(20):
            assert (await raw.json("sendMessage", chat_id=USER, text=f"pesan {n}"))[0] == 200
        assert await raw.json("sendMessage", chat_id=USER, text="satu lagi") == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            },
        )
        assert [c.retry_after for c in emulator.calls if c.status == 429] == [1]
        assert len(emulator.messages(USER)) == 20

    async def test_aiogram_raises_retry_after(self, emulator: BotApiEmulator, aiogram_bot: Bot) -> None:
        for n in range(20):
            await aiogram_bot.send_message(USER, f"pesan {n}")
        with pytest.raises(TelegramRetryAfter) as caught:
            await aiogram_bot.send_photo(USER, PHOTO_URL)
        assert caught.value.retry_after == 1

    async def test_ptb_raises_retry_after(self, emulator: BotApiEmulator, ptb_bot: telegram.Bot) -> None:
        for n in range(20):
            await ptb_bot.send_message(USER, f"pesan {n}")
        with pytest.raises(telegram.error.RetryAfter) as caught:
            await ptb_bot.send_document(USER, b"%PDF", filename="lk.pdf")
        assert caught.value.retry_after == dt.timedelta(seconds=1)  # PTB_TIMEDELTA mode (see conftest)

    async def test_tightened_limits_give_longer_waits(self, raw_for: Any) -> None:
        async with BotApiEmulator(per_chat_burst=1, per_chat_rate=0.2) as emu:
            emu.add_user(USER, "Siti")
            raw = raw_for(emu)
            assert (await raw.json("sendMessage", chat_id=USER, text="a"))[0] == 200
            status, body = await raw.json("sendMessage", chat_id=USER, text="b")
        assert (status, body["parameters"]) == (429, {"retry_after": 5})

    async def test_the_bot_wide_limit_spans_chats(self, raw_for: Any) -> None:
        async with BotApiEmulator(global_burst=2, global_rate=1.0) as emu:
            for user in (1, 2, 3):
                emu.add_user(user, f"User {user}")
            raw = raw_for(emu)
            statuses = [(await raw.json("sendMessage", chat_id=user, text="x"))[0] for user in (1, 2, 3)]
        assert statuses == [200, 200, 429]
