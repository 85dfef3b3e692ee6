"""Typed answers that mean a button count as pressing it, in every dialog and both languages; free text and
ambiguous text are left alone."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import action_draft, intake, staff_intake
from dialogs.action_draft import ActionContext, ActionDraft
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from dialogs.draft import Draft
from dialogs.intake import Step
from dialogs.intake_steps import IntakeContext
from dialogs.typed import core_text, match_button
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

TODAY = date(2026, 11, 25)  # a Wednesday
DESCRIPTION = "Transkrip saya belum terbit padahal sudah dua minggu."
IntakeChat = Chat[Step, Draft, IntakeContext]


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale),
                         translator.ngettext(locale), "Siti Rahma")


def at(ctx: IntakeContext, step: Step, service: str = "transcript") -> IntakeChat:
    """A complaint about ``service`` walked with buttons up to ``step``."""
    chat: IntakeChat = Chat(intake.FLOW, ctx)
    walk = [(Step.KIND, "complaint"), (Step.SERVICE, service), (Step.DESCRIPTION, None), (Step.FILES, "done"),
            (Step.WHEN, "yesterday")]
    for here, value in walk:
        if here == step:
            return chat
        chat.press(value) if value else chat.type(DESCRIPTION)
    assert chat.step == step
    return chat


def answer_questions_until(chat: IntakeChat, question_id: str) -> None:
    """Answer the service's questions with their first button (a date question: a date) up to ``question_id``."""
    service = chat.ctx.catalogue.get(chat.draft.service or "")
    assert service is not None
    for question in service.questions:
        if question.id == question_id:
            return
        values = [v for v in chat.values() if v not in ("skip", "back", "cancel")]
        chat.press(values[0]) if values else chat.type("01-10-2026")
    raise AssertionError(question_id)


class TestMatchButton:
    BUTTONS = (("Tanpa lampiran", "done"), ("Portal akademik (myITS Academics)", "portal"),
               ("Loket layanan BAPKM", "counter"), ("Melalui departemen", "department"))

    @pytest.mark.parametrize(
        ("typed", "value"),
        [
            ("Tanpa lampiran", "done"),
            ("tanpa lampiran dong", "done"),  # a filler word
            ("TANPA LAMPIRAN!!", "done"),  # case and punctuation
            ("tanpa lampran", "done"),  # a typo
            ("portal", "portal"),  # the start of a label
            ("loket BAPKM aja", "counter"),  # words of a label
            ("departemen", "department"),
            ("counter", "counter"),  # the button's value
        ],
    )
    def test_a_text_meaning_one_button_gives_its_value(self, typed: str, value: str) -> None:
        assert match_button(typed, self.BUTTONS) == value

    @pytest.mark.parametrize("typed", ["lampiran portal", "layanan portal", "dong", "", "xyz", "please"])
    def test_a_text_meaning_no_button_gives_none(self, typed: str) -> None:
        assert match_button(typed, (*self.BUTTONS, ("Akademik lain", "other"))) is None

    def test_a_text_meaning_two_buttons_is_ambiguous(self) -> None:
        assert match_button("tidak", (("Tidak aktif", "inactive"), ("Tidak tahu / tidak bisa dibuka", "x"))) is None

    def test_the_start_of_a_label_wins_over_words_of_another(self) -> None:
        assert match_button("akademik", (("Akademik lain", "other"), ("Portal akademik", "portal"))) == "other"

    def test_the_surer_match_wins_over_a_looser_one(self) -> None:
        buttons = (("Ijazah", "diploma"), ("Transkrip akademik", "transcript"), ("Ijazah dan transkrip", "both"))
        assert match_button("ijazah", buttons) == "diploma"  # whole label before words of another
        assert match_button("transkrip", buttons) == "transcript"  # start of a label before words of another

    def test_ids_are_never_typed_and_short_texts_match_only_exactly(self) -> None:
        assert match_button("12", (("Agus Salim", "12"), ("Rina Kusuma", "13"))) is None
        assert match_button("ye", (("Yes", "yes"), ("No", "no"))) is None
        assert match_button("Yes", (("Yes", "yes"), ("No", "no"))) == "yes"

    def test_core_text_drops_fillers_case_and_punctuation(self) -> None:
        assert core_text("Keluhan, dong!") == "keluhan" and core_text("saran aja ya kak") == "saran ya"


