"""Sends the outbox: each chat's messages in order, within Telegram's limits (:mod:`bot.pacing`), replies first.

Every round takes each chat's head — its first pending row by (delivery class, id): replies, then notices, then
bulk (``domain.delivery.Priority``) — and starts deliveries in that (class, id) order for each chat whose limit
allows one now, so replies take the bot-wide rate first and bulk fills what is left. A chat that must wait is
skipped (it never holds up the others) and the notifier wakes when its next token is due. While a round waits
for the bot-wide limit, new rows (:meth:`Notifier.wake`), a chat released after a reply or notice (its next
message may be another), or the moment a reply skipped for its own chat's limit may go, end it: the next round
reads the heads again, so that reply takes the next token instead of the rest of a fan-out. Bulk leaves a reserve
of the bot-wide tokens (``BULK_RESERVE``), so a reply does not even wait for the next refill. A round of bulk ends
after ``BULK_ROUND`` seconds too, so a chat with a long bulk queue (a reviewer's escalations) gets its next message
about a second after the last instead of once per round of 100 heads. A chat with a delivery in flight, or whose
outcome is not recorded yet, gets nothing else until that outcome is recorded: so each chat's messages of one class
go out in order.

A row is marked sent in the database only after Telegram took the message, and the notifier itself
never sends a row twice (if the database write fails, it is retried while the chat stays blocked). Two
cases send a message again: the process dies between Telegram's answer and the commit, or a request
times out after Telegram took it (a timeout cannot tell, so the row is retried). Nothing is ever lost.

Outcomes are recorded in batches: a finished delivery puts its outcome on a pending list, and one recorder
task writes everything pending in one transaction (all plain "sent" rows in one UPDATE), then releases those
chats and wakes the loop. With one SQLite connection per process every transaction queues behind the others,
so one commit for the outcomes of many chats instead of one per message leaves the connection to the updates.
If that transaction fails, its outcomes are recorded one per transaction (a row the database refuses must
not hold up the other chats), each retried with a backoff while its chat stays blocked.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import math
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.pacing import Pacer
from bot.port import BotPort
from bot.sending import Outcome, attempt, store_card
from domain.delivery import Priority
from storage.lease import Lease, SoleLease
from storage.records import OutboxRecord
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
ROUND_WAIT = 1.0  # a round waits this long at most for the bot-wide limit, then ends
SETTLE_BACKOFF = (0.5, 1.0, 2.0, 5.0)  # short: users wait on a chat blocked until its outcome is recorded
BULK_ROUND = 1.0
"""Seconds after which a round ends at its next bulk message, so the next round reads the heads again: a chat whose
message was recorded meanwhile then gets its next one within about a second, instead of after every other chat's
head of the round (100 bulk heads last ~3.3 s at 30/s: a reviewer with 75 escalations got 0.37 a second)."""
BULK_RESERVE = 5.0
"""Bot-wide tokens bulk leaves in the bucket (of its burst of 10): a reply or notice then goes at once even while a
fan-out keeps the bot at its limit, instead of waiting for the next refill (the rate stays the same)."""



@dataclass(eq=False)
class _Unrecorded:
    """A delivery's outcome waiting to be written; its chat stays blocked until it is."""

    item: OutboxRecord
    outcome: Outcome
    failures: int = 0  # transactions of its own that failed
    retry_at: float = field(default=0.0)  # monotonic; for one that failed


