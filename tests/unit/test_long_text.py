"""A text over a step's limit is kept and can be cut at a sentence or word, or sent again shorter: in the intake,
the staff intake, the LK and the action dialogs, in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import action_draft, intake, lk_draft
from dialogs.action_draft import ActionContext, ActionDraft
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from dialogs.draft import Draft
from dialogs.intake import Step
from dialogs.intake_steps import IntakeContext
from dialogs.lk_draft import LkContext, LkDraft
from dialogs.long_text import cut
from dialogs.typed import core_words
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

TODAY = date(2026, 11, 25)
SENTENCE = "Transkrip saya belum terbit padahal sudah dua minggu menunggu di loket. "  # 72 characters
LONG = (SENTENCE * 45).strip()  # 3239 characters: over the 3000 of a description


def whole_sentences(limit: int) -> str:
    """As many whole sentences of ``SENTENCE`` as fit in ``limit`` characters."""
    return (SENTENCE * ((limit + 1) // len(SENTENCE))).strip()


CUT = whole_sentences(3000)  # 41 sentences, 2951 characters


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, catalogue: Catalogue, translator: Translator) -> IntakeContext:
    locale = request.param
    return IntakeContext(catalogue, locale, TODAY, WorkingCalendar(), translator.gettext(locale),
                         translator.ngettext(locale), "Siti Rahma")


def at_description(ctx: IntakeContext) -> Chat[Step, Draft, IntakeContext]:
    chat: Chat[Step, Draft, IntakeContext] = Chat(intake.FLOW, ctx)
    chat.press("complaint")
    chat.press("transcript")
    assert chat.step == Step.DESCRIPTION
    return chat


class TestCut:
    def test_a_text_within_the_limit_is_kept_whole(self) -> None:
        assert cut("Dua kalimat. Sudah cukup.", 100) == "Dua kalimat. Sudah cukup."

    def test_cut_at_the_end_of_the_last_whole_sentence(self) -> None:
        assert cut("Satu dua tiga. Empat lima enam tujuh.", 26) == "Satu dua tiga."

    def test_cut_at_a_word_when_no_sentence_ends_late_enough(self) -> None:
        assert cut("Satu. Dua tiga empat lima enam tujuh delapan", 30) == "Satu. Dua tiga empat lima enam"
        assert cut("Satu dua tiga. Empat lima enam tujuh.", 30) == "Satu dua tiga. Empat lima enam"

    def test_the_limit_itself_may_be_the_end_of_a_word(self) -> None:
        assert cut("abcd efgh ijkl", 9) == "abcd efgh"

    def test_never_inside_a_word(self) -> None:
        kept = cut("kata " * 10 + "panjangsekali", 57)
        assert kept is not None and not kept.endswith("panjang") and kept.endswith("kata")
        assert cut("x" * 100, 50) is None

    def test_nothing_when_the_cut_would_be_too_short(self) -> None:
        assert cut("ab " + "x" * 100, 50, minimum=10) is None

    def test_a_question_or_exclamation_or_new_line_ends_a_sentence(self) -> None:
        assert cut("Kenapa lama sekali? Tolong dicek!\nTerima kasih banyak sekali", 40) == \
            "Kenapa lama sekali? Tolong dicek!"


class TestIntakeDescription:
    def test_a_too_long_text_is_kept_and_the_step_says_its_length_and_the_limit(self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type(LONG)
        assert chat.step == Step.DESCRIPTION and chat.draft.description is None
        assert chat.draft.overlong == {"description": LONG}
        text = chat.said.text
        assert ctx._("Your text has {n} characters; please shorten it to {max} or fewer.").format(
            n=len(LONG), max=3000) in text
        assert cut(LONG, 3000) == CUT and len(CUT) == 2951
        assert chat.labels()[0] == ctx._("✂️ Use the first {n} characters").format(n=2951)
        assert chat.values() == ["cut", "back", "cancel"]

    def test_the_cut_button_keeps_whole_sentences(self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type(LONG)
        chat.press("cut")
        assert chat.step == Step.FILES and chat.draft.overlong == {}
        assert chat.draft.description == CUT and LONG.startswith(chat.draft.description)

    def test_a_shorter_version_sent_instead_is_taken(self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type(LONG)
        chat.type(SENTENCE)
        assert chat.step == Step.FILES and chat.draft.description == SENTENCE.strip() and chat.draft.overlong == {}

    def test_a_too_short_text_after_it_keeps_the_long_one(self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type(LONG)
        chat.type("halo")
        assert chat.step == Step.DESCRIPTION and chat.draft.overlong == {"description": LONG} and chat.warned()
        assert "cut" in chat.values()

    def test_the_kept_text_survives_storage_and_going_back(self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type(LONG)
        assert Draft.from_dict(chat.draft.to_dict()) == chat.draft
        chat.press("back")
        chat.press("transcript")
        assert chat.step == Step.DESCRIPTION and "cut" in chat.values()

    def test_typed_words_of_the_cut_button_press_it_when_too_short_to_be_a_description(
            self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type(LONG)
        chat.type(core_words(chat.labels()[0])[0])  # its first word ("Use"): under the 10 a description needs
        assert chat.step == Step.FILES and chat.draft.description == CUT

    def test_a_text_without_a_word_break_is_kept_without_a_cut_button(self, ctx: IntakeContext) -> None:
        chat = at_description(ctx)
        chat.type("x" * 3500)
        assert chat.step == Step.DESCRIPTION and chat.draft.overlong == {"description": "x" * 3500}
        assert chat.values() == ["back", "cancel"] and "3500" in chat.said.text


class TestLkDialog:
    @pytest.fixture
    def lk_ctx(self, ctx: IntakeContext) -> LkContext:
        return LkContext(ctx._, ctx.locale, ("KEL-2026-00042",), "Penerbitan Transkrip Akademik", "SOP X")

    @pytest.mark.parametrize("step", [lk_draft.Step.DESCRIPTION, lk_draft.Step.ROOT_CAUSE])
    def test_description_and_root_cause_are_kept_and_cut(self, lk_ctx: LkContext, step: lk_draft.Step) -> None:
        chat: Chat[lk_draft.Step, LkDraft, LkContext] = Chat(lk_draft.FLOW, lk_ctx)
        if step == lk_draft.Step.ROOT_CAUSE:
            chat.type(SENTENCE)
            chat.press("service")
        chat.type(LONG)
        assert chat.step == step and chat.draft.overlong == {step.value: LONG} and str(len(LONG)) in chat.said.text
        assert LkDraft.from_dict(chat.draft.to_dict()) == chat.draft
        chat.press("cut")
        assert getattr(chat.draft, step.value) == CUT and chat.draft.overlong == {}

    def test_a_photo_is_still_refused(self, lk_ctx: LkContext) -> None:
        chat: Chat[lk_draft.Step, LkDraft, LkContext] = Chat(lk_draft.FLOW, lk_ctx)
        chat.photo("p1", SENTENCE)
        assert chat.step == lk_draft.Step.DESCRIPTION and chat.warned()


class TestActionDialog:
    def test_a_description_over_1000_is_kept_and_cut(self, ctx: IntakeContext) -> None:
        action_ctx = ActionContext(ctx._, ctx.locale, TODAY, WorkingCalendar(), ((12, "Agus Salim"),), "LK-2026-003")
        chat: Chat[action_draft.Step, ActionDraft, ActionContext] = Chat(action_draft.FLOW, action_ctx)
        chat.press("correction")
        text = (SENTENCE * 15).strip()  # 1079 characters
        chat.type(text)
        assert chat.step == action_draft.Step.DESCRIPTION and chat.draft.overlong == {"description": text}
        assert ctx._("Your text has {n} characters; please shorten it to {max} or fewer.").format(
            n=len(text), max=1000) in chat.said.text
        chat.press("cut")
        assert chat.step == action_draft.Step.OWNER and chat.draft.description == whole_sentences(1000)
