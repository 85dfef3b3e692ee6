"""Finding the service a complainant means from what they typed (typos, abbreviations, two languages)."""

from __future__ import annotations

import pytest

from dialogs.catalogue import Catalogue, Service
from dialogs.matching import ServiceMatcher, content_words, match_service, normalise


@pytest.fixture(scope="module")
def matcher(catalogue: Catalogue) -> ServiceMatcher:
    return ServiceMatcher(catalogue)


def best_code(matcher: ServiceMatcher, text: str) -> str | None:
    found = matcher.match(text)
    return found.best.code if found.best is not None else None


def candidate_codes(matcher: ServiceMatcher, text: str) -> list[str]:
    return [service.code for service in matcher.match(text).candidates]


def service(code: str, name_id: str, name_en: str, *aliases: str) -> Service:
    return Service(code, {"id": name_id, "en": name_en}, aliases, 3, f"SOP {code}", ())


class TestClearMatches:
    def test_typo_transkip_finds_transcript(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "transkip") == "transcript"

    def test_transposed_letters_trasnkrip_finds_transcript(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "trasnkrip") == "transcript"

    def test_english_transcript_finds_transcript(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "transcript") == "transcript"
        assert best_code(matcher, "my transcript is late") == "transcript"

    def test_legalisir_ijasah_with_typo_finds_legalisation(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "legalisir ijasah") == "legalisation"

    def test_partial_phrase_surat_aktif_kuliah_finds_active_student_letter(
        self, matcher: ServiceMatcher
    ) -> None:
        assert best_code(matcher, "surat aktif kuliah") == "active_student_letter"

    def test_krs_in_a_sentence_finds_course_registration(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "krs saya error") == "course_registration"

    def test_frs_abbreviation_finds_course_registration(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "frs") == "course_registration"
        assert best_code(matcher, "FRS") == "course_registration"

    def test_kartu_mahasiswa_hilang_finds_student_card(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "kartu mahasiswa hilang") == "student_card"

    def test_ktm_abbreviation_finds_student_card(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "ktm") == "student_card"

    def test_clitic_is_stripped_ktmku_finds_student_card(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "ktmku hilang") == "student_card"
        assert best_code(matcher, "transkripnya belum jadi") == "transcript"

    def test_ukt_complaints_find_tuition(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "ukt mahal") == "tuition"
        assert best_code(matcher, "keringanan ukt") == "tuition"

    def test_wisuda_finds_graduation(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "wisuda") == "graduation"

    def test_cuti_finds_academic_leave(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "cuti") == "academic_leave"

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("Transkrip saya belum terbit padahal sudah dua minggu.", "transcript"),
            ("Saya sudah mengajukan legalisir ijazah sejak 2 minggu lalu tapi belum selesai", "legalisation"),
            ("SURAT  AKTIF-KULIAH!!!", "active_student_letter"),
            ("daftar ulang", "re_registration"),
            ("her registrasi", "re_registration"),
            ("dosen wali belum approve frs", "course_registration"),
            ("cuti akademik ditolak", "academic_leave"),
            ("yudisium", "graduation"),
            ("penurunan ukt", "tuition"),
            ("student card lost", "student_card"),
            ("skpi", "diploma_supplement"),
            ("lupa pasword myits", "academic_account"),
            ("ipk salah", "transcript"),
        ],
    )
    def test_everyday_phrasings_find_their_service(
        self, matcher: ServiceMatcher, text: str, code: str
    ) -> None:
        assert best_code(matcher, text) == code

    def test_best_is_also_the_first_candidate(self, matcher: ServiceMatcher) -> None:
        found = matcher.match("transkip")
        assert found.best is not None and found.candidates[0] is found.best


class TestUnclearMatches:
    @pytest.mark.parametrize("text", ["asdfgh", "", "???", "   ", "qwxzv", "saya mau tanya", "12-11-2026"])
    def test_gibberish_and_filler_match_nothing(self, matcher: ServiceMatcher, text: str) -> None:
        found = matcher.match(text)
        assert found.best is None and found.candidates == ()

    def test_short_alias_does_not_match_inside_or_near_other_words(self, matcher: ServiceMatcher) -> None:
        for text in ("ktmx", "ukti", "skripsi"):
            assert matcher.match(text).candidates == (), text

    def test_ijazah_alone_is_ambiguous_and_offers_the_diploma_services(self, matcher: ServiceMatcher) -> None:
        found = matcher.match("ijazah")
        assert found.best is None
        assert {"legalisation", "graduation"} <= set(candidate_codes(matcher, "ijazah"))

    def test_unpaid_status_mentions_two_services_and_picks_neither(self, matcher: ServiceMatcher) -> None:
        text = "status saya tidak aktif padahal sudah bayar ukt"
        assert best_code(matcher, text) is None
        assert set(candidate_codes(matcher, text)[:2]) == {"tuition", "re_registration"}

    def test_vague_word_offers_a_candidate_without_choosing(self, matcher: ServiceMatcher) -> None:
        assert best_code(matcher, "surat") is None
        assert candidate_codes(matcher, "surat")[0] == "active_student_letter"

    def test_at_most_three_candidates_best_first(self) -> None:
        services = tuple(service(f"s{i}", f"Layanan {i}", f"Service {i}", "ijazah") for i in range(5))
        matcher = ServiceMatcher(Catalogue(services))
        found = matcher.match("ijazah")
        assert found.best is None and len(found.candidates) == 3

    def test_two_services_sharing_an_alias_are_not_told_apart(self) -> None:
        catalogue = Catalogue(
            (
                service("a", "Legalisir", "Legalisation", "ijazah"),
                service("b", "Wisuda", "Graduation", "ijazah"),
            )
        )
        found = ServiceMatcher(catalogue).match("ijazah")
        assert found.best is None and {s.code for s in found.candidates} == {"a", "b"}


class TestHelpers:
    def test_normalise_folds_case_accents_punctuation_and_spaces(self) -> None:
        assert normalise("  Légalisir\tIJAZAH!!  (asli)") == "legalisir ijazah asli"

    def test_content_words_drop_filler_and_numbers(self) -> None:
        assert content_words("Saya belum dapat KTM sejak 2 minggu") == ("dapat", "ktm", "minggu")

    def test_match_service_reuses_a_matcher_per_catalogue(self, catalogue: Catalogue) -> None:
        assert match_service(catalogue, "wisuda") == ServiceMatcher(catalogue).match("wisuda")
        assert match_service(catalogue, "asdfgh").candidates == ()

    def test_rank_scores_lie_between_zero_and_one_best_first(self, matcher: ServiceMatcher) -> None:
        ranked = matcher.rank("legalisir ijazah dan transkrip")
        scores = [score for _, score in ranked]
        assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)

    def test_empty_catalogue_matches_nothing(self) -> None:
        assert ServiceMatcher(Catalogue(())).match("transkrip").candidates == ()
