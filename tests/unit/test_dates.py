"""Dates as students type them, in Indonesian or English, and dates as shown to them."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.dates import ImpossibleDate, format_date, parse_user_date, read_user_date

TODAY = date(2026, 11, 25)  # a Wednesday


class TestNumericDates:
    @pytest.mark.parametrize(
        "text", ["25-11-2026", "25/11/2026", "25.11.2026", "2026-11-25", " 25 - 11 - 2026 ", "2026/11/25"]
    )
    def test_day_first_and_iso_forms(self, text: str) -> None:
        assert parse_user_date(text, TODAY) == date(2026, 11, 25)

    def test_single_digit_day_and_month(self) -> None:
        assert parse_user_date("3/8/2026", TODAY) == date(2026, 8, 3)

    def test_two_digit_year_means_this_century(self) -> None:
        assert parse_user_date("25-11-26", TODAY) == date(2026, 11, 25)

    def test_day_and_month_without_year_is_the_latest_such_date_not_after_today(self) -> None:
        assert parse_user_date("20/11", TODAY) == date(2026, 11, 20)
        assert parse_user_date("30/11", TODAY) == date(2025, 11, 30)

    @pytest.mark.parametrize("text", ["31-02-2026", "29-02-2026", "2026-13-01", "00-11-2026", "25-11-202"])
    def test_impossible_dates_are_none(self, text: str) -> None:
        assert parse_user_date(text, TODAY) is None


class TestMonthNames:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("25 Nov 2026", date(2026, 11, 25)),
            ("25 November 2026", date(2026, 11, 25)),
            ("25 Desember 2025", date(2025, 12, 25)),
            ("17 agt 2026", date(2026, 8, 17)),
            ("17 Agustus 2026", date(2026, 8, 17)),
            ("1 Mei 2026", date(2026, 5, 1)),
            ("5 Okt 2026", date(2026, 10, 5)),
            ("9 Pebruari 2026", date(2026, 2, 9)),
            ("November 25, 2026", date(2026, 11, 25)),
            ("Rabu, 25 November 2026", date(2026, 11, 25)),
            ("Minggu, 22 November 2026", date(2026, 11, 22)),
            ("tanggal 25 nov. 2026", date(2026, 11, 25)),
            ("1st May 2026", date(2026, 5, 1)),
            ("25nov2026", date(2026, 11, 25)),
        ],
    )
    def test_indonesian_and_english_month_names(self, text: str, expected: date) -> None:
        assert parse_user_date(text, TODAY) == expected

    def test_month_name_without_year_is_the_latest_such_date_not_after_today(self) -> None:
        assert parse_user_date("3 Agustus", TODAY) == date(2026, 8, 3)
        assert parse_user_date("1 Mei", TODAY) == date(2026, 5, 1)
        assert parse_user_date("25 Desember", TODAY) == date(2025, 12, 25)
        assert parse_user_date("25 November", TODAY) == TODAY

    def test_29_february_without_year_is_the_last_leap_day(self) -> None:
        assert parse_user_date("29 Februari", TODAY) == date(2024, 2, 29)

    @pytest.mark.parametrize("text", ["31 Februari 2026", "25 Foo 2026", "32 Mei", "Mei"])
    def test_impossible_or_unknown_month_dates_are_none(self, text: str) -> None:
        assert parse_user_date(text, TODAY) is None


class TestImpossibleDates:
    @pytest.mark.parametrize(
        ("text", "wrong"),
        [
            ("15/13/2026", ImpossibleDate(15, 13, 2026)),
            ("31/11/2026", ImpossibleDate(31, 11, 2026)),
            ("29-02-2027", ImpossibleDate(29, 2, 2027)),
            ("2026-04-31", ImpossibleDate(31, 4, 2026)),
            ("31 November 2026", ImpossibleDate(31, 11, 2026)),
            ("30 Feb", ImpossibleDate(30, 2, None)),
            ("00.11.2026", ImpossibleDate(0, 11, 2026)),
        ],
    )
    def test_numbers_that_name_no_day_say_which_part_is_wrong(self, text: str, wrong: ImpossibleDate) -> None:
        assert read_user_date(text, TODAY) == wrong and parse_user_date(text, TODAY) is None

    def test_how_many_days_a_month_has(self) -> None:
        assert ImpossibleDate(31, 11, 2026).days_in_month == 30
        assert ImpossibleDate(30, 2, 2027).days_in_month == 28
        assert ImpossibleDate(30, 2, 2028).days_in_month == 29 and ImpossibleDate(30, 2, 2100).days_in_month == 28
        assert ImpossibleDate(30, 2, None).days_in_month == 29 and ImpossibleDate(32, 1, 2026).days_in_month == 31

    def test_month_names_in_the_readers_language_and_february_with_its_year(self) -> None:
        assert ImpossibleDate(31, 11, 2026).month_name("en") == "November"
        assert ImpossibleDate(32, 8, 2026).month_name("id") == "Agustus"
        assert ImpossibleDate(29, 2, 2027).month_name("en") == "February 2027"
        assert ImpossibleDate(29, 2, 2027).month_name("id") == "Februari 2027"
        assert not ImpossibleDate(1, 13, 2026).month_exists

    @pytest.mark.parametrize("text", ["kapan-kapan", "25-11-202", "25-11-0000", "25 Foo 2026", ""])
    def test_text_that_is_no_date_is_none(self, text: str) -> None:
        assert read_user_date(text, TODAY) is None

    def test_possible_dates_and_phrases_are_dates(self) -> None:
        assert read_user_date("29/02/2028", TODAY) == date(2028, 2, 29)
        assert read_user_date("kemarin", TODAY) == date(2026, 11, 24)


class TestRelativeDates:
    @pytest.mark.parametrize(
        ("text", "days_ago"),
        [
            ("hari ini", 0),
            ("Today", 0),
            ("kemarin", 1),
            ("yesterday", 1),
            ("kemarin lusa", 2),
            ("2 hari lalu", 2),
            ("2 hari yang lalu", 2),
            ("2 days ago", 2),
            ("dua hari lalu", 2),
            ("sehari yang lalu", 1),
            ("10 hari lalu", 10),
            ("minggu lalu", 7),
            ("last week", 7),
            ("seminggu yang lalu", 7),
            ("2 minggu lalu", 14),
            ("3 weeks ago", 21),
            ("kemarin sore", 1),
            ("tadi pagi", 0),
        ],
    )
    def test_relative_phrases_count_back_from_today(self, text: str, days_ago: int) -> None:
        parsed = parse_user_date(text, TODAY)
        assert parsed is not None and (TODAY - parsed).days == days_ago

    def test_future_phrases_are_parsed_but_not_judged(self) -> None:
        assert parse_user_date("besok", TODAY) == date(2026, 11, 26)

    @pytest.mark.parametrize("text", ["", "kapan-kapan", "lupa", "banyak hari lalu", "25", "abc 2026"])
    def test_unreadable_text_is_none(self, text: str) -> None:
        assert parse_user_date(text, TODAY) is None


class TestFormatDate:
    def test_indonesian_long_date(self) -> None:
        assert format_date(date(2026, 11, 25), "id") == "25 November 2026"
        assert format_date(date(2026, 8, 17), "id") == "17 Agustus 2026"

    def test_english_long_date_is_day_first_too(self) -> None:
        assert format_date(date(2026, 11, 25), "en") == "25 November 2026"
        assert format_date(date(2026, 8, 17), "en-US") == "17 August 2026"

    def test_unknown_locale_falls_back_to_indonesian(self) -> None:
        assert format_date(date(2026, 12, 1), "xx") == "1 Desember 2026"
