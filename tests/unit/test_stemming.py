"""Indonesian word forms in search: the stemmer with our campus words, and the index finding stems (pure)."""

from __future__ import annotations

import pytest

from dialogs.catalogue import catalogue_words
from dialogs.search import TicketIndex, words
from dialogs.stemming import IDENTITY, IndonesianStemmer
from handlers.catalogue_loader import load_catalogue
from handlers.recurrence import RecurrenceAnswer


@pytest.fixture(scope="module")
def stem() -> IndonesianStemmer:
    return IndonesianStemmer(catalogue_words(load_catalogue()))


class TestStemmer:
    @pytest.mark.parametrize(("word", "root"), [
        ("dilegalisir", "legalisir"), ("melegalisir", "legalisir"), ("legalisirnya", "legalisir"),
        ("terlambat", "lambat"), ("pembayaran", "bayar"), ("diterbitkan", "terbit"), ("ijazahku", "ijazah"),
        ("kehilangan", "hilang"), ("diunggah", "unggah"), ("perkuliahan", "kuliah"),
    ])
    def test_indonesian_forms_become_their_root(self, stem: IndonesianStemmer, word: str, root: str) -> None:
        assert stem(word) == root

    @pytest.mark.parametrize("word", ["processing", "delayed", "transcript", "graduation", "missing", "wrong"])
    def test_english_words_stay_as_they_are(self, stem: IndonesianStemmer, word: str) -> None:
        assert stem(word) == word

    @pytest.mark.parametrize("word", ["krs", "ktm", "ukt", "2026", "ktm2026"])
    def test_short_words_and_codes_stay(self, stem: IndonesianStemmer, word: str) -> None:
        assert stem(word) == word

    def test_sastrawi_alone_does_not_know_campus_words_ours_does(self) -> None:
        assert IndonesianStemmer()("dilegalisir") == "legalisir"  # CAMPUS_WORDS are always in
        assert IDENTITY("dilegalisir") == "dilegalisir"

    def test_a_word_is_remembered(self, stem: IndonesianStemmer) -> None:
        assert stem("ditandatangani") == stem("ditandatangani")


class TestStemmedSearch:
    def test_words_are_stemmed_when_a_stemmer_is_given(self, stem: IndonesianStemmer) -> None:
        assert words("Ijazah sudah dilegalisir tapi terlambat", stem) == ["ijazah", "legalisir", "lambat"]
        assert words("Ijazah sudah dilegalisir tapi terlambat") == ["ijazah", "dilegalisir", "terlambat"]

    def test_dilegalisir_finds_legalisir_and_terlambat_finds_lambat(self, stem: IndonesianStemmer) -> None:
        index = TicketIndex([(1, "KEL-2026-00001", "Ijazah saya sudah dilegalisir tapi capnya salah"),
                             (2, "KEL-2026-00002", "Transkrip terbit terlambat dua minggu"),
                             (3, "KEL-2026-00003", "KTM hilang")], stem)
        assert [hit[0] for hit in index.search("legalisir")] == [1]
        assert [hit[0] for hit in index.search("lambat")] == [2]
        assert [hit[0] for hit in index.search("keterlambatan transkrip")][:1] == [2]

    def test_without_a_stemmer_the_forms_differ(self) -> None:
        index = TicketIndex([(1, "KEL-2026-00001", "Transkrip terbit terlambat dua minggu")])
        assert index.search("lambat") == []


class TestRecurrenceAnswerButton:
    def test_built_and_parsed_by_one_definition(self) -> None:
        for yes in (True, False):
            answer = RecurrenceAnswer(12, 345, yes)
            assert RecurrenceAnswer.parse(answer.data) == answer
        assert len(RecurrenceAnswer(2**62, 2**62, True).data) <= 64  # Telegram's callback_data limit

    @pytest.mark.parametrize("data", ["rc:1:2", "rc:1:2:x", "rc:a:2:y", "rc:1:-2:y", "rate:1:2:y", "rc:1:2:y:3"])
    def test_anything_else_is_not_an_answer(self, data: str) -> None:
        assert RecurrenceAnswer.parse(data) is None
