"""Long polling with the processing discipline.

Each batch from getUpdates is processed (one transaction per update, one user's updates in order,
different users concurrently); only then is the next getUpdates sent with the new offset, which
confirms the batch to Telegram. A process killed at any moment therefore loses nothing (unconfirmed
updates come again) and processes nothing twice (updates already recorded are skipped).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable

from bot.errors import RetryLater
from bot.notifier import Notifier
from bot.pacing import Pacer
from bot.port import BotPort
from handlers.context import Deps
from handlers.events import InboundUpdate
from handlers.processing import Processed, process_update
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class Runner:
    def __init__(self, port: BotPort, make_uow: Callable[[], UnitOfWork], deps: Deps, *, poll_timeout: int = 25,
                 pacer: Pacer | None = None):
        self.port, self.make_uow, self.deps = port, make_uow, deps
        self.poll_timeout = poll_timeout
        self.notifier = Notifier(port, make_uow, deps.clock, pacer=pacer)
        self.processed = 0

    async def run(self) -> None:
        notifier = asyncio.create_task(self.notifier.run(), name="notifier")
        try:
            await self.poll()
        finally:
            notifier.cancel()
            await asyncio.gather(notifier, return_exceptions=True)

    async def poll(self) -> None:
        offset: int | None = None
        backoff = 1.0
        while True:
            try:
                batch = await self.port.get_updates(offset, self.poll_timeout)
            except RetryLater as exc:
                log.warning("getUpdates failed (%s); retrying", exc)
                await asyncio.sleep(exc.retry_after or backoff)
                backoff = min(backoff * 2, 30)
                continue
            if not batch:
                continue
            try:
                await self.process_batch(batch)
            except Exception:
                log.exception("database unavailable; the batch is not confirmed and will be retried")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            offset = max(u.update_id for u in batch) + 1

    async def process_batch(self, batch: list[InboundUpdate]) -> None:
        by_user: dict[int, list[InboundUpdate]] = defaultdict(list)
        for update in batch:
            key = update.event.user.id if update.event is not None else 0
            by_user[key].append(update)
        await asyncio.gather(*(self._in_order(updates) for updates in by_user.values()))

    async def _in_order(self, updates: list[InboundUpdate]) -> None:
        for update in sorted(updates, key=lambda u: u.update_id):
            done = await process_update(update, self.make_uow, self.deps)
            self.processed += 1
            await self._after_commit(done)

    async def _after_commit(self, done: Processed) -> None:
        if done.outbox_ids:
            self.notifier.wake()
        if done.callback_id is not None:
            await self.port.answer_callback(done.callback_id, done.callback_answer, done.callback_alert)
