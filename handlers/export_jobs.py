"""``/export`` as a job (``export_job``): the command records it and answers with a progress message at once; the
process holding the sender lease runs it (``bot.export_runner``), never inside the update's transaction.

While it runs, the progress message is edited (at most every :data:`EDIT_EVERY` seconds, and only when the
percentage moved: Telegram limits edits); at the end the file is put in the archive and sent from there
(``SendFile(sha256, file_name)``). A job left ``running`` by a process that stopped is started again from the
beginning by the next lease holder — the register is read afresh, so the file is whole — up to
:data:`MAX_STARTS` times; after that it is marked failed and the person who asked is told.

Who writes the file is the caller's choice (:data:`WriteRegister`): by default :func:`handlers.export.write_register`
in this process; the bot gives a child process the work (``bot.register_job``), so that reading 100,000 tickets and
XlsxWriter's pure-Python cell writing neither share the event loop's interpreter lock nor grow the bot's memory. The
job's record stays here either way: its status, attempts, progress edits and the file's delivery.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dialogs.export_query import ExportQuery
from handlers.context import Deps
from handlers.events import EditProgress, SendFile
from handlers.export import Progress, Written, register_filter, write_register
from handlers.identity import Place
from handlers.jobs import finish_job
from handlers.lk_form_jobs import is_lk_form, run_lk_form_job
from handlers.mydata_jobs import is_mydata, run_mydata_job
from handlers.outbound import write_outbound
from handlers.recap_jobs import DrawRecap, is_recap, run_recap_job
from handlers.stats_jobs import is_stats, run_stats_job
from storage.records import ExportJob
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
EDIT_EVERY = 3.0
"""Seconds between edits of a progress message at least."""
MAX_STARTS = 3
WriteRegister = Callable[[ExportQuery, Path, str, Progress], Awaitable[Written]]
"""Writes the register ``query`` asks for to ``path`` in the ``locale`` given, telling ``progress`` the percentage."""


def query_of(job: ExportJob) -> ExportQuery:
    return query_from(job.filters)


def query_from(f: dict[str, Any]) -> ExportQuery:
    """The query of a job's recorded filters (:func:`filters_of`)."""
    return ExportQuery(first=date.fromisoformat(f["from"]) if f.get("from") else None,
                       last=date.fromisoformat(f["to"]) if f.get("to") else None,
                       service=f.get("service"), format=f.get("format", "xlsx"))


def filters_of(query: ExportQuery) -> dict[str, str | None]:
    return {"from": query.first.isoformat() if query.first else None,
            "to": query.last.isoformat() if query.last else None, "service": query.service, "format": query.format}


async def file_name(uow: UnitOfWork, deps: Deps, query: ExportQuery) -> str:
    """The register's file name: the period asked, its open ends (or all of it) the days (WIB) the first and the
    last ticket it holds were received, e.g. ``register-2026-01-05_2026-11-27.xlsx``."""
    span = await uow.register.received_span(register_filter(deps, query))
    return query.file_name((span[0].astimezone(deps.tz).date(), span[1].astimezone(deps.tz).date()) if span else None)


@dataclass
class _Pace:
    at: float = 0.0
    shown: int = 0


def in_process(make_uow: Callable[[], UnitOfWork], deps: Deps) -> WriteRegister:
    """The register written by this process (chunks read here, the file written in a worker thread)."""

    async def write(query: ExportQuery, path: Path, locale: str, progress: Progress) -> Written:
        return await write_register(make_uow, deps, register_filter(deps, query), path, locale=locale,
                                    csv_format=query.format == "csv", progress=progress)

    return write


