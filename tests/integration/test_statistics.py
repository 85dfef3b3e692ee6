"""/stats' figures (issue 14 §5): a known set of rows is inserted, and every figure the SQL aggregates give equals
the count computed here, in plain Python over the inserted rows — on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import DEFAULT_STANDARD_TIMES, Catalogue, standard_times
from dialogs.stats_query import StatsQuery
from domain.vocabulary import ACTIVE, Channel
from handlers.context import Deps
from handlers.i18n import Translator
from handlers.stats import read_figures
from reports.stats_model import AGEING_BUCKETS, OUTCOMES, StatsFigures
from storage.models import (
    LkActionRow,
    LkRow,
    LkTicketRow,
    PersonRow,
    RecurrenceCheckRow,
    TicketCaseRow,
    TicketRow,
)
from storage.uow import SqlUnitOfWork

WIB = timedelta(hours=7)
FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)
NOW = datetime(2026, 7, 15, 3, 0, tzinfo=UTC)  # 15 July 2026, 10:00 WIB
TODAY = date(2026, 7, 15)
HOLIDAYS = frozenset({date(2026, 1, 1), date(2026, 3, 19), date(2026, 3, 20), date(2026, 5, 1), date(2026, 6, 1)})
SERVICES = ("transcript", "legalisation", "tuition")  # tuition confirms within 5 working days, the others 3
STATUSES = ("received", "confirming", "conforming", "rejected", "duplicate", "in_followup", "resolved", "closed",
            "reopened", "withdrawn")


def wib_day(moment: datetime) -> date:
    return (moment + WIB).date()


def make_rows(seed: int = 14) -> dict[str, list[dict[str, Any]]]:
    """Tickets over 2025-01 … 2026-07 of three services, every status, kind, channel and rating; LKs with linked
    tickets and a "me too" case; actions done early, late and open; recurrence checks."""
    rnd = random.Random(seed)
    persons = [{"id": i, "name": f"Person {i}", "created_at": NOW} for i in range(1, 6)]
    tickets: list[dict[str, Any]] = []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(1, 401):
        created = start + timedelta(minutes=rnd.randrange(0, 570 * 24 * 60))
        if i == 1:
            created = datetime(2025, 12, 31, 17, 30, tzinfo=UTC)  # 1 January 2026 00:30 WIB: in the period
        if i == 2:
            created = datetime(2026, 6, 30, 18, 0, tzinfo=UTC)  # 1 July 2026 01:00 WIB: after it
        if created > NOW:
            created = NOW - timedelta(days=1)
        status = rnd.choice(STATUSES)
        kind = "suggestion" if rnd.random() < 0.25 else "complaint"
        confirmed = resolved = None
        if status not in ("received", "confirming", "withdrawn") or rnd.random() < 0.2:
            confirmed = created + timedelta(hours=rnd.randrange(1, 24 * 12))
        if status in ("resolved", "closed") and rnd.random() < 0.7:
            resolved = (confirmed or created) + timedelta(hours=rnd.randrange(1, 24 * 40))
        rating = rnd.choice((None, 1, 2, 3, 4, 5, 5, 4)) if status in ("conforming", "resolved", "closed") else None
        tickets.append({
            "id": i, "number": f"T-{i:05d}", "kind": kind, "channel": rnd.choice(list(Channel)).value,
            "person_id": rnd.choice((None, 1, 2, 3)), "service_code": rnd.choice(SERVICES), "description": "x",
            "answers": {}, "anonymous": rnd.random() < 0.2, "status": status, "created_at": created,
            "updated_at": created + timedelta(hours=rnd.randrange(1, 24 * 60)), "confirmed_at": confirmed,
            "resolved_at": resolved, "rating": rating})
    cases = [{"id": 1, "service_code": tickets[10]["service_code"], "lead_ticket_id": 11, "created_at": NOW}]
    for t in tickets[10:15]:  # a "me too" case of five
        t["case_id"] = 1
        t["service_code"] = cases[0]["service_code"]
    lks: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for j in range(1, 13):
        created = datetime(2025, 11, 1, tzinfo=UTC) + timedelta(days=rnd.randrange(0, 260))
        if j == 1:
            created = datetime(2026, 2, 2, tzinfo=UTC)  # the case's LK: in the period
        closed = created + timedelta(days=rnd.randrange(5, 90)) if rnd.random() < 0.6 else None
        lks.append({
            "id": j, "number": f"LK-2026-{j:03d}", "kind": "nonconformity" if j != 12 else "improvement",
            "service_code": SERVICES[j % 3], "procedure_ref": "SOP", "description": "d",
            "root_cause": f"Cause number {j} " + "because " * (j % 4) * 10, "status": "closed" if closed else "draft",
            "prepared_by": 1, "created_at": created, "updated_at": created, "closed_at": closed,
            "effective": (rnd.random() < 0.7) if closed else None,
            "recurrence_of": (j - 3) if j > 6 and j % 2 else None})
        linked = set(rnd.sample(range(20, 400), rnd.randrange(1, 6)))
        if j == 1:
            linked |= set(range(11, 16))  # the case's lead and its members
        links += [{"lk_id": j, "ticket_id": t} for t in sorted(linked)]
    actions: list[dict[str, Any]] = []
    owners = ("Budi", None, "Sari")
    for k in range(1, 61):
        due = date(2025, 12, 1) + timedelta(days=rnd.randrange(0, 240))
        done = None
        if rnd.random() < 0.7:
            done = datetime.combine(due + timedelta(days=rnd.randrange(-10, 15)), datetime.min.time(), UTC) + \
                timedelta(hours=rnd.choice((2, 20)))  # 20:00 UTC is the next day in WIB
        actions.append({"id": k, "lk_id": rnd.randrange(1, 13), "kind": "corrective", "description": "a",
                        "owner_person_id": rnd.choice((None, 4, 5)), "owner_name": rnd.choice(owners), "due_on": due,
                        "round": 1, "status": "done" if done else "open", "done_at": done, "created_at": NOW})
    checks = [{"ticket_id": t, "lk_id": rnd.randrange(1, 13),
               "asked_at": datetime(2025, 12, 1, tzinfo=UTC) + timedelta(days=rnd.randrange(0, 220)),
               "answer": rnd.choice((None, "yes", "no", "no"))} for t in range(100, 160)]
    return {"person": persons, "ticket": tickets, "ticket_case": cases, "lk": lks, "lk_ticket": links,
            "lk_action": actions, "recurrence_check": checks}


async def insert_rows(session_factory: async_sessionmaker[AsyncSession], rows: dict[str, list[dict[str, Any]]]
                      ) -> None:
    """The rows as they are, table by table (no use case: the figures must not depend on how rows came about)."""
    models = {"person": PersonRow, "ticket": TicketRow, "ticket_case": TicketCaseRow, "lk": LkRow,
              "lk_ticket": LkTicketRow, "lk_action": LkActionRow, "recurrence_check": RecurrenceCheckRow}
    async with session_factory() as session:
        for table in ("person", "ticket", "ticket_case", "lk", "lk_ticket", "lk_action", "recurrence_check"):
            for row in rows[table]:
                values = {k: v for k, v in row.items() if k != "case_id"}  # the case needs its lead ticket first
                await session.execute(insert(models[table]), [values])
        for row in rows["ticket"]:
            if row.get("case_id"):
                await session.execute(update(TicketRow).where(TicketRow.id == row["id"]).values(case_id=row["case_id"]))
        await session.commit()


def nearest(values: list[int], share: float) -> float | None:
    return float(sorted(values)[math.ceil(share * len(values)) - 1]) if values else None


class Expected:
    """The figures, counted in Python over the rows."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], catalogue: Catalogue, calendar: WorkingCalendar,
                 service: str | None) -> None:
        own = (lambda code: True) if service is None else (lambda code: code == service)
        self.tickets = [t for t in rows["ticket"] if FIRST <= wib_day(t["created_at"]) <= LAST
                        and own(t["service_code"])]
        previous_from = date(FIRST.year - 1, FIRST.month, 1)
        self.previous = [t for t in rows["ticket"] if previous_from <= wib_day(t["created_at"]) < FIRST
                         and own(t["service_code"])]
        self.volume = Counter((wib_day(t["created_at"]).strftime("%Y-%m"), t["service_code"], t["kind"])
                              for t in self.tickets)
        wd = calendar.working_days_between

        def limit(t: dict[str, Any], step: str) -> int:
            times = standard_times(t["service_code"], catalogue, DEFAULT_STANDARD_TIMES)
            return times.confirm if step == "confirm" else times.close

        confirmed = [t for t in self.tickets if t["confirmed_at"] is not None]
        self.confirm_days = [wd(wib_day(t["created_at"]), wib_day(t["confirmed_at"])) for t in confirmed]
        self.confirm_within = sum(1 for t, d in zip(confirmed, self.confirm_days, strict=True)
                                  if d <= limit(t, "confirm"))
        concluded = [t for t in self.tickets if t["status"] not in ACTIVE and t["status"] != "withdrawn"]
        self.close_days = [wd(wib_day(t["created_at"]),
                              wib_day(t["resolved_at"] or t["confirmed_at"] or t["updated_at"])) for t in concluded]
        self.close_within = sum(1 for t, d in zip(concluded, self.close_days, strict=True) if d <= limit(t, "close"))
        as_of = min(TODAY, LAST)
        handled = [t for t in self.tickets if t["status"] in ACTIVE]  # still being handled: late once past the time
        self.confirm_overdue = sum(1 for t in handled if t["confirmed_at"] is None
                                   and wd(wib_day(t["created_at"]), as_of) > limit(t, "confirm"))
        self.close_overdue = sum(1 for t in handled if wd(wib_day(t["created_at"]), as_of) > limit(t, "close"))
        ages = [wd(wib_day(t["created_at"]), as_of) for t in rows["ticket"]
                if t["status"] in ACTIVE and wib_day(t["created_at"]) <= LAST and own(t["service_code"])]
        self.ageing = [sum(1 for a in ages if a >= low and (high is None or a <= high))
                       for _l, low, high in AGEING_BUCKETS]
        complaints = [t for t in self.tickets if t["kind"] == "complaint"]

        def outcome(t: dict[str, Any]) -> str | None:
            s = t["status"]
            if s in ("in_followup", "resolved") or (s == "closed" and t["resolved_at"] is not None):
                return "nonconformity"
            if s == "conforming" or s == "closed":
                return "conforming"
            return s if s in ("duplicate", "rejected", "withdrawn") else None

        self.outcomes = Counter(outcome(t) for t in complaints)
        self.ratings = Counter(t["rating"] for t in complaints if t["rating"] is not None)
        self.asked = sum(1 for t in complaints
                         if t["rating"] is not None or t["status"] in ("conforming", "resolved", "closed"))
        self.channels = Counter(t["channel"] for t in self.tickets)
        self.anonymous = sum(1 for t in self.tickets if t["anonymous"])
        lk_own = {lk["id"]: own(lk["service_code"]) for lk in rows["lk"]}
        in_period = [lk for lk in rows["lk"] if FIRST <= wib_day(lk["created_at"]) <= LAST and lk_own[lk["id"]]]
        weights = Counter(link["lk_id"] for link in rows["lk_ticket"])
        pareto = [lk for lk in in_period if lk["kind"] == "nonconformity" and weights[lk["id"]]]
        self.pareto = sorted(((weights[lk["id"]], lk["number"]) for lk in pareto), key=lambda p: (-p[0], p[1]))
        self.closed_effective = sum(1 for lk in rows["lk"] if lk["closed_at"] is not None and lk_own[lk["id"]]
                                    and FIRST <= wib_day(lk["closed_at"]) <= LAST and lk["effective"]
                                    and lk["kind"] == "nonconformity")  # a programme (LK 12) cannot recur
        self.marked = sum(1 for lk in in_period if lk["recurrence_of"] is not None)
        checks = [c for c in rows["recurrence_check"] if FIRST <= wib_day(c["asked_at"]) <= LAST
                  and lk_own[c["lk_id"]]]
        self.checks = (len(checks), sum(1 for c in checks if c["answer"]), sum(1 for c in checks
                                                                               if c["answer"] == "yes"))
        due = [a for a in rows["lk_action"] if FIRST <= a["due_on"] <= min(LAST, TODAY - timedelta(days=1))
               and lk_own[a["lk_id"]]]
        done = [(a, wib_day(a["done_at"])) for a in due if a["done_at"] is not None]
        self.actions_due = len(due)
        self.on_time = sum(1 for a, d in done if d <= a["due_on"])
        late = [wd(a["due_on"], d) for a, d in done if d > a["due_on"]]
        self.late = len(late)
        self.mean_late = round(sum(late) / len(late), 2) if late else None
        names = {p["id"]: p["name"] for p in rows["person"]}
        self.overdue = Counter(a["owner_name"] or names.get(a["owner_person_id"]) or "?" for a in due
                               if a["status"] == "open")


