"""``/mydata`` (issue 15 §2): a person's copy of their data, as a JSON file and a PDF sent in their chat.

The command records the request in the register (``data_request``, kind ``access``, due in 3×24 hours) and queues
an ``export_job`` of format ``mydata`` (``{"format": "mydata", "request": <id>}``); the process holding the sender
lease runs it beside the register exports (``bot.export_runner``), so a person with many tickets holds up nobody's
replies. The job reads the data (:func:`handlers.mydata.gather`), renders both files (the PDF in a worker thread),
puts them in the archive store (files are sent from there), queues them to the person and, in the same transaction,
marks the request done (its ``detail`` names the two files by SHA-256, so an erasure can remove them) and writes
the audit row (``mydata``). A failed job leaves the request open, says so, and a new /mydata answers that request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from domain.vocabulary import AuditKind, DataRequestKind
from handlers.context import Deps
from handlers.events import EditProgress, Outbound, SendFile, SendProgress
from handlers.mydata import gather
from handlers.outbound import write_outbound
from reports.mydata_json import render_json
from reports.mydata_pdf import render_pdf
from storage.records import ExportJob
from storage.repositories.privacy import AuditEntry
from storage.uow import UnitOfWork

if TYPE_CHECKING:  # the export runner's child processes load this module without the chat
    from handlers.turn import Turn

log = logging.getLogger(__name__)
MYDATA = "mydata"
MAX_STARTS = 3


def is_mydata(job: ExportJob) -> bool:
    return job.filters.get("format") == MYDATA


async def mydata(turn: Turn, args: str = "") -> None:
    """/mydata: record the request and queue the job; the files follow in a moment."""
    _ = turn._
    await turn.uow.persons.lock(turn.person.id)  # two /mydata at once (PostgreSQL): the second sees the first's job
    jobs = await turn.uow.register.unfinished_jobs()
    if any(is_mydata(j) and j.requested_by == turn.person.id for j in jobs):
        turn.say(_("Your copy is already being prepared: the two files arrive here in a moment."))
        return
    open_ = [r for r in await turn.uow.data_requests.listed(person_id=turn.person.id, open_only=True)
             if r.kind == DataRequestKind.ACCESS]
    request = open_[0] if open_ else await turn.uow.data_requests.add(turn.person.id, DataRequestKind.ACCESS,
                                                                      turn.deps.clock())
    job = await turn.uow.register.add_job(requested_by=turn.person.id, chat_id=turn.chat_id, locale=turn.locale,
                                          filters={"format": MYDATA, "request": request.id}, now=turn.deps.clock())
    turn.reaction.outbound.append(SendProgress(turn.chat_id, job.id, _(
        "📦 Preparing a copy of all we keep about you (request {number}): a JSON file and a PDF, in a moment."
    ).format(number=request.number)))
    turn.reaction.export_queued = True  # the runner starts it at once


async def _fail(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob, error: str,
                wake: Callable[[], None]) -> str:
    _ = deps.translator.gettext(job.locale)
    async with make_uow() as uow:
        await uow.register.update_job(job.id, status="failed", error=error, finished_at=deps.clock())
        await write_outbound(uow, [EditProgress(job.chat_id, job.id, _(
            "Your copy could not be prepared. Please try /mydata again later; your request stays open and is "
            "answered within 3×24 hours."))], deps.clock())
        await uow.commit()
    wake()
    return "failed"


async def run_mydata_job(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob,
                         wake: Callable[[], None] = lambda: None) -> str:
    """Make the two files and send them: ``done`` or ``failed``."""
    if job.attempts >= MAX_STARTS:
        return await _fail(make_uow, deps, job, "interrupted too often", wake)
    async with make_uow() as uow:
        await uow.register.update_job(job.id, status="running", attempts=job.attempts + 1, started_at=deps.clock())
        await uow.commit()
    _ = deps.translator.gettext(job.locale)
    try:
        async with make_uow() as uow:
            doc = await gather(uow, deps, job.requested_by, job.locale, answering=int(job.filters["request"]))
        data = render_json(doc)
        pdf = await asyncio.to_thread(render_pdf, doc, _, deps.tz)
        json_sha = await asyncio.to_thread(deps.archive.put, data)
        pdf_sha = await asyncio.to_thread(deps.archive.put, pdf)
    except Exception as exc:
        log.exception("mydata job %s failed", job.id)
        return await _fail(make_uow, deps, job, f"{type(exc).__name__}: {exc}", wake)
    day = f"{doc.made_at.astimezone(deps.tz):%Y-%m-%d}"
    tickets = deps.translator.ngettext(job.locale)("{n} ticket", "{n} tickets", len(doc.tickets)).format(
        n=len(doc.tickets))
    request_id = int(job.filters["request"])
    async with make_uow() as uow:
        request = await uow.data_requests.finish(request_id, "done", deps.clock(), {"files": [json_sha, pdf_sha]})
        number = request.number if request is not None else "—"
        outbound: list[Outbound] = [
            EditProgress(job.chat_id, job.id, _("📦 Your copy is ready (request {number}): {tickets}.").format(
                number=number, tickets=tickets)),
            SendFile(job.chat_id, "document", sha256=json_sha, file_name=f"tanggap-mydata-{day}.json", caption=_(
                "Your data as JSON (UTF-8, machine-readable), to keep or take to another service.")),
            SendFile(job.chat_id, "document", sha256=pdf_sha, file_name=f"tanggap-mydata-{day}.pdf", caption=_(
                "Your data as a PDF to read. /correct fixes your name or contact; /privacy tells how we handle it.")),
        ]
        await uow.register.update_job(job.id, status="done", progress=100, file_sha256=pdf_sha,
                                      file_name=f"tanggap-mydata-{day}.pdf", finished_at=deps.clock())
        await write_outbound(uow, outbound, deps.clock())
        await uow.audit.add(deps.clock(), [AuditEntry(AuditKind.MYDATA, actor_id=job.requested_by,
                                                      subject_id=job.requested_by,
                                                      detail={"request": request_id, "tickets": len(doc.tickets)})])
        await uow.commit()
    wake()
    return "done"
