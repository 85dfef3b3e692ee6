"""Every transition of the LK dialog (SOP step c), in Indonesian and English; asserts on values, not words."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs import lk_draft
from dialogs.lk_draft import FLOW, LkContext, LkDraft, Step
from dialogs.ui import PickInput
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

PROCEDURE = "SOP PM-BAPKM.AP.1-05 Penerbitan Transkrip Akademik"
NONCONFORMITY = "Transkrip diterbitkan 12 hari kerja setelah permohonan; standar layanan 3 hari kerja."
ROOT_CAUSE = "Tanda tangan Wakil Dekan menunggu jadwal rapat; tidak ada pejabat pengganti yang ditunjuk."

LkChat = Chat[Step, LkDraft, LkContext]


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, translator: Translator) -> LkContext:
    locale = request.param
    return LkContext(translator.gettext(locale), locale, ("KEL-2026-00042", "KEL-2026-00051"),
                     "Penerbitan Transkrip Akademik", PROCEDURE)


def chat_at(ctx: LkContext, step: Step) -> LkChat:
    chat: LkChat = Chat(FLOW, ctx)
    for at, answer in ((Step.DESCRIPTION, NONCONFORMITY), (Step.PROCEDURE, None), (Step.ROOT_CAUSE, ROOT_CAUSE)):
        if at == step:
            break
        assert chat.step == at
        if answer is None:
            chat.press("service")
        else:
            chat.type(answer)
    assert chat.step == step
    return chat


class TestDescription:
    def test_start_names_the_tickets_and_asks_the_nonconformity(self, ctx: LkContext) -> None:
        chat: LkChat = Chat(FLOW, ctx)
        assert chat.step == Step.DESCRIPTION
        assert "KEL-2026-00042" in chat.said.text and "KEL-2026-00051" in chat.said.text
        assert chat.values() == ["cancel"]

    def test_text_leads_to_procedure(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(NONCONFORMITY)
        assert chat.step == Step.PROCEDURE and chat.draft.description == NONCONFORMITY

    @pytest.mark.parametrize("typed", ["terlambat", "x" * 3001])
    def test_too_short_or_too_long_is_refused(self, ctx: LkContext, typed: str) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(typed)
        assert chat.step == Step.DESCRIPTION and chat.warned() and chat.draft.description is None

    def test_a_photo_is_refused(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.photo("p1", NONCONFORMITY)
        assert chat.step == Step.DESCRIPTION and chat.warned()


class TestProcedure:
    def test_the_services_procedure_is_offered_as_a_button(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.PROCEDURE)
        assert chat.values() == ["service", "back", "cancel"] and PROCEDURE in chat.labels()
        chat.press("service")
        assert chat.step == Step.ROOT_CAUSE and chat.draft.procedure_ref == PROCEDURE

    def test_another_reference_can_be_typed(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.PROCEDURE)
        chat.type("  SOP PM-BAPKM.AP.1-07   Legalisir ")
        assert chat.step == Step.ROOT_CAUSE and chat.draft.procedure_ref == "SOP PM-BAPKM.AP.1-07 Legalisir"

    def test_without_a_known_procedure_only_typing_works(self, ctx: LkContext) -> None:
        chat: LkChat = Chat(FLOW, LkContext(ctx._, ctx.locale, ("KEL-2026-00042",)))
        chat.type(NONCONFORMITY)
        assert chat.values() == ["back", "cancel"]
        chat.send(PickInput("procedure", "service"))
        assert chat.step == Step.PROCEDURE and chat.warned()
        chat.type("SOP PM-BAPKM.AP.1-05")
        assert chat.step == Step.ROOT_CAUSE

    def test_a_too_short_reference_is_refused(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.PROCEDURE)
        chat.type("x")
        assert chat.step == Step.PROCEDURE and chat.warned()

    def test_long_procedure_names_are_shortened_on_the_button(self, ctx: LkContext) -> None:
        long = "SOP " + "sangat panjang " * 10
        chat: LkChat = Chat(FLOW, LkContext(ctx._, ctx.locale, ("KEL-2026-00042",), None, long))
        chat.type(NONCONFORMITY)
        assert all(len(label) <= 60 for label in chat.labels())
        chat.press("service")
        assert chat.draft.procedure_ref == long


class TestRootCauseAndSummary:
    def test_root_cause_leads_to_the_summary(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        chat.type(ROOT_CAUSE)
        assert chat.step == Step.SUMMARY and chat.draft.root_cause == ROOT_CAUSE
        assert chat.values() == ["save", "edit", "cancel"]
        for part in (NONCONFORMITY, PROCEDURE, ROOT_CAUSE, "KEL-2026-00042"):
            assert part in chat.said.text

    def test_root_cause_too_short_is_refused(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        chat.type("lambat")
        assert chat.step == Step.ROOT_CAUSE and chat.warned()

    def test_user_text_is_escaped_in_the_summary(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        chat.type("<b>Tidak</b> ada pengganti & jadwal")
        assert "&lt;b&gt;Tidak&lt;/b&gt; ada pengganti &amp; jadwal" in chat.said.text

    def test_save_submits(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        chat.type(ROOT_CAUSE)
        outcome = chat.press("save")
        assert outcome.submit and outcome.step is None
        assert outcome.draft == LkDraft(NONCONFORMITY, PROCEDURE, ROOT_CAUSE)

    def test_cancel_creates_nothing(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.PROCEDURE)
        outcome = chat.press("cancel")
        assert outcome.cancelled and not outcome.submit


class TestEditAndNavigation:
    @pytest.mark.parametrize(
        ("part", "typed", "field"),
        [("description", "Ketidaksesuaian baru yang lain.", "description"),
         ("procedure", "SOP lain 1-01", "procedure_ref"),
         ("root_cause", "Penyebab lain yang lebih dalam.", "root_cause")],
    )
    def test_each_part_is_asked_again_then_back_to_summary(self, ctx: LkContext, part: str, typed: str,
                                                           field: str) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        chat.type(ROOT_CAUSE)
        chat.press("edit")
        chat.press(part)
        assert chat.step == Step(part) and getattr(chat.draft, field) is None
        chat.type(typed)
        assert chat.step == Step.SUMMARY and getattr(chat.draft, field) == typed and not chat.draft.returning

    def test_back_walks_to_the_previous_step(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        chat.press("back")
        assert chat.step == Step.PROCEDURE
        chat.press("back")
        assert chat.step == Step.DESCRIPTION

    def test_button_of_another_step_is_stale(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        assert chat.send(PickInput("procedure", "service")).stale and chat.step == Step.ROOT_CAUSE

    def test_draft_round_trip(self, ctx: LkContext) -> None:
        chat = chat_at(ctx, Step.ROOT_CAUSE)
        assert FLOW.restore("root_cause", {**chat.draft.to_dict(), "old": True}) == (Step.ROOT_CAUSE, chat.draft)


def test_diagram_beside_the_dialog_is_generated_from_the_table() -> None:
    mmd = Path(lk_draft.__file__).with_name("lk_draft.mmd").read_text(encoding="utf-8")
    assert mmd == lk_draft.mermaid()
