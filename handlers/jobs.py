"""What every job of the export runner (``/export``, ``/stats``, ``/recap``) does when it ends: the job's row
updated and its messages queued in one transaction, then the notifier woken."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers.context import Deps
from handlers.events import Outbound
from handlers.outbound import write_outbound
from storage.records import ExportJob
from storage.uow import UnitOfWork


async def finish_job(make_uow: Callable[[], UnitOfWork], deps: Deps, job: ExportJob, status: str,
                     outbound: list[Outbound], wake: Callable[[], None], *, error: str | None = None,
                     sha: str | None = None, file_name: str | None = None,
                     also: Callable[[UnitOfWork], Awaitable[object]] | None = None) -> None:
    """``status`` is ``done`` or ``failed``; ``sha``/``file_name``: the archived file the job made, if one;
    ``also``: what else to write in the same transaction (the identities the file shows: the audit trail's rows)."""
    async with make_uow() as uow:
        if also is not None:
            await also(uow)
        await uow.register.update_job(job.id, status=status, error=error, file_sha256=sha, file_name=file_name,
                                      progress=100 if status == "done" else job.progress, finished_at=deps.clock())
        await write_outbound(uow, outbound, deps.clock())
        await uow.commit()
    wake()
