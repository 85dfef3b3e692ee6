"""/stats' words: the periods /export reads, a year, a range with "..", the last 12 months by default."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from dialogs.catalogue import Catalogue
from dialogs.export_query import BadExport
from dialogs.stats_query import StatsQuery, parse_stats
from handlers.stats import nearest_rank

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(("words", "expected"), [
    ("", StatsQuery(date(2026, 1, 1), TODAY)),
    ("2026-11", StatsQuery(date(2026, 11, 1), date(2026, 11, 30))),
    ("11-2026", StatsQuery(date(2026, 11, 1), date(2026, 11, 30))),
    ("2025", StatsQuery(date(2025, 1, 1), date(2025, 12, 31))),
    ("01-09-2026..30-11-2026", StatsQuery(date(2026, 9, 1), date(2026, 11, 30))),
    ("09-2026 11-2026 transcript", StatsQuery(date(2026, 9, 1), date(2026, 11, 30), "transcript")),
    ("2026 tuition", StatsQuery(date(2026, 1, 1), date(2026, 12, 31), "tuition")),
])
def test_periods_and_services_are_read(catalogue: Catalogue, words: str, expected: StatsQuery) -> None:
    assert parse_stats(words, catalogue, TODAY) == expected


@pytest.mark.parametrize(("words", "problem"), [
    ("31-02-2026", "date"), ("2026-13", "date"), ("11-2026..09-2026", "range"), ("2024 2025 2026", "date"),
    ("nosuchservicexyz", "service"), ("0001-01", "date"), ("31-12-9999", "date"),
])
def test_bad_words_say_which_part_is_wrong(catalogue: Catalogue, words: str, problem: str) -> None:
    with pytest.raises(BadExport) as caught:
        parse_stats(words, catalogue, TODAY)
    assert caught.value.problem == problem


def test_median_and_p90_are_the_nearest_rank_of_the_histogram() -> None:
    days = Counter({1: 5, 2: 3, 10: 2})  # 1 1 1 1 1 2 2 2 10 10
    assert nearest_rank(days, 0.5) == 1.0
    assert nearest_rank(days, 0.9) == 10.0
    assert nearest_rank(Counter(), 0.5) is None
