"""More time, once per deadline, with a reason (SOP step f): an action's owner asks and an approver grants or
refuses; an officer extends a ticket's deadline and the complainant and the approvers are told. Every extension is
recorded in the history of its LK or ticket."""

from __future__ import annotations

from datetime import date

from domain.vocabulary import ActionStatus, LkEvent, Role, TicketEvent
from handlers import notices
from handlers.errors import Refusal
from handlers.events import Button, CancelScheduled
from handlers.formats import day
from handlers.history import Reader
from handlers.procedure import Ctx
from handlers.procedure.checks import checked_text, lk_by_id
from handlers.procedure.deadlines import extend
from handlers.text import shown
from storage.records import ActionRecord, ExtensionRequest, TicketRecord
from storage.uow import UnitOfWork

PENDING, GRANTED = "pending", "granted"


async def ask_more_time(ctx: Ctx, action: ActionRecord, to: date, reason: str) -> ExtensionRequest:
    """The owner (or an officer) asks for a later due date — the first working day from ``to`` — once; the
    approvers get the request with its buttons."""
    _ = ctx._
    await check_more_time(ctx, action)
    if to <= action.due_on:
        raise Refusal(_("The new due date must be after the current one ({date}).").format(
            date=day(action.due_on, ctx.locale)))
    reason = checked_text(_, reason)
    to = ctx.deps.calendar.next_working_day(to)
    request = await ctx.uow.due.add_extension(action.id, ctx.actor.person_id, action.due_on, to, reason, ctx.now)
    lk = await lk_by_id(ctx, action.lk_id)

    def render(r: Reader) -> str:
        return r._("⏳ {who} asks more time for action #{id} of {lk}: from {old} to {new}.\nReason: {reason}").format(
            who=shown(ctx.actor.name), id=action.id, lk=lk.number, old=day(request.old_due, r.locale),
            new=day(request.new_due, r.locale), reason=shown(reason, 600))

    for approver in await ctx.uow.staff.with_role(Role.APPROVER.value):
        await notices.tell_staff(ctx, approver, render, lambda _: (
            (Button(_("✔ Grant"), f"xg:{request.id}"), Button(_("✖ Refuse"), f"xr:{request.id}")),
            (Button(_("📄 Open {number}").format(number=lk.number), f"lk:show:{lk.id}"),)),
            office_hours_key=request_key(request.id))
    return request


async def check_more_time(ctx: Ctx, action: ActionRecord) -> None:
    """Refuse, saying which case applies, when more time cannot be asked for ``action`` by this person: it is done,
    its due date was extended once already (on which day), or a request waits for an approver (since when).
    Checked when ⏳ is pressed, before the date and the reason are asked, and again when they come."""
    _ = ctx._
    if action.status == ActionStatus.DONE:
        raise Refusal(_("Action #{id} is already done.").format(id=action.id))
    if action.owner_person_id != ctx.actor.person_id and not ctx.actor.has(Role.OFFICER):
        raise Refusal(_("Only the action's owner or an officer can ask for more time."))
    requests = await ctx.uow.due.extensions_of(action.id)
    granted = next((r for r in reversed(requests) if r.status == GRANTED), None)
    if granted is not None and granted.decided_at is not None:
        raise Refusal(_("The due date of action #{id} was extended once already, on {date} (from {old} to {new}): "
                        "it is not extended again.").format(
            id=action.id, date=day(granted.decided_at.astimezone(ctx.deps.tz).date(), ctx.locale),
            old=day(granted.old_due, ctx.locale), new=day(granted.new_due, ctx.locale)))
    if action.extended or granted is not None:
        raise Refusal(_("The due date of action #{id} was extended once already: it is not extended again.").format(
            id=action.id))
    pending = next((r for r in requests if r.status == PENDING), None)
    if pending is not None:
        raise Refusal(_("A request for more time for action #{id} is waiting for the approver since {date}: you are "
                        "told here when it is decided.").format(
            id=action.id, date=day(pending.requested_at.astimezone(ctx.deps.tz).date(), ctx.locale)))


