"""What ``/stats [period] [service]`` asks for, read from its words.

The period is written as ``/export`` reads dates (:func:`dialogs.export_query.period_of`): a month ``2026-11`` or
``11-2026``, a day ``03-11-2026``; or a year ``2026``; or a range of any two of those joined by ``..`` (or given as
two words), both ends included. No period: the last 12 months up to today (this month included). The service is
named by its code or its name, matched as ``/export`` matches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dialogs.catalogue import Catalogue
from dialogs.export_query import BadExport, period_of
from dialogs.matching import match_service

_YEAR = re.compile(r"^(19|20)\d\d$")
DEFAULT_MONTHS = 12
FIRST_YEAR, LAST_YEAR = 1990, 2200
"""The years a period may name."""


@dataclass(frozen=True)
class StatsQuery:
    """The first and last day (WIB, both included) and the service's code (None: every service)."""

    first: date
    last: date
    service: str | None = None


def _period(word: str) -> tuple[date, date] | None:
    if _YEAR.match(word):
        return date(int(word), 1, 1), date(int(word), 12, 31)
    return period_of(word)


def last_months(today: date, months: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """The ``months`` calendar months ending with today's (today's month included, up to today)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1), today


def parse_stats(words: str, catalogue: Catalogue, today: date) -> StatsQuery:
    """Read the words; raises :class:`dialogs.export_query.BadExport` ("date", "range" or "service") for a date
    that is none, more than two dates, a range backwards, or a service that matches none of the catalogue."""
    periods: list[tuple[date, date]] = []
    rest: list[str] = []
    for word in words.replace("..", " .. ").split():
        if word == "..":
            continue
        period = _period(word)
        if period is None:
            rest.append(word)
        elif not FIRST_YEAR <= period[0].year <= LAST_YEAR:  # "0001-01": no complaint, and no year before it
            raise BadExport("date", word)
        elif len(periods) == 2:
            raise BadExport("date", word)
        else:
            periods.append(period)
    if not periods:
        first, last = last_months(today)
    else:
        first, last = periods[0][0], periods[-1][1]
        if last < first:
            raise BadExport("range", f"{first.isoformat()}..{last.isoformat()}")
    service = None
    if rest:
        text = " ".join(rest)
        if catalogue.get(text) is not None:
            service = text
        else:
            match = match_service(catalogue, text.replace("_", " "))
            if match.best is None:
                raise BadExport("service", text)
            service = match.best.code
    return StatsQuery(first, last, service)
