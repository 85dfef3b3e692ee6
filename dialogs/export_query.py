"""What ``/export [from] [to] [service] [csv]`` and ``tanggap export`` ask for, read from their words.

Dates are ``YYYY-MM-DD`` or a month ``YYYY-MM`` — or, as every other date the bot asks for, ``DD-MM-YYYY`` and
``MM-YYYY`` (``/``, ``.`` as separators too). One month alone is that month; one day alone is from that day on;
two are a range, both ends included (a month as the end includes its last day). The service is named by its code
or its name (matched as ``/search``'s ``service:`` is); ``csv`` or ``xlsx`` picks the format (XLSX by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dialogs.catalogue import Catalogue
from dialogs.matching import match_service

_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")  # 31-12-2026, as the bot's other date questions
_MY = re.compile(r"^(\d{1,2})[-/.](\d{4})$")  # 12-2026
FORMATS = ("xlsx", "csv")


class BadExport(ValueError):
    """Raised when the words do not read as an export's period, service and format; ``problem`` says which part."""

    def __init__(self, problem: str, value: str) -> None:
        super().__init__(f"{problem}: {value}")
        self.problem, self.value = problem, value


@dataclass(frozen=True)
class ExportQuery:
    """First and last day (WIB, both included; None: open), the service's code, the format."""

    first: date | None = None
    last: date | None = None
    service: str | None = None
    format: str = "xlsx"

    def file_name(self, received: tuple[date, date] | None = None) -> str:
        """``register-2026-11.xlsx`` for a month, ``register-2026-11-03_2026-12-15.xlsx`` for a range; an end left
        open is the day the first or last ticket was ``received`` (the whole data's span when no period is asked),
        so the name always says which period the file holds (``register.xlsx`` only with neither)."""
        parts = ["register"]
        if self.service:
            parts.append(self.service)
        first = self.first or (received[0] if received else None)
        last = self.last or (received[1] if received else None)
        if self.first is not None and self.last is not None and self.first.day == 1 and self.last == _month_end(
                self.first):
            parts.append(self.first.strftime("%Y-%m"))
        elif first is not None and last is not None:
            parts.append(f"{first.isoformat()}_{last.isoformat()}")
        elif first is not None:
            parts.append(f"from-{first.isoformat()}")
        return "-".join(parts) + "." + self.format


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def period_of(word: str) -> tuple[date, date] | None:
    """The first and last day a date word names; None when it is no date at all."""
    day_parts = (m[1], m[2], m[3]) if (m := _DAY.match(word)) else (m[3], m[2], m[1]) if (m := _DMY.match(word)) \
        else None
    if day_parts is not None:
        try:
            day = date(int(day_parts[0]), int(day_parts[1]), int(day_parts[2]))
        except ValueError:
            raise BadExport("date", word) from None
        return day, day
    month_parts = (m[1], m[2]) if (m := _MONTH.match(word)) else (m[2], m[1]) if (m := _MY.match(word)) else None
    if month_parts is not None:
        if not 1 <= int(month_parts[1]) <= 12:
            raise BadExport("date", word)
        first = date(int(month_parts[0]), int(month_parts[1]), 1)
        return first, _month_end(first)
    if re.match(r"^\d{1,4}[-/.]", word):
        raise BadExport("date", word)
    return None


def parse_export(words: str, catalogue: Catalogue) -> ExportQuery:
    """Read the export's words; raises :class:`BadExport` for a date that is none, a third date, a range backwards,
    or a service that matches none (or several) of the catalogue."""
    periods: list[tuple[date, date]] = []
    days: list[bool] = []
    rest: list[str] = []
    fmt = "xlsx"
    for word in words.split():
        if word.casefold() in FORMATS:
            fmt = word.casefold()
            continue
        period = period_of(word)
        if period is None:
            rest.append(word)
        elif len(periods) == 2:
            raise BadExport("date", word)
        else:
            periods.append(period)
            days.append(bool(_DAY.match(word) or _DMY.match(word)))
    first = last = None
    if len(periods) == 1:
        first, last = periods[0]
        if days[0]:  # one day alone: from that day on
            last = None
    elif len(periods) == 2:
        first, last = periods[0][0], periods[1][1]
        if last < first:
            raise BadExport("range", f"{first.isoformat()} {last.isoformat()}")
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
    return ExportQuery(first, last, service, fmt)