async def may_ask_more_time(uow: UnitOfWork, action: ActionRecord) -> bool:
    """Whether ⏳ more time is worth offering for ``action``: open, never extended, no request waiting."""
    if action.status == ActionStatus.DONE or action.extended:
        return False
    return not any(r.status in (PENDING, GRANTED) for r in await uow.due.extensions_of(action.id))


def request_key(request_id: int) -> str:
    """The key of a request's notices to the approvers, held back outside office hours until a decision."""
    return f"extension-request:{request_id}"


async def decide(ctx: Ctx, request_id: int, grant: bool) -> ExtensionRequest:
    """An approver grants (the due date moves, once) or refuses the request; its asker is told."""
    _ = ctx._
    found = await ctx.uow.due.extension(request_id)
    if found is None:
        raise Refusal(_("That request no longer exists."))
    decided = await ctx.uow.due.decide_extension(request_id, GRANTED if grant else "refused", ctx.actor.person_id,
                                                 ctx.now)
    if decided is None:
        raise Refusal(_("That request was decided already ({status}).").format(
            status=_("granted") if found.status == GRANTED else _("refused")))
    action = await ctx.uow.lks.get_action(decided.action_id)
    assert action is not None
    lk = await lk_by_id(ctx, action.lk_id)
    if grant:
        await ctx.uow.lks.update_action(action.id, due_on=decided.new_due, extended=True)
    await ctx.uow.lks.set_status(lk.id, lk.status, actor_person_id=ctx.actor.person_id, at=ctx.now,
                                 code=LkEvent.EXTENSION_GRANTED if grant else LkEvent.EXTENSION_REFUSED,
                                 params={"action": action.id, "from": str(decided.old_due), "to": str(decided.new_due),
                                         "reason": decided.reason})

    def render(r: Reader) -> str:
        text = (r._("✔ More time for action #{id} of {lk} was granted: it is now due {date}.") if grant else
                r._("✖ More time for action #{id} of {lk} was refused: it stays due {date}."))
        return text.format(id=action.id, lk=lk.number, date=day(decided.new_due if grant else decided.old_due,
                                                                r.locale))

    await notices.tell_staff(ctx, decided.requested_by, render)
    ctx.out.append(CancelScheduled(request_key(request_id)))  # the other approvers need not decide any more
    return decided


async def extend_ticket(ctx: Ctx, ticket: TicketRecord, to: date, reason: str) -> TicketRecord:
    """An officer extends the ticket's current deadline once, with a reason; the complainant (with the new date and
    the reason) and the approvers are told."""
    old = ticket.due_on
    ticket, reason = await extend(ctx, ticket, to, reason)
    assert ticket.due_on is not None
    to = ticket.due_on  # the first working day from the date asked
    await ctx.uow.tickets.record(ticket.id, TicketEvent.EXTENDED, actor_person_id=ctx.actor.recorded, at=ctx.now,
                                 params={"step": ticket.due_step, "from": str(old), "to": str(to), "reason": reason})

    def render(r: Reader) -> str:
        return r._("⏳ {who} extended the deadline of {number} from {old} to {new}.\nReason: {reason}").format(
            who=shown(ctx.actor.name), number=ticket.number, old=day(old, r.locale) if old else "—",
            new=day(to, r.locale), reason=shown(reason, 600))

    for approver in await ctx.uow.staff.with_role(Role.APPROVER.value):
        await notices.tell_staff(ctx, approver, render, lambda _: (
            (Button(_("📄 Show {number}").format(number=ticket.number), f"sh:{ticket.id}"),),),
            office_hours_key=f"ticket-extended:{ticket.id}")
    await notices.refresh_card(ctx, ticket.id)  # the card shows the new deadline
    complainant = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    await notices.tell_complainant(ctx, ticket, "extended", reason,
                                   other=day(to, notices.locale_for(ctx, complainant) if complainant else ctx.locale))
    return ticket
