"""Office hours and the complainants' quiet hours: when a notice may go out, and when it waits until."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import ConfigError
from bot.settings import Settings
from dialogs.calendar import WorkingCalendar
from dialogs.hours import COMPLAINANT_HOURS, OFFICE_HOURS, Window, WindowError

WIB = ZoneInfo("Asia/Jakarta")
# 17 Aug 2026 (Independence Day) is a Monday; 14-16 Aug is Fri-Sun.
CALENDAR = WorkingCalendar(frozenset({date(2026, 8, 17)}))


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


class TestParse:
    @pytest.mark.parametrize(("text", "start", "end"), [
        ("08:00-16:00", time(8), time(16)),
        ("7:30 - 21:15", time(7, 30), time(21, 15)),
        ("08.00-16.00", time(8), time(16)),
    ])
    def test_reads_a_start_and_an_end(self, text: str, start: time, end: time) -> None:
        window = Window.parse(text, working_days_only=True)
        assert (window.start, window.end, window.working_days_only) == (start, end, True)

    @pytest.mark.parametrize(("text", "message"), [
        ("8-16", "is not a start and an end time such as 08:00-16:00"),
        ("08:00", "is not a start and an end time such as 08:00-16:00"),
        ("", "is not a start and an end time such as 08:00-16:00"),
        ("08:00-24:00", "between 00:00 and 23:59"),
        ("08:60-16:00", "between 00:00 and 23:59"),
        ("16:00-08:00", "does not start before it ends"),
        ("08:00-08:00", "does not start before it ends"),
    ])
    def test_refuses_what_is_not_a_window(self, text: str, message: str) -> None:
        with pytest.raises(WindowError, match=message):
            Window.parse(text, working_days_only=False)

    def test_a_window_cannot_end_before_it_starts(self) -> None:
        with pytest.raises(WindowError, match="must start before it ends"):
            Window(time(16), time(8), working_days_only=False)

    def test_the_defaults_are_office_hours_on_working_days_and_waking_hours_every_day(self) -> None:
        assert OFFICE_HOURS == Window.parse("08:00-16:00", working_days_only=True)
        assert COMPLAINANT_HOURS == Window.parse("07:00-21:00", working_days_only=False)
        assert OFFICE_HOURS.label() == "08:00-16:00"


class TestOfficeHours:
    def test_inside_the_hours_of_a_working_day_is_open(self) -> None:
        tuesday = date(2026, 8, 18)
        assert OFFICE_HOURS.contains(wib(tuesday, 8), WIB, CALENDAR)
        assert OFFICE_HOURS.contains(wib(tuesday, 15, 59), WIB, CALENDAR)
        assert not OFFICE_HOURS.contains(wib(tuesday, 16), WIB, CALENDAR)
        assert not OFFICE_HOURS.contains(wib(tuesday, 7, 59), WIB, CALENDAR)

    def test_weekends_and_holidays_are_closed_all_day(self) -> None:
        assert not OFFICE_HOURS.contains(wib(date(2026, 8, 15), 10), WIB, CALENDAR)  # Saturday
        assert not OFFICE_HOURS.contains(wib(date(2026, 8, 17), 10), WIB, CALENDAR)  # Independence Day

    def test_inside_the_window_the_next_opening_is_now(self) -> None:
        at = wib(date(2026, 8, 18), 9, 30)
        assert OFFICE_HOURS.next_opening(at, WIB, CALENDAR) == at

    def test_before_opening_it_waits_for_eight_the_same_day(self) -> None:
        assert OFFICE_HOURS.next_opening(wib(date(2026, 8, 18), 6), WIB, CALENDAR) == wib(date(2026, 8, 18), 8)

    def test_friday_evening_waits_over_the_weekend_and_the_holiday_to_tuesday(self) -> None:
        friday_evening = wib(date(2026, 8, 14), 17)
        assert OFFICE_HOURS.next_opening(friday_evening, WIB, CALENDAR) == wib(date(2026, 8, 18), 8)

    def test_utc_in_gives_utc_out(self) -> None:
        at = datetime(2026, 8, 14, 10, 0, tzinfo=UTC)  # Friday 17:00 WIB
        opening = OFFICE_HOURS.next_opening(at, WIB, CALENDAR)
        assert opening == datetime(2026, 8, 18, 1, 0, tzinfo=UTC) and opening.tzinfo == UTC

    def test_the_window_is_read_in_the_given_time_zone(self) -> None:
        at = datetime(2026, 8, 18, 1, 30, tzinfo=UTC)  # 08:30 WIB, 01:30 in UTC
        assert OFFICE_HOURS.contains(at, WIB, CALENDAR)
        assert not OFFICE_HOURS.contains(at, UTC, CALENDAR)
        wita = timezone(timedelta(hours=8))  # Makassar: opens an hour earlier in UTC
        assert OFFICE_HOURS.next_opening(datetime(2026, 8, 18, 0, 0, tzinfo=UTC), wita, CALENDAR) == datetime(
            2026, 8, 18, 0, 0, tzinfo=UTC)

    def test_a_naive_datetime_is_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            OFFICE_HOURS.next_opening(datetime(2026, 8, 18, 9), WIB, CALENDAR)
        with pytest.raises(ValueError, match="aware"):
            OFFICE_HOURS.contains(datetime(2026, 8, 18, 9), WIB, CALENDAR)


class TestComplainantHours:
    def test_weekends_and_holidays_are_open_in_waking_hours(self) -> None:
        assert COMPLAINANT_HOURS.contains(wib(date(2026, 8, 17), 7), WIB, CALENDAR)
        assert COMPLAINANT_HOURS.contains(wib(date(2026, 8, 15), 20, 59), WIB, CALENDAR)

    def test_a_late_evening_notice_waits_for_seven_the_next_morning_even_on_a_holiday(self) -> None:
        sunday_night = wib(date(2026, 8, 16), 22, 30)
        assert COMPLAINANT_HOURS.next_opening(sunday_night, WIB, CALENDAR) == wib(date(2026, 8, 17), 7)

    def test_just_after_midnight_waits_for_seven_the_same_day(self) -> None:
        assert COMPLAINANT_HOURS.next_opening(wib(date(2026, 8, 16), 0, 5), WIB, CALENDAR) == wib(
            date(2026, 8, 16), 7)


@given(at=st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC)),
       working_days_only=st.booleans())
def test_the_next_opening_is_the_first_open_moment_at_or_after(at: datetime, working_days_only: bool) -> None:
    window = Window(time(8), time(16), working_days_only)
    opening = window.next_opening(at, WIB, CALENDAR)
    assert opening >= at and window.contains(opening, WIB, CALENDAR)
    if opening > at:  # nothing open in between: every minute up to the opening (sampled) is closed
        assert opening == datetime.combine(opening.astimezone(WIB).date(), window.start, tzinfo=WIB)
        step = max((opening - at) / 50, timedelta(seconds=1))
        moment = at
        while moment < opening:
            assert not window.contains(moment, WIB, CALENDAR)
            moment += step


class TestSettings:
    def test_defaults_are_office_hours_and_waking_hours(self) -> None:
        settings = Settings(_env_file=None)
        assert settings.office_window() == OFFICE_HOURS
        assert settings.complainant_window() == COMPLAINANT_HOURS

    def test_settings_set_the_windows(self) -> None:
        settings = Settings(_env_file=None, office_hours="07:30-15:30", complainant_hours="06:00-22:00")
        assert settings.office_window() == Window(time(7, 30), time(15, 30), working_days_only=True)
        assert settings.complainant_window() == Window(time(6), time(22), working_days_only=False)

    @pytest.mark.parametrize(("field", "name"), [("office_hours", "OFFICE_HOURS"),
                                                 ("complainant_hours", "COMPLAINANT_HOURS")])
    def test_a_bad_window_is_a_config_error_naming_the_setting(self, field: str, name: str) -> None:
        settings = Settings(_env_file=None, **{field: "21:00-07:00"})
        with pytest.raises(ConfigError, match=f"^{name}: '21:00-07:00' does not start before it ends"):
            settings.office_window() if field == "office_hours" else settings.complainant_window()
