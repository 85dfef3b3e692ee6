"""Sends the outbox: in order per chat, within Telegram's limits, honouring ``retry_after``.

A message is marked sent only after Telegram took it. If the process dies between the two, the message
is sent again on restart (at least once); nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.errors import Rejected, RetryLater, Unreachable
from bot.port import BotPort
from storage.records import OutboxRecord
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12


class RateLimiter:
    """A token bucket: at most ``rate`` acquisitions a second after a burst of ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.capacity = rate, float(burst)
        self.tokens, self.stamp = float(burst), time.monotonic()

    async def acquire(self) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return
            await asyncio.sleep((1 - self.tokens) / self.rate)


class Notifier:
    def __init__(self, port: BotPort, make_uow: Callable[[], UnitOfWork], clock: Callable[[], datetime],
                 *, per_second: float = 30.0, idle_poll: float = 1.0) -> None:
        self.port, self.make_uow, self.clock = port, make_uow, clock
        self.limiter = RateLimiter(per_second, int(per_second))
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                sent = await self.drain_once()
            except Exception:
                log.exception("outbox round failed; trying again shortly")
                sent = 0
            if not sent:
                try:
                    await asyncio.wait_for(self._wake.wait(), self.idle_poll)
                except TimeoutError:
                    pass
                self._wake.clear()

    async def drain_once(self) -> int:
        """One round: the oldest due message of each chat. Returns how many were handled."""
        async with self.make_uow() as uow:
            due = await uow.outbox.due_heads(self.clock(), limit=100)
        await asyncio.gather(*(self._deliver(item) for item in due))
        return len(due)

    async def _deliver(self, item: OutboxRecord) -> None:
        await self.limiter.acquire()
        try:
            await self.port.deliver(item.payload)
        except RetryLater as exc:
            delay = exc.retry_after if exc.retry_after is not None else min(2 ** item.attempts, 300)
            log.warning("outbox %s to chat %s: retry in %ss (%s)", item.id, item.chat_id, delay, exc)
            await self._settle(item, retry_in=float(delay), error=str(exc))
        except Unreachable as exc:
            log.info("outbox %s: chat %s unreachable (%s)", item.id, item.chat_id, exc)
            await self._settle(item, failed=f"unreachable: {exc}")
        except Rejected as exc:
            log.error("outbox %s rejected by Telegram: %s", item.id, exc)
            await self._settle(item, failed=f"rejected: {exc}")
        else:
            await self._settle(item)

    async def _settle(self, item: OutboxRecord, *, retry_in: float | None = None, error: str = "",
                      failed: str | None = None) -> None:
        async with self.make_uow() as uow:
            now = self.clock()
            if failed is not None:
                await uow.outbox.mark_failed(item.id, failed)
            elif retry_in is None:
                await uow.outbox.mark_sent(item.id, now)
            elif item.attempts + 1 >= MAX_ATTEMPTS:
                await uow.outbox.mark_failed(item.id, f"gave up after {MAX_ATTEMPTS} attempts: {error}")
            else:
                await uow.outbox.reschedule(item.id, now + timedelta(seconds=retry_in), error)
            await uow.commit()
