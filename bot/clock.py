"""The bot's clock: the real time, or — for tests, demos and the sandbox's ``/clock`` — a time moved forward.

Everything that asks "now" (deadlines, the due-work engine, the history's times) asks ``Deps.clock``; an
:class:`AdjustableClock` runs at the real pace from a chosen start (``CLOCK_START``) or after being moved on, and
tells its listeners (the due-work runner) when it jumps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class AdjustableClock:
    """Real time plus an offset that only grows; calling it gives the aware UTC "now"."""

    def __init__(self, start: datetime | None = None) -> None:
        self.offset = (start - datetime.now(UTC)) if start is not None else timedelta()
        self.listeners: list[Callable[[], None]] = []

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> datetime:
        """Move the clock forward by ``by`` (never back: deadlines and keys assume time goes one way)."""
        if by < timedelta():
            raise ValueError("the clock only moves forward")
        self.offset += by
        for listener in self.listeners:
            listener()
        return self()
