"""The figures of ``/stats`` and the monthly recap (issue 14 §3): every KPI and series the charts show, as plain
frozen data (definitions: ``shared/reference/statistics.md``; ISO 9001 §9.3.2's management-review inputs).

Built by ``storage.repositories.statistics`` from SQL aggregates, rendered by :mod:`reports.charts` (and by the
recap PDF). Counts only: no ticket text and no person's identity besides an action owner's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

#: Ageing buckets of open tickets, in working days since received: (label, first day, last day or None: open).
AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0–3", 0, 3), ("4–5", 4, 5), ("6–14", 6, 14), ("15–60", 15, 60), (">60", 61, None))
#: Outcomes of the confirmation step (SOP b.), in the order the chart shows them.
OUTCOMES: tuple[str, ...] = ("nonconformity", "conforming", "duplicate", "rejected", "withdrawn")


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class StatsPeriod:
    """The period asked (WIB days, both ends included) and the service filter (None: every service)."""

    first: date
    last: date
    service: str | None = None
    service_name: str | None = None


@dataclass(frozen=True)
class MonthVolume:
    """Tickets received in one month (``YYYY-MM``) for one service: complaints (keluhan) and suggestions (saran)."""

    month: str
    service: str
    complaints: int
    suggestions: int

    @property
    def total(self) -> int:
        return self.complaints + self.suggestions


@dataclass(frozen=True)
class StepTiming:
    """One step against its standard time: ``step`` is ``confirm`` (the verdict) or ``close``. ``done``: tickets of
    the period that finished the step; ``within``: of them, within the service's standard time; median and P90 in
    working days of those that finished (None when none finished); ``overdue``: see below."""

    step: str
    done: int
    within: int
    median_days: float | None
    p90_days: float | None
    #: Tickets of the period still waiting for the step and already past its standard time: late whatever comes,
    #: so the share within counts them (a month read "100 % confirmed within" with one 17 working days late and
    #: still unconfirmed: the third walk).
    overdue: int = 0

    @property
    def within_percent(self) -> float | None:
        return percent(self.within, self.done + self.overdue)


@dataclass(frozen=True)
class AgeingBucket:
    """Open tickets (not concluded at the period's end) whose age in working days falls in this bucket."""

    label: str
    count: int


@dataclass(frozen=True)
class OutcomeCount:
    """How many complaints of the period got this outcome (one of :data:`OUTCOMES`)."""

    outcome: str
    count: int


@dataclass(frozen=True)
class ParetoRow:
    """One nonconformity cause in the Pareto: its service, the LK (each LK one cause: its root cause, shortened),
    its weight (the number of complainants: tickets linked to the LK, "me too" members included) and the cumulative
    share of the weights up to and including this row, in percent."""

    service: str
    lk_number: str
    cause: str
    weight: int
    cumulative_percent: float


@dataclass(frozen=True)
class Recurrence:
    """Recurrence (ISO 9001 §10.2): LKs of the period closed as effective, LKs marked a recurrence of an earlier
    one, and the 30-day question ("did it happen again?"): asked, answered, answered yes."""

    closed_effective: int
    marked_recurrences: int
    asked: int
    answered: int
    answered_yes: int

    @property
    def recurrence_percent(self) -> float | None:
        """Marked recurrences over LKs closed effective."""
        return percent(self.marked_recurrences, self.closed_effective)

    @property
    def yes_percent(self) -> float | None:
        return percent(self.answered_yes, self.answered)


@dataclass(frozen=True)
class OwnerOverdue:
    """Open actions past their due date, for one owner (their name as written on the action)."""

    owner: str
    count: int


@dataclass(frozen=True)
class ActionsKpi:
    """Actions of the follow-up programme due in the period: how many, done by their due date, done late (and the
    mean days late of those), and open actions overdue at the period's end per owner (most first)."""

    due: int
    done_on_time: int
    done_late: int
    mean_days_late: float | None
    open_overdue: tuple[OwnerOverdue, ...] = ()

    @property
    def on_time_percent(self) -> float | None:
        return percent(self.done_on_time, self.due)


@dataclass(frozen=True)
class Satisfaction:
    """Ratings (1–5) of the period's rateable conclusions: ``distribution[i]`` is how many rated ``i + 1``;
    ``asked``: conclusions that could be rated (the response rate's whole)."""

    distribution: tuple[int, int, int, int, int]
    asked: int

    @property
    def rated(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float | None:
        n = self.rated
        return round(sum((i + 1) * c for i, c in enumerate(self.distribution)) / n, 2) if n else None

    @property
    def response_percent(self) -> float | None:
        return percent(self.rated, self.asked)

    @property
    def good_percent(self) -> float | None:
        """Share of ratings 4 or 5."""
        return percent(self.distribution[3] + self.distribution[4], self.rated)


@dataclass(frozen=True)
class ChannelCount:
    """Tickets of the period received through one channel (``domain.vocabulary.Channel``)."""

    channel: str
    count: int


@dataclass(frozen=True)
class StatsFigures:
    """Everything ``/stats`` and the recap show for one period (and service). ``volume`` covers the period's
    months; ``previous_volume`` the 12 months before the period (the comparison line)."""

    period: StatsPeriod
    tickets: int
    volume: tuple[MonthVolume, ...]
    previous_volume: tuple[MonthVolume, ...]
    confirm: StepTiming
    close: StepTiming
    ageing: tuple[AgeingBucket, ...]
    outcomes: tuple[OutcomeCount, ...]
    pareto: tuple[ParetoRow, ...]
    recurrence: Recurrence
    actions: ActionsKpi
    satisfaction: Satisfaction
    channels: tuple[ChannelCount, ...]
    anonymous: int
    services: dict[str, str] = field(default_factory=dict)  # code → the service's name, for labels

    @property
    def empty(self) -> bool:
        """Nothing happened in the period: no ticket received, none open, no LK, no action — no chart to draw."""
        return not (self.tickets or any(b.count for b in self.ageing) or self.actions.due
                    or self.recurrence.closed_effective or self.actions.open_overdue or self.pareto)

    @property
    def anonymous_percent(self) -> float | None:
        return percent(self.anonymous, self.tickets)

    def months(self) -> tuple[str, ...]:
        """Every month of the period, ``YYYY-MM``, in order (months without tickets included)."""
        out: list[str] = []
        year, month = self.period.first.year, self.period.first.month
        while (year, month) <= (self.period.last.year, self.period.last.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(out)
