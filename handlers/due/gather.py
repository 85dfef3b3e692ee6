"""What is due at a moment, derived from the state of tickets, LKs and actions (reminders.md's table).

A pass reads only what is not noticed yet, so its cost follows what is new, not the backlog: each one-shot notice
about an item (a complainant told their ticket is late, an escalation, a reminder, the auto-close) is read with an
anti-join on ``due_notice`` by the very key it would be issued under (built in SQL), and only for items whose
notice is ready by the moment (the working-day threshold turned into a date bound, :func:`latest_start`); a late
ticket's, besides, only while its watermark is not its current deadline (the engine settles them after issuing);
the daily digests look up today's key per person first (a handful) and read the items of those without one. Each read is
newest first with a limit (``LIMIT``), so however many stale items are left unnoticed (a complainant without the
bot, reviewers nobody can reach), a newly due one is never beyond the window. The thresholds are working days on
the institution's calendar (WIB). A notice is "ready" from the start of the day its reason holds; when it may go
is the engine's business (office hours, the complainants' hours).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from functools import cache

from dialogs.catalogue import standard_times
from domain.vocabulary import LkStatus, Role
from handlers.due import Due, Hours, Kind
from handlers.due.data_requests import data_requests
from handlers.due.recurrence import recurrence_checks
from handlers.procedure import Ctx
from storage.records import DueTicket, TicketRecord

LIMIT = 5000
"""Most items of one kind a pass derives notices for (newest first); more (a backlog after an outage) are taken by
the next passes, as the first ones are issued and drop out of the read."""
DIGEST_LISTED = 50
"""Late tickets an officer's digest carries (newest deadline first: what became late since the last digest leads);
the digest says how many there are in all."""
SOON = 3  # working days: an action due within them is in its owner's digest
UNREAD_AFTER = 1  # working days a complainant's message may wait unread
OVERDUE_REVIEWER, OVERDUE_APPROVER = 2, 5  # working days overdue before the reviewer, then the approver, is told
LK_WAIT = 2  # working days an LK may wait for its check, approval or effectiveness check
RATING_REMINDER, AUTO_CLOSE = 5, 10  # working days after the response: a reminder, then the auto-close
RECAP_AT = time(8, 0)  # the monthly recap goes from 08:00 WIB on the month's first working day
RECAP_CATCH_UP = 2  # working days after that in which a recap not sent yet (the bot was down) still goes
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


def latest_start(ctx: Ctx, today: date, days: int, after: int = 0) -> date:
    """The latest day ``d`` with ``add_working_days(d, days) + after days <= today``: a notice counted ``days``
    working days from ``d`` is ready by today exactly for the items of ``d`` or earlier (the sum never goes down
    as ``d`` goes up), so the SQL reads no item whose notice is not ready yet."""
    add_working_days, day = working_days(ctx), today
    while add_working_days(day, days) + timedelta(days=after) > today:
        day -= timedelta(days=1)
    return day


async def _reachable(ctx: Ctx, people: set[int]) -> set[int]:
    return await ctx.uow.persons.with_telegram(people) if people else set()


async def tickets_late(ctx: Ctx, now: datetime) -> list[Due]:
    """Tickets past their step's deadline: the officer's digest, the reviewers a working day later, and the
    complainant once per step.

    Only what is not noticed yet is read: the complainants' and reviewers' notices only for tickets whose
    watermark is not their current deadline, filtered again by key in SQL; the digests (one per officer per day)
    are looked up first — the people with tickets assigned, and every officer while a late ticket is assigned to
    nobody — and only an officer without today's reads their newest few late tickets (a ticket late since
    yesterday leads however many are older); the digest counts them all when it goes."""
    today = local_day(ctx, now)
    dues: list[Due] = []
    for ticket in await ctx.uow.due.late_unnoticed(today, LIMIT):
        assert ticket.due_on is not None and ticket.due_step is not None and ticket.person_id is not None
        dues.append(Due(f"ticket:{ticket.id}:late:{ticket.due_step}:{ticket.due_on}", Kind.COMPLAINANT_LATE,
                        Hours.COMPLAINANT, midnight(ctx, ticket.due_on + timedelta(days=1)), (ticket.person_id,),
                        (ticket.id,)))
    escalations = await ctx.uow.due.escalations_unnoticed(latest_start(ctx, today, 1, after=1), LIMIT)
    if escalations:
        reviewers = await holders(ctx, Role.REVIEWER)
        add_working_days = working_days(ctx)
        for ticket in escalations:
            assert ticket.due_on is not None
            escalate_on = add_working_days(ticket.due_on, 1) + timedelta(days=1)
            if escalate_on <= today:
                dues.append(Due(f"ticket:{ticket.id}:confirm-escalation:{ticket.due_on}", Kind.CONFIRM_ESCALATION,
                                Hours.STAFF, midnight(ctx, escalate_on), reviewers, (ticket.id,)))
    officers = await holders(ctx, Role.OFFICER)
    unassigned = await ctx.uow.due.has_late(today, None)  # late tickets of nobody yet go to every officer
    people = set(await ctx.uow.due.assignees()) | (set(officers) if unassigned else set())
    keys = {officer: f"digest:officer:{officer}:{today}" for officer in await _reachable(ctx, people)}
    issued = await ctx.uow.due.issued(keys.values())
    for officer, key in sorted(keys.items()):
        if key in issued:
            continue
        theirs = unassigned and officer in officers
        tickets = await ctx.uow.due.late_of(today, officer, theirs, DIGEST_LISTED)
        if tickets:
            dues.append(Due(key, Kind.OFFICER_DIGEST, Hours.STAFF, midnight(ctx, today), (officer,),
                            tuple(t.id for t in tickets), {"unassigned": theirs}))
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
    """A complainant's message unread by the officers for a working day (only those not reminded of yet)."""
    add_working_days, dues = working_days(ctx), []
    before = min(now - timedelta(days=1), midnight(ctx, latest_start(ctx, local_day(ctx, now), UNREAD_AFTER)
                                                   + timedelta(days=1)))
    found = await ctx.uow.due.unread_unnoticed(before, ctx.deps.tz, LIMIT)
    officers = await holders(ctx, Role.OFFICER) if found else ()
    for ticket in found:
        assert ticket.unread_since is not None
        since = ticket.unread_since.astimezone(ctx.deps.tz)
        ready = datetime.combine(add_working_days(since.date(), UNREAD_AFTER), since.time(),
                                 tzinfo=ctx.deps.tz)
        to = (ticket.assigned_to,) if ticket.assigned_to is not None else officers
        dues.append(Due(f"ticket:{ticket.id}:unread:{since:%Y%m%dT%H%M%S}", Kind.UNREAD, Hours.STAFF, ready, to,
                        (ticket.id,)))
    return dues


