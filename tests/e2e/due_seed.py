"""Due work for the fault tests (issue 12 §4): a seed that keeps the due-work engine busy while a bot is killed or
shares its database, and the moments the bot's clock (``CLOCK_START``) is put on across restarts.

The seed, written before the bot starts: 20 LKs in progress, each checked by one of 4 reviewers and approved by one
of 4 approvers, with 10 actions each (200 in all, of 20 owners) due from 8 working days before the first moment to
12 after it — so owners get a digest each working morning, and reviewers (2 working days overdue) and approvers
(5) get escalations as the clock moves on — and 20 responses of 10 complainants, unrated since 1 to 12 working days
before it: rating reminders (5 working days) and auto-closes (10). Everyone is in the emulator and has started the
bot, in English.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from bot.bootstrap import App, build, migrate
from bot.emulator import BotApiEmulator
from bot.settings import Settings
from dialogs.calendar import WorkingCalendar
from handlers.context import Deps
from handlers.due.engine import due_now
from storage.records import NewAction, NewLk, NewTicket
from storage.uow import UnitOfWork

WIB = ZoneInfo("Asia/Jakarta")
FIRST_MOMENT = datetime(2026, 12, 21, 7, 40, tzinfo=WIB)
"""Monday: the morning digests (from 07:30) and complainants' notices (from 07:00) may go, staff ones (08:00) wait."""
MOMENT_STEP = timedelta(hours=6)
"""Bot time between two restarts: 07:40, 13:40, 19:40, then the next working day's 07:40."""
DAY_STARTS, DAY_ENDS = time(7, 40), time(20, 0)
OWNERS = tuple(range(9400, 9420))
REVIEWERS = tuple(range(9430, 9434))
APPROVERS = tuple(range(9440, 9444))
PREPARER = 9450  # prepared the LKs (an officer who left: no role any more)
COMPLAINANTS = tuple(range(9460, 9470))
LKS, ACTIONS_PER_LK = 20, 10
DUE_FROM, DUE_SPREAD = -8, 21  # actions due from 8 working days before the first moment, over 21 working days
RESOLVED = 20  # responses unrated since 1 … 12 working days before the first moment
PEOPLE = OWNERS + REVIEWERS + APPROVERS + (PREPARER,) + COMPLAINANTS


@dataclass(frozen=True)
class Seeded:
    """What the seed made: its people's chats (to count what reached them) and its tickets' numbers (the load's
    books count only the tickets the load filed)."""

    chats: tuple[int, ...]
    tickets: frozenset[str]


@contextlib.asynccontextmanager
async def database_view(settings: Settings) -> AsyncIterator[App]:
    """The test's own view of the bot's database, migrated, with the bot's services (calendar, hours): to seed it
    and to derive what is due as the bot would."""
    app = build(settings)
    try:
        await migrate(app)
        yield app
    finally:
        await app.close()


def at_wib(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=WIB)


async def people(make_uow: Callable[[], UnitOfWork], emulator: BotApiEmulator, telegram_ids: tuple[int, ...],
                 at: datetime) -> dict[int, int]:
    """The people behind ``telegram_ids``, started, in English; reviewers and approvers with their role. Returns
    person ids by Telegram id."""
    found: dict[int, int] = {}
    async with make_uow() as uow:
        for telegram_id in telegram_ids:
            emulator.add_user(telegram_id, f"Staff {telegram_id}", language_code="en")
            person = await uow.persons.ensure_telegram(telegram_id, f"Staff {telegram_id}", "en")
            found[telegram_id] = person.id
            role = "reviewer" if telegram_id in REVIEWERS else "approver" if telegram_id in APPROVERS else None
            if role is not None:
                await uow.staff.grant(person.id, role, by=None, at=at)
        await uow.commit()
    return found


async def add_lk(uow: UnitOfWork, ids: dict[int, int], number: int, dues: list[tuple[int, date]],
                 created: datetime) -> None:
    """An LK in progress, prepared, checked and approved (its reviewer and approver by ``number``), with actions
    ``dues`` (owner's Telegram id, due date)."""
    lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP-AK-01", f"Late transcripts, batch {number}",
                                 "No deputy signs when the head is away", ids[PREPARER], created,
                                 status="in_progress"))
    await uow.lks.update(lk.id, checked_by=ids[REVIEWERS[number % len(REVIEWERS)]],
                         approved_by=ids[APPROVERS[number % len(APPROVERS)]])
    for owner, due in dues:
        await uow.lks.add_action(NewAction(lk.id, "preventive", f"Appoint a deputy signer ({number})", ids[owner],
                                           due, 1, created))


