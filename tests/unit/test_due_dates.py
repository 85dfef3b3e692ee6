"""Typed due dates (dialogs/due_dates.py): what is wrong with one is said, a day off moves to the next working day
and says so, and the example is always a date the checks accept."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.calendar import WorkingCalendar
from dialogs.due_dates import date_and_reason, example_due, working_due
from dialogs.engine import Problem
from handlers.i18n import Translator

TODAY = date(2026, 12, 21)  # a Monday
CALENDAR = WorkingCalendar(frozenset({date(2026, 12, 24), date(2026, 12, 25), date(2027, 1, 5)}))
en = Translator().gettext("en")


class TestDateAndReason:
    def test_the_date_and_the_reason_after_it(self) -> None:
        assert date_and_reason("8-1-2027 waiting for the senate", TODAY, en, "en") == (
            date(2027, 1, 8), "waiting for the senate")

    @pytest.mark.parametrize(("typed", "wrong"), [
        ("31-02-2027 menunggu", en("{month} has only {n} days.").format(month="February 2027", n=28)),
        ("32-12-2026 x", en("{month} has only {n} days.").format(month="December", n=31)),
        ("15-13-2026 x", en("There is no month {month}.").format(month=13)),
        ("kemarin ada rapat", en("That date has passed. Please give today or a later date.")),
        ("05-01-2027", en("Write the reason after the date: why is more time needed?")),
    ])
    def test_what_is_wrong_is_said(self, typed: str, wrong: str) -> None:
        assert date_and_reason(typed, TODAY, en, "en") == Problem(wrong)

    @pytest.mark.parametrize("typed", ["", "soon, the senate meets", "KEL-2026-00001"])
    def test_no_date_at_all_is_none(self, typed: str) -> None:
        assert date_and_reason(typed, TODAY, en, "en") is None


class TestWorkingDue:
    def test_a_working_day_stays_without_a_note(self) -> None:
        assert working_due(date(2026, 12, 23), CALENDAR, en, "en") == (date(2026, 12, 23), "")

    def test_a_holiday_moves_and_says_it_is_one(self) -> None:
        assert working_due(date(2026, 12, 25), CALENDAR, en, "en") == (date(2026, 12, 28), en(
            "{day} is a holiday: due on {date}.").format(day="25 December 2026", date="28 December 2026"))

    def test_a_weekend_moves_and_says_it_is_no_working_day(self) -> None:
        assert working_due(date(2027, 1, 9), CALENDAR, en, "en")[0] == date(2027, 1, 11)
        assert "9 January 2027" in working_due(date(2027, 1, 9), CALENDAR, en, "en")[1]


def test_the_example_is_five_working_days_ahead_and_reads_back_as_that_day() -> None:
    example = example_due(TODAY, CALENDAR)
    assert example == "30-12-2026"
    assert date_and_reason(example + " why", TODAY, en, "en") == (date(2026, 12, 30), "why")
