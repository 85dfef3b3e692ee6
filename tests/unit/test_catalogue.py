"""The service catalogue: the shipped data, the model's helpers, and the loader's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.errors import ConfigError
from bot.settings import Settings
from dialogs.catalogue import (
    DEFAULT_STANDARD_TIMES,
    Catalogue,
    Choice,
    Question,
    QuestionKind,
    Service,
    ServiceHandling,
    StandardTimes,
    localized,
    standard_times,
)
from handlers.catalogue_loader import CatalogueError, load_catalogue

EXPECTED_SERVICES = {
    "transcript",
    "legalisation",
    "active_student_letter",
    "re_registration",
    "course_registration",
    "academic_leave",
    "graduation",
    "tuition",
    "student_card",
}

VALID_SERVICE = """
[[services]]
code = "transcript"
name = { id = "Transkrip Akademik", en = "Academic transcript" }
aliases = ["transkrip"]
standard_days = 3
procedure = "SOP PM-BAPKM.AP.1-05"

[[services.questions]]
id = "submitted_on"
kind = "date"
starts_standard_time = true
text = { id = "Kapan Anda mengajukan permohonan?", en = "When did you apply?" }

[[services.questions]]
id = "channel"
kind = "choice"
text = { id = "Melalui jalur apa?", en = "How?" }
choices = [
    { value = "portal", label = { id = "Portal akademik", en = "Academic portal" } },
    { value = "counter", label = { id = "Loket", en = "Counter" } },
]
"""


def write(tmp_path: Path, text: str, name: str = "services.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestShippedCatalogue:
    def test_has_the_bureaus_core_services(self, catalogue: Catalogue) -> None:
        assert len(catalogue) >= 9
        assert EXPECTED_SERVICES <= set(catalogue.codes)

    def test_every_service_has_two_to_four_questions(self, catalogue: Catalogue) -> None:
        for service in catalogue:
            assert 2 <= len(service.questions) <= 4, service.code

    def test_every_text_is_written_in_indonesian_and_english(self, catalogue: Catalogue) -> None:
        for service in catalogue:
            texts = [service.name, *(q.text for q in service.questions)]
            texts += [c.label for q in service.questions for c in q.choices]
            for text in texts:
                assert text["id"].strip() and text["en"].strip(), service.code

    def test_indonesian_questions_address_the_user_politely_as_anda(self, catalogue: Catalogue) -> None:
        questions = [q for s in catalogue for q in s.questions]
        assert sum("Anda" in q.text["id"] for q in questions) >= len(questions) * 2 // 3
        assert not any(word in q.text["id"].split() for q in questions for word in ("kamu", "kau", "lu"))

    def test_every_service_has_a_positive_standard_time_and_a_procedure(self, catalogue: Catalogue) -> None:
        for service in catalogue:
            assert service.standard_days > 0 and service.procedure.startswith("SOP "), service.code

    def test_every_service_has_aliases_in_both_languages(self, catalogue: Catalogue) -> None:
        for service in catalogue:
            assert len(service.aliases) >= 5, service.code

    def test_most_services_have_a_date_question_starting_the_standard_time(
        self, catalogue: Catalogue
    ) -> None:
        with_start = [s for s in catalogue if s.standard_time_question is not None]
        assert len(with_start) >= len(catalogue) - 2
        for service in with_start:
            assert service.standard_time_question is not None
            assert service.standard_time_question.kind is QuestionKind.DATE

    def test_choice_questions_offer_at_least_two_choices(self, catalogue: Catalogue) -> None:
        choice_questions = [q for s in catalogue for q in s.questions if q.kind is QuestionKind.CHOICE]
        assert choice_questions
        assert all(len(q.choices) >= 2 for q in choice_questions)

    def test_questions_use_every_kind(self, catalogue: Catalogue) -> None:
        assert {q.kind for s in catalogue for q in s.questions} == set(QuestionKind)


class TestCatalogueModel:
    def test_free_text_questions_a_complainant_may_not_know_are_optional(self, catalogue: Catalogue) -> None:
        optional = {(s.code, q.id) for s in catalogue for q in s.questions if q.optional}
        assert optional == {("transcript", "staff_response"), ("diploma_supplement", "staff_response"),
                            ("tuition", "reference"), ("academic_account", "error_message")}
        assert all(q.kind == QuestionKind.TEXT for s in catalogue for q in s.questions if q.optional)

    def test_get_finds_a_service_by_code_or_returns_none(self, catalogue: Catalogue) -> None:
        transcript = catalogue.get("transcript")
        assert transcript is not None and transcript.code == "transcript"
        assert catalogue.get("parking") is None
        assert "transcript" in catalogue and "parking" not in catalogue

    def test_codes_and_iteration_keep_the_files_order(self, catalogue: Catalogue) -> None:
        assert catalogue.codes == tuple(service.code for service in catalogue)
        assert catalogue.codes[0] == "transcript"

    def test_display_name_uses_the_users_language(self, catalogue: Catalogue) -> None:
        service = catalogue.get("student_card")
        assert service is not None
        assert service.display_name("id") == "Kartu Tanda Mahasiswa (KTM)"
        assert service.display_name("en") == "Student ID card (KTM)"
        assert service.display_name("en-US") == service.display_name("en")

    def test_unknown_language_falls_back_to_indonesian(self, catalogue: Catalogue) -> None:
        service = catalogue.get("transcript")
        assert service is not None
        assert service.display_name("fr") == service.display_name("id")
        assert service.display_name(None) == service.display_name("id")

    def test_localized_falls_back_to_any_text_when_indonesian_is_missing(self) -> None:
        assert localized({"en": "Only English"}, "id") == "Only English"
        assert localized({}, "en") == ""

    def test_question_and_choice_lookups(self) -> None:
        portal = Choice("portal", {"id": "Portal", "en": "Portal (en)"})
        question = Question("channel", QuestionKind.CHOICE, {"id": "Jalur?", "en": "Channel?"}, (portal,))
        service = Service("x", {"id": "X", "en": "X"}, (), 1, "SOP X", (question,))
        assert service.question("channel") is question and service.question("nope") is None
        assert question.choice("portal") is portal and question.choice("post") is None
        assert question.prompt("en") == "Channel?" and portal.display_label("en") == "Portal (en)"
        assert service.standard_time_question is None


class TestLoader:
    def test_loads_a_catalogue_from_a_given_path(self, tmp_path: Path) -> None:
        catalogue = load_catalogue(write(tmp_path, VALID_SERVICE))
        service = catalogue.get("transcript")
        assert service is not None and catalogue.codes == ("transcript",)
        assert service.standard_time_question is not None
        assert service.standard_time_question.id == "submitted_on"
        assert service.questions[1].choices[0] == Choice(
            "portal", {"id": "Portal akademik", "en": "Academic portal"}
        )

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (('en = "Academic transcript"', 'fr = "Relevé"'), "'transcript': missing 'name.en'"),
            (("standard_days = 3", "standard_days = 0"), "'transcript': 'standard_days' must be a positive"),
            (("standard_days = 3", "standard_days = -2"), "'standard_days' must be a positive"),
            (("standard_days = 3", 'standard_days = "3"'), "'standard_days' must be a positive"),
            (('kind = "choice"', 'kind = "rating"'), "question 'channel': unknown kind 'rating'"),
            (('id = "channel"', 'id = "submitted_on"'), "duplicate question id 'submitted_on'"),
            (('en = "How?"', 'english = "How?"'), "question 'channel': missing 'text.en'"),
            (('procedure = "SOP PM-BAPKM.AP.1-05"', 'procedure = ""'), "'procedure' must name"),
            (("standard_days = 3", "standard_day = 3"), "unknown field 'standard_day'"),
            (('code = "transcript"', 'code = "Transkrip Nilai"'), "'code' must be lower-case"),
            (('kind = "date"', 'kind = "text"'), "'starts_standard_time' is only allowed on a date question"),
        ],
    )
    def test_broken_catalogue_names_the_service_and_field(
        self, tmp_path: Path, change: tuple[str, str], message: str
    ) -> None:
        assert change[0] in VALID_SERVICE
        path = write(tmp_path, VALID_SERVICE.replace(change[0], change[1], 1))
        with pytest.raises(CatalogueError, match=message.replace("(", r"\(")):
            load_catalogue(path)

    def test_choice_question_without_choices_is_refused(self, tmp_path: Path) -> None:
        text = VALID_SERVICE.split("choices = [")[0]
        with pytest.raises(CatalogueError, match="question 'channel': a choice question needs"):
            load_catalogue(write(tmp_path, text))

    def test_duplicate_service_codes_are_refused(self, tmp_path: Path) -> None:
        with pytest.raises(CatalogueError, match="service 'transcript': duplicate code"):
            load_catalogue(write(tmp_path, VALID_SERVICE + VALID_SERVICE))

    def test_invalid_toml_is_reported_with_the_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, "[[services]\ncode = ")
        with pytest.raises(CatalogueError, match="invalid TOML"):
            load_catalogue(path)

    def test_missing_file_is_reported(self, tmp_path: Path) -> None:
        with pytest.raises(CatalogueError, match="cannot read"):
            load_catalogue(tmp_path / "nope.toml")

    def test_empty_catalogue_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(CatalogueError, match="at least one"):
            load_catalogue(write(tmp_path, "title = 'empty'\n"))

    def test_catalogue_error_is_a_value_error(self) -> None:
        assert issubclass(CatalogueError, ValueError)

    def test_optional_marks_a_question_that_may_be_skipped(self, tmp_path: Path) -> None:
        text = VALID_SERVICE.replace('kind = "choice"', 'kind = "choice"\noptional = true')
        service = load_catalogue(write(tmp_path, text)).get("transcript")
        assert service is not None
        assert [q.optional for q in service.questions] == [False, True]

    def test_optional_must_be_true_or_false(self, tmp_path: Path) -> None:
        text = VALID_SERVICE.replace('kind = "choice"', 'kind = "choice"\noptional = "yes"')
        with pytest.raises(CatalogueError, match="question 'channel': 'optional' must be true or false"):
            load_catalogue(write(tmp_path, text))


class TestStandardTimes:
    DEFAULTS = StandardTimes(confirm=3, respond=5, close=20)

    def with_handling(self, tmp_path: Path, handling: str) -> Catalogue:
        text = VALID_SERVICE.replace('procedure = "SOP PM-BAPKM.AP.1-05"\n',
                                     f'procedure = "SOP PM-BAPKM.AP.1-05"\nhandling = {handling}\n')
        return load_catalogue(write(tmp_path, text))

    def test_a_service_without_handling_gets_the_defaults(self, tmp_path: Path) -> None:
        catalogue = load_catalogue(write(tmp_path, VALID_SERVICE))
        assert catalogue.get("transcript").handling is None  # type: ignore[union-attr]
        assert standard_times("transcript", catalogue, self.DEFAULTS) == self.DEFAULTS

    def test_a_service_sets_all_three(self, tmp_path: Path) -> None:
        catalogue = self.with_handling(tmp_path, "{ confirm = 2, respond = 4, close = 15 }")
        assert standard_times("transcript", catalogue, self.DEFAULTS) == StandardTimes(2, 4, 15)

    def test_what_a_service_leaves_out_keeps_the_default_field_by_field(self, tmp_path: Path) -> None:
        catalogue = self.with_handling(tmp_path, "{ respond = 8 }")
        assert catalogue.get("transcript").handling == ServiceHandling(respond=8)  # type: ignore[union-attr]
        assert standard_times("transcript", catalogue, self.DEFAULTS) == StandardTimes(3, 8, 20)
        assert standard_times("transcript", catalogue, StandardTimes(1, 2, 9)) == StandardTimes(1, 8, 9)

    def test_other_and_unknown_services_get_the_defaults(self, tmp_path: Path) -> None:
        catalogue = self.with_handling(tmp_path, "{ confirm = 1 }")
        for code in ("other", "removed_service", None, ""):
            assert standard_times(code, catalogue, self.DEFAULTS) == self.DEFAULTS

    def test_the_shipped_tuition_service_takes_longer_to_confirm(self, catalogue: Catalogue) -> None:
        assert standard_times("tuition", catalogue, DEFAULT_STANDARD_TIMES) == StandardTimes(5, 10, 20)
        assert standard_times("transcript", catalogue, DEFAULT_STANDARD_TIMES) == DEFAULT_STANDARD_TIMES

    def test_the_service_s_own_standard_time_is_a_different_thing_and_stays(self, tmp_path: Path) -> None:
        service = self.with_handling(tmp_path, "{ confirm = 7 }").get("transcript")
        assert service is not None and service.standard_days == 3

    @pytest.mark.parametrize(("handling", "message"), [
        ("{ confirm = 0 }", "'handling.confirm' must be a positive whole number of working days \\(got 0\\)"),
        ("{ respond = -2 }", "'handling.respond' must be a positive whole number"),
        ("{ close = 2.5 }", "'handling.close' must be a positive whole number"),
        ('{ close = "10" }', "'handling.close' must be a positive whole number"),
        ("{ confirm = true }", "'handling.confirm' must be a positive whole number"),
        ("{ confrim = 3 }", "unknown field 'handling.confrim' \\(allowed: confirm, respond, close\\)"),
        ("3", "'handling' must be a table such as"),
    ])
    def test_a_bad_value_is_refused_naming_the_file_the_service_and_the_field(
            self, tmp_path: Path, handling: str, message: str) -> None:
        with pytest.raises(CatalogueError, match=f"services.toml: service 'transcript': {message}"):
            self.with_handling(tmp_path, handling)

    def test_the_bot_stops_with_one_line_on_a_bad_catalogue(self, tmp_path: Path) -> None:
        text = VALID_SERVICE.replace('procedure = "SOP PM-BAPKM.AP.1-05"\n',
                                     'procedure = "SOP PM-BAPKM.AP.1-05"\nhandling = { confirm = 0 }\n')
        settings = Settings(_env_file=None, service_catalogue=write(tmp_path, text),
                            database_url="sqlite+aiosqlite:///:memory:")
        with pytest.raises(ConfigError, match=r"service 'transcript': 'handling\.confirm' must be a positive"):
            build(settings)


class TestDefaultStandardTimes:
    def test_the_defaults_are_confirm_3_respond_5_close_20(self) -> None:
        assert Settings(_env_file=None).standard_times() == DEFAULT_STANDARD_TIMES == StandardTimes(3, 5, 20)

    def test_settings_set_the_defaults(self) -> None:
        settings = Settings(_env_file=None, confirm_days=2, respond_days=7, close_days=30)
        assert settings.standard_times() == StandardTimes(2, 7, 30)

    @pytest.mark.parametrize(("field", "name"), [("confirm_days", "CONFIRM_DAYS"), ("respond_days", "RESPOND_DAYS"),
                                                 ("close_days", "CLOSE_DAYS")])
    def test_a_day_count_that_is_not_positive_is_a_config_error(self, field: str, name: str) -> None:
        with pytest.raises(ConfigError, match=f"^{name} must be a positive whole number of working days; got 0"):
            Settings(_env_file=None, **{field: 0}).standard_times()

    async def test_the_bot_is_built_with_the_settings_times_and_windows(self) -> None:
        app = build(Settings(_env_file=None, confirm_days=4, office_hours="09:00-15:00",
                             database_url="sqlite+aiosqlite:///:memory:"))
        await app.close()
        assert app.deps.standard_times == StandardTimes(4, 5, 20)
        assert app.deps.office_hours.label() == "09:00-15:00" and app.deps.office_hours.working_days_only
        assert app.deps.complainant_hours.label() == "07:00-21:00" and not app.deps.complainant_hours.working_days_only
