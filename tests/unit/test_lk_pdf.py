"""The LK form as PDF (issue 13 §2): every field is on it, labels follow the language given, long texts and 200
actions paginate with "page x of y" on each page, emoji never crash, and a changed content gets another code."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import datetime

from pypdf import PdfReader

from handlers.i18n import Translator
from reports.lk_model import Issue, content_hash, normal_code, verification_code
from reports.lk_pdf import printable, render, wrap
from tests.unit.lk_samples import WIB, huge_case, whole_case

ISSUE = Issue("ABCDE-FGH23", 2, datetime(2026, 12, 20, 9, 0, tzinfo=WIB))
en = Translator().gettext("en")


def pages(data: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


class TestEveryField:
    def test_the_whole_case_shows_every_field_of_the_form(self) -> None:
        text = " ".join(pages(render(whole_case(), en, ISSUE)))
        for value in ("INSTITUT TEKNOLOGI SEPULUH NOPEMBER", "BAPKM", "PM-BAPKM.AP.1-24", "LK-2026-001",
                      "25-11-2026", "KEL-2026-00001", "KEL-2026-00007", "Telegram", "bernama", "anonim",
                      "Legalisir ijazah dan transkrip", "SOP Akademik 3.2 butir 4", "Transkrip saya belum terbit",
                      "bukti-pengajuan.jpg", "abababab", "Pejabat penandatangan", "Terbitkan transkrip",
                      "Olivia Officer", "Transkrip Anda sudah terbit", "03-12-2026", "tidak efektif", "Maya Monitor",
                      "efektif", "4/5", "Cepat setelah dilaporkan", "Rudi Reviewer", "Ani Approver", "ABCDE-FGH23",
                      "Prepared by", "Checked by", "Approved by", "Root cause", "How it was found",
                      "keluhan melalui surat: KEL-2026-00007",
                      "Follow-up programme", "Verification of effectiveness", "Page 1 of 2"):
            assert value in text, value

    def test_every_response_to_the_complainants_is_listed_oldest_first_with_its_kind_and_day(self) -> None:
        text = " ".join(pages(render(whole_case(), en, ISSUE)))
        section = text[text.index("Response to the complainants"):text.index("Verification of effectiveness")]
        said = [section.index(s) for s in (
            "Response 1 — setelah koreksi, sent on 03-12-2026", "Transkrip Anda sudah terbit",
            "Response 2 — setelah koreksi putaran 2, sent on 12-12-2026", "Pejabat pengganti kini menandatangani",
            "Response 3 — saat penutupan, sent on 20-12-2026", "terbukti efektif")]
        assert said == sorted(said)

    def test_no_response_yet_shows_a_dash(self) -> None:
        text = " ".join(pages(render(replace(whole_case(), responses=()), en, ISSUE)))
        section = text[text.index("Response to the complainants"):text.index("Verification of effectiveness")]
        assert "Response —" in section and "Response 1" not in section

    def test_each_rounds_signatures_are_shown_under_their_round(self) -> None:
        text = " ".join(pages(render(whole_case(), en, ISSUE)))
        first, second = text.index("Round 1: follow-up programme"), text.index("Round 2: follow-up programme")
        assert first < text.index("Rudi Reviewer", first) < second < text.index("Rina Reviewer", second)
        assert text.index("Budi Officer") > second and "25-11-2026 10:00" in text and "07-12-2026 10:00" in text

    def test_a_single_round_has_its_boxes_without_a_round_title(self) -> None:
        doc = replace(whole_case(), round=1, approvals=whole_case().approvals[:1])
        text = " ".join(pages(render(doc, en, ISSUE)))
        assert "Rudi Reviewer" in text and "Round 1: follow-up programme" not in text and "Rina" not in text

    def test_labels_come_from_the_gettext_given(self) -> None:
        indonesian = {"How it was found": "Cara ditemukan", "Prepared by": "Disiapkan oleh"}
        text = " ".join(pages(render(whole_case(), lambda s: indonesian.get(s, s), ISSUE)))
        assert "Cara ditemukan" in text and "Disiapkan oleh" in text
        assert "Root cause and how it was found" not in text

    def test_a_self_check_is_noted_on_the_form(self) -> None:
        doc = replace(whole_case(), segregation_notes=("Prepared and checked by the same person.",))
        assert "Prepared and checked by the same person." in " ".join(pages(render(doc, en, ISSUE)))


class TestPagination:
    def test_200_actions_and_10000_character_texts_paginate_with_page_x_of_y_on_each_page(self) -> None:
        texts = pages(render(huge_case(), en, ISSUE))
        total = len(texts)
        assert total > 10
        for number, text in enumerate(texts, start=1):
            assert f"Page {number} of {total}" in text
            assert "LK-2026-001" in text and "ABCDE-FGH23" in text
        joined = " ".join(texts)
        assert "(200)" in joined and "Annex: full texts" in joined

    def test_the_programme_heading_repeats_on_the_pages_it_runs_onto(self) -> None:
        texts = pages(render(huge_case(), en, ISSUE))
        with_rows = [t for t in texts if "Olivia Officer" in t and "Prepared by" not in t]
        assert len(with_rows) > 2 and all("Owner" in t and "Due" in t for t in with_rows)

    def test_no_line_is_wider_than_its_column(self) -> None:
        for line in wrap(printable("x" * 500 + " " + "kata " * 300), 40, 8):
            assert len(wrap(line, 40, 8)) == 1

    def test_a_word_that_fits_its_column_is_never_broken(self) -> None:
        words = ("Terbitkan transkrip mahasiswa hari ini, koordinasi dengan Direktorat Pendidikan; Bagian Keuangan "
                 "tindakan pencegahan korektif Penanggung jawab 0812-3456-7890").split()
        for width in range(12, 41, 2):
            for start in range(len(words)):
                text = " ".join(words[start:] + words[:start])
                lines = wrap(text, width, 7)
                assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing added, nothing lost
                shown = [word for line in lines for word in line.split(" ")]
                for word in words:
                    if len(wrap(word, width, 7)) == 1:  # it fits: it is on one line, whole
                        assert word in shown, (width, word, lines)

    def test_a_word_longer_than_its_column_breaks_after_a_dash_slash_or_dot_without_an_added_hyphen(self) -> None:
        """Found in a walk: file names, addresses and numbers were cut at whatever letter reached the edge."""
        assert wrap("berkas: bukti-penyerahan-transkrip-mahasiswa.pdf", 25, 7) == [
            "berkas:", "bukti-penyerahan-", "transkrip-", "mahasiswa.pdf"]
        assert wrap("Bagian Keuangan (keuangan.direktorat@its.ac.id)", 30, 7) == [
            "Bagian Keuangan", "(keuangan.direktorat@", "its.ac.id)"]
        assert "".join(wrap("ab" * 32, 25, 7)) == "ab" * 32  # nothing to break after: cut where it must be


class TestCharacters:
    def test_emoji_are_named_unnamed_characters_become_a_box_and_nothing_crashes(self) -> None:
        assert printable("Bagus 👍🏽 ya") == "Bagus [thumbs up sign] ya"  # the skin tone is dropped
        assert printable("“kutipan” — é ⚠ ✓") == "“kutipan” — é ⚠ ✓"
        assert printable("\U000f0000") == "□"  # a private-use character has no name
        doc = replace(whole_case(), description="😡" * 500 + "\x00\x07")
        assert "[pouting face]" in " ".join(pages(render(doc, en, ISSUE)))


class TestVerificationCode:
    def test_the_same_content_gives_the_same_code_and_a_changed_one_another(self) -> None:
        doc = whole_case()
        code = verification_code(content_hash(doc), "id")
        assert code == verification_code(content_hash(whole_case()), "id")
        assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", code)
        changed = replace(doc, root_cause=doc.root_cause + ".")
        assert verification_code(content_hash(changed), "id") != code
        assert verification_code(content_hash(doc), "en") != code

    def test_a_typed_code_is_read_in_any_case_with_or_without_the_dash(self) -> None:
        assert normal_code(" abcde fgh23 ") == normal_code("ABCDE-FGH23") == "ABCDE-FGH23"
