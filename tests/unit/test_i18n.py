"""Which language a user is answered in."""

from __future__ import annotations

from handlers.i18n import Translator


def test_users_lang_choice_wins_over_telegram(translator: Translator) -> None:
    assert translator.pick("en", "id") == "en"


def test_telegram_language_code_is_used_when_no_choice(translator: Translator) -> None:
    assert translator.pick(None, "en-GB") == "en"


def test_unknown_language_falls_back_to_indonesian(translator: Translator) -> None:
    assert translator.pick(None, "de") == "id"
    assert translator.pick(None, None) == "id"


def test_indonesian_catalogue_translates(translator: Translator) -> None:
    assert translator.gettext("id")("Complaint") == "Keluhan"
    assert translator.gettext("en")("Complaint") == "Complaint"