async def actions(ctx: Ctx, now: datetime) -> list[Due]:
    """Actions due soon, today or overdue: their owner's morning digest; overdue 2 working days, the LK's reviewer;
    5, its approver. The escalations are read only when not issued yet; an owner's actions only when their digest
    of today was not."""
    today, add_working_days = local_day(ctx, now), working_days(ctx)
    dues: list[Due] = []
    for days, kind, field, role in ((OVERDUE_REVIEWER, Kind.OVERDUE_REVIEWER, "overdue2", Role.REVIEWER),
                                    (OVERDUE_APPROVER, Kind.OVERDUE_APPROVER, "overdue5", Role.APPROVER)):
        found = await ctx.uow.due.overdue_unnoticed(field, latest_start(ctx, today, days), LIMIT)
        everyone = await holders(ctx, role) if found else ()
        for action in found:
            on = add_working_days(action.due_on, days)
            if on > today:
                continue
            named = action.checked_by if kind == Kind.OVERDUE_REVIEWER else action.approved_by
            to = (named,) if named is not None else everyone
            dues.append(Due(f"action:{action.id}:{field}:{action.due_on}", kind, Hours.STAFF, midnight(ctx, on), to,
                            (action.id,)))
    soon = add_working_days(today, SOON)
    counts = await ctx.uow.due.action_owner_counts(soon)
    keys = {owner: f"digest:owner:{owner}:{today}" for owner in await _reachable(ctx, set(counts))}
    issued = await ctx.uow.due.issued(keys.values())
    for owner, key in sorted(keys.items()):
        if key not in issued:
            mine = await ctx.uow.due.actions_of_owner(soon, owner, LIMIT)
            if mine:
                dues.append(Due(key, Kind.OWNER_DIGEST, Hours.DIGEST, midnight(ctx, today), (owner,),
                                tuple(a.id for a in mine)))
    return dues


