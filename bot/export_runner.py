"""Runs the register exports asked for with ``/export`` (:mod:`handlers.export_jobs`), the monthly recaps
(:mod:`handlers.recap_jobs`) and closed LKs' forms (:mod:`handlers.lk_form_jobs`)
while this process holds the sender lease, beside the notifier: one at a time, looking
for new ones every ``interval`` seconds, and at once when :meth:`ExportRunner.wake` is called (the bot's runner does
after an update that queued one). A job a stopped process left running is found here again and started afresh (see
``handlers.export_jobs``). ``write``: who writes the file — the bot gives a child process the work
(:func:`bot.register_job.child_writer`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from handlers.context import Deps
from handlers.export_jobs import WriteRegister, run_pending
from handlers.recap_jobs import DrawRecap
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class ExportRunner:
    def __init__(self, make_uow: Callable[[], UnitOfWork], deps: Deps, wake_notifier: Callable[[], None], *,
                 interval: float = 2.0, write: WriteRegister | None = None, draw: DrawRecap | None = None) -> None:
        self.make_uow, self.deps, self.wake_notifier, self.interval = make_uow, deps, wake_notifier, interval
        self.write, self.draw = write, draw
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Jobs until cancelled; a failure to read them (the database away) is logged and tried again later."""
        while True:
            self._wake.clear()
            try:
                await run_pending(self.make_uow, self.deps, self.wake_notifier, write=self.write, draw=self.draw)
            except Exception:
                log.exception("export jobs could not be read; trying again in %ss", self.interval)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