async def add_response(uow: UnitOfWork, person_id: int, resolved: datetime) -> str:
    """A complaint answered at ``resolved`` and not rated since; returns its number."""
    ticket = await uow.tickets.add(NewTicket("complaint", "telegram", person_id, "transcript", None,
                                             "My transcript has not been issued.", None, {}, (), False, "resolved",
                                             resolved - timedelta(days=3)))
    await uow.tickets.update(ticket.id, resolved_at=resolved, response="Your transcript is issued now.")
    return ticket.number


async def seed_due_work(make_uow: Callable[[], UnitOfWork], deps: Deps, emulator: BotApiEmulator,
                        first: datetime = FIRST_MOMENT) -> Seeded:
    """The seed described above, relative to the bot's first moment ``first``."""
    calendar, day = deps.calendar, first.astimezone(WIB).date()
    created = first - timedelta(days=40)
    ids = await people(make_uow, emulator, PEOPLE, created)
    for number in range(LKS):
        dues = [(OWNERS[n % len(OWNERS)], calendar.add_working_days(day, DUE_FROM + n % DUE_SPREAD))
                for n in range(number * ACTIONS_PER_LK, (number + 1) * ACTIONS_PER_LK)]
        async with make_uow() as uow:
            await add_lk(uow, ids, number, dues, created)
            await uow.commit()
    numbers = set()
    async with make_uow() as uow:
        for n in range(RESOLVED):
            answered = calendar.add_working_days(day, -(1 + n % 12))
            numbers.add(await add_response(uow, ids[COMPLAINANTS[n % len(COMPLAINANTS)]], at_wib(answered, time(10))))
        await uow.commit()
    return Seeded(PEOPLE, frozenset(numbers))


def next_moment(calendar: WorkingCalendar, previous: datetime, reached: datetime, ran_a_pass: bool) -> datetime:
    """Where the next process's clock starts. ``previous``: where the last one's started; ``reached``: where it was
    when it died. Six hours on (within a working day's 07:40–20:00, else the next working day's 07:40) once the last
    process finished a pass there; otherwise a minute after it died, so that what was due then (a day's digest) is
    still due and no notice becomes "no longer due" only because every process was killed too soon. Never back."""
    if not ran_a_pass:
        return reached + timedelta(minutes=1)
    later = (previous + MOMENT_STEP).astimezone(WIB)
    if calendar.is_working_day(later.date()) and DAY_STARTS <= later.time() <= DAY_ENDS:
        return max(later, reached + timedelta(minutes=1))
    return at_wib(calendar.add_working_days(later.date(), 1) if later.time() > DAY_ENDS
                  else calendar.next_working_day(later.date()), DAY_STARTS)


async def due_keys(make_uow: Callable[[], UnitOfWork], deps: Deps, at: datetime) -> set[str]:
    """The keys of the notices due at ``at`` and not issued yet, as the engine derives them (nothing is written)."""
    async with make_uow() as uow:
        return {due.key for due in await due_now(uow, deps, at)}


class BotTime:
    """The bot's clock across restarts of its process: where each start's ``CLOCK_START`` is, and the notices due at
    each, derived by the test while no process runs (so exactly what the next process's first pass should issue,
    its reason not touched by anyone meanwhile). Their union is what must have been issued by the end."""

    def __init__(self, make_uow: Callable[[], UnitOfWork], deps: Deps, first: datetime = FIRST_MOMENT) -> None:
        self.make_uow, self.deps = make_uow, deps
        self.moments = [first]
        self.due: set[str] = set()
        self.retried = 0  # moments only a minute on: the process before died before a pass finished
        self._since = 0.0

    @property
    def now(self) -> datetime:
        return self.moments[-1]

    def reached(self) -> datetime:
        """At most where the running process's clock is now (its clock started after we noted the time)."""
        return self.now + timedelta(seconds=monotonic() - self._since)

    async def start(self, env: dict[str, str]) -> None:
        """Before a process starts: what is due at its moment, and its ``CLOCK_START``."""
        self.due |= await due_keys(self.make_uow, self.deps, self.now)
        env["CLOCK_START"] = self.now.isoformat()
        self._since = monotonic()

    async def move_on(self) -> None:
        """After the process died: the next start's moment (see :func:`next_moment`)."""
        async with self.make_uow() as uow:
            last = await uow.due.last_pass()
        ran = last is not None and last.at >= self.now
        self.retried += not ran
        self.moments.append(next_moment(self.deps.calendar, self.now, self.reached(), ran))

    async def finish(self) -> None:
        """After the last process stopped: anything due at its last moment and not issued is missing."""
        self.due |= await due_keys(self.make_uow, self.deps, self.reached())

    def span(self) -> str:
        first, last = (m.astimezone(WIB) for m in (self.moments[0], self.moments[-1]))
        return (f"bot time {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} WIB over {len(self.moments)} starts "
                f"({self.retried} a minute on: the process before died before a pass finished)")
