"""Every transition of the intake dialog, in Indonesian and in English (pure: no database, no Telegram)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dialogs import intake
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from dialogs.draft import Draft
from dialogs.intake import Step
from dialogs.intake_steps import IntakeContext
from dialogs.ui import DialogInput, FileInput, PickInput, Say, TextInput, parse_pick
from handlers.i18n import Translator

TODAY = date(2026, 11, 25)  # a Wednesday
WORDS = {  # one word of each language that the kind prompt must contain
    "id": "keluhan",
    "en": "complaint",
}


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale), "Siti Rahma")


class Chat:
    """Drives the dialog as a user would, pressing the buttons of the last message."""

    def __init__(self, ctx: IntakeContext) -> None:
        self.ctx = ctx
        outcome = intake.start(ctx)
        self.step: Step | None = outcome.step
        self.draft = outcome.draft
        self.last = outcome

    @property
    def said(self) -> Say:
        return self.last.says[-1]

    def send(self, given: DialogInput) -> intake.Outcome:
        assert self.step is not None
        self.last = intake.handle(self.step, self.draft, given, self.ctx)
        self.step, self.draft = self.last.step, self.last.draft
        return self.last

    def type(self, text: str) -> intake.Outcome:
        return self.send(TextInput(text))

    def press(self, value: str) -> intake.Outcome:
        """Press the button carrying ``value`` on the last message (fails if there is none)."""
        for row in self.said.buttons:
            for _label, data in row:
                pick = parse_pick(intake.PREFIX, data)
                if pick is not None and pick.value == value:
                    return self.send(pick)
        raise AssertionError(f"no button {value!r} in {self.said.buttons}")

    def labels(self) -> list[str]:
        return [label for row in self.said.buttons for label, _data in row]


def file_complaint(chat: Chat) -> None:
    chat.press("complaint")
    chat.press("transcript")
    chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
    chat.press("done")
    chat.press("yesterday")
    chat.type("01-10-2026")  # submitted on
    assert chat.step == Step.QUESTION


def answer_all_questions(chat: Chat) -> None:
    while chat.step == Step.QUESTION:
        buttons = [parse_pick(intake.PREFIX, d) for row in chat.said.buttons for _l, d in row]
        values = [b.value for b in buttons if b is not None and b.value not in ("back", "cancel")]
        if values:
            chat.press(values[0])
        elif "01-" in chat.said.text or "-2026" in chat.said.text:
            chat.type("02-10-2026")
        else:
            chat.type("Petugas bilang harus menunggu.")


class TestKindStep:
    def test_start_asks_complaint_or_suggestion_in_the_users_language(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        assert chat.step == Step.KIND
        assert WORDS[ctx.locale] in chat.said.text.casefold()

    def test_complaint_button_leads_to_service(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        assert chat.step == Step.SERVICE and chat.draft.kind == "complaint"

    def test_typed_kind_word_is_understood(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.type("saran")
        assert chat.step == Step.SERVICE and chat.draft.kind == "suggestion"

    def test_nonsense_repeats_the_question_with_a_warning(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.type("blah")
        assert chat.step == Step.KIND and chat.said.text.startswith("⚠️")


class TestServiceStep:
    def test_service_buttons_list_the_catalogue_and_other(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        names = chat.labels()
        for service in ctx.catalogue:
            assert service.display_name(ctx.locale) in names
        assert ctx._("Other") in names

    def test_typo_finds_the_transcript_service(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.type("transkip")
        assert chat.step == Step.DESCRIPTION and chat.draft.service == "transcript"

    def test_unknown_service_text_keeps_the_step_and_offers_the_list(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.type("qwxzv")
        assert chat.step == Step.SERVICE and "qwxzv" in chat.said.text
        assert ctx._("Other") in chat.labels()

    def test_other_service_skips_confirmation_questions(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("other")
        chat.type("Parkir motor di depan gedung rektorat selalu penuh.")
        chat.press("done")
        chat.press("today")
        assert chat.step == Step.ANONYMITY

    def test_back_from_service_returns_to_kind(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("back")
        assert chat.step == Step.KIND


class TestDescriptionAndFiles:
    def test_too_short_description_is_refused(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("halo")
        assert chat.step == Step.DESCRIPTION and chat.draft.description is None

    def test_too_long_description_is_refused_with_its_length(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("x" * 4000)
        assert chat.step == Step.DESCRIPTION and "4000" in chat.said.text

    def test_description_text_is_html_escaped(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press("named")
        chat.press("edit")
        chat.press("description")
        chat.type("<b>&<script>alert(1)</script> tolong")
        assert chat.step == Step.SUMMARY
        assert "&lt;script&gt;" in chat.said.text and "<script>" not in chat.said.text

    def test_photo_with_caption_gives_description_and_attachment(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.send(FileInput("photo-1", "photo", caption="Antrean loket transkrip sangat panjang"))
        assert chat.step == Step.FILES and len(chat.draft.files) == 1
        assert chat.draft.description == "Antrean loket transkrip sangat panjang"

    def test_photo_without_caption_is_kept_and_description_still_asked(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.send(FileInput("photo-1", "photo"))
        assert chat.step == Step.DESCRIPTION and len(chat.draft.files) == 1

    def test_more_files_then_done(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.send(FileInput("doc-1", "document", "bukti.pdf", "application/pdf"))
        chat.send(FileInput("photo-2", "photo"))
        assert chat.step == Step.FILES and len(chat.draft.files) == 2
        chat.press("done")
        assert chat.step == Step.WHEN

    def test_unsupported_document_type_is_refused(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.send(FileInput("doc-1", "document", "virus.exe", "application/x-msdownload"))
        assert chat.draft.files == () and chat.said.text.startswith("⚠️")


class TestWhenAndQuestions:
    def test_typed_date_is_parsed(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.press("done")
        chat.type("20-11-2026")
        assert chat.draft.occurred_on == date(2026, 11, 20) and chat.step == Step.QUESTION

    def test_future_date_is_refused(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.press("done")
        chat.type("30-12-2026")
        assert chat.step == Step.WHEN and chat.draft.occurred_on is None

    def test_unreadable_date_is_refused_with_an_example(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.press("done")
        chat.type("kapan-kapan")
        assert chat.step == Step.WHEN and "25-11-2026" in chat.said.text

    def test_each_question_of_the_service_is_asked_in_turn(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        service = ctx.catalogue.get("transcript")
        assert service is not None
        assert chat.draft.answers == {service.questions[0].id: "2026-10-01"}
        answer_all_questions(chat)
        assert chat.step == Step.ANONYMITY
        assert set(chat.draft.answers) == {q.id for q in service.questions}

    def test_button_of_an_earlier_question_is_stale(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        before = chat.draft
        outcome = chat.send(PickInput("q0", "yes"))
        assert outcome.stale and chat.draft == before

    def test_back_from_second_question_returns_to_the_first(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        chat.press("back")
        assert chat.step == Step.QUESTION and chat.draft.question_index == 0

    def test_suggestion_skips_date_and_questions(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("suggestion")
        chat.press("graduation")
        chat.type("Mohon wisuda disiarkan langsung untuk keluarga di luar kota.")
        chat.press("done")
        assert chat.step == Step.ANONYMITY


class TestSummaryAndSend:
    def test_summary_lists_the_answers_and_offers_send_edit_cancel(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press("anonymous")
        assert chat.step == Step.SUMMARY
        assert "Transkrip saya belum terbit" in chat.said.text
        assert len(chat.labels()) == 3

    def test_send_submits(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press("named")
        outcome = chat.press("send")
        assert outcome.submit and outcome.step is None and outcome.draft.anonymous is False

    def test_cancel_ends_the_dialog_without_submitting(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        outcome = chat.press("cancel")
        assert outcome.cancelled and not outcome.submit and outcome.step is None

    def test_edit_service_asks_the_new_services_questions_then_returns_to_summary(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press("named")
        chat.press("edit")
        chat.press("service")
        assert chat.step == Step.SERVICE
        chat.press("student_card")
        assert chat.step == Step.QUESTION and chat.draft.answers == {}
        answer_all_questions(chat)
        assert chat.step == Step.SUMMARY and chat.draft.service == "student_card"
        assert chat.draft.description is not None  # kept

    def test_edit_back_returns_to_summary_unchanged(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press("named")
        before = chat.draft
        chat.press("edit")
        chat.press("back")
        assert chat.step == Step.SUMMARY and chat.draft == before

    def test_standard_time_not_passed_is_told_in_summary_and_acknowledgement(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua hari.")
        chat.press("done")
        chat.press("today")
        chat.type("24-11-2026")  # submitted yesterday; 3 working days end on 27 November
        answer_all_questions(chat)
        chat.press("named")
        assert "27" in chat.said.text
        ack = intake.review.acknowledgement("KEL-2026-00001", chat.draft, ctx, 2)
        assert "KEL-2026-00001" in ack.text and "27" in ack.text

    def test_standard_time_passed_gives_no_note(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)  # submitted 1 October
        answer_all_questions(chat)
        chat.press("named")
        assert intake.review.standard_time_open(chat.draft, ctx) is None


class TestDraftStorage:
    def test_draft_survives_a_round_trip_through_json(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        chat.send(PickInput("q1", "portal"))
        assert Draft.from_dict(chat.draft.to_dict()) == chat.draft

    def test_unknown_keys_of_an_older_draft_are_ignored(self) -> None:
        assert Draft.from_dict({"kind": "complaint", "gone": 1}) == Draft(kind="complaint")


def test_diagram_beside_the_dialog_is_generated_from_the_table() -> None:
    mmd = Path(intake.__file__).with_name("intake.mmd").read_text(encoding="utf-8")
    assert mmd == intake.mermaid()


def test_every_step_has_a_transition_out_and_in() -> None:
    sources = {t.source for t in intake.TRANSITIONS}
    targets = {t.target for t in intake.TRANSITIONS}
    for step in Step:
        if step != Step.SENT:
            assert step in sources, step
        if step != Step.KIND:
            assert step in targets, step
