"""The officer's work on a ticket (SOP steps a–b): take, assign, message the complainant, verdicts.

Every change is one history event with its code and parameters (``domain.vocabulary.TicketEvent``); the
complainant and the staff group's card are told through :mod:`handlers.notices`.
"""

from __future__ import annotations

from typing import Any

from dialogs.workflow import can_move, is_active
from domain.vocabulary import RATEABLE, Role, TicketEvent, TicketKind, TicketStatus
from handlers import notices
from handlers.errors import Refusal
from handlers.events import Button
from handlers.procedure import Ctx, cases, deadlines
from handlers.procedure.checks import checked_text, find_ticket, ticket_by_id
from handlers.views import status_name
from storage.records import PersonRecord, TicketRecord

START_STATUS = {TicketKind.COMPLAINT: TicketStatus.CONFIRMING, TicketKind.SUGGESTION: TicketStatus.UNDER_REVIEW}
NOT_STARTED = (TicketStatus.RECEIVED, TicketStatus.REOPENED)


async def move(ctx: Ctx, ticket: TicketRecord, to: str, code: str, params: dict[str, Any] | None = None,
               **fields: Any) -> TicketRecord:
    """Move a ticket along the procedure with its history event; refuses a move the procedure does not allow."""
    if not can_move(ticket.kind, ticket.status, to):
        raise Refusal(ctx._("{number} is {status}; that cannot be done now.").format(
            number=ticket.number, status=status_name(ticket.status, ctx._)))
    await cases.refuse_member_step(ctx, ticket, code)
    await ctx.uow.tickets.set_status(ticket.id, to, actor_person_id=ctx.actor.recorded, at=ctx.now, code=code,
                                     params=params)
    fields = {**read_by_staff(ctx, ticket), **fields}
    if not is_active(to):
        fields.setdefault("awaiting_complainant_since", None)
        fields.setdefault("unread_since", None)
    if to in RATEABLE:  # a new conclusion is rated anew (its rating reminder and auto-close count from now);
        fields.setdefault("resolved_at", ctx.now)  # earlier ratings stay in the history
        fields.setdefault("rating", None)
        fields.setdefault("rating_comment", None)
        fields.setdefault("rated_at", None)
    if fields:
        await ctx.uow.tickets.update(ticket.id, **fields)
    moved = await deadlines.keep(ctx, await ticket_by_id(ctx, ticket.id), to)
    await cases.follow_lead(ctx, moved, code, params, fields)  # a "me too" case's members move with their lead
    return moved


def read_by_staff(ctx: Ctx, ticket: TicketRecord) -> dict[str, Any]:
    """A staff step on the ticket (a verdict, a reply, a take or an assignment, a link to an LK) comes after its
    officer saw the complainant's messages — they reach the officer's chat whole — so they are read: the "unread"
    reminder is for messages nobody acted on, not for ones only the 📄 Show button was not pressed for."""
    staff = bool(ctx.actor.roles) and ctx.actor.person_id != ticket.person_id
    return {"unread_since": None} if staff and ticket.unread_since is not None else {}


async def take(ctx: Ctx, ticket: TicketRecord) -> TicketRecord:
    """The acting officer takes the ticket; one not yet started moves to confirming (or under review)."""
    if ticket.assigned_to not in (None, ctx.actor.person_id):
        raise Refusal(ctx._("{number} is already taken by another officer; /assign can hand it over.").format(
            number=ticket.number))
    params = {"officer": ctx.actor.person_id}
    if ticket.status in NOT_STARTED:
        ticket = await move(ctx, ticket, START_STATUS[TicketKind(ticket.kind)], TicketEvent.TAKEN, params,
                            assigned_to=ctx.actor.person_id)
        await notices.tell_complainant(ctx, ticket, ticket.status)
    elif ticket.assigned_to is None:
        await ctx.uow.tickets.record(ticket.id, TicketEvent.TAKEN, actor_person_id=ctx.actor.person_id, at=ctx.now,
                                     params=params)
        ticket = await ctx.uow.tickets.update(ticket.id, assigned_to=ctx.actor.person_id,
                                              **read_by_staff(ctx, ticket))
        await cases.follow_lead(ctx, ticket, TicketEvent.TAKEN, params, {})
    await notices.refresh_card(ctx, ticket.id)
    return ticket


