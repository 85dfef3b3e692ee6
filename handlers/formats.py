"""Times and dates as people in Surabaya read them (WIB, Babel, the reader's language), and ages of cases."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from dialogs.calendar import WorkingCalendar
from dialogs.dates import format_date
from handlers.i18n import Gettext


def when(at: datetime, tz: ZoneInfo, locale: str) -> str:
    """A moment, e.g. "3 Desember 2026, 14:05 WIB"."""
    return format_datetime(at, "d MMMM y, HH:mm", tzinfo=tz, locale=locale) + " WIB"


def day(value: date, locale: str) -> str:
    """A date, e.g. "3 Desember 2026" — the one date format of every view."""
    return format_date(value, locale)


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def age(since: datetime, today: date, tz: ZoneInfo, calendar: WorkingCalendar, _: Gettext) -> str:
    """How long a case has been open, in working days ("today", "1 working day", "7 working days")."""
    days = calendar.working_days_between(local_day(since, tz), today)
    if days == 0:
        return _("today")
    return _("1 working day") if days == 1 else _("{n} working days").format(n=days)
