"""bot/outage.py without processes: one notice per person and outage, the alert once per press, the probe."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.errors import RetryLater, Unreachable
from bot.outage import ALERT, NOTICE, DatabaseUnavailable, Outage
from bot.pacing import Pacer
from handlers.events import ButtonPress, InboundUpdate, IncomingMessage, User
from handlers.i18n import Translator

T = Translator()


class FakePort:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.answers: list[tuple[str, str | None, bool]] = []
        self.fail: list[Exception] = []

    async def deliver(self, payload: dict[str, Any]) -> int:
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append(payload)
        return len(self.sent)

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        self.answers.append((callback_id, text, alert))


def message(
    update_id: int, user: int, text: str = "halo", lang: str | None = "id", private: bool = True
) -> InboundUpdate:
    chat = user if private else -100
    return InboundUpdate(update_id, IncomingMessage(chat, User(user, "S", language_code=lang), update_id, text,
                                                    private=private))


def press(update_id: int, user: int, lang: str | None = "en") -> InboundUpdate:
    return InboundUpdate(update_id, ButtonPress(user, User(user, "S", language_code=lang), f"q{update_id}", "m:new", 1))


def outage(port: FakePort, **kwargs: Any) -> Outage:
    return Outage(port, T, kwargs.pop("pacer", Pacer()), **kwargs)  # type: ignore[arg-type]


async def fail() -> None:
    raise ConnectionRefusedError("down")


async def test_each_person_is_told_once_per_outage_in_their_language() -> None:
    port = FakePort()
    o = outage(port)
    with pytest.raises(ConnectionRefusedError):
        await o.guard(message(1, 11), fail)
    await o.tell([message(1, 11), message(2, 11), message(3, 12, lang="en"), message(4, 13, lang=None)])
    await o.tell([message(1, 11), message(5, 12, lang="en")])  # retries, and more from the same people
    assert [(p["chat_id"], p["text"]) for p in port.sent] == [
        (11, T.gettext("id")(NOTICE)), (12, T.gettext("en")(NOTICE)), (13, T.gettext("id")(NOTICE))]
    assert all(p["op"] == "send" and p["buttons"] == [] for p in port.sent)

    async def works() -> str:
        return "ok"

    assert await o.guard(message(6, 11), works) == "ok"  # the outage is over …
    assert not o.down
    with pytest.raises(ConnectionRefusedError):
        await o.guard(message(7, 11), fail)
    await o.tell([message(7, 11)])  # … and a new one tells again
    assert [p["chat_id"] for p in port.sent] == [11, 12, 13, 11]


async def test_a_button_press_gets_the_alert_once_and_the_runner_then_leaves_it() -> None:
    port = FakePort()
    o = outage(port)
    await o.tell([press(1, 21)])
    await o.tell([press(1, 21)])
    assert port.answers == [("q1", T.gettext("en")(ALERT), True)]
    assert o.answered(1) and not o.answered(2)
    assert len(port.sent) == 1
    assert len(T.gettext("id")(ALERT)) <= 200 and len(T.gettext("en")(ALERT)) <= 200  # Telegram's limit


async def test_group_chatter_is_not_answered_but_a_command_in_the_group_is_told_privately() -> None:
    port = FakePort()
    o = outage(port)
    await o.tell([message(1, 31, "just talking", private=False)])
    assert port.sent == []
    await o.tell([message(2, 31, "/inbox", private=False)])
    assert [p["chat_id"] for p in port.sent] == [31]


async def test_limits_and_failures_leave_the_person_to_be_told_on_a_retry() -> None:
    port = FakePort()
    pacer = Pacer(chat_rate=1.0, chat_burst=1)
    assert pacer.take(41)  # the chat's one token was just used by a reply
    o = outage(port, pacer=pacer)
    await o.tell([message(1, 41)])
    assert port.sent == []  # out of tokens: not marked as told
    o.pacer = Pacer()  # the token is back
    port.fail = [RetryLater("429", retry_after=0)]
    await o.tell([message(1, 41)])
    assert port.sent == []  # not taken: told on the next retry
    await o.tell([message(1, 41)])
    assert [p["chat_id"] for p in port.sent] == [41]


async def test_a_person_who_blocked_the_bot_is_not_tried_again() -> None:
    port = FakePort()
    o = outage(port)
    port.fail = [Unreachable("blocked")]
    await o.tell([message(1, 51)])
    await o.tell([message(2, 51)])
    assert port.sent == [] and port.fail == []


async def test_memory_is_bounded() -> None:
    port = FakePort()
    o = outage(port, remember=3)
    await o.tell([press(i, 100 + i) for i in range(10)])
    assert len(o._told) == 3 and len(o._answered) == 3


async def test_while_down_one_update_probes_and_the_others_fail_at_once() -> None:
    port = FakePort()
    o = outage(port)
    with pytest.raises(ConnectionRefusedError):
        await o.guard(message(1, 61), fail)
    gate = asyncio.Event()

    async def slow() -> str:
        await gate.wait()
        return "ok"

    probe = asyncio.create_task(o.guard(message(2, 62), slow))
    await asyncio.sleep(0)
    with pytest.raises(DatabaseUnavailable):
        await o.guard(message(3, 63), slow)
    gate.set()
    assert await probe == "ok" and not o.down
    assert await o.guard(message(4, 64), slow) == "ok"


async def test_updates_in_flight_when_the_database_fails_are_told_at_once() -> None:
    port = FakePort()
    o = outage(port)
    gate = asyncio.Event()

    async def waiting() -> None:
        await gate.wait()
        raise ConnectionRefusedError("down")

    queued = asyncio.create_task(o.guard(message(1, 71), waiting))
    await asyncio.sleep(0)
    with pytest.raises(ConnectionRefusedError):
        await o.guard(message(2, 72), fail)
    assert [p["chat_id"] for p in port.sent] == [71]  # told before its own update has failed
    gate.set()
    with pytest.raises(ConnectionRefusedError):
        await queued
