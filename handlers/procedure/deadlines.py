"""Each ticket's current deadline: the step it waits in and the day the service's standard time for that step ends.

``confirm``: from receipt (or from the reopening) to the officer's verdict; ``respond``: from the verdict to the
response that concludes it — each in working days, the service's own standard times or the defaults. A concluded
ticket waits for nothing of the staff. The due-work engine reminds, escalates and tells the complainant from these.
"""

from __future__ import annotations

from datetime import date, datetime

from dialogs.catalogue import StandardTimes, standard_times
from domain.vocabulary import TicketStatus
from handlers.context import Deps
from handlers.errors import Refusal
from handlers.formats import day
from handlers.procedure import Ctx
from handlers.procedure.checks import checked_text
from storage.records import TicketRecord

CONFIRM, RESPOND = "confirm", "respond"
S = TicketStatus
STEP_OF: dict[str, str] = {S.RECEIVED: CONFIRM, S.CONFIRMING: CONFIRM, S.REOPENED: CONFIRM, S.UNDER_REVIEW: CONFIRM,
                           S.IN_FOLLOWUP: RESPOND, S.ACCEPTED: RESPOND}
del S


def handling(deps: Deps, service_code: str) -> StandardTimes:
    """The standard times for a ticket of this service: its own, else the defaults of the settings."""
    return standard_times(service_code, deps.catalogue, deps.standard_times)


def local_day(deps: Deps, at: datetime) -> date:
    return at.astimezone(deps.tz).date()


def deadline(deps: Deps, ticket: TicketRecord, status: str, at: datetime) -> tuple[str | None, date | None]:
    """The step and deadline of ``ticket`` once it is in ``status`` (moved at ``at``). Taking a ticket keeps the
    deadline it had from its receipt; a reopening starts a new one; a conclusion ends it."""
    step = STEP_OF.get(status)
    if step is None:
        return None, None
    if step == ticket.due_step and ticket.due_on is not None and status != TicketStatus.REOPENED:
        return step, ticket.due_on
    times = handling(deps, ticket.service_code)
    days = times.confirm if step == CONFIRM else times.respond
    start = local_day(deps, ticket.created_at if status == TicketStatus.RECEIVED else at)
    return step, deps.calendar.add_working_days(start, days)


async def keep(ctx: Ctx, ticket: TicketRecord, status: str, *, since: datetime | None = None) -> TicketRecord:
    """Store the deadline ``ticket`` has in ``status`` (after filing, after a move; ``since``: when it entered the
    status, when that was not now)."""
    step, due = deadline(ctx.deps, ticket, status, since or ctx.now)
    if (step, due) == (ticket.due_step, ticket.due_on):
        return ticket
    return await ctx.uow.tickets.update(ticket.id, due_step=step, due_on=due, due_extended=False)


async def extend(ctx: Ctx, ticket: TicketRecord, to: date, reason: str) -> tuple[TicketRecord, str]:
    """Move the current deadline once, with a reason, to ``to`` — or the first working day from it (a deadline on a
    Saturday would make the complainant's notice come on a Sunday). Returns the ticket and the checked reason (the
    caller records it and tells the approvers)."""
    _ = ctx._
    if ticket.due_step is None or ticket.due_on is None:
        raise Refusal(_("{number} is not waiting for the staff now: there is no deadline to extend.").format(
            number=ticket.number))
    if ticket.due_extended:
        raise Refusal(_("The deadline of {number} was extended once already; it is not extended again.").format(
            number=ticket.number))
    if to <= ticket.due_on:
        raise Refusal(_("The new deadline must be after the current one ({date}).").format(
            date=day(ticket.due_on, ctx.locale)))
    reason = checked_text(_, reason)
    to = ctx.deps.calendar.next_working_day(to)
    return await ctx.uow.tickets.update(ticket.id, due_on=to, due_extended=True), reason
