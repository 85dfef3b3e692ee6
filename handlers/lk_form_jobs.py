"""A closed LK's form as a job: an ``export_job`` whose filters say ``{"format": "lk_form", "lk": <id>}``, one per
reader (the monitor who closed it, in their chat and language; the officer who prepared it, with their closing
notice). The close queues them in its own transaction, so a crash between the commit and the form loses nothing;
the process holding the sender lease runs them beside the register exports (``bot.export_runner``), never inside
the closing update's transaction: rendering the form of a 1,000-ticket "me too" case took 0.4–0.9 s, which held
SQLite's write lock while students filed (docs/benchmarks.md §11).

The closed LK's copy in a language is made once and archived, so the second reader in the same language (and any later
``/lk pdf``) gets that same file. The job reads what to draw in one transaction
(:func:`handlers.documents.plan_lk_pdf`), draws and archives it with none open, and records it in a second
(:func:`~handlers.documents.record_lk_pdf`): drawn inside its transaction, a 1,000-ticket form held SQLite's
write lock 0.3–0.5 s after every such close.

The form still lists every source ticket, one row each, also the 999 members of a "me too" case: the form is the
LK's archived record, printed and checked by its verification code, and its content decides that code — folding the
members into "and N others" would change the code of every LK form already issued. Made after the commit, the rows
no longer cost the closing turn anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from handlers.context import Deps
from handlers.documents import draw_lk_pdf, pdf_caption, plan_lk_pdf, record_lk_pdf
from handlers.outbound import write_outbound
from handlers.procedure import SYSTEM, Ctx
from storage.records import ExportJob
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
LK_FORM = "lk_form"
MAX_STARTS = 3


def is_lk_form(job: ExportJob) -> bool:
    return job.filters.get("format") == LK_FORM


async def queue_lk_form(ctx: Ctx, lk_id: int, *, person_id: int, chat_id: int, locale: str,
                        resend: bool = False) -> None:
    """Record the job sending the LK's form to ``chat_id`` in ``locale`` (in the open transaction; the caller
    commits). ``resend``: sent again when its reader first starts the bot, as the notice it goes with."""
    filters: dict[str, Any] = {"format": LK_FORM, "lk": lk_id, "resend": resend}
    await ctx.uow.register.add_job(requested_by=person_id, chat_id=chat_id, locale=locale, filters=filters,
                                   now=ctx.now)


async def run_lk_form_job(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob,
                          wake: Callable[[], None] = lambda: None) -> str:
    """Make (or take the archived copy of) the form and queue it to its reader: ``done`` or ``failed``."""
    async with make_uow() as uow:
        if job.attempts >= MAX_STARTS:
            await uow.register.update_job(job.id, status="failed", error="interrupted too often",
                                          finished_at=deps.clock())
            await uow.commit()
            return "failed"
        await uow.register.update_job(job.id, status="running", attempts=job.attempts + 1, started_at=deps.clock())
        await uow.commit()
    try:
        async with make_uow() as uow:  # reads: the archived copy, or the form to draw
            lk = await uow.lks.get(int(job.filters["lk"]))
            if lk is None:
                raise LookupError(f"LK {job.filters['lk']} not found")
            plan = await plan_lk_pdf(_ctx(uow, deps, job), lk, job.locale)
        # drawn and archived with no transaction open: 0.3–0.5 s for a 1,000-ticket form held SQLite's write lock
        sha256 = await draw_lk_pdf(plan, deps) if plan.kept is None else ""
        async with make_uow() as uow:
            issued = plan.kept or await record_lk_pdf(_ctx(uow, deps, job), plan, sha256)
            caption = pdf_caption(deps.translator.gettext(job.locale), lk.number, issued.version, issued.code)
            await write_outbound(uow, [issued.send(job.chat_id, caption, resend=bool(job.filters.get("resend")))],
                                 deps.clock())
            await uow.register.update_job(job.id, status="done", progress=100, file_sha256=issued.sha256,
                                          file_name=issued.file_name, finished_at=deps.clock())
            await uow.commit()
    except Exception as exc:
        log.exception("LK form job %s failed", job.id)
        async with make_uow() as uow:
            await uow.register.update_job(job.id, status="failed", error=f"{type(exc).__name__}: {exc}",
                                          finished_at=deps.clock())
            await uow.commit()
        return "failed"
    wake()
    return "done"


def _ctx(uow: UnitOfWork, deps: Deps, job: ExportJob) -> Ctx:
    return Ctx(uow, deps, SYSTEM, deps.translator.gettext(job.locale), job.locale)


async def run_lk_forms(make_uow: Callable[[], UnitOfWork], deps: Deps, wake: Callable[[], None] = lambda: None
                       ) -> int:
    """Run the LK form jobs waiting (alone: tests and tools that have no export runner); how many ran."""
    async with make_uow() as uow:
        jobs = [job for job in await uow.register.unfinished_jobs() if is_lk_form(job)]
    for job in jobs:
        await run_lk_form_job(make_uow, deps, job, wake)
    return len(jobs)
