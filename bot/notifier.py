"""Sends the outbox: each chat's messages in order, within Telegram's limits (:mod:`bot.pacing`).

Every round takes the oldest pending row of each chat and starts a delivery for each chat whose limit
allows one now; a chat that must wait is skipped (it never holds up the others) and the notifier wakes
when its next token is due. A chat with a delivery in flight gets nothing else until that one is settled.

A row is marked sent in the database right after Telegram took the message, and the notifier itself
never sends a row twice (if the database write fails, it is retried while the chat stays blocked). Two
cases send a message again: the process dies between Telegram's answer and the commit, or a request
times out after Telegram took it (a timeout cannot tell, so the row is retried). Nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.errors import MessageGone, Rejected, RetryLater, Unreachable
from bot.pacing import Pacer
from bot.port import BotPort
from storage.errors import TicketNotFound
from storage.records import OutboxRecord
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 12
MAX_BACKOFF = 300.0
ROUND_WAIT = 1.0  # a round waits this long at most for the bot-wide limit, then ends
SETTLE_BACKOFF = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to; ``card`` is (ticket_id, message_id) to remember."""

    retry_in: float | None = None
    flood: bool = False  # a 429: Telegram said when; never given up
    failed: str | None = None
    unreachable: bool = False
    error: str = ""
    card: tuple[int, int] | None = None


