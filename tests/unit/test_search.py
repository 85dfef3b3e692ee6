"""Ticket search for staff: typos, word order, both languages, ticket numbers, incremental updates (pure)."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA

from dialogs.search import TicketIndex, allowed_typos, words
from tests.unit.ticket_texts import tickets

TICKETS = [
    (1, "KEL-2026-00001", "Transkrip nilai saya belum terbit padahal sudah dua minggu. Penerbitan Transkrip Akademik"),
    (2, "KEL-2026-00002", "Legalisir ijazah ditolak karena fotokopi kurang jelas. Legalisir Ijazah dan Transkrip"),
    (3, "KEL-2026-00003", "KTM saya hilang, mau cetak ulang tapi loket tutup. Kartu Tanda Mahasiswa (KTM)"),
    (4, "KEL-2026-00004", "My transcript has not been issued after three weeks. Academic transcript"),
    (5, "KEL-2026-00005", "Pembayaran UKT sudah lunas tapi status di portal belum terverifikasi. Uang Kuliah Tunggal"),
    (6, "KEL-2026-00006", "Wisuda diundur tanpa pemberitahuan ke orang tua. Yudisium dan Wisuda"),
    (7, "SAR-2026-00001", "Sebaiknya antrean legalisir dibuat online supaya tidak menunggu lama. Legalisir Ijazah"),
    (8, "KEL-2026-00007", "Transkripnya salah nama, huruf belakang hilang. Penerbitan Transkrip Akademik"),
    (9, "KEL-2026-00008", "The student card office lost my form; KTM still not printed. Kartu Tanda Mahasiswa (KTM)"),
    (10, "KEL-2026-00009", "Password akun myITS tidak bisa direset, email pemulihan tidak masuk. Akun myITS"),
]


@pytest.fixture
def index() -> TicketIndex:
    return TicketIndex(TICKETS)


def ids(hits: list[tuple[int, str, float]]) -> list[int]:
    return [ticket_id for ticket_id, _number, _score in hits]


class TestWords:
    def test_case_punctuation_fillers_and_clitics_go(self) -> None:
        assert words("Transkripnya BELUM terbit, padahal sudah 2 minggu!!! KTMku?") == [
            "transkrip", "terbit", "minggu", "ktm"]

    def test_short_stems_keep_their_ending(self) -> None:
        assert words("buku saku kuku bukuku") == ["buku", "saku", "kuku", "buku"]

    def test_typo_budget_grows_with_the_word(self) -> None:
        assert [allowed_typos(w) for w in ("ktm", "wisuda", "transkrip")] == [0, 1, 2]


class TestSearch:
    def test_a_typo_still_finds_the_word(self, index: TicketIndex) -> None:
        assert set(ids(index.search("transkip"))) == {1, 2, 8}

    def test_the_ticket_with_all_words_comes_first_whatever_their_order(self, index: TicketIndex) -> None:
        assert ids(index.search("transkrip belum terbit"))[0] == 1
        assert ids(index.search("terbit transkrip belum"))[0] == 1
        assert index.search("terbit transkrip")[0][2] == 100.0

    def test_indonesian_typos_in_several_words(self, index: TicketIndex) -> None:
        assert set(ids(index.search("legalisr ijasah"))) == {2, 7}
        assert ids(index.search("antrian legalisir online"))[0] == 7
        assert ids(index.search("wisudah diundur"))[0] == 6

    def test_english_complaints(self, index: TicketIndex) -> None:
        assert ids(index.search("transcript not issued"))[0] == 4
        assert ids(index.search("student card printed"))[0] == 9

    def test_short_words_must_match_exactly(self, index: TicketIndex) -> None:
        assert set(ids(index.search("ktm"))) == {3, 9}
        assert ids(index.search("ktn")) == []

    def test_rare_words_outweigh_common_ones(self, index: TicketIndex) -> None:
        hits = index.search("password transkrip")
        assert ids(hits)[0] == 10 and hits[0][2] > hits[1][2]

    def test_a_ticket_number_finds_that_ticket_first(self, index: TicketIndex) -> None:
        assert index.search(" kel-2026-00003 ")[0] == (3, "KEL-2026-00003", 100.0)

    def test_nothing_found_for_nonsense_fillers_or_empty_text(self, index: TicketIndex) -> None:
        assert index.search("qwxzv") == [] and index.search("saya mau tanya") == [] and index.search("") == []

    def test_limit_and_scores(self, index: TicketIndex) -> None:
        hits = index.search("transkrip", limit=2)
        assert len(hits) == 2 and all(0 < score <= 100 for _i, _n, score in hits)
        assert index.search("transkrip", limit=0) == []

    def test_results_are_best_first(self, index: TicketIndex) -> None:
        scores = [score for _i, _n, score in index.search("legalisir ijazah ditolak")]
        assert scores == sorted(scores, reverse=True)


class TestSimilar:
    def test_similar_tickets_share_rare_words_and_exclude_the_ticket_itself(self, index: TicketIndex) -> None:
        assert ids(index.similar(3))[0] == 9
        assert 1 not in ids(index.similar(1)) and ids(index.similar(1))[0] == 8

    def test_unknown_ticket_has_no_similar_ones(self, index: TicketIndex) -> None:
        assert index.similar(999) == []


class TestUpdates:
    def test_add_makes_a_ticket_findable(self, index: TicketIndex) -> None:
        index.add((11, "KEL-2026-00010", "Surat keterangan aktif kuliah untuk beasiswa belum jadi."))
        assert ids(index.search("surat aktif beasiswa")) == [11] and len(index) == 11

    def test_remove_forgets_a_ticket_and_its_words(self, index: TicketIndex) -> None:
        assert index.remove(10) and not index.remove(10)
        assert index.search("password") == [] and 10 not in index and index.search("KEL-2026-00009") == []

    def test_adding_an_indexed_ticket_again_replaces_it(self, index: TicketIndex) -> None:
        index.add((6, "KEL-2026-00006", "Toga wisuda belum dibagikan."))
        assert ids(index.search("toga")) == [6] and index.search("pemberitahuan orang tua") == []
        assert len(index) == len(TICKETS)

    def test_a_word_removed_then_added_again_is_found_by_typo(self, index: TicketIndex) -> None:
        index.remove(6)
        assert index.search("wisudah") == []
        index.add((12, "KEL-2026-00011", "Jadwal wisuda bentrok dengan ujian."))
        assert ids(index.search("wisudah")) == [12]


@pytest.fixture(scope="module")
def made() -> list[tuple[int, str, str, str]]:
    return tickets(20_000)


@pytest.fixture(scope="module")
def big(made: list[tuple[int, str, str, str]]) -> TicketIndex:
    return TicketIndex((ticket_id, number, text) for ticket_id, number, text, _code in made)


class TestTwentyThousandTickets:
    """Correctness only at a realistic size (the timing is benchmarked elsewhere)."""

    def test_a_tickets_own_text_finds_it_or_only_equally_perfect_ones(
        self, big: TicketIndex, made: list[tuple[int, str, str, str]]
    ) -> None:
        for ticket_id, _number, text, _code in random.Random(1).sample(made, 40):
            hits = big.search(text)
            assert ticket_id in ids(hits) or all(score == 100.0 for _i, _n, score in hits), text
            assert hits[0][2] == 100.0

    def test_every_hit_for_a_typo_has_a_near_word(self, big: TicketIndex, made: list[tuple[int, str, str, str]]
                                                  ) -> None:
        texts = {ticket_id: set(words(text)) for ticket_id, _n, text, _c in made}
        for query in ("transkip", "legalisr", "wisdua", "registrsi"):
            hits = big.search(query)
            assert len(hits) == 10, query
            for ticket_id in ids(hits):
                assert any(OSA.distance(query, w) <= 2 for w in texts[ticket_id]), (query, ticket_id)

    def test_exact_short_words_stay_within_their_service(self, big: TicketIndex,
                                                         made: list[tuple[int, str, str, str]]) -> None:
        service = {ticket_id: code for ticket_id, _n, _t, code in made}
        hits = big.search("ktm", limit=50)
        assert len(hits) == 50 and {service[i] for i in ids(hits)} == {"student_card"}

    def test_tickets_with_every_query_word_come_before_the_others(
        self, big: TicketIndex, made: list[tuple[int, str, str, str]]
    ) -> None:
        query = ["wisuda", "dekan"]
        complete = {ticket_id for ticket_id, _n, text, _c in made if set(query) <= set(words(text))}
        hits = ids(big.search(" ".join(query), limit=20))
        assert len(complete) >= 20 and set(hits) <= complete

    def test_similar_never_returns_the_ticket_itself(self, big: TicketIndex) -> None:
        for ticket_id in (1, 500, 19_999):
            similar = big.similar(ticket_id)
            assert len(similar) == 5 and ticket_id not in ids(similar)

    def test_removing_tickets_removes_them_from_results(self, made: list[tuple[int, str, str, str]]) -> None:
        index = TicketIndex((ticket_id, number, text) for ticket_id, number, text, _c in made[:5000])
        gone = {ticket_id for ticket_id, _n, text, _c in made[:5000] if "transkrip" in words(text)}
        for ticket_id in gone:
            index.remove(ticket_id)
        assert len(index) == 5000 - len(gone)
        assert not set(ids(index.search("transkrip nilai", limit=50))) & gone
