"""The monthly recap as a job: an ``export_job`` of format ``recap`` (filters ``{"format": "recap", "month":
"2026-11"}``), queued by ``/recap`` or by the due-work engine on the first working day, and run by the process
holding the sender lease beside the register exports (``bot.export_runner``), never inside an update's or a due
pass's transaction.

The month's figures and charts come from the statistics (``deps.stats_maker``: in the bot, its worker process with
a read-only connection); the recap's own lists are read in one short transaction (capped SQL,
:func:`handlers.recap.build_recap`); the pages are drawn by :data:`DrawRecap` — by default in a worker thread, in the
bot by a child process (``bot.recap_child``), so fpdf2 shares neither the event loop's interpreter lock nor the
bot's memory.
The PDF is archived and sent from there; a job left ``running`` by a stopped process is started again (up to
``handlers.export_jobs.MAX_STARTS``), and then the reader is told it failed.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from handlers.context import Deps
from handlers.events import EditProgress, Outbound, SendFile, SendProgress
from handlers.jobs import finish_job
from handlers.recap import build_recap, draw_recap, file_name, month_query, period_name
from handlers.stats_jobs import in_process as stats_in_process
from reports.recap_model import RecapDocument
from storage.records import ExportJob
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
RECAP = "recap"
MAX_STARTS = 3
DrawRecap = Callable[[RecapDocument, str], Awaitable[bytes]]
"""Draws the recap's PDF (charts and pages) in the language given."""


def is_recap(job: ExportJob) -> bool:
    return job.filters.get("format") == RECAP


def filters(month: date) -> dict[str, str]:
    return {"format": RECAP, "month": f"{month:%Y-%m}"}


def month_of(job: ExportJob) -> date:
    return date.fromisoformat(str(job.filters["month"]) + "-01")


def in_thread(deps: Deps) -> DrawRecap:
    async def draw(doc: RecapDocument, locale: str) -> bytes:
        return await asyncio.to_thread(draw_recap, doc, locale, deps.translator)

    return draw


async def queue_recap(uow: UnitOfWork, deps: Deps, *, person_id: int, chat_id: int, locale: str, month: date
                      ) -> list[Outbound]:
    """Record a recap job for ``person_id`` (in the open ``uow``; the caller commits) and return the message that
    will show its progress."""
    _ = deps.translator.gettext(locale)
    job = await uow.register.add_job(requested_by=person_id, chat_id=chat_id, locale=locale, filters=filters(month),
                                     now=deps.clock())
    return [SendProgress(chat_id, job.id, _("📊 Monthly recap of {period}: preparing the PDF…").format(
        period=period_name(month, locale)))]


async def run_recap_job(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob,
                        wake: Callable[[], None] = lambda: None, *, draw: DrawRecap | None = None) -> str:
    """Run one recap job to its end: ``done`` or ``failed``."""
    _ = deps.translator.gettext(job.locale)
    month = month_of(job)
    period = period_name(month, job.locale)
    if job.attempts >= MAX_STARTS:
        await finish_job(make_uow, deps, job, "failed", [EditProgress(job.chat_id, job.id, _(
            "The monthly recap of {period} could not be prepared (it was interrupted several times). "
            "Please try /recap {month} again.").format(period=period, month=f"{month:%Y-%m}"))], wake,
            error="interrupted too often")
        return "failed"
    async with make_uow() as uow:
        await uow.register.update_job(job.id, status="running", attempts=job.attempts + 1, started_at=deps.clock())
        await uow.commit()
    name = file_name(month)
    try:
        # the month's figures and charts: the statistics' worker (``deps.stats_maker``), else a thread here
        figures, charts = await (deps.stats_maker or stats_in_process(make_uow, deps))(month_query(month), job.locale)
        async with make_uow() as uow:
            doc = await build_recap(uow, deps, month, job.locale, figures, charts)
        pdf = await (draw or in_thread(deps))(doc, job.locale)
        with tempfile.TemporaryDirectory(prefix="tanggap-recap-") as folder:
            path = Path(folder) / name
            path.write_bytes(pdf)
            sha = await asyncio.to_thread(deps.archive.put_file, path)
    except Exception as exc:
        log.exception("recap %s failed", job.id)
        await finish_job(make_uow, deps, job, "failed", [EditProgress(job.chat_id, job.id, _(
            "The monthly recap of {period} could not be prepared. Please try /recap {month} again later.").format(
            period=period, month=f"{month:%Y-%m}"))], wake, error=f"{type(exc).__name__}: {exc}")
        return "failed"
    await finish_job(make_uow, deps, job, "done", [
        EditProgress(job.chat_id, job.id, _("📊 The monthly recap of {period} is ready.").format(period=period)),
        SendFile(job.chat_id, "document", sha256=sha, file_name=name, caption=_(
            "Monthly recap of {period}: key figures and charts, LKs opened and closed, open programmes, "
            "recurrences, and the inputs to management review (ISO 9001 §9.3.2).").format(period=period)),
    ], wake, sha=sha, file_name=name)
    return "done"