class TestIntake:
    @pytest.mark.parametrize(("typed", "kind"), [("keluhan dong", "complaint"), ("Saran aja", "suggestion"),
                                                 ("complaint please", "complaint"), ("aduan", "complaint")])
    def test_kind_in_words_of_either_language(self, ctx: IntakeContext, typed: str, kind: str) -> None:
        chat: IntakeChat = Chat(intake.FLOW, ctx)
        chat.type(typed)
        assert chat.step == Step.SERVICE and chat.draft.kind == kind

    def test_kind_label_of_the_readers_language(self, ctx: IntakeContext) -> None:
        chat: IntakeChat = Chat(intake.FLOW, ctx)
        chat.type(ctx._("Suggestion").upper() + "!")
        assert chat.draft.kind == "suggestion"

    def test_service_name_typed(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.SERVICE)
        chat.type("transkrip")
        assert chat.step == Step.DESCRIPTION and chat.draft.service == "transcript"

    def test_other_service_typed_as_its_label(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.SERVICE)
        chat.type(ctx._("Other"))
        assert chat.step == Step.DESCRIPTION and chat.draft.service == "other"

    @pytest.mark.parametrize("typed", ["tanpa lampiran", "no attachment", "Tidak ada", "selesai"])
    def test_no_attachment_in_words(self, ctx: IntakeContext, typed: str) -> None:
        chat = at(ctx, Step.FILES)
        chat.type(typed)
        assert chat.step == Step.WHEN and chat.draft.files_done

    def test_no_attachment_label_with_a_typo(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.FILES)
        chat.type({"id": "tanpa lampran", "en": "no atachment"}[ctx.locale])
        assert chat.step == Step.WHEN

    @pytest.mark.parametrize(("typed", "day"), [("hari ini", TODAY), ("kemarin", date(2026, 11, 24)),
                                                ("today", TODAY)])
    def test_date_in_words(self, ctx: IntakeContext, typed: str, day: date) -> None:
        chat = at(ctx, Step.WHEN)
        chat.type(typed)
        assert chat.draft.occurred_on == day and chat.step == Step.QUESTION

    @pytest.mark.parametrize(("typed", "answer"), [("ya", "yes"), ("iya", "yes"), ("Ya dong", "yes"),
                                                   ("tidak", "no"), ("belum", "no"), ("yes", "yes")])
    def test_yes_and_no_in_words(self, ctx: IntakeContext, typed: str, answer: str) -> None:
        chat = at(ctx, Step.QUESTION)
        answer_questions_until(chat, "requirements_complete")
        chat.type(typed)
        assert chat.draft.answers["requirements_complete"] == answer

    @pytest.mark.parametrize("typed", ["portal", "Portal akademik", "portal aja kak"])
    def test_the_start_or_words_of_a_choice(self, ctx: IntakeContext, typed: str) -> None:
        chat = at(ctx, Step.QUESTION)
        answer_questions_until(chat, "channel")
        chat.type(typed)
        assert chat.draft.answers.get("channel") == "portal"

    def test_a_choice_label_of_the_readers_language_with_a_typo(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.QUESTION)
        answer_questions_until(chat, "channel")
        chat.type({"id": "loket layanan BAPKN", "en": "BAPKM servise counter"}[ctx.locale])
        assert chat.draft.answers.get("channel") == "counter"

    def test_an_ambiguous_choice_keeps_the_clear_message(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.QUESTION, service="course_registration")
        answer_questions_until(chat, "problem")  # "… would not open" / "… has not approved it"
        before = chat.draft
        chat.type({"id": "tidak", "en": "not"}[ctx.locale])
        assert chat.draft == before and chat.warned()
        assert chat.said.text.startswith("⚠️ " + ctx._("Please choose one of the buttons."))

    @pytest.mark.parametrize(("typed", "level"), [("anonim", "anonymous"), ("anonim aja", "anonymous"),
                                                  ("nama", "named"), ("rahasia", "confidential"),
                                                  ("dirahasiakan saja", "confidential")])
    def test_identity_in_words(self, ctx: IntakeContext, typed: str, level: str) -> None:
        chat = at(ctx, Step.QUESTION)
        while chat.step == Step.QUESTION:
            values = [v for v in chat.values() if v not in ("back", "cancel", "skip")]
            chat.press(values[0]) if values else chat.press("skip") if "skip" in chat.values() else \
                chat.type("01-10-2026")
        chat.type(typed)
        assert chat.step == Step.SUMMARY and chat.draft.identity == level

    def test_identity_label_of_the_readers_language(self, ctx: IntakeContext) -> None:
        chat: IntakeChat = Chat(intake.FLOW, ctx)
        chat.press("suggestion")
        chat.press("other")
        chat.type("Mohon wisuda disiarkan langsung untuk keluarga.")
        chat.press("done")
        chat.type(ctx._("Show my name"))
        assert chat.step == Step.SUMMARY and chat.draft.identity == "named"

    def test_send_and_edit_typed_at_the_summary(self, ctx: IntakeContext) -> None:
        chat: IntakeChat = Chat(intake.FLOW, ctx)
        chat.press("suggestion")
        chat.press("other")
        chat.type("Mohon wisuda disiarkan langsung untuk keluarga.")
        chat.press("done")
        chat.press("named")
        chat.type({"id": "ubah", "en": "edit"}[ctx.locale])
        assert chat.step == Step.EDIT
        chat.type({"id": "uraian", "en": "description"}[ctx.locale])
        assert chat.step == Step.DESCRIPTION and chat.draft.description is None
        chat.type("Mohon wisuda disiarkan langsung untuk keluarga di luar kota.")
        assert chat.step == Step.SUMMARY
        outcome = chat.type({"id": "kirim", "en": "send"}[ctx.locale])
        assert outcome.submit

    def test_a_free_text_step_is_never_taken_for_a_button(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.DESCRIPTION)
        chat.type(ctx._("« Back"))
        assert chat.step == Step.DESCRIPTION and chat.warned()  # too short, not Back
        chat.type(ctx._("✖ Cancel"))
        assert chat.step == Step.DESCRIPTION and chat.warned()  # not Cancel

    def test_typed_back_or_cancel_words_never_navigate(self, ctx: IntakeContext) -> None:
        chat = at(ctx, Step.FILES)
        chat.type(ctx._("« Back"))
        assert chat.step == Step.FILES and chat.warned()
        chat.type(ctx._("✖ Cancel"))
        assert chat.step == Step.FILES and chat.warned()


