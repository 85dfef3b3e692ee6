"""The data of the due-work morning (``bench.due_morning``): a database at 08:00 WIB on a working day when about
5,000 notices fall due at once, and who must get how many messages.

The morning after a surge (the registration week's tickets reach their standard time together). At Wednesday
25 November 2026, 08:00 WIB (``NOW``), the engine's first pass finds:

- complainants to tell that their report is taking longer than the standard time (the step's deadline was
  yesterday), except those who wrote a letter and never started the bot;
- responses unrated for 5 working days (a reminder) and for 10 (the auto-close; their reminder went then);
- tickets still not confirmed a working day after their deadline: every reviewer is told of each;
- complainants' messages unread since yesterday morning (their officer), and each officer's digest of late tickets;
- action owners' morning digests (overdue, due today, due within 3 working days); an action overdue 2 working days
  (the LK's reviewer) or 5 (its approver);
- LKs waiting 2 working days for their check (reviewers), approval (approvers) or effectiveness check (monitors and
  approvers).

Around them, what a bot that ran all along leaves: closed tickets with their rating, tickets late from earlier whose
complainants and reviewers were told then (their keys in ``due_notice``), fresh tickets, LKs and actions not due
yet. The rows are bulk-loaded into a schema built by Alembic (``bench.monitor.load_sqlite``), as ``bench.due`` does.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench.due import STAFF_ROLES
from bench.monitor import ACTION_COLUMNS, LK_COLUMNS, SERVICES, STAFF_ROLE_COLUMNS, Batch
from dialogs.calendar import WorkingCalendar
from handlers.calendar_loader import load_calendar

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # Wednesday 25 November 2026, 08:00 WIB
TODAY = NOW.astimezone(WIB).date()
STAFF_TELEGRAM = 500_000_000  # + person id: the staff's and action owners' chats
COMPLAINANT_TELEGRAM = 600_000_000  # + person id: the complainants' chats
PERSON_COLUMNS = ("id", "telegram_id", "name", "language", "created_at", "started_at")
TICKET_COLUMNS = ("id", "number", "kind", "channel", "person_id", "service_code", "description", "answers",
                  "anonymous", "status", "created_at", "updated_at", "confirmed_at", "resolved_at", "due_step",
                  "due_on", "assigned_to", "unread_since", "rating")
MORNING_LK_COLUMNS = (*LK_COLUMNS, "checked_by", "approved_by")
WAITING = {"awaiting_check": ("lk_waiting", ("reviewer",)), "awaiting_approval": ("lk_waiting", ("approver",)),
           "awaiting_verification": ("verify_waiting", ("monitor", "approver"))}


@dataclass(frozen=True)
class Morning:
    """How many of each thing the morning holds (see the module's docstring)."""

    late: int  # tickets whose step's deadline was yesterday
    letters: int  # of those, complainants who never started the bot (not told)
    escalations: int  # tickets still to confirm a working day after their deadline
    rating: int  # responses unrated for 5 working days
    auto_close: int  # responses unrated for 10 working days
    unread: int  # complainants' messages unread since yesterday morning
    owners: int  # action owners with actions overdue or due within 3 working days (2 each)
    overdue2: int  # actions overdue 2 working days
    overdue5: int  # actions overdue 5 working days
    waiting: int  # LKs waiting 2 working days, in each of the three statuses
    noticed: int  # tickets late from before, told then
    closed: int  # closed tickets with their rating


MORNINGS = {
    "tiny": Morning(late=60, letters=6, escalations=3, rating=10, auto_close=5, unread=3, owners=6, overdue2=2,
                    overdue5=1, waiting=1, noticed=20, closed=200),
    "full": Morning(late=3_800, letters=200, escalations=60, rating=600, auto_close=300, unread=50, owners=300,
                    overdue2=40, overdue5=20, waiting=5, noticed=1_000, closed=20_000),
}


@dataclass
class MorningData:
    """The rows to load, and what the morning must send: messages per chat, notices per kind, the users to add to
    the emulator (chat id, name, language)."""

    batches: list[Batch] = field(default_factory=list)
    messages: Counter[int] = field(default_factory=Counter)
    notices: Counter[str] = field(default_factory=Counter)
    users: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def total_messages(self) -> int:
        return sum(self.messages.values())

    @property
    def total_notices(self) -> int:
        return sum(self.notices.values())


def calendar() -> WorkingCalendar:
    """The bot's calendar (national days off from the ``holidays`` package), as it builds it."""
    return load_calendar(today=TODAY)


def due_from(cal: WorkingCalendar, days: int, after: int = 0) -> date:
    """The latest working day ``d`` whose notice counted ``days`` working days (and ``after`` days) on is due today."""
    day = TODAY - timedelta(days=1)
    while not (cal.is_working_day(day) and cal.add_working_days(day, days) + timedelta(days=after) == TODAY):
        day -= timedelta(days=1)
        if day < TODAY - timedelta(days=60):
            raise ValueError(f"no day {days} working days (+{after}) before {TODAY}")
    return day


def at_wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB).astimezone(UTC)


