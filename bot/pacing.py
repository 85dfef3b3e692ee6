"""Telegram's flood limits, kept before sending: token buckets for the bot, each private chat and each group.

Defaults: the bot as a whole 30 messages/s (after a burst of 10: requests bunch up on the way, and a burst
of Telegram's full 30 drew 429s in the fan-out benchmark); a private chat 1/s after a burst of 3 (so a reply right after
an edit is not delayed); a group (negative chat id) 20/minute after a burst of 3. Edits count like sends,
except removing a used keyboard in a private chat: Telegram states the ~1/s pace for messages, and this
housekeeping edit would otherwise halve the speed of every dialog (it still counts toward the bot's 30/s).
A 429 pauses a chat (or the whole bot) until Telegram's ``retry_after``.

Less urgent messages may be asked to leave a ``reserve`` of the bot's tokens: bulk notices (a fan-out, the morning's
reminders) then keep the bucket at that level instead of emptying it, so a reply finds a token at once instead of
waiting for the next refill behind them. The bot's rate is the same either way (bulk takes each token as it comes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
_EPSILON = 1e-9  # float dust from fractional rates such as 20/60


@dataclass
class Bucket:
    """``burst`` tokens at most, refilled at ``rate`` a second; nothing taken before ``paused_until``."""

    rate: float
    burst: float
    tokens: float
    stamp: float
    paused_until: float = 0.0

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, now: float, reserve: float = 0.0) -> float:
        """Seconds until a token may be taken leaving ``reserve`` tokens in the bucket (0: now)."""
        self.refill(now)
        need = 1 + min(reserve, self.burst - 1)
        short = 0.0 if self.tokens >= need - _EPSILON else (need - self.tokens) / self.rate
        return max(short, self.paused_until - now, 0.0)

    def idle(self, now: float) -> bool:
        """Full and not paused: the same as no bucket at all."""
        self.refill(now)
        return self.tokens >= self.burst - _EPSILON and self.paused_until <= now


class Pacer:
    """Decides whether a message to a chat may go now; never sleeps itself (the caller skips or waits).

    Buckets of chats that are full again are dropped, so memory follows recent traffic only.
    """

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        global_rate: float = 30.0,
        global_burst: int = 10,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        group_rate: float = 20 / 60,
        group_burst: int = 3,
        sweep_at: int = 1024,
    ) -> None:
        self._clock = clock
        self._chat = (chat_rate, float(chat_burst))
        self._group = (group_rate, float(group_burst))
        self._global = Bucket(global_rate, float(global_burst), float(global_burst), clock())
        self._buckets: dict[int, Bucket] = {}
        self._min_sweep = self._sweep_at = sweep_at

    def __len__(self) -> int:
        """How many chat buckets are kept (for tests and metrics)."""
        return len(self._buckets)

    def global_wait(self, reserve: float = 0.0) -> float:
        """Seconds until the bot as a whole may send again (0: now), leaving ``reserve`` tokens for others."""
        return self._global.wait(self._clock(), reserve)

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may get a message, ignoring the bot-wide limit (0: now)."""
        bucket = self._buckets.get(chat_id)
        return bucket.wait(self._clock()) if bucket else 0.0

    def wait(self, chat_id: int) -> float:
        """Seconds until a message to this chat may go (0: now)."""
        return max(self.global_wait(), self.chat_wait(chat_id))

    def idle(self, chat_id: int) -> bool:
        """Nothing was sent to this chat lately (its limit cannot be why Telegram answers 429)."""
        bucket = self._buckets.get(chat_id)
        return bucket is None or bucket.idle(self._clock())

    def take(self, chat_id: int, *, per_chat: bool = True, reserve: float = 0.0) -> bool:
        """Use a token of the chat and of the bot if both have one; False (nothing taken) otherwise.

        ``per_chat=False`` (removing a used keyboard in a private chat) takes only the bot's token, though it
        still waits while the chat is paused by a 429. ``reserve``: take the bot's token only if this many stay
        (at most its burst less one), for more urgent messages."""
        now = self._clock()
        bucket = self._bucket(chat_id, now)
        chat_wait = bucket.wait(now) if per_chat else max(0.0, bucket.paused_until - now)
        if max(chat_wait, self._global.wait(now, reserve)) > 0:
            return False
        if per_chat:
            bucket.tokens -= 1
        self._global.tokens -= 1
        return True

    def pause(self, seconds: float, chat_id: int | None = None) -> None:
        """Nothing to ``chat_id`` (None: to anyone) for ``seconds``, e.g. after a 429's ``retry_after``."""
        now = self._clock()
        bucket = self._global if chat_id is None else self._bucket(chat_id, now)
        bucket.paused_until = max(bucket.paused_until, now + seconds)

    def _bucket(self, chat_id: int, now: float) -> Bucket:
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= self._sweep_at:
                self._sweep(now)
            rate, burst = self._group if chat_id < 0 else self._chat
            bucket = self._buckets[chat_id] = Bucket(rate, burst, burst, now)
        return bucket

    def _sweep(self, now: float) -> None:
        """Drop idle buckets; the next sweep comes after as many new chats as are kept (amortised O(1))."""
        self._buckets = {chat: b for chat, b in self._buckets.items() if not b.idle(now)}
        self._sweep_at = max(self._min_sweep, 2 * len(self._buckets))
