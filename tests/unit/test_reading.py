"""An update the engine cannot read is set aside alike on both engines; the rest of its batch is read as usual."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.adapter import Adapter
from bot.aiogram_port import AiogramPort
from bot.errors import RetryLater
from bot.ptb_port import PtbPort
from bot.set_aside import SetAside
from handlers.events import IncomingMessage

TOKEN = "123456789:unit-test-token-0123456789abcdef"
SENDER = {"id": 1001, "is_bot": False, "first_name": "Siti"}


def message(update_id: int, **fields: Any) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 5, "date": 1_764_000_000, "text": "halo", "chat": {"id": 1001, "type": "private"},
        "from": SENDER, **fields,
    }}  # fmt: skip


UNREADABLE = {
    "chat not an object": {"update_id": 5, "message": {"chat": "oops"}},
    "text a number": message(6, text=5),
    "message id a string": message(7, message_id="x"),
    "chat id not a number": message(8, chat={"id": "satu", "type": "private"}),
    "sender not an object": {"update_id": 9, "callback_query": {"id": "1", "from": "bob", "chat_instance": "1"}},
    "message not an object": {"update_id": 10, "message": "not an object"},
}


@pytest.fixture(params=["aiogram", "ptb"])
def port(request: pytest.FixtureRequest) -> Adapter:
    cls = AiogramPort if request.param == "aiogram" else PtbPort
    return cls(TOKEN, "http://127.0.0.1:9")


@pytest.mark.parametrize("update", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_update_is_set_aside_with_its_json_and_the_error(port: Adapter, update: dict[str, Any]) -> None:
    body = json.dumps(update)
    read = port.parse_update(json.loads(body), body)
    assert isinstance(read, SetAside)
    assert (read.update_id, read.event, read.raw, read.engine) == (update["update_id"], None, body, port.engine)
    assert read.error.strip()


def test_without_the_received_text_the_json_is_written_back(port: Adapter) -> None:
    read = port.decode({"update_id": 5, "message": {"chat": "oops", "text": "é"}})
    assert isinstance(read, SetAside)
    assert json.loads(read.raw) == {"update_id": 5, "message": {"chat": "oops", "text": "é"}}


def test_a_field_a_newer_bot_api_adds_is_read_as_usual(port: Adapter) -> None:
    read = port.parse_update(message(11, reactions_v2={"kind": ["new", 1]}, future_flag=True))
    assert not isinstance(read, SetAside)
    assert isinstance(read.event, IncomingMessage) and read.event.text == "halo"


def test_a_number_written_as_a_string_is_read_as_the_number(port: Adapter) -> None:
    """aiogram's models read "1001" as 1001; python-telegram-bot keeps the string: both give the number."""
    read = port.parse_update(message(12, chat={"id": "1001", "type": "private"}))
    assert isinstance(read.event, IncomingMessage) and read.event.chat_id == 1001


@pytest.mark.parametrize("body", [[1, 2], {"message": {}}, {"update_id": "5"}, {"update_id": True}, "x"])
def test_a_body_without_an_integer_update_id_is_no_update(port: Adapter, body: Any) -> None:
    with pytest.raises(ValueError, match="not an update"):
        port.parse_update(body)


def test_a_batch_is_read_update_by_update(port: Adapter) -> None:
    batch = port.decode_batch([message(1), {"update_id": 2, "message": {"chat": "oops"}}, message(3)])
    assert [(u.update_id, isinstance(u, SetAside)) for u in batch] == [(1, False), (2, True), (3, False)]


@pytest.mark.parametrize("result", [{"ok": True}, "html", [{"no": "update id"}]])
def test_a_batch_that_is_no_list_of_updates_is_retried_later(port: Adapter, result: Any) -> None:
    with pytest.raises(RetryLater, match="does not answer like the Bot API"):
        port.decode_batch(result)