class TestStaffDialogs:
    def test_staff_intake_channel_and_contact_buttons_typed(self, ctx: IntakeContext) -> None:
        chat: Chat[staff_intake.Step, staff_intake.StaffIntakeDraft, IntakeContext] = Chat(staff_intake.FLOW, ctx)
        chat.type({"id": "surat", "en": "letter"}[ctx.locale])
        assert chat.step == staff_intake.Step.AGENDA
        chat.type("1234/UN7.5/PP/2026")
        chat.type("keluhan dong")
        assert chat.step == staff_intake.Step.SERVICE and chat.draft.kind == "complaint"

    @pytest.fixture
    def action_ctx(self, ctx: IntakeContext) -> ActionContext:
        staff = ((11, "Rina Kusuma"), (12, "Agus Salim"))
        return ActionContext(ctx._, ctx.locale, TODAY, WorkingCalendar(), staff, "LK-2026-003")

    def test_action_kind_typed(self, action_ctx: ActionContext) -> None:
        chat: Chat[action_draft.Step, ActionDraft, ActionContext] = Chat(action_draft.FLOW, action_ctx)
        chat.type({"id": "tindakan perbaikan", "en": "corrective action"}[action_ctx.locale])
        assert chat.step == action_draft.Step.DESCRIPTION and chat.draft.kind == "corrective"

    def test_an_ambiguous_action_kind_keeps_the_clear_message(self, action_ctx: ActionContext) -> None:
        chat: Chat[action_draft.Step, ActionDraft, ActionContext] = Chat(action_draft.FLOW, action_ctx)
        chat.type({"id": "tindakan", "en": "action"}[action_ctx.locale])
        assert chat.step == action_draft.Step.KIND and chat.warned()
        assert chat.said.text.startswith("⚠️ " + action_ctx._("Please choose the kind of action with the buttons."))

    def test_action_due_date_typed_as_its_button(self, action_ctx: ActionContext) -> None:
        chat: Chat[action_draft.Step, ActionDraft, ActionContext] = Chat(action_draft.FLOW, action_ctx)
        chat.press("correction")
        chat.type("Tunjuk pejabat pengganti penandatangan transkrip.")
        chat.press("12")
        chat.type({"id": "dalam 3 hari kerja", "en": "in 3 working days"}[action_ctx.locale])
        assert chat.step == action_draft.Step.SUMMARY and chat.draft.due_on == date(2026, 11, 30)
