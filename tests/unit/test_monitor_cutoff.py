"""/monitor's cut-off: a ticket is late to confirm exactly when today is past its working-day deadline
(its service's own confirm time, or the default)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue, StandardTimes
from handlers.context import Deps
from handlers.i18n import Translator
from handlers.staff.monitor import confirmation_cutoff, confirmation_cutoffs

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


def test_services_with_their_own_confirm_time_get_their_own_cutoff(catalogue: Catalogue) -> None:
    deps = Deps(catalogue=catalogue, translator=Translator(), calendar=CALENDAR, tz=WIB)
    today = date(2026, 11, 25)
    default, by_service = confirmation_cutoffs(today, deps)
    assert default == confirmation_cutoff(today, CALENDAR, deps.standard_times.confirm, WIB)
    assert by_service == {"tuition": confirmation_cutoff(today, CALENDAR, 5, WIB)}  # the only one set in the file
    assert by_service["tuition"] < default


def test_when_the_default_equals_a_service_s_own_time_it_needs_no_cutoff_of_its_own(catalogue: Catalogue) -> None:
    deps = Deps(catalogue=catalogue, translator=Translator(), calendar=CALENDAR, tz=WIB,
                standard_times=StandardTimes(confirm=5, respond=5, close=20))
    assert confirmation_cutoffs(date(2026, 11, 25), deps)[1] == {}
