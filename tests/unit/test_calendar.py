"""Working days: Monday to Friday minus holidays, for standard times and deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dialogs.calendar import WorkingCalendar
from handlers.catalogue_loader import load_holidays

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


@pytest.fixture(scope="module")
def shipped() -> WorkingCalendar:
    return WorkingCalendar(load_holidays())


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
