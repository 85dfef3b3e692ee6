"""Confirmation questions and answers as a reader sees them, and what a date step says about an impossible date:
pure functions of the catalogue question, in both languages."""

from __future__ import annotations

from datetime import date
from html import escape

import pytest

from dialogs.answers import answer_label, coming_date, past_date, question_text
from dialogs.catalogue import Catalogue, Choice, Question, QuestionKind
from dialogs.engine import Problem
from dialogs.ui import TextInput
from handlers.i18n import Translator

TODAY = date(2026, 11, 25)
CHANNEL = Question("channel", QuestionKind.CHOICE, {"id": "Lewat <jalur> apa?", "en": "Which <channel>?"},
                   (Choice("portal", {"id": "Portal akademik", "en": "Academic portal"}),
                    Choice("counter", {"id": "Loket & meja", "en": "Counter & desk"})))


@pytest.mark.parametrize("locale", ["id", "en"])
class TestQuestionsAndAnswers:
    def test_question_text_is_in_the_readers_language_and_escaped(self, locale: str) -> None:
        assert question_text(CHANNEL, locale) == {"id": "Lewat &lt;jalur&gt; apa?",
                                                  "en": "Which &lt;channel&gt;?"}[locale]

    def test_a_question_without_the_readers_language_falls_back_to_indonesian(self, locale: str) -> None:
        only_id = Question("q", QuestionKind.TEXT, {"id": "Apa?"})
        assert question_text(only_id, locale) == "Apa?"

    def test_yes_and_no(self, locale: str, translator: Translator) -> None:
        _ = translator.gettext(locale)
        yesno = Question("paid", QuestionKind.YESNO, {"id": "Sudah bayar?", "en": "Paid?"})
        assert (answer_label(yesno, "yes", locale, _), answer_label(yesno, "no", locale, _)) == (_("Yes"), _("No"))
        assert {"id": ("Ya", "Tidak"), "en": ("Yes", "No")}[locale] == (_("Yes"), _("No"))

    def test_a_choice_shows_its_label_escaped(self, locale: str, translator: Translator) -> None:
        _ = translator.gettext(locale)
        assert answer_label(CHANNEL, "portal", locale, _) == {"id": "Portal akademik", "en": "Academic portal"}[locale]
        assert answer_label(CHANNEL, "counter", locale, _) == {"id": "Loket &amp; meja",
                                                               "en": "Counter &amp; desk"}[locale]

    def test_a_choice_no_longer_in_the_catalogue_shows_its_stored_value(self, locale: str,
                                                                       translator: Translator) -> None:
        assert answer_label(CHANNEL, "<post>", locale, translator.gettext(locale)) == "&lt;post&gt;"

    def test_a_date_is_written_out_in_the_readers_language(self, locale: str, translator: Translator) -> None:
        when = Question("on", QuestionKind.DATE, {"id": "Kapan?", "en": "When?"})
        shown = answer_label(when, "2026-10-01", locale, translator.gettext(locale))
        assert shown == {"id": "1 Oktober 2026", "en": "1 October 2026"}[locale]
        assert answer_label(when, "not-a-date", locale, translator.gettext(locale)) == "not-a-date"

    def test_a_text_is_shown_as_typed_escaped(self, locale: str, translator: Translator) -> None:
        said = Question("said", QuestionKind.TEXT, {"id": "Kata petugas?", "en": "What was said?"})
        assert answer_label(said, "Tunggu <b>besok</b>", locale, translator.gettext(locale)) == \
            "Tunggu &lt;b&gt;besok&lt;/b&gt;"

    def test_every_shipped_question_and_answer_reads_in_both_languages(self, locale: str, catalogue: Catalogue,
                                                                      translator: Translator) -> None:
        _ = translator.gettext(locale)
        for service in catalogue:
            for q in service.questions:
                assert question_text(q, locale)
                for choice in q.choices:
                    assert answer_label(q, choice.value, locale, _) == escape(choice.display_label(locale))


@pytest.mark.parametrize("locale", ["id", "en"])
class TestImpossibleDates:
    @pytest.mark.parametrize(
        ("typed", "message", "fields"),
        [
            ("15/13/2026", "There is no month {month}.", {"month": 13}),
            ("2026-00-10", "There is no month {month}.", {"month": 0}),
            ("00-11-2026", "There is no day {day}.", {"day": 0}),
            ("31/11/2026", "{month} has only {n} days.", {"month": {"id": "November", "en": "November"}, "n": 30}),
            ("32 Januari 2026", "{month} has only {n} days.", {"month": {"id": "Januari", "en": "January"}, "n": 31}),
            ("29/02/2027", "{month} has only {n} days.",
             {"month": {"id": "Februari 2027", "en": "February 2027"}, "n": 28}),
            ("30/02", "{month} has only {n} days.", {"month": {"id": "Februari", "en": "February"}, "n": 29}),
        ],
    )
    def test_the_problem_says_what_is_wrong(self, locale: str, translator: Translator, typed: str, message: str,
                                            fields: dict[str, object]) -> None:
        _ = translator.gettext(locale)
        shown = {key: value[locale] if isinstance(value, dict) else value for key, value in fields.items()}
        expected = Problem(_(message).format(**shown))
        assert past_date(TextInput(typed), TODAY, _, locale) == expected
        assert coming_date(TextInput(typed), TODAY, _, locale) == expected

    @pytest.mark.parametrize("typed", ["kapan-kapan", "25-11-202", "25-11-0000", "bulan lalu"])
    def test_text_that_is_no_date_keeps_the_example_message(self, locale: str, translator: Translator,
                                                            typed: str) -> None:
        _ = translator.gettext(locale)
        expected = Problem(_("I could not read that date. Please type it like {example}.").format(example="25-11-2026"))
        assert past_date(TextInput(typed), TODAY, _, locale) == expected

    def test_a_possible_date_still_meets_the_past_or_coming_rule(self, locale: str, translator: Translator) -> None:
        _ = translator.gettext(locale)
        assert past_date(TextInput("29/02/2028"), TODAY, _, locale) == Problem(
            _("That date is in the future. Please give the date it happened."))
        assert coming_date(TextInput("29/02/2028"), TODAY, _, locale) == date(2028, 2, 29)
