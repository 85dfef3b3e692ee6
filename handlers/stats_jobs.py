"""``/stats`` as a job: the command records it (an ``export_job`` whose filters say ``"report": "stats"``) and
answers at once; the process holding the sender lease runs it beside the register exports
(:mod:`handlers.export_jobs`), after the update's transaction has ended.

Why not in the chat turn: on SQLite every transaction holds the one write lock from its start (``BEGIN
IMMEDIATE``), so a turn that spent a second reading a year of tickets and drawing charts would make every other
person's reply wait for it. Here the figures are read and the charts drawn by ``deps.stats_maker`` — in the bot, a
worker process with its own read-only connection (a WAL reader on SQLite, which writers never wait for) — and only
the short writes (the job's status, the photos queued in the outbox) take the bot's connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from dialogs.dates import format_date
from dialogs.stats_query import StatsQuery
from handlers.context import Deps, StatsMaker
from handlers.events import Outbound, OutMessage, SendFile
from handlers.jobs import finish_job
from handlers.stats import read_figures
from reports.stats_model import StatsFigures
from storage.records import ExportJob
from storage.uow import UnitOfWork

if TYPE_CHECKING:  # matplotlib (~30 MB) is loaded where charts are drawn, not when the bot starts
    from reports.charts import Chart

log = logging.getLogger(__name__)
REPORT = "stats"


def filters_of(query: StatsQuery) -> dict[str, str | None]:
    return {"report": REPORT, "from": query.first.isoformat(), "to": query.last.isoformat(),
            "service": query.service}


def is_stats(filters: dict[str, Any]) -> bool:
    return filters.get("report") == REPORT


def query_from(filters: dict[str, Any]) -> StatsQuery:
    return StatsQuery(date.fromisoformat(filters["from"]), date.fromisoformat(filters["to"]), filters.get("service"))


def in_process(make_uow: Callable[[], UnitOfWork], deps: Deps) -> StatsMaker:
    """Figures read through ``make_uow`` and charts drawn in a worker thread of this process (tests, tools)."""

    async def make(query: StatsQuery, locale: str) -> tuple[StatsFigures, list[Chart]]:
        from reports.charts import render_charts

        async with make_uow() as uow:
            figures = await read_figures(uow, deps, query, locale)
        if figures.empty:
            return figures, []
        return figures, await asyncio.to_thread(render_charts, figures, deps.translator.gettext(locale))

    return make


def scope_of(query: StatsQuery, service_name: str | None, _: Callable[[str], str], locale: str) -> str:
    """"1 December 2025 – 4 December 2026" (and the service's name)."""
    period = _("{first} – {last}").format(first=format_date(query.first, locale),
                                          last=format_date(query.last, locale))
    return period if service_name is None else _("{period}, {service}").format(period=period, service=service_name)


async def run_stats_job(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob,
                        wake: Callable[[], None] = lambda: None) -> str:
    """Run one ``/stats`` job to its end: the charts sent as photos with their figures, or "nothing to show";
    ``failed`` (and the person told) when it cannot be made or was interrupted three times."""
    _ = deps.translator.gettext(job.locale)
    if job.attempts >= 3:
        await finish_job(make_uow, deps, job, "failed", [OutMessage(job.chat_id, escape(_(
            "The statistics could not be prepared (interrupted several times). Please try /stats again.")))], wake)
        return "failed"
    query = query_from(job.filters)
    async with make_uow() as uow:
        await uow.register.update_job(job.id, status="running", attempts=job.attempts + 1, started_at=deps.clock())
        await uow.commit()
    try:
        figures, charts = await (deps.stats_maker or in_process(make_uow, deps))(query, job.locale)
        shas = [await asyncio.to_thread(deps.archive.put, chart.png) for chart in charts]
    except Exception as exc:
        log.exception("stats job %s failed", job.id)
        await finish_job(make_uow, deps, job, "failed", [OutMessage(job.chat_id, escape(_(
            "The statistics could not be prepared. Please try /stats again later.")))], wake,
            error=f"{type(exc).__name__}: {exc}")
        return "failed"
    scope = scope_of(query, figures.period.service_name, _, job.locale)
    if not charts:
        out: list[Outbound] = [OutMessage(job.chat_id, escape(_(
            "Nothing to show for {scope}: no tickets were received, none is open, and no LK or action falls in "
            "that period.").format(scope=scope)))]
    else:
        out = [OutMessage(job.chat_id, _("<b>Statistics</b> {scope}: {n} charts.").format(
            scope=escape(scope), n=len(charts)))]
        days = f"{figures.period.first:%Y%m%d}-{figures.period.last:%Y%m%d}"  # stats-20261101-20261130-5-pareto.png
        out += [SendFile(job.chat_id, "photo", sha256=sha, file_name=f"stats-{days}-{n}-{chart.name}.png",
                         caption=f"<b>{escape(chart.title)}</b>\n{escape(chart.text)}")
                for n, (chart, sha) in enumerate(zip(charts, shas, strict=True), start=1)]
    await finish_job(make_uow, deps, job, "done", out, wake)
    return "done"

