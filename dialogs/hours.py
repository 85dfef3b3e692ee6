"""Hours in which people are told things: the office's (jam kerja) and the complainants' quiet hours.

Staff are sent reminders and digests only in office hours (by default Monday to Friday, 08:00–16:00 WIB, on
working days); complainants only between 07:00 and 21:00 WIB, any day. What falls outside waits for the next
opening. A :class:`Window` is a plain value: the clock, the time zone and the working-day calendar are passed in,
so the due-work engine and the tests decide what "now" is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from dialogs.calendar import WorkingCalendar

_SPAN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")


class WindowError(ValueError):
    """Raised when a window's text (e.g. ``"08:00-16:00"``) cannot be read; the text says what is expected."""


@dataclass(frozen=True, slots=True)
class Window:
    """Daily opening hours: from ``start`` (included) to ``end`` (excluded), local time.

    With ``working_days_only`` the window is open only on the calendar's working days (office hours);
    without it, every day (the complainants' waking hours). ``start`` must be before ``end``: a window does
    not run across midnight.
    """

    start: time
    end: time
    working_days_only: bool

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise WindowError("a window's start and end are local times, without a time zone")
        if not self.start < self.end:
            raise WindowError(f"a window must start before it ends ({self.label()})")

    @classmethod
    def parse(cls, text: str, *, working_days_only: bool) -> Window:
        """``"08:00-16:00"`` (or ``"8.00 - 16.00"``) as a window; :class:`WindowError` when it is not one."""
        match = _SPAN.match(text)
        if match is None:
            raise WindowError(f"{text!r} is not a start and an end time such as 08:00-16:00")
        hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
        if hour1 > 23 or hour2 > 23 or minute1 > 59 or minute2 > 59:
            raise WindowError(f"{text!r} is not a start and an end time between 00:00 and 23:59")
        start, end = time(hour1, minute1), time(hour2, minute2)
        if not start < end:
            raise WindowError(f"{text!r} does not start before it ends (a window cannot run across midnight)")
        return cls(start, end, working_days_only)

    def label(self) -> str:
        """``"08:00-16:00"``: the window as a setting would spell it."""
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, at: datetime, tz: tzinfo, calendar: WorkingCalendar) -> bool:
        """Whether the aware instant ``at`` falls inside the window, read in ``tz``."""
        local = _local(at, tz)
        return self._open_on(local.date(), calendar) and self.start <= local.time() < self.end

    def next_opening(self, at: datetime, tz: tzinfo, calendar: WorkingCalendar) -> datetime:
        """The first instant at or after ``at`` inside the window: ``at`` itself when it is inside.

        ``at`` must be aware; the answer is in ``at``'s own time zone (UTC in, UTC out).
        """
        local = _local(at, tz)
        day = local.date()
        if self._open_on(day, calendar):
            if self.start <= local.time() < self.end:
                return at
            if local.time() < self.start:
                return self._opening(day, tz, at)
        return self._opening(self._next_open_day(day + timedelta(days=1), calendar), tz, at)

    def _open_on(self, day: date, calendar: WorkingCalendar) -> bool:
        return not self.working_days_only or calendar.is_working_day(day)

    def _next_open_day(self, day: date, calendar: WorkingCalendar) -> date:
        return calendar.next_working_day(day) if self.working_days_only else day

    def _opening(self, day: date, tz: tzinfo, at: datetime) -> datetime:
        return datetime.combine(day, self.start, tzinfo=tz).astimezone(at.tzinfo)


def _local(at: datetime, tz: tzinfo) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got the naive {at.isoformat()}")
    return at.astimezone(tz)


OFFICE_HOURS = Window(time(8), time(16), working_days_only=True)
"""Staff are told things Monday to Friday (working days), 08:00–16:00 local time, unless settings say otherwise."""

COMPLAINANT_HOURS = Window(time(7), time(21), working_days_only=False)
"""Complainants are told things every day between 07:00 and 21:00 local time, unless settings say otherwise."""