class Notifier:
    def __init__(
        self,
        port: BotPort,
        make_uow: Callable[[], UnitOfWork],
        clock: Callable[[], datetime],
        *,
        pacer: Pacer | None = None,
        idle_poll: float = 1.0,
        batch: int = 100,
        max_in_flight: int = 100,
        shutdown_grace: float = 5.0,
        lease: Lease | None = None,
    ) -> None:
        """``lease``: who may send (:mod:`storage.lease`); None = this process alone uses the database."""
        self.port, self.make_uow, self.clock = port, make_uow, clock
        self.lease: Lease = lease if lease is not None else SoleLease()
        self.pacer = pacer if pacer is not None else Pacer()  # not `or`: an empty Pacer is falsy (__len__)
        self.idle_poll, self.batch, self.max_in_flight = idle_poll, batch, max_in_flight
        self.shutdown_grace = shutdown_grace
        self._wake = asyncio.Event()
        self._queued = asyncio.Event()  # since this round read the heads: rows committed, or a reply's chat released
        self._in_flight: dict[int, asyncio.Task[None]] = {}  # chat_id → its one delivery (the request)
        self._blocked: set[int] = set()  # chats with a delivery in flight or an outcome not recorded yet
        self._unrecorded: list[_Unrecorded] = []  # finished deliveries, in order, for the recorder
        self._troubled: list[_Unrecorded] = []  # outcomes whose own transaction failed, retried later
        self._recorder: asyncio.Task[None] | None = None
        self._record_more = asyncio.Event()  # new outcomes for a recorder waiting to retry troubled ones
        self._retries: list[float] = []  # monotonic times rows were rescheduled to (a heap)
        #: Work that runs only while this process holds the sender lease, beside the sending (the due-work engine).
        self.companions: list[Callable[[], Coroutine[Any, Any, None]]] = []

    def wake(self) -> None:
        """New rows were committed: look at the outbox now (a round waiting for the bot-wide limit ends, and the
        next one reads the heads again, replies first)."""
        self._queued.set()
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled, while this process holds the sender lease (one sender per database).

        Without the lease it waits for it; when the lease is lost (its database connection failed) it stops
        delivering and waits to take it again. Deliveries in flight get ``shutdown_grace`` seconds to settle.
        """
        while True:
            async with self.lease.held() as lost:
                serving = asyncio.create_task(self._serve(), name="outbox rounds")
                watching = asyncio.create_task(lost.wait(), name="lease watch")
                companions = [asyncio.create_task(work(), name="lease work") for work in self.companions]
                try:
                    await asyncio.wait({serving, watching}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in (serving, watching, *companions):
                        task.cancel()
                    await asyncio.gather(serving, watching, *companions, return_exceptions=True)
                log.warning("outbox sending stopped: the lease was lost; waiting to take it again")

    async def _serve(self) -> None:
        try:
            while True:
                self._wake.clear()
                try:
                    pause = await self.drain_once()
                except Exception:
                    log.exception("outbox round failed; trying again shortly")
                    pause = self.idle_poll
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(pause):  # not wait_for: on 3.11 it can swallow our cancellation
                        await self._wake.wait()
        finally:
            await self._stop_deliveries()

    async def drain_once(self) -> float:
        """One round: start the deliveries the limits allow, in (class, id) order; returns seconds until the next
        round. Ends early (0) when a reply may be waiting: see :meth:`_token`."""
        busy = set(self._blocked)  # their heads may be recorded while this round runs: never take them again
        self._queued.clear()
        started = time.monotonic()
        async with self.make_uow() as uow:
            due = await uow.outbox.due_heads(self.clock(), limit=self.batch + len(busy))
        pause = self._until_retry()
        urgent_at = math.inf  # when a reply or notice skipped for its chat's limit may go (monotonic)
        for item in due:
            if item.chat_id in busy or item.chat_id in self._blocked:
                continue
            if len(self._blocked) >= self.max_in_flight:
                break  # a recorded outcome wakes the loop
            bulk = item.priority >= Priority.BULK
            if bulk and time.monotonic() - started > BULK_ROUND:
                return 0.0
            wait = await self._token(BULK_RESERVE if bulk else 0.0, urgent_at if bulk else math.inf)
            if wait is not None:
                return min(pause, wait)
            fresh = self.pacer.idle(item.chat_id)
            housekeeping = item.chat_id > 0 and item.payload.get("op") == "clear_buttons"
            if not self.pacer.take(item.chat_id, per_chat=not housekeeping, reserve=BULK_RESERVE if bulk else 0.0):
                chat_wait = max(self.pacer.wait(item.chat_id), 0.01)
                pause = min(pause, chat_wait)
                if not bulk:
                    urgent_at = min(urgent_at, time.monotonic() + chat_wait)
                continue
            self._blocked.add(item.chat_id)
            self._in_flight[item.chat_id] = asyncio.create_task(self._deliver(item, fresh))
        return pause

    async def _token(self, reserve: float, urgent_at: float) -> float | None:
        """Wait (up to ``ROUND_WAIT``) until the bot-wide limit, leaving ``reserve`` tokens, lets one more message
        go: None when it does. Otherwise the seconds after which the next round should start: 0 when a reply may
        be waiting — rows were committed or a reply's chat released while waiting (:attr:`_queued`), or the moment
        ``urgent_at`` came, when a more urgent message skipped for its chat's limit may go — so the next round
        reads the heads again and that one takes the token, not the rest of this round."""
        waited = False
        while True:
            if (waited and self._queued.is_set()) or time.monotonic() >= urgent_at:
                return 0.0
            wait = self.pacer.global_wait(reserve)
            if wait <= 0:
                return None
            if self._queued.is_set():
                return 0.0
            if wait > ROUND_WAIT:
                return wait
            with contextlib.suppress(TimeoutError):  # woken early when a reply may be waiting
                async with asyncio.timeout(min(wait, urgent_at - time.monotonic())):
                    await self._queued.wait()
            waited = True

    def _until_retry(self) -> float:
        now = time.monotonic()
        while self._retries and self._retries[0] <= now:
            heapq.heappop(self._retries)
        return min(self.idle_poll, self._retries[0] - now) if self._retries else self.idle_poll

    async def _deliver(self, item: OutboxRecord, fresh: bool) -> None:
        """Send, then hand the outcome to the recorder; the chat stays blocked until it is recorded."""
        try:
            outcome = await attempt(self.port, self.pacer, self.make_uow, item, fresh)
        except BaseException:  # cancelled (shutdown): nothing to record, the row stays pending
            self._blocked.discard(item.chat_id)
            raise
        finally:
            self._in_flight.pop(item.chat_id, None)
        self._unrecorded.append(_Unrecorded(item, outcome))
        self._record_more.set()
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_pending(), name="outbox-recorder")

    async def _record_pending(self) -> None:
        """The recorder: writes the outcomes of finished deliveries until none is left.

        Everything pending goes into one transaction; if that fails, each of its outcomes gets a transaction
        of its own, retried with a backoff (after three failures without its side effects) until it is written.
        Only then are their chats released.
        """
        while self._unrecorded or self._troubled:
            if self._unrecorded:
                batch, self._unrecorded = self._unrecorded, []
                self._record_more.clear()
                try:
                    await self._record(batch, extras=True)
                except Exception:
                    log.exception("cannot record %s outcomes in one transaction; recording them one by one",
                                  len(batch))
                    self._troubled.extend(batch)  # retry_at 0: at once
                else:
                    self._release(batch)
            await self._record_troubled()
            if self._troubled and not self._unrecorded:
                wait = min(u.retry_at for u in self._troubled) - time.monotonic()
                if wait > 0:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(wait):
                            await self._record_more.wait()

    async def _record_troubled(self) -> None:
        now = time.monotonic()
        for pending in [u for u in self._troubled if u.retry_at <= now]:
            try:
                await self._record([pending], extras=pending.failures < 3)
            except Exception:
                delay = SETTLE_BACKOFF[min(pending.failures, len(SETTLE_BACKOFF) - 1)]
                pending.failures += 1
                pending.retry_at = time.monotonic() + delay
                log.exception("outbox %s: cannot record the outcome; retrying in %ss", pending.item.id, delay)
            else:
                self._troubled.remove(pending)
                self._release([pending])

    def _release(self, recorded: Sequence[_Unrecorded]) -> None:
        for pending in recorded:
            self._blocked.discard(pending.item.chat_id)
            if pending.item.priority < Priority.BULK:
                self._queued.set()  # its chat's next head may be another reply: a round of bulk gives way
        self._wake.set()

    async def _record(self, batch: Sequence[_Unrecorded], *, extras: bool) -> None:
        """One transaction: the rows' new states and, unless ``extras`` is off after failures, their side effects."""
        retries: list[float] = []
        async with self.make_uow() as uow:
            now = self.clock()
            sent: list[int] = []
            for pending in batch:
                item, outcome = pending.item, pending.outcome
                if outcome.failed is not None:
                    await uow.outbox.mark_failed(item.id, outcome.failed)
                    if extras and outcome.unreachable and item.chat_id > 0:
                        await uow.persons.mark_unreachable_by_telegram(item.chat_id, now)
                    fallback = item.payload.get("fallback") if outcome.unreachable else None
                    if extras and isinstance(fallback, dict):  # tell whoever gave them the work
                        chat = int(fallback["chat_id"])
                        await uow.outbox.add(chat, {"op": "send", "chat_id": chat, "text": str(fallback["text"]),
                                                    "buttons": []}, now)
                elif outcome.retry_in is None:
                    sent.append(item.id)
                    if extras and outcome.card is not None:
                        await store_card(uow, *outcome.card)
                    if extras and outcome.progress is not None:
                        await uow.register.update_job(outcome.progress[0], message_id=outcome.progress[1])
                elif not outcome.flood and item.attempts + 1 >= MAX_ATTEMPTS:
                    log.error("outbox %s to chat %s: giving up after %s attempts", item.id, item.chat_id,
                              MAX_ATTEMPTS)
                    await uow.outbox.mark_failed(item.id, f"gave up after {MAX_ATTEMPTS} attempts: {outcome.error}")
                else:
                    await uow.outbox.reschedule(item.id, now + timedelta(seconds=outcome.retry_in), outcome.error)
                    retries.append(time.monotonic() + outcome.retry_in)
            if len(sent) == 1:
                await uow.outbox.mark_sent(sent[0], now)
            elif sent:
                await uow.outbox.mark_sent_many(sent, now)
            await uow.commit()
        for at in retries:
            heapq.heappush(self._retries, at)

    async def _stop_deliveries(self) -> None:
        """Deliveries in flight and outcomes not yet recorded get ``shutdown_grace`` seconds, then are cancelled."""
        deadline = time.monotonic() + self.shutdown_grace
        tasks = list(self._in_flight.values())
        if tasks:
            _done, late = await asyncio.wait(tasks, timeout=self.shutdown_grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        recorder = self._recorder
        if recorder is not None and not recorder.done():
            _done, late = await asyncio.wait([recorder], timeout=max(deadline - time.monotonic(), 0.1))
            if late:
                log.warning("shutdown: outcomes of delivered messages not recorded; those rows will be sent again")
                recorder.cancel()
                await asyncio.gather(recorder, return_exceptions=True)
