"""One pass of the due-work engine, a dry run of it, and the forecast of the next days.

A pass gathers what is due (:mod:`handlers.due.gather`), keeps what may go now (its moment has come and we are in
its hours), leaves out the keys already issued, and issues the rest in small transactions: the key in
``due_notice`` and the messages in the outbox (as bulk) commit together. A notice whose message finds nothing to
say any more (the action was done meanwhile) is not recorded, so it is simply not sent.

The gather reads only what was not noticed yet, so a steady pass costs what is new, not what is stale (and a
window over stale items can never hide a new one):

- a one-shot notice about one item (a complainant told their ticket is late, the confirm escalation, the overdue
  escalations, an LK waiting, an unread message, the rating reminder, the auto-close) is read with
  ``NOT EXISTS (SELECT 1 FROM due_notice n WHERE n.key = <its key built in SQL>)``, only for items whose notice is
  ready by then (the working-day threshold as a date bound) and, for a complainant's, only if the bot can reach
  them; newest first with a limit. Dates are formatted in SQL as Python's ``str(date)`` (SQLite keeps that text,
  PostgreSQL ``to_char``) and local days and moments with the zone's rules (PostgreSQL) or its offset (SQLite).
  Key-building in SQL is only a filter: the keys derived are checked against ``due_notice`` here again;
- a late ticket's two notices (the complainant's, the confirm escalation) are read, besides, only while its
  watermark is not its current deadline: after issuing, a pass sets the watermarks from ``due_notice``
  (``settle``: the notice of this deadline was issued, or there is none to send — a complainant without Telegram,
  a step with no escalation), and partial indexes hold only the unsettled tickets (their predicates are columns
  the database computes, so PostgreSQL has statistics showing how few they are). Every active ticket past its
  deadline was otherwise a candidate of each pass (~60,000 at a million tickets, docs/benchmarks.md §8). A
  watermark names the deadline (step and day) it was set for, so a moved deadline is read again without anything
  having to clear it, and a watermark missing (tickets from before it existed) is set by the next pass. The keys
  stay the source of truth: a watermark only spares the read;
- a daily digest (an officer's, an owner's, the group's) is one key per person per day: the people who may get one
  are found first (an officer's: everyone tickets are assigned to — a walk of an index, one step per person — and
  every officer while a late ticket is assigned to nobody; an owner's: counted in SQL), today's keys looked up (a
  handful), and only those without one read their items; an officer's digest counts its tickets when it goes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from dialogs.hours import Window
from handlers.context import Deps
from handlers.due import Due, Hours, Kind
from handlers.due.gather import gather, local_day
from handlers.due.messages import SENDERS
from handlers.errors import is_database_error
from handlers.outbound import write_outbound
from handlers.privacy import retention
from handlers.procedure import SYSTEM, Ctx
from handlers.procedure.deadlines import keep
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
CHUNK = 20
"""Notices issued per transaction: short transactions leave the database to people's updates (a chunk of 100 took
0.7–1 s on SQLite, and a student's every step waited for one or two; docs/benchmarks.md, "Due-work morning")."""
BACKFILL = 500
"""Tickets given a deadline per pass (those filed before deadlines were kept)."""
DIGEST_START = time(7, 30)


@dataclass(frozen=True)
class Report:
    """What a pass did: notices issued, messages queued, tickets given a deadline."""

    issued: int = 0
    messages: int = 0
    backfilled: int = 0


def ctx_for(uow: UnitOfWork, deps: Deps) -> Ctx:
    translator = deps.translator
    return Ctx(uow, deps, SYSTEM, translator.gettext(translator.default), translator.default)


def window(deps: Deps, hours: Hours) -> Window:
    if hours == Hours.COMPLAINANT:
        return deps.complainant_hours
    if hours == Hours.DIGEST:
        return Window(DIGEST_START, deps.office_hours.end, working_days_only=True)
    return deps.office_hours


def goes_at(deps: Deps, due: Due, after: datetime) -> datetime:
    """The first moment the notice may go at or after ``after``: its moment has come, and we are in its hours."""
    return window(deps, due.hours).next_opening(max(due.ready, after), deps.tz, deps.calendar)


def may_go(deps: Deps, due: Due, now: datetime) -> bool:
    return goes_at(deps, due, due.ready) <= now and window(deps, due.hours).contains(now, deps.tz, deps.calendar)


def _without_doubles(dues: Sequence[Due]) -> list[Due]:
    """One notice per key; a rating reminder is left out when the auto-close of the same answer goes too."""
    closing = {d.key.replace(":auto-close:", ":rate-reminder:") for d in dues if d.kind == Kind.AUTO_CLOSE}
    return list({d.key: d for d in dues if d.key not in closing}.values())


async def backfill(make_uow: Callable[[], UnitOfWork], deps: Deps) -> int:
    """Give a deadline to active tickets that have none yet (filed before deadlines were kept)."""
    async with make_uow() as uow:
        ctx = ctx_for(uow, deps)
        tickets = await uow.due.without_deadline(BACKFILL)
        for ticket in tickets:
            since = ticket.confirmed_at or ticket.updated_at
            await keep(ctx, ticket, ticket.status, since=since)
        await uow.commit()
    return len(tickets)


