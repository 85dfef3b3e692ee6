"""Working days: Monday to Friday minus national holidays, cuti bersama and campus closures, for deadlines."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.errors import ConfigError
from bot.settings import Settings
from dialogs.calendar import WorkingCalendar
from handlers.calendar_loader import (
    YEARS_AFTER,
    YEARS_BEFORE,
    HolidayListError,
    load_calendar,
    load_campus_days,
    national_days_off,
)

MONDAY = date(2026, 11, 23)
FRIDAY = date(2026, 11, 27)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)
NEXT_MONDAY = date(2026, 11, 30)


def brute_add(calendar: WorkingCalendar, start: date, n: int) -> date:
    day, step, left = start, (1 if n > 0 else -1), abs(n)
    while left:
        day += timedelta(days=step)
        left -= calendar.is_working_day(day)
    return day


def brute_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    return sum(calendar.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


BUILT_ON = date(2026, 12, 3)


@pytest.fixture(scope="module")
def shipped() -> WorkingCalendar:
    """The calendar as the bot builds it: the `holidays` package and the shipped campus closures."""
    return load_calendar(today=BUILT_ON)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    return path


class TestIsWorkingDay:
    def test_weekdays_are_working_days_and_weekends_are_not(self) -> None:
        calendar = WorkingCalendar()
        assert calendar.is_working_day(MONDAY) and calendar.is_working_day(FRIDAY)
        assert not calendar.is_working_day(SATURDAY) and not calendar.is_working_day(SUNDAY)

    def test_a_holiday_is_not_a_working_day(self) -> None:
        assert not WorkingCalendar(frozenset({MONDAY})).is_working_day(MONDAY)

    def test_shipped_holidays_independence_day_and_cuti_bersama_are_off(
        self, shipped: WorkingCalendar
    ) -> None:
        assert not shipped.is_working_day(date(2026, 8, 17))
        assert not shipped.is_working_day(date(2026, 3, 23))  # cuti bersama Idulfitri
        assert shipped.is_working_day(date(2026, 3, 25))


class TestAddWorkingDays:
    def test_start_day_does_not_count(self) -> None:
        assert WorkingCalendar().add_working_days(MONDAY, 1) == MONDAY + timedelta(days=1)

    def test_friday_plus_one_is_monday(self) -> None:
        assert WorkingCalendar().add_working_days(FRIDAY, 1) == NEXT_MONDAY

    def test_from_a_weekend_the_first_working_day_is_monday(self) -> None:
        calendar = WorkingCalendar()
        assert calendar.add_working_days(SATURDAY, 1) == NEXT_MONDAY
        assert calendar.add_working_days(SUNDAY, 1) == NEXT_MONDAY

    def test_five_working_days_is_a_week(self) -> None:
        assert WorkingCalendar().add_working_days(MONDAY, 5) == NEXT_MONDAY

    def test_zero_days_is_the_start_itself(self) -> None:
        assert WorkingCalendar().add_working_days(SATURDAY, 0) == SATURDAY

    def test_holidays_are_skipped(self) -> None:
        calendar = WorkingCalendar(frozenset({MONDAY + timedelta(days=1)}))
        assert calendar.add_working_days(MONDAY, 1) == MONDAY + timedelta(days=2)

    def test_a_result_never_lands_on_a_holiday(self) -> None:
        calendar = WorkingCalendar(frozenset({NEXT_MONDAY}))
        assert calendar.add_working_days(FRIDAY, 1) == NEXT_MONDAY + timedelta(days=1)

    def test_negative_days_go_back(self) -> None:
        assert WorkingCalendar().add_working_days(NEXT_MONDAY, -1) == FRIDAY
        thursday = FRIDAY - timedelta(days=1)
        assert WorkingCalendar(frozenset({FRIDAY})).add_working_days(NEXT_MONDAY, -1) == thursday

    def test_transcript_submitted_before_idulfitri_2026_is_due_after_the_holidays(
        self, shipped: WorkingCalendar
    ) -> None:
        # 18-24 March 2026: cuti bersama, Nyepi, cuti bersama, weekend (Idulfitri), cuti bersama x2
        assert shipped.add_working_days(date(2026, 3, 17), 3) == date(2026, 3, 27)

    def test_agrees_with_counting_day_by_day(self, shipped: WorkingCalendar) -> None:
        start = date(2025, 12, 1)
        for offset in range(0, 120, 3):
            for n in (-25, -7, -1, 1, 2, 4, 5, 6, 11, 30):
                day = start + timedelta(days=offset)
                assert shipped.add_working_days(day, n) == brute_add(shipped, day, n), (day, n)


class TestWorkingDaysBetween:
    def test_counts_days_after_start_up_to_and_including_end(self) -> None:
        assert WorkingCalendar().working_days_between(MONDAY, FRIDAY) == 4
        assert WorkingCalendar().working_days_between(FRIDAY, NEXT_MONDAY) == 1

    def test_is_zero_when_end_is_not_after_start(self) -> None:
        calendar = WorkingCalendar()
        assert calendar.working_days_between(FRIDAY, FRIDAY) == 0
        assert calendar.working_days_between(FRIDAY, MONDAY) == 0

    def test_weekend_only_span_has_no_working_days(self) -> None:
        assert WorkingCalendar().working_days_between(FRIDAY, SUNDAY) == 0

    def test_holidays_in_the_span_are_not_counted(self, shipped: WorkingCalendar) -> None:
        assert shipped.working_days_between(date(2026, 3, 17), date(2026, 3, 27)) == 3

    def test_inverts_add_working_days(self, shipped: WorkingCalendar) -> None:
        for n in range(1, 40):
            start = date(2026, 5, 12)
            assert shipped.working_days_between(start, shipped.add_working_days(start, n)) == n

    def test_agrees_with_counting_day_by_day(self, shipped: WorkingCalendar) -> None:
        start = date(2026, 12, 20)
        for offset in range(0, 30, 2):
            for length in (0, 1, 2, 5, 9, 16, 40, 200):
                first = start + timedelta(days=offset)
                last = first + timedelta(days=length)
                assert shipped.working_days_between(first, last) == brute_between(shipped, first, last)


class TestNextWorkingDay:
    def test_a_working_day_is_its_own_next_working_day(self) -> None:
        assert WorkingCalendar().next_working_day(MONDAY) == MONDAY

    def test_a_weekend_rolls_to_monday(self) -> None:
        assert WorkingCalendar().next_working_day(SATURDAY) == NEXT_MONDAY


class TestNationalAndCampusDays:
    def test_2026_national_holidays_are_off(self, shipped: WorkingCalendar) -> None:
        for day in (date(2026, 1, 1), date(2026, 5, 1), date(2026, 6, 1), date(2026, 8, 17), date(2026, 12, 25)):
            assert not shipped.is_working_day(day), day

    def test_2026_cuti_bersama_around_idul_fitri_and_christmas_are_off(self, shipped: WorkingCalendar) -> None:
        # Idul Fitri 1447 H fell on Sat 21 - Sun 22 March 2026; the decree gave Fri 20, Mon 23 and Tue 24 off.
        for day in (date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24), date(2026, 12, 24)):
            assert not shipped.is_working_day(day), day
        assert shipped.is_working_day(date(2026, 3, 25)) and shipped.is_working_day(date(2026, 12, 23))

    def test_national_days_have_their_indonesian_names_and_kinds(self) -> None:
        days = {holiday.date: holiday for holiday in national_days_off([2026])}
        assert days[date(2026, 8, 17)].kind == "holiday" and "Kemerdekaan" in days[date(2026, 8, 17)].name
        assert days[date(2026, 3, 23)].kind == "cuti_bersama" and "Cuti Bersama" in days[date(2026, 3, 23)].name
        assert list(days) == sorted(days)

    def test_the_shipped_campus_closure_is_off(self, shipped: WorkingCalendar) -> None:
        assert not shipped.is_working_day(date(2026, 11, 10))  # Dies Natalis ITS, a Tuesday
        assert shipped.is_working_day(date(2026, 11, 11))
        assert all(day.kind == "closure" for day in load_campus_days())

    def test_a_closure_from_the_campus_file_is_off(self, tmp_path: Path) -> None:
        path = write(tmp_path, '[[holidays]]\ndate = 2026-11-12\nname = "Wisuda ke-133"\n')
        calendar = load_calendar(path, today=BUILT_ON)
        assert not calendar.is_working_day(date(2026, 11, 12))
        assert calendar.is_working_day(date(2026, 11, 10))  # the shipped list is replaced, not added to
        assert not calendar.is_working_day(date(2026, 8, 17))  # national days stay

    def test_a_day_the_campus_works_overrides_the_national_list(self, tmp_path: Path) -> None:
        path = write(tmp_path, '[[holidays]]\ndate = 2026-12-24\nname = "Kampus buka"\nkind = "working_day"\n')
        assert load_calendar(path, today=BUILT_ON).is_working_day(date(2026, 12, 24))

    def test_a_decree_newer_than_the_package_can_be_listed(self, tmp_path: Path) -> None:
        path = write(tmp_path, '[[holidays]]\ndate = 2028-06-05\nname = "Cuti bersama"\nkind = "cuti_bersama"\n')
        assert not load_calendar(path, today=BUILT_ON).is_working_day(date(2028, 6, 5))

    def test_an_empty_campus_file_leaves_the_national_days(self, tmp_path: Path) -> None:
        calendar = load_calendar(write(tmp_path, "# no closures this year\n"), today=BUILT_ON)
        assert calendar.is_working_day(date(2026, 11, 10)) and not calendar.is_working_day(date(2026, 8, 17))

    def test_it_covers_years_before_and_after_the_day_it_is_built(self, shipped: WorkingCalendar) -> None:
        for year in (BUILT_ON.year - YEARS_BEFORE, BUILT_ON.year + 1, BUILT_ON.year + YEARS_AFTER):
            christmas = date(year, 12, 25)
            new_year = date(year, 1, 1)
            assert christmas in shipped.holidays and new_year in shipped.holidays, year
        assert YEARS_BEFORE >= 1 and YEARS_AFTER >= 2

    @pytest.mark.parametrize(
        ("entry", "message"),
        [
            ('date = "2026-11-10"\nname = "x"', r"holiday #1: 'date' must be a TOML date"),
            ("date = 2026-11-10T08:00:00\nname = \"x\"", r"holiday #1: 'date' must be a TOML date"),
            ('date = 2026-11-10\nname = ""', r"holiday #1 \(2026-11-10\): 'name' must be a non-empty"),
            ('date = 2026-11-10\nname = "x"\nkind = "party"', r"holiday #1 \(2026-11-10\): 'kind' must be one of"),
            ('date = 2026-11-10\nname = "x"\nnote = "y"', r"holiday #1 \(2026-11-10\): unknown field 'note'"),
        ],
    )
    def test_malformed_entry_is_refused_naming_the_file_and_the_entry(
            self, tmp_path: Path, entry: str, message: str) -> None:
        path = write(tmp_path, f"[[holidays]]\n{entry}\n")
        with pytest.raises(HolidayListError, match=f"holidays.toml: {message}"):
            load_calendar(path, today=BUILT_ON)

    def test_a_missing_or_broken_file_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(HolidayListError, match="cannot read file"):
            load_calendar(tmp_path / "absent.toml", today=BUILT_ON)
        with pytest.raises(HolidayListError, match="invalid TOML"):
            load_calendar(write(tmp_path, "[[holidays]\n"), today=BUILT_ON)

    def test_the_bot_stops_with_one_line_on_a_bad_holidays_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, '[[holidays]]\ndate = 2026-11-10\nname = "x"\nkind = "party"\n')
        with pytest.raises(ConfigError, match=r"holidays\.toml: holiday #1 .*'kind' must be one of"):
            build(Settings(_env_file=None, holidays_file=path, database_url="sqlite+aiosqlite:///:memory:"))
