"""The monthly recap's PDF (issue 14 §4), read back with pypdf: every section with its figures, in both languages;
and the month a recap is asked for."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from handlers.i18n import Translator
from handlers.recap import BadMonth, draw_recap, parse_month, period_name, previous_month
from reports.recap_pdf import review_inputs
from tests.unit.recap_samples import document


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def english() -> str:
    return text_of(draw_recap(document(), "en"))


@pytest.fixture(scope="module")
def indonesian() -> str:
    return text_of(draw_recap(document("id"), "id"))


class TestTheRecapPdf:
    def test_every_section_is_there_in_english(self, english: str) -> None:
        for heading in ("Monthly recap November 2026", "1. Key figures", "2. Charts", "3. LKs opened this month",
                        "4. LKs closed this month", "5. Open programmes (LKs in progress)", "6. Recurrences",
                        "7. Inputs to management review (ISO 9001 §9.3.2)"):
            assert heading in english

    def test_every_section_is_there_in_indonesian(self, indonesian: str) -> None:
        for heading in ("Rekap bulanan November 2026", "1. Angka utama", "2. Grafik", "3. LK yang dibuka bulan ini",
                        "4. LK yang ditutup bulan ini", "5. Program berjalan", "6. Keberulangan",
                        "7. Masukan tinjauan manajemen (ISO 9001 §9.3.2)"):
            assert heading in indonesian

    def test_the_key_figures_are_the_statistics(self, english: str) -> None:
        assert "Tickets received 42" in english
        assert "Confirmed within the standard time 77.5 %" in english  # 31 of 40
        assert "Satisfaction: mean rating (1–5) 4.22" in english  # (1 + 6 + 24 + 45) / 18
        assert "Recurrence rate (marked recurrences over LKs closed effective) 25.0 %" in english  # 1 of 4

    def test_the_charts_come_with_their_figures(self, english: str) -> None:
        pdf = draw_recap(document(), "en")
        images = sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
        assert images >= 5  # volume, timing, ageing, outcomes, Pareto, satisfaction, actions, channels
        assert "Tickets per month" in english and "Received: 42 (36 complaints, 6 suggestions)" in english

    def test_lks_programmes_and_recurrences(self, english: str) -> None:
        assert "LK-2026-011 Legalisir ijazah Closed yes" in english
        assert "LK-2026-013 Legalisir ijazah Budi Santoso 3 1" in english  # 3 actions open, 1 overdue
        assert "LK-2026-004" in english and "KEL-2026-00077" in english
        assert "Answers to the question whether it happened again: 1 yes, 4 no." in english

    def test_every_management_review_input_is_mapped(self, english: str) -> None:
        inputs = review_inputs(Translator().gettext("en"))
        assert len(inputs) == 10
        assert dict(inputs)["Performance of external providers"] == "not covered by the complaint data"
        assert dict(inputs)["Nonconformities and corrective actions"] == "section 3, section 4, section 5"
        assert "Performance of external providers" in english and "not covered by the complaint data" in english

    def test_without_statistics_the_recap_says_so(self) -> None:
        text = text_of(draw_recap(document(with_figures=False), "en"))
        assert "No statistics are available for this month." in text and "No charts for this month." in text
        assert "LK-2026-013" in text


class TestTheMonthAsked:
    def test_default_is_the_previous_month_also_in_january(self) -> None:
        assert parse_month("", date(2027, 1, 4)) == date(2026, 12, 1)
        assert previous_month(date(2026, 12, 31)) == date(2026, 11, 1)

    @pytest.mark.parametrize("text", ["2026-11", "11-2026", "2026/11", "11/2026", " 2026-11 "])
    def test_a_month_in_either_order(self, text: str) -> None:
        assert parse_month(text, date(2026, 12, 4)) == date(2026, 11, 1)

    @pytest.mark.parametrize("text", ["november", "2026-13", "2026-11-01", "26-11", "0-2026"])
    def test_not_a_month(self, text: str) -> None:
        with pytest.raises(BadMonth) as raised:
            parse_month(text, date(2026, 12, 4))
        assert raised.value.problem == "month"

    @pytest.mark.parametrize("text", ["2026-12", "2027-01"])
    def test_a_month_not_ended_is_refused(self, text: str) -> None:
        with pytest.raises(BadMonth) as raised:
            parse_month(text, date(2026, 12, 4))
        assert raised.value.problem == "future"

    def test_the_month_in_the_readers_language(self) -> None:
        assert period_name(date(2026, 12, 1), "id") == "Desember 2026"
        assert period_name(date(2026, 12, 1), "en") == "December 2026"