async def _retain(make_uow: Callable[[], UnitOfWork], deps: Deps, now: datetime) -> None:
    """Retention's batch of this pass (``handlers.privacy.retention``); a failure of its own is logged and the pass
    goes on (the next pass tries again: nothing was committed)."""
    try:
        await retention.run(make_uow, deps, now)
    except Exception as exc:
        if is_database_error(exc):
            raise
        log.exception("retention pass failed; the notices go on")


async def due_now(uow: UnitOfWork, deps: Deps, now: datetime) -> list[Due]:
    """What would go out at ``now``: due, in its hours, not issued yet, to someone the bot can write to (read in
    the open ``uow``; nothing is written). A notice to nobody reachable (a complainant who wrote a letter and never
    started the bot) would find nothing to send and be forgotten: it is left out here instead, every pass."""
    # thousands of notices share a few (hours, ready) pairs: each pair's answer is worked out once
    goes: dict[tuple[Hours, datetime], bool] = {}
    dues = await gather(ctx_for(uow, deps), now)
    for due in dues:
        if (due.hours, due.ready) not in goes:
            goes[due.hours, due.ready] = may_go(deps, due, now)
    ready = _without_doubles([d for d in dues if goes[d.hours, d.ready]])
    issued = await uow.due.issued(d.key for d in ready)
    todo = [d for d in ready if d.key not in issued]
    reachable = await uow.persons.with_telegram(pid for d in todo for pid in d.to)
    return [d for d in todo if d.kind == Kind.GROUP_DIGEST or any(pid in reachable for pid in d.to)]


async def run_once(make_uow: Callable[[], UnitOfWork], deps: Deps, now: datetime | None = None) -> Report:
    """One pass at ``now`` (default: the clock): issue everything due, each key once, then settle the watermarks
    of what was issued (a pass cut short before settling leaves them to the next: the keys are what counts)."""
    now = now or deps.clock()
    backfilled = await backfill(make_uow, deps)
    await _retain(make_uow, deps, now)
    async with make_uow() as uow:
        todo = await due_now(uow, deps, now)
    issued = messages = 0
    # The staff's first: a reviewer gets each escalation and each waiting LK, and a chat takes at most a message a
    # second, so their queues must start first to end with the complainants' (one each), not long after them.
    todo.sort(key=lambda due: due.hours == Hours.COMPLAINANT)
    for batch in _chunks(todo, CHUNK):
        try:
            done = await _issue(make_uow, deps, batch, now)
        except Exception as exc:
            if is_database_error(exc):
                raise  # the database is away: the whole pass is tried again later
            done = (0, 0)  # one notice failed: the others of the chunk go one by one, that one is left out
            for due in batch:
                try:
                    one = await _issue(make_uow, deps, [due], now)
                except Exception as exc:
                    if is_database_error(exc):
                        raise
                    log.exception("due notice %s could not be issued; the others go on", due.key)
                    continue
                done = (done[0] + one[0], done[1] + one[1])
        issued, messages = issued + done[0], messages + done[1]
        # Give way between transactions: with one SQLite connection per process, the next chunk would take the
        # connection straight back (a pool's queue serves whoever asks while it is free) and people's updates and
        # the sender would wait for the whole pass (docs/benchmarks.md, "Due-work morning").
        await asyncio.sleep(0)
    async with make_uow() as uow:
        # what is issued (or has nobody to tell) is not read again for the same deadline: the watermarks follow
        await uow.due.settle(local_day(ctx_for(uow, deps), now))
        await uow.due.record_pass(now, issued, messages)
        await uow.commit()
    return Report(issued, messages, backfilled)


async def _issue(make_uow: Callable[[], UnitOfWork], deps: Deps, batch: Sequence[Due], now: datetime
                 ) -> tuple[int, int]:
    """Issue ``batch`` in one transaction: each key recorded with its messages; (notices issued, messages)."""
    issued = messages = 0
    async with make_uow() as uow:
        ctx = ctx_for(uow, deps)
        for due in batch:
            if not await uow.due.issue(due.key, due.kind, None, now):
                continue  # issued meanwhile by the process that held the lease before us
            sent = await SENDERS[due.kind](ctx, due)
            if sent:
                issued, messages = issued + 1, messages + sent
            else:
                await uow.due.forget(due.key)  # its reason vanished: nothing to say, nothing recorded
        await write_outbound(uow, ctx.out, now)
        await uow.commit()
    return issued, messages


async def forecast(uow: UnitOfWork, deps: Deps, days: int = 7) -> list[tuple[datetime, Due]]:
    """What is expected to go out in the next ``days`` if nothing changes meanwhile, with when; each key once
    (read in the open ``uow``)."""
    now = deps.clock()
    seen: dict[str, tuple[datetime, Due]] = {}
    ctx = ctx_for(uow, deps)
    for offset in range(days + 1):
        day = local_day(ctx, now) + timedelta(days=offset)
        moment = datetime.combine(day, time(23, 59), tzinfo=deps.tz)
        for due in await gather(ctx, moment):
            at = goes_at(deps, due, now)
            # what is derived on a day goes that day; a day's digest on a weekend is never sent (Monday has its own)
            if due.key not in seen and local_day(ctx, at) == day:
                seen[due.key] = (at, due)
    issued = await uow.due.issued(seen)
    horizon = now + timedelta(days=days)
    return sorted(((at, due) for key, (at, due) in seen.items() if key not in issued and at <= horizon),
                  key=lambda item: (item[0], item[1].key))


def _chunks(items: list[Due], size: int) -> Iterator[list[Due]]:
    for start in range(0, len(items), size):
        yield items[start: start + size]
