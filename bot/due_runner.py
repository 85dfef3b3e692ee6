"""Runs the due-work engine (``handlers.due``) while this process holds the sender lease: a pass every
``DUE_INTERVAL`` seconds (and at once when woken, e.g. after the sandbox's clock moved), its messages then handed
to the notifier. One process runs it at a time, so each notice is issued once; its key makes that hold across a
restart or a lease changing hands mid-pass too."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from handlers.context import Deps
from handlers.due.engine import run_once
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class DueRunner:
    def __init__(self, make_uow: Callable[[], UnitOfWork], deps: Deps, wake_notifier: Callable[[], None], *,
                 interval: float = 60.0) -> None:
        self.make_uow, self.deps, self.wake_notifier, self.interval = make_uow, deps, wake_notifier, interval
        self._wake = asyncio.Event()
        self.passes = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Passes until cancelled; a failed pass (the database away) is logged and tried again next time."""
        while True:
            self._wake.clear()
            try:
                report = await run_once(self.make_uow, self.deps)
                self.passes += 1
                if report.messages:
                    log.info("due work: %s notices issued, %s messages queued", report.issued, report.messages)
                    self.wake_notifier()
            except Exception:
                log.exception("due-work pass failed; trying again in %ss", self.interval)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