async def lks(ctx: Ctx, now: datetime) -> list[Due]:
    """LKs waiting for their check, approval or effectiveness check over 2 working days — and drafts not submitted
    for as long (a first LK, or a further round's programme after "not effective", while its complainants wait): their
    officer."""
    add_working_days, dues = working_days(ctx), []
    waits = {LkStatus.DRAFT: (Kind.LK_DRAFT, ()),
             LkStatus.AWAITING_CHECK: (Kind.LK_WAITING, (Role.REVIEWER,)),
             LkStatus.AWAITING_APPROVAL: (Kind.LK_WAITING, (Role.APPROVER,)),
             LkStatus.AWAITING_VERIFICATION: (Kind.VERIFY_WAITING, (Role.MONITOR, Role.APPROVER))}
    people: dict[LkStatus, tuple[int, ...]] = {}
    for status, (_kind, roles) in waits.items():
        held: list[int] = []
        for role in roles:
            held += await holders(ctx, role)
        people[status] = tuple(dict.fromkeys(held))
    today = local_day(ctx, now)
    before = min(now - timedelta(days=2), midnight(ctx, latest_start(ctx, today, LK_WAIT, after=1)
                                                   + timedelta(days=1)))
    for lk in await ctx.uow.due.lks_unnoticed(list(waits), before, ctx.deps.tz, LIMIT):
        status = LkStatus(lk.status)
        since = local_day(ctx, lk.updated_at)
        on = add_working_days(since, LK_WAIT) + timedelta(days=1)
        to = people[status] if status != LkStatus.DRAFT else (lk.prepared_by,) if lk.prepared_by else ()
        dues.append(Due(f"lk:{lk.id}:{status.value}:{since}", waits[status][0], Hours.STAFF, midnight(ctx, on),
                        to, (lk.id,)))
    return dues


async def ratings(ctx: Ctx, now: datetime) -> list[Due]:
    """A response unrated for 5 working days: one reminder; for 10: the ticket closes and the complainant is told.
    Each read only for the answers it was not issued for."""
    add_working_days, dues, today = working_days(ctx), [], local_day(ctx, now)
    for days, kind, name in ((RATING_REMINDER, Kind.RATING_REMINDER, "rate-reminder"),
                             (AUTO_CLOSE, Kind.AUTO_CLOSE, "auto-close")):
        before = min(now - timedelta(days=RATING_REMINDER),
                     midnight(ctx, latest_start(ctx, today, days) + timedelta(days=1)))
        for ticket in await ctx.uow.due.unrated_unnoticed(name, before, ctx.deps.tz, LIMIT):
            if ticket.person_id is None or ticket.resolved_at is None:
                continue
            answered = local_day(ctx, ticket.resolved_at)
            on = add_working_days(answered, days)
            dues.append(Due(f"ticket:{ticket.id}:{name}:{answered}", kind, Hours.COMPLAINANT, midnight(ctx, on),
                            (ticket.person_id,), (ticket.id,)))
    return dues


async def group_digest(ctx: Ctx, now: datetime) -> list[Due]:
    """The staff group's morning summary, each working day (until it was issued: a pass derives only what is not)."""
    if ctx.deps.staff_chat_id is None:
        return []
    key = f"digest:group:{local_day(ctx, now)}"
    if await ctx.uow.due.issued([key]):
        return []
    return [Due(key, Kind.GROUP_DIGEST, Hours.DIGEST, midnight(ctx, local_day(ctx, now)))]


def first_working_day(ctx: Ctx, day: date) -> date:
    """The first working day of ``day``'s month (1 January is a holiday: the 2nd, or later)."""
    return ctx.deps.calendar.next_working_day(day.replace(day=1))


async def monthly_recap(ctx: Ctx, now: datetime) -> list[Due]:
    """The previous month's recap, to each approver and each monitor, from 08:00 on the month's first working day
    (one key per person and month: ``recap:2026-11:<person>``). Derived only until :data:`RECAP_CATCH_UP` working
    days later, so a bot that was down that morning still sends it, and someone given the role mid-month does not
    get an old recap."""
    if not ctx.deps.monthly_recap:
        return []
    today = local_day(ctx, now)
    first = first_working_day(ctx, today)
    if today < first or today > ctx.deps.calendar.add_working_days(first, RECAP_CATCH_UP):
        return []
    month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    people = dict.fromkeys(await holders(ctx, Role.APPROVER) + await holders(ctx, Role.MONITOR))
    keys = {person: f"recap:{month}:{person}" for person in people}
    issued = await ctx.uow.due.issued(keys.values())
    ready = datetime.combine(first, RECAP_AT, tzinfo=ctx.deps.tz)
    return [Due(key, Kind.MONTHLY_RECAP, Hours.STAFF, ready, (person,), facts={"month": month})
            for person, key in keys.items() if key not in issued]


PRODUCERS: list[Producer] = [tickets_late, unread, actions, lks, ratings, group_digest, recurrence_checks,
                             monthly_recap, data_requests]
"""Everything the engine asks what is due."""


async def gather(ctx: Ctx, now: datetime) -> list[Due]:
    dues: list[Due] = []
    for produce in PRODUCERS:
        dues += await produce(ctx, now)
    return dues

