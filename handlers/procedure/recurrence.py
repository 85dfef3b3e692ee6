"""Recurrence of an LK (step c, ISO 9001 §10.2): the closed LKs of the same service from the last 12 months a new
nonconformity is like, and marking an LK a recurrence of one — which counts the earlier LK's effectiveness as failed
(shown on it, counted in statistics)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from dialogs.recurrence import EarlierLk, Possible, possible_recurrences
from domain.vocabulary import LkEvent, LkKind, LkStatus, Role
from handlers.errors import Refusal
from handlers.procedure import Ctx
from handlers.procedure.checks import lk_by_id
from storage.records import LkRecord

WINDOW = timedelta(days=365)
"""How far back closed LKs are looked at."""
MARKERS = (Role.OFFICER, Role.REVIEWER, Role.APPROVER)


async def possible_for(ctx: Ctx, service_code: str, texts: Sequence[str], exclude: int | None = None
                       ) -> list[Possible]:
    """Closed LKs of ``service_code`` from the last 12 months whose description or root cause is like ``texts``."""
    closed = await ctx.uow.recurrence.closed_of_service(service_code, ctx.now - WINDOW, exclude)
    earlier = [EarlierLk(lk.id, lk.number, lk.description, lk.root_cause, lk.closed_at, lk.effective)
               for lk in closed if lk.closed_at is not None and lk.kind == LkKind.NONCONFORMITY]
    return possible_recurrences(texts, earlier, ctx.deps.stem)


async def possible_for_lk(ctx: Ctx, lk: LkRecord) -> list[Possible]:
    """What an LK not closed and not marked yet may be a recurrence of (nothing for one closed or marked)."""
    if lk.kind != LkKind.NONCONFORMITY or lk.status == LkStatus.CLOSED or lk.recurrence_of is not None:
        return []
    found = await possible_for(ctx, lk.service_code, (lk.description, lk.root_cause), exclude=lk.id)
    # the LKs its complainants said happened again (the 30-day question's "yes") come first, whatever the words
    reported = []
    for ticket in await ctx.uow.lks.tickets(lk.id):
        said = await ctx.uow.lks.get(ticket.recurrence_of_lk) if ticket.recurrence_of_lk is not None else None
        if said is not None and said.closed_at is not None and said.id != lk.id and said.status == LkStatus.CLOSED:
            reported.append(Possible(EarlierLk(said.id, said.number, said.description, said.root_cause,
                                               said.closed_at, said.effective), 100.0))
    ids = {p.lk.lk_id for p in reported}
    return list({p.lk.lk_id: p for p in reported}.values()) + [p for p in found if p.lk.lk_id not in ids]


@dataclass(frozen=True)
class Marked:
    """The LK as marked; ``earlier`` None when unmarked; ``other_service``: the earlier LK is of another service."""

    lk: LkRecord
    earlier: LkRecord | None
    other_service: bool = False


async def mark_recurrence(ctx: Ctx, lk: LkRecord, earlier: LkRecord | None) -> Marked:
    """Mark ``lk`` a recurrence of ``earlier`` (None: unmark). Officers, reviewers and approvers; only while ``lk``
    is not closed; ``earlier`` must be another, closed LK made before it (of another service: allowed, and said)."""
    _ = ctx._
    if not any(ctx.actor.has(role) for role in MARKERS):
        raise Refusal(_("Sorry, your role does not allow this."))
    if lk.status == LkStatus.CLOSED:
        raise Refusal(_("{number} is closed: whether it recurred an earlier LK can no longer be changed.").format(
            number=lk.number))
    if earlier is not None:
        if earlier.id == lk.id:
            raise Refusal(_("An LK cannot be a recurrence of itself."))
        if earlier.status != LkStatus.CLOSED or earlier.closed_at is None:
            raise Refusal(_("{earlier} is not closed yet: only a closed LK can have recurred. Link the tickets to "
                            "it instead (/lk link).").format(earlier=earlier.number))
        if earlier.created_at >= lk.created_at:
            raise Refusal(_("{earlier} was written after {number}: only an earlier LK can have recurred.").format(
                earlier=earlier.number, number=lk.number))
    if (earlier.id if earlier else None) == lk.recurrence_of:
        return Marked(lk, earlier, earlier is not None and earlier.service_code != lk.service_code)
    await ctx.uow.recurrence.mark(lk.id, earlier.id if earlier else None, code=LkEvent.RECURRENCE,
                                  params={"of": earlier.number if earlier else None},
                                  actor_person_id=ctx.actor.person_id, at=ctx.now)
    return Marked(await lk_by_id(ctx, lk.id), earlier,
                  earlier is not None and earlier.service_code != lk.service_code)


__all__ = ["MARKERS", "WINDOW", "Marked", "mark_recurrence", "possible_for", "possible_for_lk"]
