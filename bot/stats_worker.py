"""``/stats``' heavy part in a worker process (issue 14 §3): the figures read through the worker's own read-only
connection and the charts drawn there, so that neither the SQL aggregates over a year of tickets nor matplotlib's
pure-Python drawing take the bot's one database connection or its event loop's interpreter lock.

One long-lived process (``spawn``: no copy of the bot's loop or connections; started on first use), which loads
matplotlib once and runs at a lower CPU priority (:data:`NICE`). It is given the settings it needs (never the bot's
token: :data:`SETTINGS`), the query, the reader's language and the moment "today" is taken from (the sandbox's clock
may have been moved).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dialogs.stats_query import StatsQuery
from handlers.stats import read_figures
from reports.stats_model import StatsFigures

if TYPE_CHECKING:
    from bot.settings import Settings
    from reports.charts import Chart

SETTINGS = frozenset({"database_url", "service_catalogue", "holidays_file", "timezone", "default_locale",
                      "confirm_days", "respond_days", "close_days", "archive_dir"})
"""What the worker needs of the bot's settings: the database, and what the figures are computed from."""
NICE = 10
"""The worker's lower CPU priority: on a small machine the bot's replies come first, the charts a little later."""


async def _make(settings: dict[str, Any], query: StatsQuery, locale: str, now: datetime
                ) -> tuple[StatsFigures, list[Chart]]:
    from bot.bootstrap import build
    from bot.settings import Settings
    from reports.charts import render_charts

    app = build(Settings(**settings), clock=lambda: now, read_only=True)
    try:
        async with app.make_uow() as uow:
            figures = await read_figures(uow, app.deps, query, locale)
    finally:
        await app.close()
    if figures.empty:
        return figures, []
    return figures, render_charts(figures, app.deps.translator.gettext(locale))


def make_here(settings: dict[str, Any], query: StatsQuery, locale: str, now: datetime
              ) -> tuple[StatsFigures, list[Chart]]:
    """What the worker runs (blocking, its own event loop)."""
    return asyncio.run(_make(settings, query, locale, now))


class ProcessStatsMaker:
    """:data:`handlers.stats_jobs.StatsMaker` in one worker process; :meth:`close` stops it."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime]) -> None:
        self._settings = settings.model_dump(mode="json", include=set(SETTINGS))
        self._clock = clock
        self._pool: ProcessPoolExecutor | None = None

    async def __call__(self, query: StatsQuery, locale: str) -> tuple[StatsFigures, list[Chart]]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(NICE,))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, make_here, self._settings, query, locale, self._clock())

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