class _Builder:
    """Rows of each table, numbered as they are added, and the messages and notices they make due."""

    def __init__(self, cal: WorkingCalendar) -> None:
        self.cal, self.rng, self.data = cal, random.Random(25), MorningData()
        self.persons: list[tuple[Any, ...]] = []
        self.roles: list[tuple[Any, ...]] = []
        self.tickets: list[tuple[Any, ...]] = []
        self.lks: list[tuple[Any, ...]] = []
        self.actions: list[tuple[Any, ...]] = []
        self.history: list[tuple[Any, ...]] = []
        self.staff: dict[str, list[int]] = {}

    def person(self, name: str, base: int | None, since: datetime) -> int:
        pid = len(self.persons) + 1
        telegram = base + pid if base is not None else None
        language = "en" if pid % 5 == 0 else "id"
        self.persons.append((pid, telegram, name, language, since, since if telegram else None))
        if telegram is not None:
            self.data.users.append((telegram, name, language))
        return pid

    def chat(self, pid: int) -> int:
        telegram = self.persons[pid - 1][1]
        assert telegram is not None
        return int(telegram)

    def tell(self, kind: str, people: list[int] | tuple[int, ...]) -> None:
        """One notice of ``kind`` due this morning, a message to each of ``people``."""
        self.data.notices[kind] += 1
        for pid in dict.fromkeys(people):
            self.data.messages[self.chat(pid)] += 1

    def told(self, key: str, kind: str, day: date) -> None:
        """A notice issued on ``day`` by the engine running all along."""
        self.history.append((key, kind, None, at_wib(day, 8, 1)))

    def ticket(self, status: str, person: int, created: datetime, **extra: Any) -> int:
        tid = len(self.tickets) + 1
        values = {"confirmed_at": None, "resolved_at": None, "due_step": None, "due_on": None, "assigned_to": None,
                  "unread_since": None, "rating": None, **extra}
        service = SERVICES[tid % len(SERVICES)]
        self.tickets.append((tid, f"KEL-2026-{tid:05d}", "complaint", "telegram", person, service,
                             f"Keluhan {tid}: layanan {service} terlambat", "{}", False, status, created,
                             values["resolved_at"] or values["confirmed_at"] or created, *values.values()))
        return tid

    def lk(self, status: str, updated: datetime, n: int) -> int:
        """An LK prepared, checked and approved by the staff in turn (``n`` picks who)."""
        lid = len(self.lks) + 1
        officers, reviewers, approvers = self.staff["officer"], self.staff["reviewer"], self.staff["approver"]
        self.lks.append((lid, f"LK-2026-{lid:03d}", "nonconformity", SERVICES[lid % len(SERVICES)], "SOP PM-BAPKM",
                         f"Ketidaksesuaian {lid}", "Akar masalah", status, 1, officers[n % len(officers)],
                         updated - timedelta(days=30), updated, updated if status == "closed" else None,
                         reviewers[n % len(reviewers)], approvers[n % len(approvers)]))
        return lid

    def action(self, lk: int, owner: int, due: date, *, done: bool = False) -> int:
        aid = len(self.actions) + 1
        self.actions.append((aid, lk, ("correction", "corrective", "preventive")[aid % 3], f"Tindakan {aid}", owner,
                             due, 1, "done" if done else "open", NOW - timedelta(days=1) if done else None,
                             at_wib(due - timedelta(days=30), 9)))
        return aid


