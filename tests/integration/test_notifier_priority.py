"""The notifier's rounds give way to replies: a fake port (no HTTP) against a real database, fast limits.

While a round works through a hundred heads of bulk at the bot-wide limit, a reply must not wait for the round to
end: neither one queued meanwhile, nor one skipped because its own chat had to wait for its next token.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.notifier import Notifier
from bot.pacing import Pacer
from domain.delivery import Priority
from storage.repositories.outbox import Queued
from storage.uow import SqlUnitOfWork

STUDENT = 77


def now() -> datetime:
    return datetime.now(UTC)


class OrderPort:
    """Takes every message at once; notes the chat of each, in order."""

    def __init__(self) -> None:
        self.chats: list[int] = []
        self._ids = iter(range(1000, 10**9))

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        self.chats.append(int(payload["chat_id"]))
        return next(self._ids)


@pytest.fixture
async def rig(new_uow: Callable[[], SqlUnitOfWork]) -> AsyncIterator[tuple[Notifier, OrderPort]]:
    port = OrderPort()
    # 100 messages/s for the bot, 10/s per chat without a burst: a chat's second message waits 0.1 s.
    pacer = Pacer(global_rate=100.0, global_burst=10, chat_rate=10.0, chat_burst=1)
    notifier = Notifier(port, new_uow, now, pacer=pacer, batch=100)  # type: ignore[arg-type]
    task = asyncio.create_task(notifier.run())
    yield notifier, port
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def queue(notifier: Notifier, new_uow: Callable[[], SqlUnitOfWork], *rows: Queued) -> None:
    async with new_uow() as uow:
        await uow.outbox.queue(rows, now())
        await uow.commit()
    notifier.wake()


async def until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def test_a_replys_next_message_goes_when_its_chat_may_not_when_the_round_of_bulk_ends(
    rig: tuple[Notifier, OrderPort], new_uow: Callable[[], SqlUnitOfWork]
) -> None:
    notifier, port = rig
    await queue(notifier, new_uow, *(Queued(1000 + n, {"op": "send", "chat_id": 1000 + n, "text": "pemberitahuan"},
                                            Priority.BULK) for n in range(600)))
    await until(lambda: len(port.chats) >= 30)

    await queue(notifier, new_uow, *(Queued(STUDENT, {"op": "send", "chat_id": STUDENT, "text": f"balasan {n}"},
                                            Priority.REPLY) for n in (1, 2)))
    await until(lambda: port.chats.count(STUDENT) == 2)

    first, second = (i for i, chat in enumerate(port.chats) if chat == STUDENT)
    # The second waits 0.1 s for the chat's next token: about 10 bulk messages at 100/s, not a round's 100.
    assert second - first <= 30, second - first
    assert len(port.chats) - port.chats.count(STUDENT) < 600  # the bulk is far from done
