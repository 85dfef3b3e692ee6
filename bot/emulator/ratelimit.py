"""Token buckets for Telegram's flood limits: per chat, per group, per bot."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
_EPSILON = 1e-9  # float dust from fractional rates such as 20/60


@dataclass
class TokenBucket:
    """``burst`` tokens at most, refilled at ``rate`` tokens per second."""

    burst: float
    rate: float
    clock: Clock = time.monotonic
    tokens: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.stamp = self.clock()

    def wait_time(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 - _EPSILON else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class SendLimiter:
    """Flood control for sends: a private chat bucket (or a group bucket) and the bot-wide bucket."""

    def __init__(
        self,
        *,
        per_chat_burst: float,
        per_chat_rate: float,
        global_burst: float,
        global_rate: float,
        group_burst: float,
        group_rate: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self._chat = (per_chat_burst, per_chat_rate)
        self._group = (group_burst, group_rate)
        self._clock = clock
        self._global = TokenBucket(global_burst, global_rate, clock)
        self._buckets: dict[int, TokenBucket] = {}
        self.enabled = True

    def _bucket(self, chat_id: int) -> TokenBucket:
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            burst, rate = self._group if chat_id < 0 else self._chat
            bucket = self._buckets[chat_id] = TokenBucket(burst, rate, self._clock)
        return bucket

    def acquire(self, chat_id: int) -> int | None:
        """Take a token from both buckets, or return ``retry_after`` (whole seconds, at least 1)."""
        if not self.enabled:
            return None
        chat = self._bucket(chat_id)
        wait = max(chat.wait_time(), self._global.wait_time())
        if wait > 0:
            return max(1, math.ceil(wait - _EPSILON))
        chat.take()
        self._global.take()
        return None
