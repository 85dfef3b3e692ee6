"""The monthly recap's content (rekap bulanan, issue 14 §4): plain data in the reader's language, built from the
database by ``handlers.recap`` (SQL aggregates and capped lists, never every ticket) and rendered by
:mod:`reports.recap_pdf`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from reports.stats_model import StatsFigures

if TYPE_CHECKING:  # matplotlib is loaded where charts are drawn, not with the model
    from reports.charts import Chart

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class LkLine:
    """An LK in the month's lists, its labels already in the reader's language."""

    number: str
    service: str
    status: str
    effective: str
    recurrence_of: str = ""


@dataclass(frozen=True)
class ProgrammeLine:
    """An LK in progress and one owner of its open actions."""

    lk_number: str
    service: str
    owner: str
    open: int
    overdue: int


@dataclass(frozen=True)
class AgainLine:
    """An "it happened again" answer: the LK it was asked about, the ticket asked, and the ticket it opened."""

    lk_number: str
    ticket_number: str
    new_ticket_number: str


@dataclass(frozen=True)
class RecapDocument:
    """Everything the recap shows. Lists are capped (``*_total`` say how many there are in all)."""

    month: date  # the first day of the month the recap is about
    period: str  # the month as the reader says it: "November 2026"
    institution: str
    unit: str
    made_at: datetime
    figures: StatsFigures | None = None  # the month's KPIs (the statistics'; None: not available)
    charts: tuple[Chart, ...] = ()  # drawn from ``figures`` by reports.charts (title, PNG, figures as text)
    opened: tuple[LkLine, ...] = ()
    opened_total: int = 0
    closed: tuple[LkLine, ...] = ()
    closed_total: int = 0
    programmes: tuple[ProgrammeLine, ...] = ()
    programmes_total: int = 0
    marked: tuple[LkLine, ...] = ()  # LKs opened this month marked as a recurrence of an earlier one
    again: tuple[AgainLine, ...] = ()
    answers_yes: int = 0
    answers_no: int = 0
    notes: tuple[str, ...] = field(default=())
