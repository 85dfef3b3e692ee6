"""Both engines name Telegram's answers the same way, and read the same update into the same event.

The adapters' calls are exercised end to end against the emulator (tests/e2e); here each framework's own
exception objects are handed to its adapter, so every kind of answer is covered on both engines, including
the ones the emulator cannot easily produce (a group migrated to a supergroup, 401, 404).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.adapter import Adapter, Failure, settle
from bot.aiogram_port import AiogramPort
from bot.errors import MessageGone, Rejected, RetryLater, Unreachable
from bot.ptb_port import PtbPort
from handlers.events import ButtonPress, IncomingMessage

TOKEN = "123456789:unit-test-token-0123456789abcdef"
METHOD = SendMessage(chat_id=1, text="x")

# (name, aiogram exception, python-telegram-bot exception, what it means for an outbox row)
CASES: list[tuple[str, BaseException, BaseException, type[Exception] | None]] = [
    ("429", TelegramRetryAfter(METHOD, "Too Many Requests: retry after 7", 7), RetryAfter(7), RetryLater),
    ("5xx", TelegramServerError(METHOD, "Bad Gateway"), NetworkError("Bad Gateway"), RetryLater),
    ("timeout", TimeoutError(), TimedOut(), RetryLater),
    ("network", TelegramNetworkError(METHOD, "connection reset"), NetworkError("connection reset"), RetryLater),
    ("401", TelegramUnauthorizedError(METHOD, "Unauthorized"), InvalidToken("Unauthorized"), RetryLater),
    ("blocked", TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"),
     Forbidden("Forbidden: bot was blocked by the user"), Unreachable),
    ("migrated", TelegramMigrateToChat(METHOD, "group upgraded", -100777), ChatMigrated(-100777), Unreachable),
    ("chat not found", TelegramBadRequest(METHOD, "Bad Request: chat not found"),
     BadRequest("Chat not found"), Unreachable),
    ("not modified", TelegramBadRequest(METHOD, "Bad Request: message is not modified: specified new message "
                                                "content and reply markup are exactly the same"),
     BadRequest("Message is not modified: specified new message content"), None),
    ("gone", TelegramBadRequest(METHOD, "Bad Request: message to edit not found"),
     BadRequest("Message to edit not found"), MessageGone),
    ("bad html", TelegramBadRequest(METHOD, "Bad Request: can't parse entities"),
     BadRequest("Can't parse entities"), Rejected),
    ("404", TelegramNotFound(METHOD, "Not Found"), InvalidToken("Not Found"), Rejected),
    ("413", TelegramEntityTooLarge(METHOD, "Request Entity Too Large"),
     NetworkError("Request Entity Too Large (413)"), Rejected),  # a file over Telegram's limit: never retried
]  # fmt: skip


@pytest.fixture(params=["aiogram", "ptb"])
def port(request: pytest.FixtureRequest) -> Adapter:
    cls = AiogramPort if request.param == "aiogram" else PtbPort
    return cls(TOKEN, "http://127.0.0.1:9")


def outcome(port: Adapter, exc: BaseException, op: str) -> type[Exception] | None:
    failure = port.failure(exc)
    assert failure is not None, exc
    try:
        settle(failure, op, exc)
    except Exception as meant:
        return type(meant)
    return None


@pytest.mark.parametrize(("name", "aiogram_exc", "ptb_exc", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_answer_means_the_same_on_both_engines(
    name: str, aiogram_exc: BaseException, ptb_exc: BaseException, expected: type[Exception] | None
) -> None:
    aiogram_port, ptb_port = AiogramPort(TOKEN, "http://127.0.0.1:9"), PtbPort(TOKEN, "http://127.0.0.1:9")
    assert outcome(aiogram_port, aiogram_exc, "edit_text") is expected
    assert outcome(ptb_port, ptb_exc, "edit_text") is expected


def test_a_429_keeps_its_retry_after_on_both_engines() -> None:
    for port, exc in ((AiogramPort(TOKEN, "http://x"), CASES[0][1]), (PtbPort(TOKEN, "http://x"), CASES[0][2])):
        failure = port.failure(exc)
        assert failure == Failure("retry", failure.description, 7.0) if failure else False
        with pytest.raises(RetryLater) as raised:
            settle(failure, "send", exc)
        assert raised.value.retry_after == 7.0


def test_a_gone_message_is_success_when_only_its_buttons_were_to_be_removed(port: Adapter) -> None:
    exc = next(c[1] if isinstance(port, AiogramPort) else c[2] for c in CASES if c[0] == "gone")
    assert outcome(port, exc, "clear_buttons") is None
    assert outcome(port, exc, "edit_text") is MessageGone


def test_other_exceptions_are_not_named(port: Adapter) -> None:
    assert port.failure(RuntimeError("a bug")) is None


async def test_a_malformed_payload_is_rejected_before_any_request(port: Adapter) -> None:
    for payload in (
        {"op": "send"},
        {"op": "teleport", "chat_id": 1},
        {"op": "send_file", "chat_id": 1, "file_type": "video", "file_id": "x"},
        {"op": "edit_text", "chat_id": "not a number", "message_id": 1, "text": "x"},
    ):
        with pytest.raises(Rejected):
            await port.deliver(payload)


MESSAGE = {"update_id": 41, "message": {
    "message_id": 5, "date": 1_764_000_000, "caption": "KTM rusak",
    "chat": {"id": 1001, "type": "private", "first_name": "Siti"},
    "from": {"id": 1001, "is_bot": False, "first_name": "Siti", "last_name": "Rahma", "username": "siti",
             "language_code": "en"},
    "photo": [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67},
              {"file_id": "large", "file_unique_id": "l", "width": 800, "height": 600}],
}}  # fmt: skip
PRESS = {"update_id": 42, "callback_query": {
    "id": "cb-1", "chat_instance": "ci", "data": "in:svc:ktm",
    "from": {"id": 1001, "is_bot": False, "first_name": "Siti"},
    "message": {"message_id": 9, "date": 1_764_000_000, "text": "Pilih layanan",
                "chat": {"id": -100123, "type": "supergroup", "title": "Staf"}},
}}  # fmt: skip
DOCUMENT = {"update_id": 43, "message": {
    "message_id": 6, "date": 1_764_000_000,
    "chat": {"id": -100123, "type": "supergroup", "title": "Staf"},
    "from": {"id": 1002, "is_bot": False, "first_name": "Olivia"},
    "document": {"file_id": "doc", "file_unique_id": "d", "file_name": "surat.pdf", "mime_type": "application/pdf"},
}}  # fmt: skip
EDITED = {"update_id": 44, "edited_message": MESSAGE["message"]}


@pytest.mark.parametrize("update", [MESSAGE, PRESS, DOCUMENT, EDITED], ids=["photo", "press", "document", "edited"])
def test_both_engines_read_an_update_into_the_same_event(update: dict[str, Any]) -> None:
    readers: list[Callable[[dict[str, Any]], Any]] = [
        AiogramPort(TOKEN, "http://x").parse_update,
        PtbPort(TOKEN, "http://x").parse_update,
    ]
    aiogram_reads, ptb_reads = (read(json.loads(json.dumps(update))) for read in readers)
    assert aiogram_reads == ptb_reads
    assert aiogram_reads.update_id == update["update_id"]
    event = aiogram_reads.event
    if update is MESSAGE:
        assert isinstance(event, IncomingMessage) and event.private and event.text == "KTM rusak"
        assert event.file is not None and event.file.file_id == "large"
        assert (event.user.full_name, event.user.language_code) == ("Siti Rahma", "en")
    elif update is PRESS:
        assert event == ButtonPress(-100123, event.user, "cb-1", "in:svc:ktm", 9)
    elif update is DOCUMENT:
        assert isinstance(event, IncomingMessage) and not event.private
        assert event.file is not None
        assert (event.file.file_name, event.file.mime_type) == ("surat.pdf", "application/pdf")
    else:
        assert event is None  # edits are not handled
