"""Dates of deadlines: typed dates from today on (``parse_user_date(..., future=True)``)."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs.dates import parse_user_date

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30-11", date(2026, 11, 30)),  # later this month
        ("10 Januari", date(2027, 1, 10)),  # January is nearer next year
        ("20-11", date(2026, 11, 20)),  # a few days ago stays this year: the caller refuses it as past
        ("29 Feb", date(2028, 2, 29)),
        ("15-12-2026", date(2026, 12, 15)),
        ("besok", date(2026, 11, 26)),
        ("3 hari lagi", date(2026, 11, 28)),
        ("dalam 2 minggu", date(2026, 12, 9)),
        ("in 5 days", date(2026, 11, 30)),
        ("minggu depan", date(2026, 12, 2)),
        ("next week", date(2026, 12, 2)),
    ],
)
def test_dates_ahead(text: str, expected: date) -> None:
    assert parse_user_date(text, TODAY, future=True) == expected


def test_without_future_a_day_and_month_stay_in_the_past() -> None:
    assert parse_user_date("30-11", TODAY) == date(2025, 11, 30)
    assert parse_user_date("3 hari lagi", TODAY) == date(2026, 11, 28)  # explicit "ahead" phrases mean ahead


@pytest.mark.parametrize("text", ["lagi", "dalam", "in days", "hari lagi x"])
def test_half_phrases_are_not_dates(text: str) -> None:
    assert parse_user_date(text, TODAY, future=True) is None
