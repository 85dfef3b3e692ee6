"""'Me too' cases (kasus bersama): tickets of several complainants following one lead ticket.

A member follows its lead: the officer's steps on the lead (take, assign, verdict, duplicate) move every active
member with it, set-based (:func:`follow_lead`, called from :func:`handlers.procedure.tickets.move`); the
complainants hear of it in their own language (:func:`followers`, used by ``notices.tell_complainant``). An LK made
from a lead covers its members too (:func:`link_members`), so every LK-stage step reaches them through the LK's
own loops. A member carries no deadline (the lead does) and no staff-group card (the lead's shows "👥 N").

A complainant who reopens ("not satisfied") or withdraws leaves the case first (:func:`leave`): the others are
not dragged along; a lead that leaves hands the case to its oldest member.
"""

from __future__ import annotations

from typing import Any

from dialogs.workflow import is_active
from domain.vocabulary import TicketEvent
from handlers.errors import Refusal
from handlers.procedure import Ctx, deadlines
from storage.records import CaseRecord, TicketRecord
from storage.repositories.cases import FOLLOWED_FIELDS

FOLLOWED = frozenset({TicketEvent.TAKEN, TicketEvent.ASSIGNED, TicketEvent.VERDICT, TicketEvent.DUPLICATE})
"""The officer's steps on a lead that its members follow (the LK's steps reach them through the LK)."""
FOLLOWED_NOTICES = frozenset({"confirming", "under_review", "in_followup", "conforming", "rejected", "duplicate"})
"""The complainant's notices of those steps, which every member's complainant gets too."""


async def case_of(ctx: Ctx, ticket: TicketRecord) -> CaseRecord | None:
    return await ctx.uow.cases.get(ticket.case_id) if ticket.case_id is not None else None


async def lead_case(ctx: Ctx, ticket: TicketRecord) -> CaseRecord | None:
    """The case ``ticket`` leads, if it leads one."""
    case = await case_of(ctx, ticket)
    return case if case is not None and case.lead_ticket_id == ticket.id else None


async def member_case(ctx: Ctx, ticket: TicketRecord) -> CaseRecord | None:
    """The case ``ticket`` follows as a member (not as its lead), if any."""
    case = await case_of(ctx, ticket)
    return case if case is not None and case.lead_ticket_id != ticket.id else None


async def refuse_member_step(ctx: Ctx, ticket: TicketRecord, code: str) -> None:
    """An officer's own step on a member would split it from its case silently: refused, with what to do."""
    if code not in FOLLOWED:
        return
    case = await member_case(ctx, ticket)
    if case is not None:
        lead = await ctx.uow.tickets.get(case.lead_ticket_id)
        raise Refusal(ctx._("{number} follows the case of {lead}: act on {lead}, or /case detach {number} first.")
                      .format(number=ticket.number, lead=lead.number if lead else "?"))


async def follow_lead(ctx: Ctx, lead: TicketRecord, code: str, params: dict[str, Any] | None,
                      fields: dict[str, Any]) -> list[int]:
    """Move the active members of the case ``lead`` leads to its status and officer (after one of :data:`FOLLOWED`)."""
    if code not in FOLLOWED or lead.case_id is None or await lead_case(ctx, lead) is None:
        return []
    followed = {k: v for k, v in fields.items() if k in FOLLOWED_FIELDS}
    followed["assigned_to"] = lead.assigned_to
    return await ctx.uow.cases.follow(lead.case_id, lead.id, lead.status, actor_person_id=ctx.actor.recorded,
                                      at=ctx.now, code=code, params=params, **followed)


async def followers(ctx: Ctx, ticket: TicketRecord, notice: str) -> list[TicketRecord]:
    """The members whose complainants get ``notice`` with the lead's: those in the lead's status now."""
    if notice not in FOLLOWED_NOTICES or ticket.case_id is None or await lead_case(ctx, ticket) is None:
        return []
    return [m for m in await ctx.uow.cases.members(ticket.case_id) if m.status == ticket.status]


