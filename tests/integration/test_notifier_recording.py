"""The notifier records delivery outcomes in batches, without weakening its guarantees.

A fake port (no HTTP) against a real database: many chats' outcomes go into few transactions; a chat
gets nothing else while its outcome is unrecorded; a failing write is retried while the chat stays
blocked and nothing is sent twice; a row the database refuses does not hold up the other chats.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.notifier
from bot.notifier import Notifier
from bot.pacing import Pacer
from storage.uow import SqlUnitOfWork

LIFTED: dict[str, Any] = {"global_rate": 1e5, "global_burst": 100_000, "chat_rate": 1e5, "chat_burst": 100_000}


def now() -> datetime:
    return datetime.now(UTC)


class FakePort:
    """Takes every payload at once (or after ``gate`` opens); notes what was sent, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.gate: asyncio.Event | None = None
        self.on_deliver: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        self._ids = iter(range(1000, 10**9))

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        if self.on_deliver is not None:
            await self.on_deliver(payload)
        if self.gate is not None:
            await self.gate.wait()
        self.sent.append((int(payload["chat_id"]), str(payload["text"])))
        return next(self._ids)


class CountingUow:
    """A unit of work that counts commits (the notifier's rounds only read) and can be made to fail them."""

    commits = 0
    fail_commits = 0  # this many commits raise before anything is written

    def __init__(self, inner: SqlUnitOfWork) -> None:
        self._inner = inner

    async def __aenter__(self) -> SqlUnitOfWork:
        await self._inner.__aenter__()
        return self  # type: ignore[return-value]

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def commit(self) -> None:
        if CountingUow.fail_commits > 0:
            CountingUow.fail_commits -= 1
            raise OSError("disk I/O error (simulated)")
        await self._inner.commit()
        CountingUow.commits += 1


@pytest.fixture
async def rig(new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine) -> AsyncIterator[
        tuple[Notifier, FakePort, Callable[[], SqlUnitOfWork]]]:
    CountingUow.commits = CountingUow.fail_commits = 0
    port = FakePort()
    make_uow = lambda: CountingUow(new_uow())  # noqa: E731
    notifier = Notifier(port, make_uow, now, pacer=Pacer(**LIFTED))  # type: ignore[arg-type]
    task = asyncio.create_task(notifier.run())
    yield notifier, port, new_uow
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def queue(notifier: Notifier, new_uow: Callable[[], SqlUnitOfWork], *items: tuple[int, str]) -> list[int]:
    async with new_uow() as uow:
        ids = [await uow.outbox.add(chat, {"op": "send", "chat_id": chat, "text": t, "buttons": []}, now())
               for chat, t in items]
        await uow.commit()
    notifier.wake()
    return ids


async def statuses(engine: AsyncEngine) -> dict[int, str]:
    async with engine.connect() as conn:
        return {r.id: r.status for r in await conn.execute(text("SELECT id, status FROM outbox"))}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.02)


async def test_many_chats_outcomes_are_recorded_in_few_transactions(rig: Any, engine: AsyncEngine) -> None:
    notifier, port, new_uow = rig
    port.gate = asyncio.Event()  # every delivery finishes at the same moment
    chats = range(1, 61)
    ids = await queue(notifier, new_uow, *((c, f"first {c}") for c in chats), *((c, f"second {c}") for c in chats))
    await eventually(lambda: _true(len(notifier._in_flight) == 60))
    port.gate.set()

    async def all_sent() -> bool:
        return set((await statuses(engine)).values()) == {"sent"}

    await eventually(all_sent)
    assert sorted(port.sent) == sorted([(c, f"first {c}") for c in chats] + [(c, f"second {c}") for c in chats])
    for c in chats:  # in order, once each
        assert [t for chat, t in port.sent if chat == c] == [f"first {c}", f"second {c}"]
    assert len(ids) == 120
    assert CountingUow.commits < 20, CountingUow.commits  # one per message was 120


async def test_a_chat_gets_nothing_else_until_its_outcome_is_recorded_and_a_failed_write_is_retried(
    rig: Any, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier, port, new_uow = rig
    monkeypatch.setattr(bot.notifier, "SETTLE_BACKOFF", (0.2,))
    CountingUow.fail_commits = 3  # the batch, then its one outcome alone twice
    first, second = await queue(notifier, new_uow, (5, "satu"), (5, "dua"))

    await asyncio.sleep(0.3)
    assert port.sent == [(5, "satu")]  # recorded not yet: the second waits
    assert (await statuses(engine))[first] == "pending"
    assert 5 in notifier._blocked

    async def both_sent() -> bool:
        rows = await statuses(engine)
        return rows[first] == rows[second] == "sent"

    await eventually(both_sent)
    assert port.sent == [(5, "satu"), (5, "dua")]  # nothing sent twice
    assert CountingUow.fail_commits == 0


async def test_a_row_the_database_refuses_does_not_hold_up_the_other_chats(
    rig: Any, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    notifier, port, new_uow = rig
    monkeypatch.setattr(bot.notifier, "SETTLE_BACKOFF", (0.2,))
    port.gate = asyncio.Event()
    ids = await queue(notifier, new_uow, (1, "a1"), (2, "b1"), (3, "c1"), (1, "a2"), (2, "b2"), (3, "c2"))
    await eventually(lambda: _true(len(notifier._in_flight) == 3))
    async with engine.begin() as conn:  # the row of chat 2 vanishes while it is being delivered
        await conn.execute(text("DELETE FROM outbox WHERE id = :id"), {"id": ids[1]})
    port.gate.set()

    async def others_done() -> bool:
        rows = await statuses(engine)
        return all(rows[i] == "sent" for i in (ids[0], ids[2], ids[3], ids[5]))

    await eventually(others_done)
    await asyncio.sleep(0.5)  # the refused outcome is being retried: chat 2 stays blocked
    assert (2, "b2") not in port.sent
    assert (await statuses(engine))[ids[4]] == "pending"
    assert 2 in notifier._blocked
    assert sorted(port.sent) == [(1, "a1"), (1, "a2"), (2, "b1"), (3, "c1"), (3, "c2")]


async def test_drain_once_alone_records_its_deliveries(new_uow: Callable[[], SqlUnitOfWork],
                                                       engine: AsyncEngine) -> None:
    port = FakePort()
    notifier = Notifier(port, new_uow, now, pacer=Pacer(**LIFTED))  # type: ignore[arg-type]
    [row] = await queue(notifier, new_uow, (9, "sendiri"))

    await notifier.drain_once()

    async def sent() -> bool:
        return (await statuses(engine))[row] == "sent"

    await eventually(sent)
    assert port.sent == [(9, "sendiri")] and notifier._blocked == set()


async def _true(value: bool) -> bool:
    return value
