"""The working-day calendar (hari kerja): Indonesia's national days off and the campus's own, from their sources.

National public holidays and joint leave (cuti bersama) come from the ``holidays`` package; the campus's own
closures (e.g. its dies natalis) from a TOML list, ``handlers/data/holidays.toml`` or ``HOLIDAYS_FILE``. The
result is a plain :class:`dialogs.calendar.WorkingCalendar`: ``dialogs`` stays pure, the dates are passed in.
A malformed entry is reported as an exception that names the file, the entry and the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import holidays as holiday_data

from dialogs.calendar import WorkingCalendar
from handlers.catalogue_loader import read_toml

SHIPPED_HOLIDAYS = "holidays.toml"

NATIONAL = "holiday"
"""A national public holiday (libur nasional)."""
JOINT_LEAVE = "cuti_bersama"
"""A joint leave day (cuti bersama) decreed for civil servants, on which the campus is closed too."""
CLOSURE = "closure"
"""A day the campus alone is closed (e.g. its dies natalis)."""
OPEN = "working_day"
"""A day the campus works although the national list has it off (e.g. a holiday the government moved)."""
HOLIDAY_KINDS = frozenset({NATIONAL, JOINT_LEAVE, CLOSURE, OPEN})

YEARS_BEFORE = 5
YEARS_AFTER = 10
"""The calendar covers this many years before and after the year it is built in (see :func:`load_calendar`)."""


class HolidayListError(ValueError):
    """Raised when the campus's list of days off cannot be read or an entry is malformed."""


@dataclass(frozen=True, slots=True)
class Holiday:
    """A day off (``kind``: holiday, cuti_bersama or closure), or a day the campus works anyway (working_day)."""

    date: date
    name: str
    kind: str


def load_calendar(path: Path | None = None, *, today: date) -> WorkingCalendar:
    """The working-day calendar: national days off for the years around ``today`` and the campus's own list.

    It covers ``YEARS_BEFORE`` years before ``today``'s year to ``YEARS_AFTER`` after (a few hundred dates,
    some milliseconds), built once at start and never rebuilt. That is how a process running for months gets
    next year's holidays: they are in it from the start. Rebuilding it daily would add nothing, because neither
    source changes under a running process (a newer ``holidays`` release, with a year's cuti bersama once it
    is decreed, needs an upgrade and a restart; so does an edited campus file), and a fixed calendar stays one
    immutable value shared by every use case. The years before count deadlines of old tickets correctly; a
    controlled clock in tests or the sandbox stays inside the range.
    """
    years = range(today.year - YEARS_BEFORE, today.year + YEARS_AFTER + 1)
    days_off = {holiday.date for holiday in national_days_off(years)}
    for entry in load_campus_days(path):
        if entry.kind == OPEN:
            days_off.discard(entry.date)
        else:
            days_off.add(entry.date)
    return WorkingCalendar(frozenset(days_off))


def national_days_off(years: Iterable[int]) -> tuple[Holiday, ...]:
    """Indonesia's public holidays and cuti bersama in ``years``, with their Indonesian names, by date.

    From the ``holidays`` package (country ``ID``: category ``public`` for the holidays, ``government`` for
    cuti bersama, which the joint ministerial decree sets each year; a year not yet decreed has none).
    A day in both lists counts as a holiday.
    """
    wanted = list(years)
    found: dict[date, Holiday] = {}
    for kind, category in ((JOINT_LEAVE, "government"), (NATIONAL, "public")):
        days = holiday_data.country_holidays("ID", years=wanted, categories=(category,), language="id")
        for day, name in days.items():
            found[day] = Holiday(day, name, kind)
    return tuple(sorted(found.values(), key=lambda holiday: holiday.date))


def load_campus_days(path: Path | None = None) -> tuple[Holiday, ...]:
    """The campus's own days in ``path`` (or the shipped list), sorted by date: closures, and days it works
    although the national list has them off."""
    source, document = read_toml(path, SHIPPED_HOLIDAYS, HolidayListError)
    entries = document.get("holidays", [])
    if not isinstance(entries, list):
        raise HolidayListError(f"{source}: expected [[holidays]] entries")
    holidays = []
    for index, entry in enumerate(entries, start=1):
        where = f"{source}: holiday #{index}"
        if not isinstance(entry, dict):
            raise HolidayListError(f"{where}: expected a table")
        day = entry.get("date")
        if not isinstance(day, date) or isinstance(day, datetime):
            raise HolidayListError(f"{where}: 'date' must be a TOML date such as 2026-11-10")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise HolidayListError(f"{where} ({day}): 'name' must be a non-empty string")
        kind = entry.get("kind", CLOSURE)
        if kind not in HOLIDAY_KINDS:
            raise HolidayListError(f"{where} ({day}): 'kind' must be one of {sorted(HOLIDAY_KINDS)}")
        unknown = sorted(set(entry) - {"date", "name", "kind"})
        if unknown:
            raise HolidayListError(f"{where} ({day}): unknown field {unknown[0]!r} (allowed: date, kind, name)")
        holidays.append(Holiday(day, name.strip(), kind))
    return tuple(sorted(holidays, key=lambda holiday: holiday.date))