async def run_job(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob,
                  wake: Callable[[], None] = lambda: None, *, edit_every: float = EDIT_EVERY,
                  write: WriteRegister | None = None) -> str:
    """Run one job to its end: ``done`` or ``failed`` (also when it had been started :data:`MAX_STARTS` times).
    ``write``: who writes the file (default: :func:`in_process`). A ``/stats`` job goes to
    :func:`handlers.stats_jobs.run_stats_job`."""
    if is_stats(job.filters):
        return await run_stats_job(make_uow, deps, job, wake)
    _ = deps.translator.gettext(job.locale)
    if job.attempts >= MAX_STARTS:
        await finish_job(make_uow, deps, job, "failed", [EditProgress(job.chat_id, job.id, _(
            "The register could not be prepared (it was interrupted several times). Please try /export again."))],
            wake, error="interrupted too often")
        return "failed"
    query = query_of(job)
    async with make_uow() as uow:
        await uow.register.update_job(job.id, status="running", attempts=job.attempts + 1, started_at=deps.clock())
        name = await file_name(uow, deps, query)
        up_to = await uow.register.last_ticket_id()  # the tickets the file can hold: their views are recorded
        await uow.commit()
    pace = _Pace(at=time.monotonic())

    async def progress(percent: int) -> None:
        if percent <= pace.shown or time.monotonic() - pace.at < edit_every:
            return
        pace.at, pace.shown = time.monotonic(), percent
        async with make_uow() as uow:
            await uow.register.update_job(job.id, progress=percent)
            await write_outbound(uow, [EditProgress(job.chat_id, job.id, _(
                "Preparing the register… {percent} %").format(percent=percent))], deps.clock())
            await uow.commit()
        wake()

    try:
        with tempfile.TemporaryDirectory(prefix="tanggap-export-") as folder:
            path = Path(folder) / name
            written = await (write or in_process(make_uow, deps))(query, path, job.locale, progress)
            sha = await asyncio.to_thread(deps.archive.put_file, path)
    except Exception as exc:
        log.exception("export %s failed", job.id)
        await finish_job(make_uow, deps, job, "failed", [EditProgress(job.chat_id, job.id, _(
            "The register could not be prepared. Please try /export again later."))], wake,
            error=f"{type(exc).__name__}: {exc}")
        return "failed"
    ngettext = deps.translator.ngettext(job.locale)
    tickets = ngettext("{n} ticket", "{n} tickets", written.tickets).format(n=written.tickets)
    if query.format == "csv":  # the CSV holds the ticket register alone
        caption = _("Register (CSV, tickets only): {tickets}.").format(tickets=tickets)
    else:
        caption = _("Register: {tickets}, {lks}, {actions}.").format(
            tickets=tickets, lks=ngettext("{n} LK", "{n} LKs", written.lks).format(n=written.lks),
            actions=ngettext("{n} action", "{n} actions", written.actions).format(n=written.actions))
    await finish_job(make_uow, deps, job, "done", [
        EditProgress(job.chat_id, job.id, _("The register is ready: {tickets}.").format(tickets=tickets)),
        SendFile(job.chat_id, "document", sha256=sha, file_name=name, caption=caption),
    ], wake, sha=sha, file_name=name, also=lambda uow: uow.register.record_views(
        register_filter(deps, query), up_to, deps.clock(), job.requested_by, Place.EXPORT))
    return "done"



async def run_pending(make_uow: Callable[[], UnitOfWork], deps: Deps, wake: Callable[[], None] = lambda: None,
                      *, edit_every: float = EDIT_EVERY, write: WriteRegister | None = None,
                      draw: DrawRecap | None = None) -> int:
    """Run every unfinished job, oldest first (one at a time: an export is heavy) — a register, a monthly recap
    (:mod:`handlers.recap_jobs`, drawn by ``draw``), a closed LK's form (:mod:`handlers.lk_form_jobs`) or a person's
    copy of their data (:mod:`handlers.mydata_jobs`); how many ran."""
    async with make_uow() as uow:
        jobs = list(await uow.register.unfinished_jobs())
    for job in jobs:
        if is_recap(job):
            await run_recap_job(make_uow, deps, job, wake, draw=draw)
        elif is_lk_form(job):
            await run_lk_form_job(make_uow, deps, job, wake)
        elif is_mydata(job):
            await run_mydata_job(make_uow, deps, job, wake)
        else:
            await run_job(make_uow, deps, job, wake, edit_every=edit_every, write=write)
    return len(jobs)
