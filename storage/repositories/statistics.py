"""The aggregates behind ``/stats`` and the monthly recap (issue 14 §3), in SQL on SQLite and PostgreSQL alike.

Every answer is a GROUP BY: a few hundred or thousand groups, never a row per ticket, so a year of a million
tickets costs a few scans of the period's index range (``ticket (created_at)``, ``ticket (service_code,
created_at)``), not a million objects in Python.

Days are WIB days (the caller's time zone, a fixed offset: Asia/Jakarta keeps no summer time). Working days are the
calendar's business, which lives in Python (``dialogs.calendar``): a ticket's stored deadline (``ticket.due_on``)
is only its *current* step's and is gone once the step is done, so it cannot tell afterwards whether a verdict
came in time. Instead the durations come back as a histogram of (service, first day, last day) → how many: at most
one group per pair of days a service saw, which the caller maps to working days and to each service's standard
time exactly (a calendar-day histogram would be wrong across weekends and holidays). Median and P90 are read off
that histogram by the caller, never from ticket rows.

Outcome of a complaint, from its current columns (the history is not read): nonconformity = in follow-up,
resolved, or closed with a resolution (``resolved_at``); conforming = conforming, or closed without one;
duplicate, rejected, withdrawn = that status. A complaint still being confirmed (or reopened) has none yet.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Date, and_, case, cast, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.vocabulary import ACTIVE, Channel, TicketKind, TicketStatus
from storage.models import LkActionRow, LkRow, LkTicketRow, PersonRow, RecurrenceCheckRow, TicketRow

S = TicketStatus
OUTCOME_WHERE: dict[str, ColumnElement[bool]] = {
    "nonconformity": or_(TicketRow.status.in_((S.IN_FOLLOWUP, S.RESOLVED)),
                         and_(TicketRow.status == S.CLOSED, TicketRow.resolved_at.is_not(None))),
    "conforming": or_(TicketRow.status == S.CONFORMING,
                      and_(TicketRow.status == S.CLOSED, TicketRow.resolved_at.is_(None))),
    "duplicate": TicketRow.status == S.DUPLICATE,
    "rejected": TicketRow.status == S.REJECTED,
    "withdrawn": TicketRow.status == S.WITHDRAWN,
}
"""Which complaints got each outcome (see the module's docstring)."""
RATING_ASKED = or_(TicketRow.rating.is_not(None), TicketRow.status.in_((S.CONFORMING, S.RESOLVED, S.CLOSED)))
"""A complaint concluded so that its complainant was asked to rate it (SOP 7a): the response rate's whole."""
CONCLUDED = and_(TicketRow.status.not_in([*ACTIVE, S.WITHDRAWN]))
"""Concluded by staff (a withdrawal is the complainant's, not a closing in time or late)."""
del S


@dataclass(frozen=True)
class TicketGroup:
    """Tickets received in one month (``YYYY-MM``, WIB) for one service and kind, with their breakdowns."""

    month: str
    service: str
    kind: str
    tickets: int
    anonymous: int
    channels: dict[str, int]
    outcomes: dict[str, int]
    ratings: tuple[int, int, int, int, int]
    rating_asked: int


@dataclass(frozen=True)
class StatsAggregates:
    """Everything ``/stats`` reads, as groups (see the module's docstring for the day-pair histograms)."""

    groups: list[TicketGroup]
    previous: list[tuple[str, str, str, int]]  # month, service, kind, tickets: the 12 months before the period
    confirm_pairs: list[tuple[str, date, date, int]]  # service, received, verdict (WIB days), tickets
    close_pairs: list[tuple[str, date, date, int]]  # service, received, concluded, tickets
    #: service, received, still unconfirmed, tickets: the period's tickets still being handled (not withdrawn), for
    #: those already past a step's standard time without finishing it (they count as late)
    waiting: list[tuple[str, date, bool, int]]
    open_by_day: list[tuple[date, int]]  # open tickets received on that day (WIB)
    pareto: list[tuple[str, str, str, int]]  # service, LK number, root cause, tickets linked: heaviest first
    pareto_total: int  # the weights of every LK of the period, not only the rows returned
    closed_effective: int
    marked_recurrences: int
    checks: tuple[int, int, int]  # asked, answered, answered yes
    action_pairs: list[tuple[date, date | None, int]]  # due on, done on (WIB; None: open), actions
    open_overdue: list[tuple[str, int]]  # owner, open actions past their due date


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class StatisticsRepository:
    """Read-only aggregates within the caller's session; writes nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _wib(self, column: Any, tz: tzinfo, fmt: str) -> ColumnElement[Any]:
        """``column`` (UTC) as a WIB day (``fmt`` "day") or month ``YYYY-MM`` ("month"), in this dialect's SQL.
        Constants are literal (no bound parameters), so PostgreSQL sees the same expression in SELECT and GROUP BY."""
        dialect = self._session.get_bind().dialect.name
        if dialect == "sqlite":
            offset = tz.utcoffset(datetime(2000, 1, 1))
            hours = int(offset.total_seconds() // 3600) if offset is not None else 0
            shift: ColumnElement[Any] = literal_column(f"'{hours:+d} hours'")
            if fmt == "day":
                return func.date(column, shift)
            return func.strftime(literal_column("'%Y-%m'"), column, shift)
        name = str(tz)
        if not name.replace("/", "").replace("_", "").replace("+", "").replace("-", "").isalnum():
            raise ValueError(f"not a time zone name: {name!r}")
        local = func.timezone(literal_column(f"'{name}'"), column)
        if fmt == "day":
            return cast(local, Date)
        return func.to_char(local, literal_column("'YYYY-MM'"))

    def _received_in(self, first: date, last: date, tz: tzinfo) -> list[ColumnElement[bool]]:
        """Tickets received from ``first`` through ``last`` (WIB days). On SQLite said with the very expression of
        ``ix_ticket_wib_day_service_kind`` (migration 0018), so the period is read in (day, service, kind) order and
        a GROUP BY on those sorts nothing; elsewhere as a range of ``created_at``."""
        t = TicketRow
        if self._session.get_bind().dialect.name == "sqlite":
            day = self._wib(t.created_at, tz, "day")
            return [day >= first.isoformat(), day <= last.isoformat()]
        start = datetime.combine(first, time(), tz).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC)
        return [t.created_at >= start, t.created_at < end]

    async def aggregates(self, first: date, last: date, service: str | None, tz: tzinfo, today: date,
                         pareto_rows: int = 20) -> StatsAggregates:
        """The period's aggregates: tickets received from ``first`` through ``last`` (WIB, both included), of
        ``service`` (None: all); open tickets as of now; LKs opened (Pareto, recurrences) and closed (effective) in
        the period; actions due in the period up to yesterday (``today``: the WIB date now)."""
        start = datetime.combine(first, time(), tz).astimezone(UTC)
        end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC)
        connection = await self._session.connection()
        t = TicketRow
        own = [t.service_code == service] if service else []
        day = self._wib(t.created_at, tz, "day").label("day")
        is_complaint = t.kind == TicketKind.COMPLAINT

        def n(where: ColumnElement[bool]) -> Any:
            return func.sum(case((where, 1), else_=0))

        columns = [day, t.service_code, t.kind, func.count(), n(t.anonymous.is_(True))]
        columns += [n(t.channel == c.value) for c in Channel]
        columns += [n(and_(is_complaint, where)) for where in OUTCOME_WHERE.values()]
        columns += [n(and_(is_complaint, t.rating == score)) for score in range(1, 6)]
        columns.append(n(and_(is_complaint, RATING_ASKED)))
        rows = await connection.execute(
            select(*columns).where(*self._received_in(first, last, tz), *own)
            .group_by(day, t.service_code, t.kind))
        merged: dict[tuple[str, str, str], list[int]] = {}
        for row in rows:
            key = (_as_date(row[0]).strftime("%Y-%m"), row[1], row[2])
            values = [int(v or 0) for v in row[3:]]
            found = merged.get(key)
            merged[key] = values if found is None else [a + b for a, b in zip(found, values, strict=True)]
        groups = []
        channels = [c.value for c in Channel]
        for (month, service_code, kind), values in sorted(merged.items()):
            tickets, anonymous, rest = values[0], values[1], values[2:]
            by_channel = dict(zip(channels, rest[:len(channels)], strict=True))
            rest = rest[len(channels):]
            outcomes = dict(zip(OUTCOME_WHERE, rest[:len(OUTCOME_WHERE)], strict=True))
            rest = rest[len(OUTCOME_WHERE):]
            ratings = (rest[0], rest[1], rest[2], rest[3], rest[4])
            groups.append(TicketGroup(month, service_code, kind, tickets, anonymous, by_channel, outcomes, ratings,
                                      rest[5]))
        before = date(first.year - 1, first.month, 1)
        previous: Counter[tuple[str, str, str]] = Counter()
        for d, s, k, c in await connection.execute(  # index-only on SQLite
                select(day, t.service_code, t.kind, func.count())
                .where(*self._received_in(before, first - timedelta(days=1), tz), *own)
                .group_by(day, t.service_code, t.kind)):
            previous[(_as_date(d).strftime("%Y-%m"), s, k)] += int(c)
        confirm_pairs, close_pairs = await self._pairs(first, last, own, tz)
        waiting = await self._waiting(first, last, own, tz)
        return StatsAggregates(
            groups=groups, previous=[(m, s, k, c) for (m, s, k), c in sorted(previous.items())],
            confirm_pairs=confirm_pairs, close_pairs=close_pairs, waiting=waiting,
            open_by_day=await self._open_by_day(end, own, tz),
            **await self._lks(start, end, service, pareto_rows),
            **await self._actions(first, last, service, today, tz),
        )

    async def _pairs(self, first: date, last: date, own: list[ColumnElement[bool]], tz: tzinfo
                     ) -> tuple[list[tuple[str, date, date, int]], list[tuple[str, date, date, int]]]:
        """The confirm and the close histograms in one pass: (service, received, verdict day, concluded day)."""
        t = TicketRow
        received = self._wib(t.created_at, tz, "day").label("received")
        confirmed = self._wib(t.confirmed_at, tz, "day").label("confirmed")
        concluded = case((CONCLUDED, self._wib(func.coalesce(t.resolved_at, t.confirmed_at, t.updated_at), tz,
                                               "day"))).label("concluded")
        connection = await self._session.connection()
        rows = await connection.execute(
            select(t.service_code, received, confirmed, concluded, func.count())
            .where(*self._received_in(first, last, tz), or_(t.confirmed_at.is_not(None), CONCLUDED), *own)
            .group_by(received, t.service_code, confirmed, concluded))
        confirm: Counter[tuple[str, date, date]] = Counter()
        close: Counter[tuple[str, date, date]] = Counter()
        for s, a, b, c, count in rows:
            if b is not None:
                confirm[(s, _as_date(a), _as_date(b))] += int(count)
            if c is not None:
                close[(s, _as_date(a), _as_date(c))] += int(count)
        return ([(s, a, b, n) for (s, a, b), n in confirm.items()],
                [(s, a, b, n) for (s, a, b), n in close.items()])

    async def _waiting(self, first: date, last: date, own: list[ColumnElement[bool]], tz: tzinfo
                       ) -> list[tuple[str, date, bool, int]]:
        """The period's tickets still being handled: (service, received, unconfirmed, tickets). Its own statement
        over the open tickets (a few thousand of a million), so the period's big scan above is unchanged."""
        t = TicketRow
        received = self._wib(t.created_at, tz, "day").label("received")
        unconfirmed = case((t.confirmed_at.is_(None), 1), else_=0).label("unconfirmed")
        connection = await self._session.connection()
        rows = await connection.execute(
            select(t.service_code, received, unconfirmed, func.count())
            .where(t.status.in_([s.value for s in ACTIVE]), *self._received_in(first, last, tz), *own)
            .group_by(received, t.service_code, unconfirmed))
        return [(s, _as_date(a), bool(u), int(n)) for s, a, u, n in rows]

    async def _open_by_day(self, end: datetime, own: list[ColumnElement[bool]], tz: tzinfo
                           ) -> list[tuple[date, int]]:
        t = TicketRow
        received = self._wib(t.created_at, tz, "day").label("received")
        connection = await self._session.connection()
        rows = await connection.execute(
            select(received, func.count()).where(t.status.in_(list(ACTIVE)), t.created_at < end, *own)
            .group_by(received))
        return [(_as_date(d), int(c)) for d, c in rows]

    async def _lks(self, start: datetime, end: datetime, service: str | None, limit: int) -> dict[str, Any]:
        connection = await self._session.connection()
        own = [LkRow.service_code == service] if service else []
        opened = [LkRow.created_at >= start, LkRow.created_at < end, LkRow.kind == "nonconformity", *own]
        weight = func.count(LkTicketRow.ticket_id).label("weight")
        pareto = [(s, num, cause, int(w)) for s, num, cause, w in await connection.execute(
            select(LkRow.service_code, LkRow.number, LkRow.root_cause, weight)
            .join(LkTicketRow, LkTicketRow.lk_id == LkRow.id).where(*opened)
            .group_by(LkRow.id, LkRow.service_code, LkRow.number, LkRow.root_cause)
            .order_by(weight.desc(), LkRow.number).limit(limit))]
        total = await connection.scalar(
            select(func.count()).select_from(LkTicketRow).join(LkRow, LkRow.id == LkTicketRow.lk_id).where(*opened))
        closed = await connection.scalar(select(func.count()).select_from(LkRow).where(
            LkRow.closed_at >= start, LkRow.closed_at < end, LkRow.effective.is_(True),
            LkRow.kind == "nonconformity", *own))  # a suggestion's programme is no nonconformity that could recur
        marked = await connection.scalar(select(func.count()).select_from(LkRow).where(
            LkRow.created_at >= start, LkRow.created_at < end, LkRow.recurrence_of.is_not(None), *own))
        r = RecurrenceCheckRow
        checks = (await connection.execute(
            select(func.count(), func.count(r.answer), func.sum(case((r.answer == "yes", 1), else_=0)))
            .select_from(r).join(LkRow, LkRow.id == r.lk_id)
            .where(r.asked_at >= start, r.asked_at < end, *own))).one()
        return {"pareto": pareto, "pareto_total": int(total or 0), "closed_effective": int(closed or 0),
                "marked_recurrences": int(marked or 0),
                "checks": (int(checks[0] or 0), int(checks[1] or 0), int(checks[2] or 0))}

    async def _actions(self, first: date, last: date, service: str | None, today: date, tz: tzinfo
                       ) -> dict[str, Any]:
        """Actions due from ``first`` through ``last`` whose due date has passed (before ``today``)."""
        connection = await self._session.connection()
        a = LkActionRow
        own = [LkRow.service_code == service] if service else []
        due = [a.due_on >= first, a.due_on <= min(last, today - timedelta(days=1)), *own]
        done = self._wib(a.done_at, tz, "day").label("done")
        pairs = [(_as_date(d), None if f is None else _as_date(f), int(c)) for d, f, c in await connection.execute(
            select(a.due_on, done, func.count()).join(LkRow, LkRow.id == a.lk_id).where(*due)
            .group_by(a.due_on, done))]
        owner = func.coalesce(a.owner_name, PersonRow.name, literal_column("'?'")).label("owner")
        overdue = [(str(o), int(c)) for o, c in await connection.execute(
            select(owner, func.count()).join(LkRow, LkRow.id == a.lk_id)
            .outerjoin(PersonRow, PersonRow.id == a.owner_person_id)
            .where(*due, a.status == "open").group_by(owner).order_by(func.count().desc(), owner))]
        return {"action_pairs": pairs, "open_overdue": overdue}
