"""Working days (hari kerja): Monday to Friday, minus national holidays and cuti bersama.

Standard service times and follow-up deadlines are counted in working days. Counting is done by
arithmetic on weeks plus a binary search over the holidays, so it costs the same for 3 or 3000 days.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

_WEEKEND_START = 5  # date.weekday(): Saturday = 5, Sunday = 6


def _weekdays_through(ordinal: int) -> int:
    """How many Mondays-to-Fridays there are among ordinals 1..``ordinal`` (ordinal 1 is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _shift_weekdays(day: date, count: int) -> date:
    """The weekday ``count`` weekdays after (or, if negative, before) ``day``, ignoring holidays.

    Forward, the weekdays in (day, result] number ``count``; backward, those in [result, day) do.
    """
    if count == 0:
        return day
    weeks, rest = divmod(abs(count), 5)
    if count > 0:
        if day.weekday() >= _WEEKEND_START:  # from a weekend, count as if from the Friday before
            day -= timedelta(days=day.weekday() - 4)
        day += timedelta(weeks=weeks)
        extra = rest + 2 if day.weekday() + rest >= _WEEKEND_START else rest
        return day + timedelta(days=extra)
    if day.weekday() >= _WEEKEND_START:  # from a weekend, count as if from the Monday after
        day += timedelta(days=7 - day.weekday())
    day -= timedelta(weeks=weeks)
    extra = rest + 2 if day.weekday() - rest < 0 else rest
    return day - timedelta(days=extra)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, given the institution's holiday list."""

    holidays: frozenset[date] = frozenset()
    _weekday_holidays: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordinals = sorted(d.toordinal() for d in self.holidays if d.weekday() < _WEEKEND_START)
        object.__setattr__(self, "_weekday_holidays", tuple(ordinals))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < _WEEKEND_START and day not in self.holidays

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; 0 if ``end`` is not after ``start``."""
        if end <= start:
            return 0
        weekdays = _weekdays_through(end.toordinal()) - _weekdays_through(start.toordinal())
        return weekdays - self._holidays_in(start.toordinal() + 1, end.toordinal())

    def add_working_days(self, start: date, n: int) -> date:
        """The day on which ``n`` working days after ``start`` have passed (``start`` itself not counted).

        That is the n-th working day after ``start``: with no holidays, Friday + 1 is Monday. ``n = 0``
        gives ``start``; a negative ``n`` goes back to the |n|-th working day before ``start``.
        """
        current, remaining = start, n
        while remaining:
            target = _shift_weekdays(current, remaining)
            if remaining > 0:
                lost = self._holidays_in(current.toordinal() + 1, target.toordinal())
                remaining = lost
            else:
                lost = self._holidays_in(target.toordinal(), current.toordinal() - 1)
                remaining = -lost
            current = target
        return current

    def next_working_day(self, day: date) -> date:
        """``day`` itself if it is a working day, otherwise the first working day after it."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def _holidays_in(self, first: int, last: int) -> int:
        """Weekday holidays with ordinals in [first, last]."""
        if last < first:
            return 0
        return bisect_right(self._weekday_holidays, last) - bisect_left(self._weekday_holidays, first)
