"""The update queue behind getUpdates, and the change signal everything waits on."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any

# Update types Telegram sends when allowed_updates is not set (or set to []).
DEFAULT_ALLOWED = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
        "business_message", "edited_business_message", "deleted_business_messages", "inline_query",
        "chosen_inline_result", "callback_query", "shipping_query", "pre_checkout_query",
        "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost",
    }
)  # fmt: skip


class ChangeSignal:
    """Wakes every waiter when anything observable changes (no busy polling)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.version = 0

    def changed(self) -> None:
        self.version += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, limit: float | None) -> bool:
        """Wait for the next change; False when ``limit`` seconds passed first."""
        event = self._event
        try:
            async with asyncio.timeout(limit):
                await event.wait()
        except TimeoutError:
            return False
        return True


@dataclass
class QueuedUpdate:
    update_id: int
    kind: str
    payload: Any  # the object under ``kind``: what the user side built, or anything ``push_raw`` was given
    forced: bool = False  # re-delivered: handed out once more whatever the offset
    retry_delay: float = 0.0  # webhook: the backoff after the last failed POST (0 = none failed yet)
    retry_at: float = 0.0  # webhook: loop time before which it is not POSTed again

    def to_json(self) -> dict[str, Any]:
        return {"update_id": self.update_id, self.kind: self.payload}


#: Where a random first update_id is drawn from: positive, and far enough below 2**31 to stay a 32-bit
#: number for the billions of updates a run could make.
RANDOM_FIRST_IDS = range(1, 2**30)


def random_first_update_id() -> int:
    """A first update_id as Telegram picks one after a quiet week: random, so a new emulator on an old database
    does not repeat the ids the bot recorded as processed in an earlier run."""
    return random.choice(RANDOM_FIRST_IDS)


class UpdateQueue:
    """Unconfirmed updates in update_id order; confirmed by getUpdates' offset or a 2xx to the webhook POST.

    Ids go up by one from ``first_id`` and are never reused, as on Telegram.
    """

    def __init__(self, signal: ChangeSignal, first_id: int = 1) -> None:
        if first_id < 1:
            raise ValueError(f"update ids are positive; got first_id={first_id}")
        self._signal = signal
        self._next_id = first_id
        self.pushed = 0  # updates created so far (also redeliveries): activity for wait_idle
        self._queue: list[QueuedUpdate] = []
        self._history: dict[int, QueuedUpdate] = {}
        self.allowed: frozenset[str] = DEFAULT_ALLOWED

    def __len__(self) -> int:
        return len(self._queue)

    def push(self, kind: str, payload: Any) -> int:
        """Queue a new update (unless allowed_updates filters it out); returns its update_id."""
        update = QueuedUpdate(self._next_id, kind, payload)
        self._next_id += 1
        self.pushed += 1
        self._history[update.update_id] = update
        if kind in self.allowed:
            self._queue.append(update)
            self._signal.changed()
        return update.update_id

    def set_allowed(self, kinds: list[str]) -> None:
        self.allowed = frozenset(kinds) if kinds else DEFAULT_ALLOWED

    def confirm(self, offset: int) -> None:
        """Forget updates below a positive offset; a negative offset keeps only the last ``-offset``."""
        before = len(self._queue)
        if offset < 0:
            self._queue = self._queue[offset:]
        elif offset > 0:
            self._queue = [u for u in self._queue if u.update_id >= offset or u.forced]
        if len(self._queue) != before:
            self._signal.changed()

    def take(self, limit: int) -> list[QueuedUpdate]:
        """The next ``limit`` updates to deliver (they stay queued until confirmed)."""
        batch = self._queue[:limit]
        for update in batch:
            update.forced = False
        return batch

    def pending(self) -> list[QueuedUpdate]:
        """The unconfirmed updates, oldest first (a copy, so confirming one while iterating is safe)."""
        return list(self._queue)

    def delivered(self, update: QueuedUpdate) -> None:
        """The webhook answered 2xx: forget the update, unless it was re-delivered while its POST ran."""
        update.retry_delay = update.retry_at = 0.0
        if update.forced or update not in self._queue:
            return
        self._queue.remove(update)
        self._signal.changed()

    def reset_retries(self) -> None:
        """A new webhook starts without backoff, as Telegram starts a new delivery actor for it."""
        for update in self._queue:
            update.retry_delay = update.retry_at = 0.0

    def redeliver(self, update_id: int) -> None:
        """Put an update back with the same update_id, delivered again by the next getUpdates or webhook POST."""
        update = self._history.get(update_id)
        if update is None:
            raise KeyError(update_id)
        update.forced = True
        self.pushed += 1
        if update not in self._queue:
            self._queue.append(update)
            self._queue.sort(key=lambda u: u.update_id)
        self._signal.changed()

    def payload(self, update_id: int) -> Any:
        update = self._history.get(update_id)
        return update.payload if update else None

    def clear(self) -> None:
        self._queue.clear()
        self._signal.changed()
