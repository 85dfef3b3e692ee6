"""/monitor's cut-off: a ticket is late to confirm exactly when today is past its working-day deadline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from dialogs.calendar import WorkingCalendar
from handlers.staff.monitor import confirmation_cutoff

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = WorkingCalendar(holidays=frozenset({date(2026, 11, 23), date(2026, 12, 25)}))


def test_the_cutoff_is_the_start_of_the_first_day_not_yet_late_in_wib() -> None:
    # Wednesday 25 Nov 2026, Monday 23 a holiday: received Thu 19 → due Tue 24, late;
    # received Fri 20 → due Wed 25, not late yet.
    cutoff = confirmation_cutoff(date(2026, 11, 25), CALENDAR, 2, WIB)
    assert cutoff == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)  # Fri 20 Nov 00:00 WIB


@given(today=st.dates(date(2026, 1, 1), date(2027, 12, 31)), received=st.dates(date(2025, 11, 1), date(2027, 12, 31)),
       days=st.integers(0, 10))
def test_a_ticket_is_before_the_cutoff_exactly_when_it_is_late(today: date, received: date, days: int) -> None:
    cutoff = confirmation_cutoff(today, CALENDAR, days, WIB)
    late = today > CALENDAR.add_working_days(received, days)
    for moment in (time(0, 0), time(23, 59, 59)):
        filed = datetime.combine(received, moment, tzinfo=WIB)
        assert (filed < cutoff) == late


def test_with_no_days_to_confirm_everything_before_today_is_late() -> None:
    assert confirmation_cutoff(date(2026, 11, 25), CALENDAR, 0, WIB) == datetime(2026, 11, 24, 17, 0, tzinfo=UTC)