async def join(ctx: Ctx, ticket: TicketRecord, lead: TicketRecord, by: str) -> TicketRecord:
    """``ticket`` follows ``lead``'s case from now (a case is made when ``lead`` leads none): it takes the lead's
    status and officer, drops its deadline and is linked to the lead's LKs. Returns the lead (of the case). The
    lead is read again locked: a case started or a status moved by another transaction meanwhile is seen (found in
    review: two students joining one caseless ticket at once both started a case, and the second's filing failed)."""
    lead = await ctx.uow.tickets.get_locked(lead.id) or lead
    case = await case_of(ctx, lead)
    if case is None:
        case = await ctx.uow.cases.start(lead, ctx.now)
    elif case.lead_ticket_id != lead.id:
        found = await ctx.uow.tickets.get(case.lead_ticket_id)
        assert found is not None
        lead = found
    await ctx.uow.cases.join(ticket.id, case.id, ctx.now)
    params = {"of": lead.number, "by": by}
    to = lead.status if is_active(lead.status) and lead.status != ticket.status else None
    await ctx.uow.tickets.set_status(ticket.id, to, actor_person_id=ctx.actor.recorded, at=ctx.now,
                                     code=TicketEvent.JOINED, params=params)
    await ctx.uow.tickets.update(ticket.id, assigned_to=lead.assigned_to, confirmed_at=lead.confirmed_at,
                                 due_step=None, due_on=None, due_extended=False)
    for lk_id in await ctx.uow.cases.lks_of(lead.id):
        lk = await ctx.uow.lks.get(lk_id)
        if lk is not None and await ctx.uow.lks.link(lk_id, [ticket.id]):
            await ctx.uow.tickets.record(ticket.id, TicketEvent.LINKED, actor_person_id=ctx.actor.recorded,
                                         at=ctx.now, params={"lk": lk.number})
    return lead


async def link_members(ctx: Ctx, lk_id: int, lk_number: str, tickets: list[TicketRecord]) -> int:
    """An LK made from (or linked to) leads covers their members too; returns how many were added."""
    added = 0
    for ticket in tickets:
        if ticket.case_id is not None and await lead_case(ctx, ticket) is not None:
            ids = await ctx.uow.cases.link_to_lk(ticket.case_id, lk_id)
            await ctx.uow.cases.record(ids, TicketEvent.LINKED, actor_person_id=ctx.actor.recorded, at=ctx.now,
                                       params={"lk": lk_number})
            added += len(ids)
    return added


async def leave(ctx: Ctx, ticket: TicketRecord, why: str) -> TicketRecord | None:
    """``ticket`` is handled on its own from now (reopened, withdrawn, detached). A lead hands the case to its
    oldest member, which takes over the deadline and the card; a case left with one ticket ends. Returns the new
    lead, if the case goes on under another."""
    case = await case_of(ctx, ticket)
    if case is None:
        return None
    members = await ctx.uow.cases.members(case.id)
    new_lead: TicketRecord | None = None
    lead_number = ticket.number
    if case.lead_ticket_id == ticket.id:
        if members:
            new_lead = members[0]
            await ctx.uow.cases.set_lead(case.id, new_lead.id)
            await ctx.uow.tickets.record(new_lead.id, TicketEvent.LEFT_CASE, actor_person_id=ctx.actor.recorded,
                                         at=ctx.now, params={"of": ticket.number, "why": "lead_left"})
            new_lead = await deadlines.keep(ctx, new_lead, new_lead.status, since=ticket.confirmed_at or ctx.now)
            if len(members) == 1:  # the new lead alone: no case any more
                await ctx.uow.cases.delete(case.id)
                new_lead = await ctx.uow.tickets.get(new_lead.id)
    else:
        lead = await ctx.uow.tickets.get(case.lead_ticket_id)
        lead_number = lead.number if lead else "?"
        if len(members) == 1:
            await ctx.uow.cases.delete(case.id)
    await ctx.uow.cases.leave(ticket.id, ctx.now)
    await ctx.uow.tickets.record(ticket.id, TicketEvent.LEFT_CASE, actor_person_id=ctx.actor.recorded, at=ctx.now,
                                 params={"of": lead_number, "why": why})
    if is_active(ticket.status):
        await deadlines.keep(ctx, ticket, ticket.status)
    return new_lead
