"""Due dates staff type (an action's due date, a new date for an extension, "/extend <number> <date> <reason>"):
read as the intake dialog reads dates, said plainly when wrong, and moved to a working day.

Every typed due date lands on a working day of the calendar (hari kerja): a deadline on a holiday or a weekend
would make its reminders and the complainant's notice come on a day the office is closed. The answer says so when
a date moved, so nobody is surprised to find another date on the LK or the ticket.
"""

from __future__ import annotations

from datetime import date

from dialogs.answers import example_date, impossible_date
from dialogs.calendar import WorkingCalendar
from dialogs.dates import ImpossibleDate, format_date, read_leading_date
from dialogs.engine import Problem
from dialogs.ui import Gettext

EXAMPLE_WORKING_DAYS = 5
"""An example date is this many working days ahead: always a date the parser and the checks accept."""


def example_due(today: date, calendar: WorkingCalendar) -> str:
    """A due date to show in an example, in the form the parser reads ("10-12-2026"), a few working days ahead of
    ``today``: a fixed example date goes stale and is refused as past once it has passed."""
    return example_date(calendar.add_working_days(today, EXAMPLE_WORKING_DAYS))


def date_and_reason(text: str, today: date, _: Gettext, locale: str) -> tuple[date, str] | Problem | None:
    """The new due date that ``text`` begins with, and the reason after it ("05-01-2027 waiting for the senate").

    A problem says what is wrong: a date that names no day ("31-02-2027"), a date before today ("kemarin"), no
    reason after the date. None: the text does not begin with a date at all (the caller shows how to write it).
    """
    found = read_leading_date(text, today, future=True)
    if found is None:
        return None
    when, reason = found
    if isinstance(when, ImpossibleDate):
        return Problem(impossible_date(when, _, locale))
    if when < today:
        return Problem(_("That date has passed. Please give today or a later date."))
    if not reason.strip():
        return Problem(_("Write the reason after the date: why is more time needed?"))
    return when, reason.strip()


def working_due(day: date, calendar: WorkingCalendar, _: Gettext, locale: str) -> tuple[date, str]:
    """``day``, or the first working day after it, with the note that says why it moved ("" when it did not):
    "25 December 2026 is a holiday: due on 28 December 2026."."""
    moved = calendar.next_working_day(day)
    if moved == day:
        return day, ""
    note = (_("{day} is a holiday: due on {date}.") if day in calendar.holidays else
            _("{day} is not a working day: due on {date}."))
    return moved, note.format(day=format_date(day, locale), date=format_date(moved, locale))