@pytest.fixture
def deps(catalogue: Catalogue, translator: Translator) -> Deps:
    return Deps(catalogue=catalogue, translator=translator, calendar=WorkingCalendar(HOLIDAYS), clock=lambda: NOW)


async def figures(new_uow: Callable[[], SqlUnitOfWork], deps: Deps, service: str | None) -> StatsFigures:
    async with new_uow() as uow:
        return await read_figures(uow, deps, StatsQuery(FIRST, LAST, service), "en")


@pytest.mark.parametrize("service", [None, "tuition"])
async def test_every_figure_equals_the_count_over_the_inserted_rows(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession], deps: Deps,
        catalogue: Catalogue, service: str | None) -> None:
    rows = make_rows()
    await insert_rows(session_factory, rows)
    got = await figures(new_uow, deps, service)
    want = Expected(rows, catalogue, deps.calendar, service)

    assert got.tickets == len(want.tickets) > 0
    assert {(v.month, v.service, "complaint"): v.complaints for v in got.volume if v.complaints} | {
        (v.month, v.service, "suggestion"): v.suggestions for v in got.volume if v.suggestions} == dict(want.volume)
    assert sum(v.total for v in got.previous_volume) == len(want.previous) > 0
    assert (got.confirm.done, got.confirm.within) == (len(want.confirm_days), want.confirm_within)
    assert (got.confirm.overdue, got.close.overdue) == (want.confirm_overdue, want.close_overdue)
    assert got.confirm.within_percent == round(100 * want.confirm_within / (len(want.confirm_days)
                                                                             + want.confirm_overdue), 1)
    assert (got.confirm.median_days, got.confirm.p90_days) == (nearest(want.confirm_days, 0.5),
                                                               nearest(want.confirm_days, 0.9))
    assert (got.close.done, got.close.within) == (len(want.close_days), want.close_within)
    assert (got.close.median_days, got.close.p90_days) == (nearest(want.close_days, 0.5),
                                                           nearest(want.close_days, 0.9))
    assert [b.count for b in got.ageing] == want.ageing
    assert {o.outcome: o.count for o in got.outcomes} == {o: want.outcomes[o] for o in OUTCOMES}
    assert got.satisfaction.distribution == tuple(want.ratings[s] for s in range(1, 6))
    assert got.satisfaction.asked == want.asked
    assert {c.channel: c.count for c in got.channels} == dict(want.channels)
    assert got.anonymous == want.anonymous
    assert [(r.weight, r.lk_number) for r in got.pareto] == want.pareto
    total = sum(w for w, _n in want.pareto)
    assert [r.cumulative_percent for r in got.pareto] == [
        round(100 * sum(w for w, _n in want.pareto[:i + 1]) / total, 1) for i in range(len(want.pareto))]
    assert (got.recurrence.closed_effective, got.recurrence.marked_recurrences) == (want.closed_effective,
                                                                                    want.marked)
    assert (got.recurrence.asked, got.recurrence.answered, got.recurrence.answered_yes) == want.checks
    assert (got.actions.due, got.actions.done_on_time, got.actions.done_late) == (want.actions_due, want.on_time,
                                                                                  want.late)
    assert got.actions.mean_days_late == want.mean_late
    assert {o.owner: o.count for o in got.actions.open_overdue} == dict(want.overdue)
    if service is None:  # the data exercise every figure (none of the equalities above is 0 == 0)
        assert all((got.confirm.within, got.close.within, got.close.done - got.close.within, sum(want.ageing),
                    got.confirm.overdue, got.close.overdue,
                    got.pareto, got.recurrence.closed_effective, got.recurrence.marked_recurrences,
                    got.recurrence.answered_yes, got.actions.done_late, got.actions.open_overdue, got.anonymous))
        assert all(want.outcomes[o] for o in OUTCOMES) and all(want.ratings[s] for s in range(1, 6))


async def test_the_me_too_case_weighs_its_lk_by_every_complainant(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession], deps: Deps) -> None:
    rows = make_rows()
    await insert_rows(session_factory, rows)
    got = await figures(new_uow, deps, None)
    lk1 = next(r for r in got.pareto if r.lk_number == "LK-2026-001")
    members = {t["id"] for t in rows["ticket"] if t.get("case_id") == 1}
    linked = {link["ticket_id"] for link in rows["lk_ticket"] if link["lk_id"] == 1}
    assert len(members) == 5 and members <= linked
    assert lk1.weight == len(linked)


async def test_a_period_without_anything_is_empty(new_uow: Callable[[], SqlUnitOfWork], deps: Deps) -> None:
    async with new_uow() as uow:
        got = await read_figures(uow, deps, StatsQuery(date(2020, 1, 1), date(2020, 12, 31)), "en")
    assert got.empty
    assert got.tickets == 0 and got.pareto == ()