SENT = Outcome()


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
    ) -> None:
        self.port, self.make_uow, self.clock = port, make_uow, clock
        self.pacer = pacer if pacer is not None else Pacer()  # not `or`: an empty Pacer is falsy (__len__)
        self.idle_poll, self.batch, self.max_in_flight = idle_poll, batch, max_in_flight
        self.shutdown_grace = shutdown_grace
        self._wake = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}  # chat_id → its one delivery
        self._retries: list[float] = []  # monotonic times rows were rescheduled to (a heap)

    def wake(self) -> None:
        """New rows were committed: look at the outbox now."""
        self._wake.set()

    async def run(self) -> None:
        """Deliver until cancelled; deliveries in flight then get ``shutdown_grace`` seconds to settle."""
        try:
            while True:
                self._wake.clear()
                try:
                    pause = await self.drain_once()
                except Exception:
                    log.exception("outbox round failed; trying again shortly")
                    pause = self.idle_poll
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), pause)
        finally:
            await self._stop_deliveries()

    async def drain_once(self) -> float:
        """One round: start the deliveries the limits allow; returns seconds until the next round."""
        busy = set(self._in_flight)  # their heads may be settled while this round runs: never take them again
        async with self.make_uow() as uow:
            due = await uow.outbox.due_heads(self.clock(), limit=self.batch + len(busy))
        pause = self._until_retry()
        for item in due:
            if item.chat_id in busy or item.chat_id in self._in_flight:
                continue
            if len(self._in_flight) >= self.max_in_flight:
                break  # a finishing delivery wakes the loop
            while (wait := self.pacer.global_wait()) > 0:
                if wait > ROUND_WAIT:
                    return min(pause, wait)
                await asyncio.sleep(wait)
            fresh = self.pacer.idle(item.chat_id)
            housekeeping = item.chat_id > 0 and item.payload.get("op") == "clear_buttons"
            if not self.pacer.take(item.chat_id, per_chat=not housekeeping):
                pause = min(pause, max(self.pacer.wait(item.chat_id), 0.01))
                continue
            self._in_flight[item.chat_id] = asyncio.create_task(self._deliver(item, fresh))
        return pause

    def _until_retry(self) -> float:
        now = time.monotonic()
        while self._retries and self._retries[0] <= now:
            heapq.heappop(self._retries)
        return min(self.idle_poll, self._retries[0] - now) if self._retries else self.idle_poll

    async def _deliver(self, item: OutboxRecord, fresh: bool) -> None:
        try:
            outcome = await self._attempt(item, fresh)
            await self._settle(item, outcome)
        finally:
            self._in_flight.pop(item.chat_id, None)
            self._wake.set()

    async def _attempt(self, item: OutboxRecord, fresh: bool) -> Outcome:
        try:
            return await self._send(item)
        except RetryLater as exc:
            if exc.retry_after is not None:
                # A 429 to a chat we had left alone is the bot-wide limit: then everyone waits.
                self.pacer.pause(exc.retry_after, item.chat_id)
                if fresh:
                    self.pacer.pause(exc.retry_after)
                log.warning("outbox %s to chat %s: 429, retry in %ss%s", item.id, item.chat_id, exc.retry_after,
                            " (bot-wide)" if fresh else "")
                return Outcome(retry_in=float(exc.retry_after), flood=True, error=str(exc))
            delay = min(2.0**item.attempts, MAX_BACKOFF)
            log.warning("outbox %s to chat %s: retry in %ss (%s)", item.id, item.chat_id, delay, exc)
            return Outcome(retry_in=delay, error=str(exc))
        except Unreachable as exc:
            log.info("outbox %s: chat %s unreachable (%s)", item.id, item.chat_id, exc)
            return Outcome(failed=f"unreachable: {exc}", unreachable=True)
        except Rejected as exc:
            log.error("outbox %s (%s) to chat %s rejected by Telegram: %s", item.id, item.payload.get("op"),
                      item.chat_id, exc)
            return Outcome(failed=f"rejected: {exc}")
        except Exception as exc:  # a bug or the database while looking up a card: back off, give up in the end
            log.exception("outbox %s to chat %s failed unexpectedly", item.id, item.chat_id)
            return Outcome(retry_in=min(2.0**item.attempts, MAX_BACKOFF), error=f"{type(exc).__name__}: {exc}")

    async def _send(self, item: OutboxRecord) -> Outcome:
        payload = item.payload
        if payload.get("op") == "edit_card":
            return await self._edit_card(item.chat_id, payload)
        message_id = await self.port.deliver(payload)
        card_of = payload.get("card_of")
        if card_of is not None and message_id is not None:
            return Outcome(card=(int(card_of), message_id))
        return SENT

    async def _edit_card(self, chat_id: int, payload: dict[str, Any]) -> Outcome:
        """Edit the ticket's card where it is; send a new one if it was never delivered or is gone."""
        ticket_id = int(payload["ticket_id"])
        content = {"chat_id": chat_id, "text": payload["text"], "buttons": payload.get("buttons") or []}
        async with self.make_uow() as uow:
            ticket = await uow.tickets.get(ticket_id)
        card = ticket.card_message_id if ticket is not None else None
        if card is not None:
            try:
                await self.port.deliver({"op": "edit_text", "message_id": card, **content})
                return SENT
            except MessageGone as exc:
                log.warning("card %s of ticket %s is gone (%s); sending a new one", card, ticket_id, exc)
        message_id = await self.port.deliver({"op": "send", **content})
        return Outcome(card=(ticket_id, message_id)) if message_id is not None else SENT

    async def _settle(self, item: OutboxRecord, outcome: Outcome) -> None:
        """Record the outcome; retried until the database takes it (the chat stays blocked meanwhile)."""
        for attempt in itertools.count():
            try:
                await self._record(item, outcome, extras=attempt < 3)
                return
            except Exception:
                delay = SETTLE_BACKOFF[min(attempt, len(SETTLE_BACKOFF) - 1)]
                log.exception("outbox %s: cannot record the outcome; retrying in %ss", item.id, delay)
                await asyncio.sleep(delay)

    async def _record(self, item: OutboxRecord, outcome: Outcome, *, extras: bool) -> None:
        """One transaction: the row's new state and, unless ``extras`` is off after failures, its side effects."""
        async with self.make_uow() as uow:
            now = self.clock()
            if outcome.failed is not None:
                await uow.outbox.mark_failed(item.id, outcome.failed)
                if extras and outcome.unreachable and item.chat_id > 0:
                    await uow.persons.mark_unreachable_by_telegram(item.chat_id, now)
            elif outcome.retry_in is None:
                await uow.outbox.mark_sent(item.id, now)
                if extras and outcome.card is not None:
                    await self._store_card(uow, *outcome.card)
            elif not outcome.flood and item.attempts + 1 >= MAX_ATTEMPTS:
                log.error("outbox %s to chat %s: giving up after %s attempts", item.id, item.chat_id, MAX_ATTEMPTS)
                await uow.outbox.mark_failed(item.id, f"gave up after {MAX_ATTEMPTS} attempts: {outcome.error}")
            else:
                await uow.outbox.reschedule(item.id, now + timedelta(seconds=outcome.retry_in), outcome.error)
                heapq.heappush(self._retries, time.monotonic() + outcome.retry_in)
            await uow.commit()

    @staticmethod
    async def _store_card(uow: UnitOfWork, ticket_id: int, message_id: int) -> None:
        try:
            await uow.tickets.update(ticket_id, card_message_id=message_id)
        except TicketNotFound:
            log.warning("card %s sent for ticket %s, which does not exist", message_id, ticket_id)

    async def _stop_deliveries(self) -> None:
        tasks = list(self._in_flight.values())
        if not tasks:
            return
        _done, late = await asyncio.wait(tasks, timeout=self.shutdown_grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