def morning_data(morning: Morning, cal: WorkingCalendar | None = None) -> MorningData:
    """The rows of ``morning`` and what its first pass must send (see the module's docstring)."""
    b = _Builder(cal or calendar())
    _staff(b)
    _tickets(b, morning)
    _programmes(b, morning)
    number_counter = [("KEL", 2026, len(b.tickets)), ("LK", 2026, len(b.lks))]
    b.data.batches = [("person", PERSON_COLUMNS, b.persons), ("staff_role", STAFF_ROLE_COLUMNS, b.roles),
                      ("ticket", TICKET_COLUMNS, b.tickets), ("lk", MORNING_LK_COLUMNS, b.lks),
                      ("lk_action", ACTION_COLUMNS, b.actions),
                      ("due_notice", ("key", "kind", "chat_id", "issued_at"), b.history),
                      ("number_counter", ("series", "year", "last_value"), number_counter)]
    return b.data


def _staff(b: _Builder) -> None:
    for role, count in STAFF_ROLES.items():
        b.staff[role] = [b.person(f"Staf {role} {n + 1}", STAFF_TELEGRAM, NOW - timedelta(days=400))
                         for n in range(count)]
        b.roles += [(pid, role, NOW - timedelta(days=400)) for pid in b.staff[role]]


def _tickets(b: _Builder, m: Morning) -> None:
    cal, rng, officers, reviewers = b.cal, b.rng, b.staff["officer"], b.staff["reviewer"]
    yesterday, escalated = cal.add_working_days(TODAY, -1), due_from(cal, 1, after=1)

    def complainant(reachable: bool = True) -> int:
        return b.person("Mahasiswa", COMPLAINANT_TELEGRAM if reachable else None, NOW - timedelta(days=30))

    # history first: closed tickets (a pool of complainants, half of them in the bot), then those late from before
    pool = [complainant(n % 2 == 0) for n in range(max(1, m.closed // 4))]
    for n in range(m.closed):
        created = at_wib(date(2026, 1, 5), 9) + timedelta(minutes=(300 * 24 * 60) * n // max(1, m.closed))
        b.ticket("closed", rng.choice(pool), created, confirmed_at=created + timedelta(days=1),
                 resolved_at=created + timedelta(days=10), rating=rng.randint(1, 5))
    for n in range(m.noticed):
        due_on, reachable = cal.add_working_days(TODAY, -rng.randint(3, 20)), n % 10 != 0
        confirm = n % 3 == 0
        tid = b.ticket("received" if confirm else "in_followup", complainant(reachable),
                       at_wib(due_on - timedelta(days=14), 10), due_step="confirm" if confirm else "respond",
                       due_on=due_on, assigned_to=None if confirm else officers[n % len(officers)],
                       confirmed_at=None if confirm else at_wib(due_on - timedelta(days=12), 10))
        if reachable:
            b.told(f"ticket:{tid}:late:{'confirm' if confirm else 'respond'}:{due_on}", "complainant_late",
                   due_on + timedelta(days=1))
        if confirm:
            b.told(f"ticket:{tid}:confirm-escalation:{due_on}", "confirm_escalation", TODAY - timedelta(days=1))
    # this morning's: late since yesterday, escalated, unread, to rate, to close
    letters = set(rng.sample(range(m.late), m.letters))
    for n in range(m.late):
        confirm, reachable = n % 3 == 0, n not in letters
        person = complainant(reachable)
        b.ticket("received" if confirm else "in_followup", person, at_wib(yesterday - timedelta(days=14), 9),
                 due_step="confirm" if confirm else "respond", due_on=yesterday,
                 assigned_to=None if confirm else officers[n % len(officers)],
                 confirmed_at=None if confirm else at_wib(yesterday - timedelta(days=12), 9))
        if reachable:
            b.tell("complainant_late", [person])
    for _n in range(m.escalations):
        tid = b.ticket("received", complainant(), at_wib(escalated - timedelta(days=14), 9), due_step="confirm",
                       due_on=escalated)
        b.told(f"ticket:{tid}:late:confirm:{escalated}", "complainant_late", escalated + timedelta(days=1))
        b.tell("confirm_escalation", reviewers)
    for n in range(m.unread):
        officer = officers[n % len(officers)]
        b.ticket("in_followup", complainant(), at_wib(yesterday - timedelta(days=7), 9),
                 confirmed_at=at_wib(yesterday - timedelta(days=6), 9), due_step="respond",
                 due_on=cal.add_working_days(TODAY, 5), assigned_to=officer, unread_since=at_wib(yesterday, 7, 30))
        b.tell("unread", [officer])
    for days, count, kind in ((5, m.rating, "rating_reminder"), (10, m.auto_close, "auto_close")):
        answered = due_from(cal, days)
        for _n in range(count):
            person = complainant()
            tid = b.ticket("resolved", person, at_wib(answered - timedelta(days=20), 9),
                           confirmed_at=at_wib(answered - timedelta(days=19), 9), resolved_at=at_wib(answered, 10))
            if kind == "auto_close":
                b.told(f"ticket:{tid}:rate-reminder:{answered}", "rating_reminder", cal.add_working_days(answered, 5))
            b.tell(kind, [person])
    for n in range(max(1, m.closed // 20)):  # filed yesterday and today, not due yet
        b.ticket("received", complainant(), NOW - timedelta(hours=n % 30), due_step="confirm",
                 due_on=cal.add_working_days(TODAY, 3))
    for officer in officers:  # late tickets unassigned (still to confirm): every officer's digest
        b.tell("officer_digest", [officer])


def _programmes(b: _Builder, m: Morning) -> None:
    """LKs in progress with their owners' actions, LKs waiting, closed LKs."""
    cal, rng = b.cal, b.rng
    owners = [b.person(f"Pemilik tindakan {n + 1}", STAFF_TELEGRAM, NOW - timedelta(days=200))
              for n in range(m.owners)]
    running = [b.lk("in_progress", NOW - timedelta(days=20), n) for n in range(max(1, m.owners * 2 // 3))]
    soon = [cal.add_working_days(TODAY, -1), TODAY, *(cal.add_working_days(TODAY, d) for d in (1, 2, 3))]
    for n, owner in enumerate(owners):
        for k in range(2):
            b.action(running[(2 * n + k) % len(running)], owner, rng.choice(soon))
        b.action(running[n % len(running)], owner, cal.add_working_days(TODAY, 20))  # not due yet
        b.action(running[n % len(running)], owner, cal.add_working_days(TODAY, -30), done=True)
        b.tell("owner_digest", [owner])
    by_lk = {row[0]: row for row in b.lks}
    for days, count, kind, named in ((2, m.overdue2, "overdue_reviewer", -2), (5, m.overdue5, "overdue_approver", -1)):
        due = due_from(cal, days)
        for n in range(count):
            lk = running[n % len(running)]
            aid = b.action(lk, owners[n % len(owners)], due)
            if days == 5:
                b.told(f"action:{aid}:overdue2:{due}", "overdue_reviewer", cal.add_working_days(due, 2))
            b.tell(kind, [by_lk[lk][named]])
    waited = due_from(cal, 2, after=1)
    for status, (kind, roles) in WAITING.items():
        people = [pid for role in roles for pid in b.staff[role]]
        for n in range(m.waiting):
            b.lk(status, at_wib(waited, 10), n)
            b.tell(kind, people)
            b.lk(status, at_wib(TODAY - timedelta(days=1), 10), n)  # waiting since yesterday: not due yet
            before = cal.add_working_days(TODAY, -8)
            lid = b.lk(status, at_wib(before, 10), n)  # waiting long: told then
            b.told(f"lk:{lid}:{status}:{before}", kind, cal.add_working_days(before, 2) + timedelta(days=1))
    for n in range(max(1, m.closed // 200)):
        b.lk("closed", NOW - timedelta(days=40 + n), n)


def batches(data: MorningData) -> Iterator[Batch]:
    yield from data.batches
