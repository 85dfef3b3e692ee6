"""Possible recurrence: which closed LKs a new nonconformity is like, on stemmed words (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.recurrence import THRESHOLD, EarlierLk, likeness, possible_recurrences
from dialogs.stemming import IndonesianStemmer

LATE = EarlierLk(1, "LK-2026-001", "Keterlambatan penerbitan transkrip", "Penandatangan cuti tanpa pengganti",
                 datetime(2026, 3, 12, tzinfo=UTC))
COUNTER = EarlierLk(2, "LK-2026-002", "Loket legalisir tutup lebih awal", "Jadwal piket tidak dipatuhi",
                    datetime(2026, 5, 2, tzinfo=UTC))
LATE_AGAIN = EarlierLk(3, "LK-2026-005", "Transkrip terlambat terbit", "Tidak ada pejabat pengganti",
                       datetime(2026, 8, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def stem() -> IndonesianStemmer:
    return IndonesianStemmer()


class TestLikeness:
    def test_word_forms_count_as_the_same_word_with_a_stemmer(self, stem: IndonesianStemmer) -> None:
        new = "Transkrip terlambat diterbitkan"
        assert likeness(new, LATE.description, stem) > likeness(new, LATE.description)
        assert likeness(new, LATE.description, stem) >= THRESHOLD

    def test_nothing_in_common_is_far_below_the_threshold(self, stem: IndonesianStemmer) -> None:
        assert likeness("KTM hilang di loket", "Transkrip tidak terbit", stem) < THRESHOLD / 2

    def test_empty_texts_are_not_alike(self, stem: IndonesianStemmer) -> None:
        assert likeness("", LATE.description, stem) == 0.0 and likeness("yang dan", "di ke", stem) == 0.0


class TestPossibleRecurrences:
    def test_alike_by_description_or_root_cause_best_first(self, stem: IndonesianStemmer) -> None:
        found = possible_recurrences(["Transkrip terlambat diterbitkan", "Pejabat pengganti tidak ditunjuk"],
                                     [LATE, COUNTER, LATE_AGAIN], stem)
        assert [p.lk.number for p in found] == ["LK-2026-005", "LK-2026-001"]
        assert found[0].score >= found[1].score

    def test_at_most_the_limit(self, stem: IndonesianStemmer) -> None:
        assert len(possible_recurrences(["Transkrip terlambat"], [LATE, LATE_AGAIN], stem, limit=1)) == 1

    def test_none_when_nothing_is_alike(self, stem: IndonesianStemmer) -> None:
        assert possible_recurrences(["Password akun tidak bisa direset"], [LATE, COUNTER, LATE_AGAIN], stem) == []
