"""What is due at a moment, derived from the state of tickets, LKs and actions (reminders.md's table).

Every fact is an index range with a limit (``LIMIT``), so a pass costs the same at a million tickets as at a
thousand; the thresholds are working days on the institution's calendar (WIB). A notice is "ready" from the start
of the day its reason holds; when it may go is the engine's business (office hours, the complainants' hours).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from functools import cache

from dialogs.catalogue import standard_times
from domain.vocabulary import LkStatus, Role
from handlers.due import Due, Hours, Kind
from handlers.procedure import Ctx
from storage.records import DueAction, DueTicket, TicketRecord

LIMIT = 5000
"""Most facts of one kind a pass looks at; more (a backlog) are taken by the next passes, oldest first."""
SOON = 3  # working days: an action due within them is in its owner's digest
UNREAD_AFTER = 1  # working days a complainant's message may wait unread
OVERDUE_REVIEWER, OVERDUE_APPROVER = 2, 5  # working days overdue before the reviewer, then the approver, is told
LK_WAIT = 2  # working days an LK may wait for its check, approval or effectiveness check
RATING_REMINDER, AUTO_CLOSE = 5, 10  # working days after the response: a reminder, then the auto-close
Producer = Callable[[Ctx, datetime], Awaitable[list[Due]]]


def midnight(ctx: Ctx, day: date) -> datetime:
    """The start of ``day`` in the institution's time zone, as an aware instant."""
    return datetime.combine(day, time(), tzinfo=ctx.deps.tz)


def working_days(ctx: Ctx) -> Callable[[date, int], date]:
    """``calendar.add_working_days`` remembered for one producer's run: its rows share a few dozen dates."""
    return cache(ctx.deps.calendar.add_working_days)


def local_day(ctx: Ctx, at: datetime) -> date:
    return at.astimezone(ctx.deps.tz).date()


async def holders(ctx: Ctx, role: Role) -> tuple[int, ...]:
    return tuple(p.id for p in await ctx.uow.staff.with_role(role.value))


async def tickets_late(ctx: Ctx, now: datetime) -> list[Due]:
    """Tickets past their step's deadline: the officer's digest, the reviewers a working day later, and the
    complainant once per step."""
    today, add_working_days = local_day(ctx, now), working_days(ctx)
    late = await ctx.uow.due.late_tickets(before=today, limit=LIMIT)
    officers = await holders(ctx, Role.OFFICER)
    reviewers = await holders(ctx, Role.REVIEWER)
    per_officer: dict[int, list[int]] = defaultdict(list)
    dues: list[Due] = []
    for ticket in late:
        assert ticket.due_on is not None and ticket.due_step is not None
        for officer in (ticket.assigned_to,) if ticket.assigned_to is not None else officers:
            per_officer[officer].append(ticket.id)
        if ticket.due_step == "confirm":
            escalate_on = add_working_days(ticket.due_on, 1) + timedelta(days=1)
            if escalate_on <= today:
                dues.append(Due(f"ticket:{ticket.id}:confirm-escalation:{ticket.due_on}", Kind.CONFIRM_ESCALATION,
                                Hours.STAFF, midnight(ctx, escalate_on), reviewers, (ticket.id,)))
        if ticket.person_id is not None:
            dues.append(Due(f"ticket:{ticket.id}:late:{ticket.due_step}:{ticket.due_on}", Kind.COMPLAINANT_LATE,
                            Hours.COMPLAINANT, midnight(ctx, ticket.due_on + timedelta(days=1)), (ticket.person_id,),
                            (ticket.id,)))
    for officer, ticket_ids in per_officer.items():
        dues.append(Due(f"digest:officer:{officer}:{today}", Kind.OFFICER_DIGEST, Hours.STAFF, midnight(ctx, today),
                        (officer,), tuple(ticket_ids)))
    return dues


async def expected(ctx: Ctx, ticket: TicketRecord | DueTicket, today: date) -> date:
    """When the complainant may now expect the step done: the latest open correction of its LK, else the step's
    standard time counted again from today. Asked when the notice goes (not for every late ticket each pass)."""
    times = standard_times(ticket.service_code, ctx.deps.catalogue, ctx.deps.standard_times)
    fallback = ctx.deps.calendar.add_working_days(today, times.confirm if ticket.due_step == "confirm" else
                                                  times.respond)
    latest = None
    for lk in await ctx.uow.lks.lks_of_ticket(ticket.id):
        if lk.status == LkStatus.CLOSED:
            continue
        for action in await ctx.uow.lks.actions(lk.id, round=lk.round):
            if action.status == "open" and (latest is None or action.due_on > latest):
                latest = action.due_on
    return ctx.deps.calendar.next_working_day(latest + timedelta(days=1)) if latest and latest >= today \
        else fallback


async def unread(ctx: Ctx, now: datetime) -> list[Due]:
    """A complainant's message unread by the officers for a working day."""
    add_working_days, dues = working_days(ctx), []
    officers = await holders(ctx, Role.OFFICER)
    for ticket in await ctx.uow.due.unread_before(now - timedelta(days=1), LIMIT):
        assert ticket.unread_since is not None
        since = ticket.unread_since.astimezone(ctx.deps.tz)
        ready = datetime.combine(add_working_days(since.date(), UNREAD_AFTER), since.time(),
                                 tzinfo=ctx.deps.tz)
        to = (ticket.assigned_to,) if ticket.assigned_to is not None else officers
        dues.append(Due(f"ticket:{ticket.id}:unread:{since:%Y%m%dT%H%M%S}", Kind.UNREAD, Hours.STAFF, ready, to,
                        (ticket.id,)))
    return dues