async def assign(ctx: Ctx, ticket: TicketRecord, officer: PersonRecord) -> TicketRecord:
    """Hand the ticket to an officer, who is told (in their language, with the ticket's buttons)."""
    if Role.OFFICER.value not in await ctx.uow.staff.roles_of(officer.id):
        raise Refusal(ctx._("{id} is not an officer. /staff list shows the staff.").format(
            id=officer.telegram_id or officer.id))
    params = {"officer": officer.id}
    if ticket.status in NOT_STARTED:
        ticket = await move(ctx, ticket, START_STATUS[TicketKind(ticket.kind)], TicketEvent.ASSIGNED, params,
                            assigned_to=officer.id)
        await notices.tell_complainant(ctx, ticket, ticket.status)
    else:
        await ctx.uow.tickets.record(ticket.id, TicketEvent.ASSIGNED, actor_person_id=ctx.actor.person_id,
                                     at=ctx.now, params=params)
        ticket = await ctx.uow.tickets.update(ticket.id, assigned_to=officer.id, **read_by_staff(ctx, ticket))
        await cases.follow_lead(ctx, ticket, TicketEvent.ASSIGNED, params, {})
    number = ticket.number
    await notices.tell_staff(
        ctx, officer, lambda r: r._("{number} was assigned to you.").format(number=number),
        lambda _: ((Button(_("📄 Show {number}").format(number=number), f"sh:{ticket.id}"),),),
        what=ctx._("{number} was assigned to them.").format(number=number))
    await notices.refresh_card(ctx, ticket.id)
    return ticket


async def message_complainant(ctx: Ctx, ticket: TicketRecord, text: str) -> TicketRecord:
    """An officer writes to the complainant (kept in the history); the staff then wait for the answer, which
    the complainant gives with the message's "Reply" button or simply by writing back."""
    text = checked_text(ctx._, text)
    await ctx.uow.tickets.record(ticket.id, TicketEvent.STAFF_MESSAGE, actor_person_id=ctx.actor.person_id,
                                 at=ctx.now, params={"text": text})
    ticket = await ctx.uow.tickets.update(ticket.id, awaiting_complainant_since=ctx.now, unread_since=None)
    await notices.tell_complainant(ctx, ticket, "reply", text)
    return ticket


async def mark_read(ctx: Ctx, ticket: TicketRecord) -> TicketRecord:
    """The handling officer (or any officer, for an unassigned ticket) has seen the complainant's messages."""
    if ticket.unread_since is None or not ctx.actor.has(Role.OFFICER):
        return ticket
    if ticket.assigned_to not in (None, ctx.actor.person_id):
        return ticket
    return await ctx.uow.tickets.update(ticket.id, unread_since=None)


async def give_verdict(ctx: Ctx, ticket: TicketRecord, status: str, text: str | None = None) -> TicketRecord:
    """Step b: the officer's judgement against the service's procedure (with the text the complainant gets,
    except for a nonconformity, whose answer comes with the follow-up)."""
    note = checked_text(ctx._, text) if status != TicketStatus.IN_FOLLOWUP else None
    fields: dict[str, Any] = {"confirmed_at": ctx.now}
    if ticket.assigned_to is None:
        fields["assigned_to"] = ctx.actor.person_id
    if note:
        fields["response"] = note
    ticket = await move(ctx, ticket, status, TicketEvent.VERDICT, {"text": note} if note else {}, **fields)
    await notices.tell_complainant(ctx, ticket, status, note or "")
    await notices.refresh_card(ctx, ticket.id)
    return ticket


async def mark_duplicate(ctx: Ctx, ticket: TicketRecord, other_number: str) -> tuple[TicketRecord, TicketRecord]:
    """Step b: the same case as an earlier ticket, whose outcome the complainant then follows."""
    other = await find_ticket(ctx, other_number)
    while other.duplicate_of is not None:
        other = await ticket_by_id(ctx, other.duplicate_of)
    if other.id == ticket.id:
        raise Refusal(ctx._("A ticket cannot duplicate itself."))
    fields: dict[str, Any] = {"duplicate_of": other.id, "confirmed_at": ctx.now}
    if ticket.assigned_to is None:
        fields["assigned_to"] = ctx.actor.person_id
    ticket = await move(ctx, ticket, TicketStatus.DUPLICATE, TicketEvent.DUPLICATE, {"of": other.number}, **fields)
    await notices.tell_complainant(ctx, ticket, "duplicate", other=other.number)
    await notices.refresh_card(ctx, ticket.id)
    return ticket, other

