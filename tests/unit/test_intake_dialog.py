"""Every transition of the intake dialog, in Indonesian and in English (pure: no database, no Telegram)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from dialogs import intake
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import DEFAULT_STANDARD_TIMES, Catalogue, StandardTimes
from dialogs.draft import Draft, DraftFile
from dialogs.intake import Step
from dialogs.intake_steps import IntakeContext
from dialogs.ui import FileInput, PickInput, parse_pick
from handlers.i18n import Translator
from tests.unit import dialog_driver

TODAY = date(2026, 11, 25)  # a Wednesday
WORDS = {  # one word of each language that the kind prompt must contain
    "id": "keluhan",
    "en": "complaint",
}


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale),
                         translator.ngettext(locale), "Siti Rahma")


class Chat(dialog_driver.Chat[Step, Draft, IntakeContext]):
    """Drives the intake as a user would, pressing the buttons of the last message."""

    def __init__(self, ctx: IntakeContext) -> None:
        super().__init__(intake.FLOW, ctx)


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
        values = [b.value for b in buttons if b is not None and b.value not in ("back", "cancel", "skip")]
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

    def test_back_from_did_you_mean_returns_to_the_full_service_list(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.type("surat")
        assert chat.step == Step.SERVICE and "surat" in chat.said.text
        candidates = [v for v in chat.values() if v not in ("other", "list", "cancel")]
        assert 0 < len(candidates) < len(ctx.catalogue) and "back" not in chat.values()
        assert chat.labels()[chat.values().index("list")] == ctx._("« Back")
        chat.press("list")
        assert chat.step == Step.SERVICE and chat.values() == [*ctx.catalogue.codes, "other", "back", "cancel"]
        assert chat.said.text == intake.prompt(Step.SERVICE, chat.draft, ctx).text
        chat.press("back")
        assert chat.step == Step.KIND

    def test_a_candidate_can_still_be_chosen_from_did_you_mean(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.type("surat")
        chosen = chat.values()[0]
        chat.press(chosen)
        assert chat.step == Step.DESCRIPTION and chat.draft.service == chosen


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
        assert chat.draft.files[0].caption == "Antrean loket transkrip sangat panjang"

    def test_files_keep_their_name_mime_type_and_caption(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.send(FileInput("doc-1", "document", "bukti.pdf", "application/pdf", "Bukti pengajuan"))
        chat.send(FileInput("photo-2", "photo", mime_type="image/jpeg"))
        assert chat.draft.files == (DraftFile("doc-1", "document", "bukti.pdf", "application/pdf", "Bukti pengajuan"),
                                    DraftFile("photo-2", "photo", None, "image/jpeg", None))
        assert Draft.from_dict(chat.draft.to_dict()).files == chat.draft.files

    def test_a_stored_file_of_an_older_draft_without_mime_type_or_caption_still_loads(self) -> None:
        old = {"kind": "complaint", "files": [{"file_id": "f1", "file_type": "photo", "file_name": None}]}
        assert Draft.from_dict(old).files == (DraftFile("f1", "photo"),)

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

    def test_an_impossible_date_says_what_is_wrong_in_the_readers_language(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("complaint")
        chat.press("transcript")
        chat.type("Transkrip saya belum terbit padahal sudah dua minggu.")
        chat.press("done")
        chat.type("29/02/2026")
        month = {"id": "Februari 2026", "en": "February 2026"}[ctx.locale]
        assert chat.step == Step.WHEN
        assert chat.said.text.startswith("⚠️ " + ctx._("{month} has only {n} days.").format(month=month, n=28))

    def test_typed_not_sure_in_either_language(self, ctx: IntakeContext) -> None:
        for typed in ("tidak tahu", "not sure"):
            chat = Chat(ctx)
            chat.press("complaint")
            chat.press("other")
            chat.type("Parkir motor di depan gedung rektorat selalu penuh.")
            chat.press("done")
            chat.type(typed)
            assert chat.step == Step.ANONYMITY and chat.draft.when_done and chat.draft.occurred_on is None

    def test_suggestion_skips_date_and_questions(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        chat.press("suggestion")
        chat.press("graduation")
        chat.type("Mohon wisuda disiarkan langsung untuk keluarga di luar kota.")
        chat.press("done")
        assert chat.step == Step.ANONYMITY


class TestOptionalQuestions:
    def test_an_optional_question_has_a_skip_button_and_others_do_not(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)  # transcript: date (answered), choice, yes/no, then the optional text question
        assert "skip" not in chat.values()
        chat.press("portal")
        assert "skip" not in chat.values()
        chat.press("yes")
        assert chat.values() == ["skip", "back", "cancel"] and ctx._("Skip") in chat.labels()

    def test_a_skipped_answer_is_not_stored_and_the_summary_says_skipped(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        chat.press("portal")
        chat.press("yes")
        chat.press("skip")
        assert chat.step == Step.ANONYMITY and "staff_response" not in chat.draft.answers
        chat.press("named")
        service = ctx.catalogue.get("transcript")
        assert service is not None
        question = service.question("staff_response")
        assert question is not None
        assert f"{question.prompt(ctx.locale)} — <i>{ctx._('skipped')}</i>" in chat.said.text

    @pytest.mark.parametrize("typed", ["lewati", "skip", "Skip aja"])
    def test_typed_skip_skips_an_optional_question(self, ctx: IntakeContext, typed: str) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        chat.press("portal")
        chat.press("yes")
        chat.type(typed)
        assert chat.step == Step.ANONYMITY and "staff_response" not in chat.draft.answers

    def test_skipping_after_going_back_forgets_the_earlier_answer(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        chat.press("portal")
        chat.press("yes")
        chat.type("Petugas bilang harus menunggu.")
        chat.press("back")
        assert chat.step == Step.QUESTION and chat.draft.answers["staff_response"]
        chat.press("skip")
        assert chat.step == Step.ANONYMITY and "staff_response" not in chat.draft.answers

    def test_a_required_question_cannot_be_skipped(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        before = chat.draft
        chat.send(PickInput("q1", "skip"))
        assert chat.step == Step.QUESTION and chat.draft == before and chat.said.text.startswith("⚠️")


class TestIdentityChoice:
    """Issue 15: named, confidential or anonymous, each with who sees the name; older drafts still load."""

    def test_three_choices_each_saying_who_sees_the_name(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        assert chat.step == Step.ANONYMITY
        assert chat.values()[:3] == ["named", "confidential", "anonymous"]
        for line in (ctx._("<b>Named</b>: the bureau's staff see your name."),
                     ctx._("<b>Anonymous</b>: no staff member sees who you are; the answers still reach you here.")):
            assert line in chat.said.text

    @pytest.mark.parametrize("level", ["named", "confidential", "anonymous"])
    def test_the_summary_shows_the_choice(self, ctx: IntakeContext, level: str) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press(level)
        assert chat.step == Step.SUMMARY and chat.draft.identity == level
        shown = {"named": ctx._("{name} — the bureau's staff see it").format(name=ctx.person_name),
                 "confidential": ctx._("{name}, confidential — only {readers} see it").format(
                     name=ctx.person_name, readers=ctx._("the officer handling it and the administrator")),
                 "anonymous": ctx._("anonymous — no staff member sees your name")}[level]
        assert ctx._("Identity: {identity}").format(identity=shown) in chat.said.text
        if level == "anonymous":
            assert ctx.person_name not in chat.said.text

    def test_who_sees_a_confidential_name_follows_the_setting(self, ctx: IntakeContext) -> None:
        """Found in review: the texts said "the officer handling it and the administrator" whatever
        CONFIDENTIAL_ROLES said."""
        from handlers.identity import readers
        from handlers.labels import role_name

        told = readers(frozenset({"admin", "monitor"}), ctx._)
        assert told == ctx._("{first} and {last}").format(first=ctx._("the administrator"),
                                                          last=role_name("monitor", ctx._))
        chat = Chat(replace(ctx, confidential_readers=told))
        file_complaint(chat)
        answer_all_questions(chat)
        assert told in chat.said.text and ctx._("the officer handling it") not in chat.said.text
        chat.press("confidential")
        assert ctx._("{name}, confidential — only {readers} see it").format(name=ctx.person_name, readers=told) \
            in chat.said.text
        assert readers(frozenset(), ctx._) == ctx._("nobody")

    @pytest.mark.parametrize(("stored", "level"), [(True, "anonymous"), (False, "named"), (None, None)])
    def test_a_draft_saved_with_the_old_yes_no_anonymity_still_loads(self, stored: bool | None,
                                                                     level: str | None) -> None:
        data = {**Draft(kind="complaint", service="transcript").to_dict(), "anonymous": stored}
        del data["identity"]
        assert Draft.from_dict(data).identity == level
        assert Draft.from_dict(Draft(identity="confidential").to_dict()).identity == "confidential"

    def test_editing_the_identity_asks_it_again(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)
        answer_all_questions(chat)
        chat.press("named")
        chat.press("edit")
        chat.press("anonymity")
        assert chat.step == Step.ANONYMITY and chat.draft.identity is None
        chat.press("confidential")
        assert chat.step == Step.SUMMARY and chat.draft.identity == "confidential"


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
        assert outcome.submit and outcome.step is None and outcome.draft.identity == "named"

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
        ack = intake.review.acknowledgement("KEL-2026-00001", chat.draft, ctx, DEFAULT_STANDARD_TIMES)
        assert "KEL-2026-00001" in ack.text and "27" in ack.text

    def test_standard_time_passed_gives_no_note(self, ctx: IntakeContext) -> None:
        chat = Chat(ctx)
        file_complaint(chat)  # submitted 1 October
        answer_all_questions(chat)
        chat.press("named")
        assert intake.review.standard_time_open(chat.draft, ctx) is None


class TestAcknowledgement:
    """The complainant is told within how many working days an officer gives a verdict: the service's own
    confirm time where the catalogue sets one (tuition: 5), else the default from settings."""

    def promise(self, ctx: IntakeContext, days: int) -> str:
        _ = ctx._
        text = _("Your complaint is recorded as <b>{number}</b>.\n"
                 "What happens next: an officer checks it against the procedure of the service within {days} "
                 "working days and tells you the result here.")
        return text.format(number="KEL-2026-00001", days=days)

    @pytest.mark.parametrize(("service", "days"), [("tuition", 5), ("transcript", 3), ("other", 3)])
    def test_the_promise_uses_the_service_s_confirm_time(self, ctx: IntakeContext, service: str, days: int) -> None:
        draft = Draft(kind="complaint", service=service, description="UKT saya belum diverifikasi.")
        ack = intake.review.acknowledgement("KEL-2026-00001", draft, ctx, DEFAULT_STANDARD_TIMES)
        assert ack.text.startswith(self.promise(ctx, days))
        assert {"id": "hari kerja", "en": "working days"}[ctx.locale] in ack.text

    def test_the_default_comes_from_settings(self, ctx: IntakeContext) -> None:
        draft = Draft(kind="complaint", service="transcript", description="Transkrip belum terbit.")
        ack = intake.review.acknowledgement("KEL-2026-00001", draft, ctx, StandardTimes(2, 5, 20))
        assert ack.text.startswith(self.promise(ctx, 2))


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