def _owner(action: DueAction) -> int:
    """Who is reminded of an action: its owner, or — an owner outside the bot — the LK's officer."""
    return action.owner_person_id if action.owner_person_id is not None else action.prepared_by


async def actions(ctx: Ctx, now: datetime) -> list[Due]:
    """Actions due soon, today or overdue: their owner's morning digest; overdue 2 working days, the LK's reviewer;
    5, its approver."""
    today, add_working_days = local_day(ctx, now), working_days(ctx)
    due = await ctx.uow.due.actions_due_by(add_working_days(today, SOON), LIMIT)
    per_owner: dict[int, list[int]] = defaultdict(list)
    dues: list[Due] = []
    reviewers: tuple[int, ...] | None = None
    approvers: tuple[int, ...] | None = None
    for action in due:
        if action.lk_status == LkStatus.CLOSED:
            continue
        per_owner[_owner(action)].append(action.id)
        for days, kind, field in ((OVERDUE_REVIEWER, Kind.OVERDUE_REVIEWER, "overdue2"),
                                  (OVERDUE_APPROVER, Kind.OVERDUE_APPROVER, "overdue5")):
            on = add_working_days(action.due_on, days)
            if on > today:
                continue
            if kind == Kind.OVERDUE_REVIEWER:
                reviewers = reviewers if reviewers is not None else await holders(ctx, Role.REVIEWER)
                to = (action.checked_by,) if action.checked_by is not None else reviewers
            else:
                approvers = approvers if approvers is not None else await holders(ctx, Role.APPROVER)
                to = (action.approved_by,) if action.approved_by is not None else approvers
            dues.append(Due(f"action:{action.id}:{field}:{action.due_on}", kind, Hours.STAFF, midnight(ctx, on), to,
                            (action.id,)))
    for owner, action_ids in per_owner.items():
        dues.append(Due(f"digest:owner:{owner}:{today}", Kind.OWNER_DIGEST, Hours.DIGEST, midnight(ctx, today),
                        (owner,), tuple(action_ids)))
    return dues


async def lks(ctx: Ctx, now: datetime) -> list[Due]:
    """LKs waiting for their check, approval or effectiveness check over 2 working days."""
    add_working_days, dues = working_days(ctx), []
    waits = {LkStatus.AWAITING_CHECK: (Kind.LK_WAITING, (Role.REVIEWER,)),
             LkStatus.AWAITING_APPROVAL: (Kind.LK_WAITING, (Role.APPROVER,)),
             LkStatus.AWAITING_VERIFICATION: (Kind.VERIFY_WAITING, (Role.MONITOR, Role.APPROVER))}
    people: dict[LkStatus, tuple[int, ...]] = {}
    for status, (_kind, roles) in waits.items():
        held: list[int] = []
        for role in roles:
            held += await holders(ctx, role)
        people[status] = tuple(dict.fromkeys(held))
    for lk in await ctx.uow.due.lks_waiting(list(waits), now - timedelta(days=2), LIMIT):
        status = LkStatus(lk.status)
        since = local_day(ctx, lk.updated_at)
        on = add_working_days(since, LK_WAIT) + timedelta(days=1)
        dues.append(Due(f"lk:{lk.id}:{status.value}:{since}", waits[status][0], Hours.STAFF, midnight(ctx, on),
                        people[status], (lk.id,)))
    return dues


async def ratings(ctx: Ctx, now: datetime) -> list[Due]:
    """A response unrated for 5 working days: one reminder; for 10: the ticket closes and the complainant is told."""
    add_working_days, dues = working_days(ctx), []
    for ticket in await ctx.uow.due.unrated_before(now - timedelta(days=RATING_REMINDER), LIMIT):
        if ticket.person_id is None or ticket.resolved_at is None:
            continue
        answered = local_day(ctx, ticket.resolved_at)
        for days, kind, name in ((RATING_REMINDER, Kind.RATING_REMINDER, "rate-reminder"),
                                 (AUTO_CLOSE, Kind.AUTO_CLOSE, "auto-close")):
            on = add_working_days(answered, days)
            dues.append(Due(f"ticket:{ticket.id}:{name}:{answered}", kind, Hours.COMPLAINANT, midnight(ctx, on),
                            (ticket.person_id,), (ticket.id,)))
    return dues


async def group_digest(ctx: Ctx, now: datetime) -> list[Due]:
    """The staff group's morning summary, each working day."""
    if ctx.deps.staff_chat_id is None:
        return []
    today = local_day(ctx, now)
    return [Due(f"digest:group:{today}", Kind.GROUP_DIGEST, Hours.DIGEST, midnight(ctx, today))]


PRODUCERS: list[Producer] = [tickets_late, unread, actions, lks, ratings, group_digest]
"""Everything the engine asks what is due; the monthly recap joins here (issue "So the same nonconformity …")."""


async def gather(ctx: Ctx, now: datetime) -> list[Due]:
    dues: list[Due] = []
    for produce in PRODUCERS:
        dues += await produce(ctx, now)
    return dues

