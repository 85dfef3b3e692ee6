"""While the database is unavailable: tell each person once, straight through the port, and probe for its return.

Replies normally go through the outbox, a table: while the database is down nobody would hear anything. So
the runner (polling) and the webhook server both hand every update they could not process to :class:`Outage`:

- each person gets ONE message per outage, in their language (Telegram's ``language_code``: their own
  /lang choice is in the database), sent by :meth:`bot.port.BotPort.deliver` directly: the service is
  briefly unavailable, what they sent is kept (the update was not confirmed, Telegram delivers it again)
  and will be answered when the service is back, otherwise try again shortly;
- a button press is answered with a short alert as well (once per update), so its spinner stops;
- the notices take tokens from the notifier's :class:`~bot.pacing.Pacer`: a chat out of tokens is told on
  a later retry of its update instead; a 429 or a network error leaves the person to be told on a retry;
- memory is bounded: at most ``remember`` people and button presses are kept (oldest forgotten first);
  the people are forgotten when an update commits again (the outage is over).

It is also a circuit breaker: while the database is down, one update at a time tries it (the probe); the
others fail at once with :class:`DatabaseUnavailable` instead of each waiting for a connection and a
timeout (with SQLite's one pooled connection they would queue, ``busy_timeout`` each), so everyone is told
promptly. The first update to commit closes the circuit. Updates already in flight when the database fails
cannot be called back (cancelling a database operation half-way is not safe); their senders are told at
that moment, and the updates fail (or, if the database came back meanwhile, commit) on their own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from bot.errors import DeliveryError, RetryLater
from bot.pacing import Pacer
from bot.port import BotPort
from handlers.events import ButtonPress, Event, InboundUpdate, IncomingMessage
from handlers.i18n import N_, Translator

log = logging.getLogger(__name__)
T = TypeVar("T")

NOTICE = N_(
    "Sorry, the service is briefly unavailable. Your message is kept and will be answered as soon as the "
    "service is back. If no answer comes, please try again in a few minutes."
)
ALERT = N_("The service is briefly unavailable. Your choice is kept and will be handled as soon as it is back.")
REMEMBER = 10_000  # people told / button presses answered kept at most (a 30 s outage at 30 msg/s: < 1,000)
SEND_TIMEOUT = 10.0  # s for one notice or alert; the caller (a batch retry, a webhook answer) waits for it


class DatabaseUnavailable(Exception):
    """Not tried: the database is down and another update is probing it right now."""


class Outage:
    def __init__(
        self,
        port: BotPort,
        translator: Translator,
        pacer: Pacer,
        *,
        remember: int = REMEMBER,
        send_timeout: float = SEND_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.port, self.translator, self.pacer = port, translator, pacer
        self.remember, self.send_timeout, self.clock = remember, send_timeout, clock
        self.down = False
        self.since = 0.0  # monotonic time the current outage began
        self._probing = False
        self._in_flight: dict[int, InboundUpdate] = {}  # updates being processed now, by update id
        self._told: OrderedDict[int, None] = OrderedDict()  # people told in this outage (Telegram user ids)
        self._answered: OrderedDict[int, None] = OrderedDict()  # update ids of button presses given the alert
        self.notices = self.alerts = 0  # sent since start (logged when the outage ends)

    async def guard(self, update: InboundUpdate, process: Callable[[], Awaitable[T]]) -> T:
        """Run ``update``'s processing; any exception means the database failed (``process`` handles the rest).

        While the database is down only one call at a time runs ``process`` (the probe); the others raise
        :class:`DatabaseUnavailable` at once. When the database fails, the senders of the other updates in
        flight are told at once: they are waiting for the same database (with SQLite, in a queue for its one
        connection, ``busy_timeout`` each), and would otherwise hear nothing for as long as that queue lasts."""
        probe = self.down
        if probe:
            if self._probing:
                raise DatabaseUnavailable("the database is unavailable; another update is probing it")
            self._probing = True
        self._in_flight[update.update_id] = update
        try:
            result = await process()
        except Exception:
            if not self.down:
                self.down, self.since = True, self.clock()
                log.warning("database unavailable: updates are not confirmed, and their senders are told once")
                await self.tell(u for u in list(self._in_flight.values()) if u is not update)
            raise
        finally:
            self._in_flight.pop(update.update_id, None)
            if probe:
                self._probing = False
        self._recovered()
        return result

    def _recovered(self) -> None:
        if self.down:
            log.warning("database available again after %.1fs; %s people were told (%s notices, %s alerts so far)",
                        self.clock() - self.since, len(self._told), self.notices, self.alerts)
            self.down = False
            self._told.clear()

    def answered(self, update_id: int) -> bool:
        """This update's button press was answered with the alert (Telegram takes one answer per press)."""
        return update_id in self._answered

    async def tell(self, updates: Iterable[InboundUpdate]) -> None:
        """Tell the senders of these unprocessed updates (each person once per outage); never raises."""
        await asyncio.gather(*(self._tell(u) for u in updates))

    async def _tell(self, update: InboundUpdate) -> None:
        event = update.event
        if event is None:
            return
        if isinstance(event, ButtonPress) and update.update_id not in self._answered:
            _remember(self._answered, update.update_id, self.remember)
            await self._alert(event)
        if not _for_the_bot(event):
            return
        person = event.user.id
        if person in self._told or not self.pacer.take(person):
            return  # told already; or out of tokens now, then a retry of this update tells them
        _remember(self._told, person, self.remember)  # before the await: concurrent updates of theirs wait here
        _ = self.translator.gettext(self.translator.pick(None, event.user.language_code))
        try:
            async with asyncio.timeout(self.send_timeout):
                await self.port.deliver({"op": "send", "chat_id": person, "text": _(NOTICE), "buttons": []})
        except RetryLater as exc:  # not taken (429, 5xx, network): a retry of the update tells them
            self._told.pop(person, None)
            if exc.retry_after is not None:
                self.pacer.pause(exc.retry_after, person)
            log.info("outage notice to %s not sent (%s); trying again with the update", person, exc)
        except TimeoutError:  # it may have arrived: not sent again
            log.warning("outage notice to %s timed out", person)
        except DeliveryError as exc:  # blocked the bot, never started it (a staff member in the group) …
            log.info("outage notice to %s refused: %s", person, exc)
        except Exception:
            log.exception("outage notice to %s failed", person)
        else:
            self.notices += 1

    async def _alert(self, press: ButtonPress) -> None:
        _ = self.translator.gettext(self.translator.pick(None, press.user.language_code))
        try:
            async with asyncio.timeout(self.send_timeout):
                await self.port.answer_callback(press.callback_id, _(ALERT), True)
        except Exception as exc:  # best effort, like every answer to a button
            log.info("outage alert for a button of %s not shown: %s", press.user.id, exc)
        else:
            self.alerts += 1


def _for_the_bot(event: Event) -> bool:
    """In a group, only commands and buttons are for the bot (the router ignores the rest)."""
    return not isinstance(event, IncomingMessage) or event.private or event.command is not None


def _remember(seen: OrderedDict[int, None], key: int, limit: int) -> None:
    seen[key] = None
    seen.move_to_end(key)
    while len(seen) > limit:
        seen.popitem(last=False)
