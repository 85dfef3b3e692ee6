"""The figures of ``/stats`` and the monthly recap (issue 14 §3), from the SQL aggregates of
``storage.repositories.statistics`` to :class:`reports.stats_model.StatsFigures`.

The database groups; this module only maps the groups' days to working days (the calendar lives in Python) and to
each service's standard time, and reads median and P90 (nearest rank: the smallest value with at least half, or
nine tenths, of the tickets at or below it) off those small histograms. No ticket is loaded.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from datetime import date

from dialogs.catalogue import localized, standard_times
from dialogs.stats_query import StatsQuery
from handlers.context import Deps
from reports.stats_model import (
    AGEING_BUCKETS,
    OUTCOMES,
    ActionsKpi,
    AgeingBucket,
    ChannelCount,
    MonthVolume,
    OutcomeCount,
    OwnerOverdue,
    ParetoRow,
    Recurrence,
    Satisfaction,
    StatsFigures,
    StatsPeriod,
    StepTiming,
)
from storage.repositories.statistics import StatsAggregates
from storage.uow import UnitOfWork

CAUSE_LENGTH = 60
"""A Pareto row's cause: the LK's root cause (free text) cut to this many characters."""


def nearest_rank(histogram: Counter[int], share: float) -> float | None:
    """The smallest value with at least ``share`` of the counts at or below it; None for no counts."""
    total = sum(histogram.values())
    if not total:
        return None
    rank, seen = math.ceil(share * total), 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return float(value)
    return float(max(histogram))  # pragma: no cover - the loop always reaches the rank


def timing(deps: Deps, step: str, pairs: Iterable[tuple[str, date, date, int]],
           waiting: Iterable[tuple[str, date, bool, int]] = (), as_of: date | None = None) -> StepTiming:
    """A step's figures from its (service, first day, last day, tickets) histogram; with ``waiting`` (service,
    received, unconfirmed, tickets: those still being handled), the ones already past the step's standard time on
    ``as_of`` without finishing it (for the confirm step only the unconfirmed)."""

    def limit(service: str) -> int:
        times = standard_times(service, deps.catalogue, deps.standard_times)
        return times.confirm if step == "confirm" else times.close

    days: Counter[int] = Counter()
    within = 0
    for service, start, end, count in pairs:
        spent = deps.calendar.working_days_between(start, end)
        days[spent] += count
        within += count if spent <= limit(service) else 0
    overdue = 0
    if as_of is not None:
        for service, start, unconfirmed, count in waiting:
            if (unconfirmed or step == "close") and deps.calendar.working_days_between(start, as_of) > limit(service):
                overdue += count
    return StepTiming(step, sum(days.values()), within, nearest_rank(days, 0.5), nearest_rank(days, 0.9), overdue)


def ageing(deps: Deps, open_by_day: Iterable[tuple[date, int]], as_of: date) -> tuple[AgeingBucket, ...]:
    counts = [0] * len(AGEING_BUCKETS)
    for received, count in open_by_day:
        age = deps.calendar.working_days_between(received, as_of)
        for i, (_label, low, high) in enumerate(AGEING_BUCKETS):
            if age >= low and (high is None or age <= high):
                counts[i] += count
                break
    return tuple(AgeingBucket(label, counts[i]) for i, (label, _l, _h) in enumerate(AGEING_BUCKETS))


def actions(deps: Deps, agg: StatsAggregates) -> ActionsKpi:
    on_time = late = late_days = due = 0
    for due_on, done_on, count in agg.action_pairs:
        due += count
        if done_on is None:
            continue
        if done_on <= due_on:
            on_time += count
        else:
            late += count
            late_days += count * deps.calendar.working_days_between(due_on, done_on)
    return ActionsKpi(due, on_time, late, round(late_days / late, 2) if late else None,
                      tuple(OwnerOverdue(owner, n) for owner, n in agg.open_overdue))


def figures_of(deps: Deps, query: StatsQuery, agg: StatsAggregates, locale: str, service_name: str | None = None
               ) -> StatsFigures:
    """The figures of the aggregates (pure: no database), labels of services in ``locale``."""
    volume: dict[tuple[str, str], list[int]] = {}
    channels: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    ratings = [0] * 5
    asked = anonymous = tickets = 0
    for g in agg.groups:
        counts = volume.setdefault((g.month, g.service), [0, 0])
        counts[0 if g.kind == "complaint" else 1] += g.tickets
        channels.update(g.channels)
        outcomes.update(g.outcomes)
        ratings = [a + b for a, b in zip(ratings, g.ratings, strict=True)]
        asked += g.rating_asked
        anonymous += g.anonymous
        tickets += g.tickets
    previous: dict[tuple[str, str], list[int]] = {}
    for month, service, kind, count in agg.previous:
        previous.setdefault((month, service), [0, 0])[0 if kind == "complaint" else 1] += count
    total_weight, cumulative, pareto = agg.pareto_total, 0, []
    for service, number, cause, weight in agg.pareto:
        cumulative += weight
        short = " ".join(cause.split())
        short = short if len(short) <= CAUSE_LENGTH else short[:CAUSE_LENGTH - 1].rstrip() + "…"
        pareto.append(ParetoRow(service, number, short, weight, round(100 * cumulative / total_weight, 1)))
    asked_checks, answered, yes = agg.checks
    codes = {s for _m, s in volume} | {s for _m, s in previous} | {r.service for r in pareto}
    names = {}
    for code in codes:
        found = deps.catalogue.get(code)
        names[code] = localized(found.name, locale) if found is not None else code
    today = deps.today()
    return StatsFigures(
        period=StatsPeriod(query.first, query.last, query.service, service_name),
        tickets=tickets,
        volume=tuple(MonthVolume(m, s, c[0], c[1]) for (m, s), c in sorted(volume.items())),
        previous_volume=tuple(MonthVolume(m, s, c[0], c[1]) for (m, s), c in sorted(previous.items())),
        confirm=timing(deps, "confirm", agg.confirm_pairs, agg.waiting, min(today, query.last)),
        close=timing(deps, "close", agg.close_pairs, agg.waiting, min(today, query.last)),
        ageing=ageing(deps, agg.open_by_day, min(today, query.last)),
        outcomes=tuple(OutcomeCount(o, outcomes[o]) for o in OUTCOMES),
        pareto=tuple(pareto),
        recurrence=Recurrence(agg.closed_effective, agg.marked_recurrences, asked_checks, answered, yes),
        actions=actions(deps, agg),
        satisfaction=Satisfaction((ratings[0], ratings[1], ratings[2], ratings[3], ratings[4]), asked),
        channels=tuple(ChannelCount(c, n) for c, n in sorted(channels.items()) if n),
        anonymous=anonymous,
        services=names,
    )


async def read_figures(uow: UnitOfWork, deps: Deps, query: StatsQuery, locale: str) -> StatsFigures:
    """The period's figures, read within the caller's unit of work (it writes nothing)."""
    agg = await uow.statistics.aggregates(query.first, query.last, query.service, deps.tz, deps.today())
    service_name = None
    if query.service:
        found = deps.catalogue.get(query.service)
        service_name = localized(found.name, locale) if found is not None else query.service
    return figures_of(deps, query, agg, locale, service_name)
