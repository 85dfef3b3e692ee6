"""Updates in, with the processing discipline: long polling here, webhook requests in :mod:`bot.webhook`.

Each batch from getUpdates is processed (one transaction per update, one user's updates in order,
different users concurrently); only then is the next getUpdates sent with the new offset, which
confirms the batch to Telegram. A process killed at any moment therefore loses nothing (unconfirmed
updates come again) and processes nothing twice (updates already recorded are skipped).

While the database is unavailable the batch is retried every few seconds at most (``DB_RETRY_MAX``), and
the senders of the updates it holds are told once (:mod:`bot.outage`); while it is down, a retry first
tries one update alone, and lets the rest in only when that one committed.

An update the engine could not read comes as a :class:`~bot.set_aside.SetAside`: it is kept in
``unhandled_update`` and recorded as processed in its own transaction, then confirmed with the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable

from bot.errors import RetryLater
from bot.notifier import Notifier
from bot.outage import Outage
from bot.pacing import Pacer
from bot.port import BotPort
from bot.set_aside import SetAside, set_aside
from handlers.context import Deps
from handlers.events import InboundUpdate
from handlers.processing import Processed, process_update
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
POLL_RETRY_MAX = 30.0  # s between getUpdates attempts at most while Telegram is unreachable
# s between attempts at most while the database is unavailable: updates wait at Telegram, so a retry costs
# little (one probe, see bot.outage), and users should not wait long once the database is back.
DB_RETRY_MAX = 5.0


class Runner:
    def __init__(
        self,
        port: BotPort,
        make_uow: Callable[[], UnitOfWork],
        deps: Deps,
        *,
        poll_timeout: int = 25,
        pacer: Pacer | None = None,
    ):
        self.port, self.make_uow, self.deps = port, make_uow, deps
        self.poll_timeout = poll_timeout
        self.notifier = Notifier(port, make_uow, deps.clock, pacer=pacer)
        self.outage = Outage(port, deps.translator, self.notifier.pacer)
        self.processed = 0
        #: Wakes the archive fetcher (``bot.archiving``) after an update that recorded files; set by the service.
        self.files_recorded: Callable[[], None] = lambda: None
        #: Wakes the export runner (``bot.export_runner``) after an update that queued a register; set by the service.
        self.export_queued: Callable[[], None] = lambda: None

    async def run(self) -> None:
        async with self.notifying():
            await self.poll()

    @contextlib.asynccontextmanager
    async def notifying(self) -> AsyncIterator[None]:
        """The notifier runs as long as the block (polling, or the webhook server) does."""
        notifier = asyncio.create_task(self.notifier.run(), name="notifier")
        try:
            yield
        finally:
            notifier.cancel()
            await asyncio.gather(notifier, return_exceptions=True)

    async def poll(self) -> None:
        offset: int | None = None
        poll_backoff = db_backoff = 1.0
        while True:
            try:
                batch = await self.port.get_updates(offset, self.poll_timeout)
            except RetryLater as exc:
                log.warning("getUpdates failed (%s); retrying", exc)
                await asyncio.sleep(exc.retry_after or poll_backoff)
                poll_backoff = min(poll_backoff * 2, POLL_RETRY_MAX)
                continue
            poll_backoff = 1.0
            if not batch:
                continue
            try:
                await self.process_batch(batch)
            except Exception as exc:
                if self.outage.down and db_backoff > 1.0:  # the traceback once per outage, then one line
                    log.warning("database still unavailable (%s: %s); retrying the batch in %ss",
                                type(exc).__name__, exc, db_backoff)
                else:
                    log.exception("database unavailable; the batch is not confirmed and will be retried")
                await asyncio.sleep(db_backoff)
                db_backoff = min(db_backoff * 2, DB_RETRY_MAX)
                continue
            db_backoff = 1.0
            offset = max(u.update_id for u in batch) + 1

    async def process_batch(self, batch: list[InboundUpdate]) -> None:
        """Process every update of the batch (raises if any failed: then the batch is not confirmed).

        While the database is down, the oldest update goes first, alone (the probe); if it fails, the
        sender of every update in the batch is told and nothing else is tried."""
        pending = sorted(batch, key=lambda u: u.update_id)
        if self.outage.down:
            try:
                await self.handle(pending[0])
            except Exception:
                await self.outage.tell(pending)
                raise
            pending = pending[1:]
        by_user: dict[int, list[InboundUpdate]] = defaultdict(list)
        for update in pending:
            key = update.event.user.id if update.event is not None else 0
            by_user[key].append(update)
        # Every person's updates run to their end before this returns or raises: a retry of the batch must
        # not overlap with an update still in flight.
        results = await asyncio.gather(*(self._in_order(updates) for updates in by_user.values()),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _in_order(self, updates: list[InboundUpdate]) -> None:
        """One person's updates in order; after a failure their later ones wait too, and the person is told."""
        for i, update in enumerate(updates):
            try:
                await self.handle(update)
            except Exception:
                await self.outage.tell(updates[i:])
                raise

    async def handle(self, update: InboundUpdate) -> Processed:
        """Process one update (committed when this returns), then wake the notifier and answer the button.

        Raises when the database is unavailable (:class:`bot.outage.DatabaseUnavailable` without trying it
        while another update probes it); the caller tells the sender with :meth:`Outage.tell`."""
        done = await self.outage.guard(update, lambda: self._process(update))
        self.processed += 1
        await self._after_commit(done)
        return done

    async def _process(self, update: InboundUpdate) -> Processed:
        if isinstance(update, SetAside):
            return await set_aside(update, self.make_uow, self.deps.clock)
        return await process_update(update, self.make_uow, self.deps)

    async def _after_commit(self, done: Processed) -> None:
        if done.outbox_ids:
            self.notifier.wake()
        if done.files_recorded:
            self.files_recorded()
        if done.export_queued:
            self.export_queued()
        if done.callback_id is not None and not self.outage.answered(done.update_id):  # a button is answered once
            await self.port.answer_callback(done.callback_id, done.callback_answer, done.callback_alert)
