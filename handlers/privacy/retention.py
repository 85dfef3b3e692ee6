"""Retention (UU PDP; issue 15 §3): identities and attachments of concluded tickets are kept only as long as the
settings say — ``RETENTION_IDENTITY_MONTHS`` (24) and ``RETENTION_ATTACHMENTS_MONTHS`` (12) after the ticket
concluded (its move to its current concluded status), 0 keeping them for ever.

Run by the due-work engine at each pass (:func:`run`, beside its deadline backfill): at most :data:`BATCH` tickets
of each kind a pass, oldest first, each ticket in its own transaction (:data:`CHUNK`), so a backlog (the first pass
after an upgrade) drains over a few passes without holding the database. Idempotent: a ticket done is marked
(``identity_erased_at``, ``attachments_erased_at``) and never read again. What a pass did is logged and recorded
in the audit trail (``AuditKind.RETENTION``, with counts and the tickets). The erasure itself is
:mod:`handlers.privacy.erasure`'s, the same as ``/forget``'s.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.vocabulary import AuditKind
from handlers.context import Deps
from handlers.outbound import write_outbound
from handlers.privacy.erasure import CONCLUDED, Erased, delete_files, erase_attachments, erase_identities
from handlers.procedure import SYSTEM, Ctx
from storage.repositories.privacy import AuditEntry
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 20
"""Tickets per kind (identities, attachments) a pass erases at most."""
CHUNK = 1
"""Tickets erased in one transaction (a pass commits after each chunk). One: a student's reply waits for at most one
ticket's erasure (~50 ms on SQLite) — at 5 a pass took half the time and a reply waited 2.4× longer (benchmarks §15)."""
PRUNE = 5_000
"""Delivered messages a pass deletes at most (``OUTBOX_KEEP_DAYS``)."""
SWEEP_DAYS = 2
"""How far back delivered messages to an emptied person's chat are looked for."""


@dataclass(frozen=True)
class Retained:
    """What a retention pass did."""

    identities: int = 0
    attachments: int = 0
    files: int = 0


def months_before(at: datetime, months: int) -> datetime:
    """``at`` moved back by whole calendar months (the 31st to the month's last day when shorter)."""
    month_index = at.year * 12 + at.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    last = ((datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=at.tzinfo) - timedelta(days=1)).day)
    return at.replace(year=year, month=month, day=min(at.day, last))


async def run(make_uow: Callable[[], UnitOfWork], deps: Deps, now: datetime | None = None) -> Retained:
    """One pass: erase what the retention periods no longer keep (a batch of each), then delete its files.

    Each part is its own short transaction — the pruning, every :data:`CHUNK` tickets erased (with its audit row),
    the sweep — never the whole pass in one: on SQLite a transaction holds the database's one write lock, and a
    pass of 40 tickets in one held it for seconds while every student's reply waited (docs/benchmarks.md §15).
    Between two, the pass yields to the event loop: SQLite's one pooled connection goes back to an asyncio queue,
    and a reply woken for it would otherwise lose it to the pass's next chunk, which asks at once (the queue serves
    whoever asks while the item is there, not the waiter woken first). A crash between two transactions leaves
    each chunk done and recorded, the rest for the next pass."""
    now = now or deps.clock()
    if deps.outbox_keep_days > 0:  # first: what an erasure would otherwise scrub in old delivered messages
        async with make_uow() as uow:
            await uow.erasure.prune_delivered(now - timedelta(days=deps.outbox_keep_days), PRUNE)
            await uow.commit()
        await asyncio.sleep(0)
    tickets: list[int] = []
    emptied = attachments = 0
    files: set[str] = set()
    kinds = [(identities, deps.retention_identity_months), (attachments_only, deps.retention_attachments_months)]
    for erase, months in kinds:
        if months <= 0:
            continue
        done = 0
        while done < BATCH:
            size = min(CHUNK, BATCH - done)
            async with make_uow() as uow:
                translator = deps.translator
                ctx = Ctx(uow, deps, SYSTEM, translator.gettext(translator.default), translator.default)
                found, erased = await erase(ctx, months_before(now, months), size)
                if erased.tickets or erased.attachments:
                    detail = {"identities": len(erased.tickets), "attachments": erased.attachments,
                              "tickets": sorted(set(erased.tickets))}
                    await uow.audit.add(now, [AuditEntry(AuditKind.RETENTION, detail=detail)])
                await write_outbound(uow, ctx.out, now)
                await uow.commit()
            await asyncio.sleep(0)  # the connection is back in the pool: let a waiting reply take it first (below)
            tickets += erased.tickets
            emptied += len(erased.emptied)
            attachments += erased.attachments
            files |= erased.files
            done += size
            if found < size:
                break
    async with make_uow() as uow:
        await uow.erasure.sweep_delivered(now - timedelta(days=SWEEP_DAYS))
        await uow.commit()
    deleted = await delete_files(deps.archive, frozenset(files))
    # the database's old versions of the rows erased (or of an earlier erasure's, if that checkpoint was partial)
    await uow.settle_erasure(erased=bool(tickets or attachments))
    if tickets or attachments:
        log.info("retention: identities erased from %d tickets (%d persons emptied), %d attachments and %d archived "
                 "files deleted", len(tickets), emptied, attachments, deleted)
    return Retained(len(tickets), attachments, deleted)


async def identities(ctx: Ctx, before: datetime, size: int) -> tuple[int, Erased]:
    """A chunk of identities due: (how many were due, what erasing them did)."""
    due = await ctx.uow.erasure.identities_due(CONCLUDED, before, size)
    return len(due), await erase_identities(ctx, due, messages=False)


async def attachments_only(ctx: Ctx, before: datetime, size: int) -> tuple[int, Erased]:
    """A chunk of tickets whose attachments are due: (how many, what deleting them did)."""
    due = await ctx.uow.erasure.attachments_due(CONCLUDED, before, size)
    return len(due), await erase_attachments(ctx, due)


async def sweep_delivered(make_uow: Callable[[], UnitOfWork], deps: Deps) -> int:
    """Only the sweep of :func:`run` (delivered messages to chats no person has any more)."""
    async with make_uow() as uow:
        swept = await uow.erasure.sweep_delivered(deps.clock() - timedelta(days=SWEEP_DAYS))
        await uow.commit()
    return swept
