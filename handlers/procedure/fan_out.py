"""One step of an LK over every ticket it covers, set-based: a "me too" case of a thousand complainants moves in a
few statements, not a thousand round trips (closing such an LK took one 6.6 s transaction that held SQLite's write
lock from everyone else).

:func:`move_all` is :func:`handlers.procedure.tickets.move` for many tickets of one status group: the same checks,
one history event each, the same fields (read by staff, ratings reset for a new conclusion) and deadlines
(:func:`handlers.procedure.deadlines.deadline`), written with one UPDATE per group of identical changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dialogs.workflow import can_move, is_active
from domain.vocabulary import RATEABLE
from handlers.errors import Refusal
from handlers.procedure import Ctx, deadlines
from handlers.procedure.tickets import read_by_staff
from handlers.views import status_name
from storage.records import TicketRecord


async def move_all(ctx: Ctx, tickets: Sequence[TicketRecord], to: str, code: str,
                   params: dict[str, Any] | None = None, **fields: Any) -> list[TicketRecord]:
    """Move every ticket to ``to`` with its history event (``code``, ``params``) and ``fields``; refuses, before
    writing anything, when the procedure does not allow the move for one of them. Returns them as they are now."""
    if not tickets:
        return []
    ids = [t.id for t in tickets]
    now = await ctx.uow.tickets.lock_statuses(ids)  # as they are now: one may have moved since they were read
    for ticket in tickets:
        status = now.get(ticket.id, ticket.status)
        if not can_move(ticket.kind, status, to):
            raise Refusal(ctx._("{number} is {status}; that cannot be done now.").format(
                number=ticket.number, status=status_name(status, ctx._)))
    await ctx.uow.tickets.move_many(ids, to, actor_person_id=ctx.actor.recorded, at=ctx.now, code=code,
                                    params=params)
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for ticket in tickets:
        groups.setdefault(tuple(sorted(_changes(ctx, ticket, to, fields).items())), []).append(ticket.id)
    for changes, group in groups.items():
        await ctx.uow.tickets.update_many(group, **dict(changes))
    return await ctx.uow.tickets.by_ids(ids)


def _changes(ctx: Ctx, ticket: TicketRecord, to: str, fields: dict[str, Any]) -> dict[str, Any]:
    """What ``move`` changes on ``ticket`` besides its status: ``fields``, what a staff step marks read, the
    resets of a conclusion, and the deadline it has in ``to`` (``deadlines.keep``)."""
    changes = {**read_by_staff(ctx, ticket), **fields}
    if not is_active(to):
        changes.setdefault("awaiting_complainant_since", None)
        changes.setdefault("unread_since", None)
    if to in RATEABLE:
        changes.setdefault("resolved_at", ctx.now)
        changes.setdefault("rating", None)
        changes.setdefault("rating_comment", None)
        changes.setdefault("rated_at", None)
    step, due = deadlines.deadline(ctx.deps, ticket, to, ctx.now)
    if (step, due) != (ticket.due_step, ticket.due_on):
        changes.update(due_step=step, due_on=due, due_extended=False)
    return changes


async def record_all(ctx: Ctx, tickets: Sequence[TicketRecord], code: str, params: dict[str, Any]) -> None:
    """An event that moves none of the tickets (e.g. the LK's effectiveness verified), one each."""
    await ctx.uow.tickets.move_many([t.id for t in tickets], None, actor_person_id=ctx.actor.person_id, at=ctx.now,
                                    code=code, params=params)
