"""Every transition of the action dialog (SOP step d), in Indonesian and English; asserts on values, not words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from dialogs import action_draft
from dialogs.action_draft import FLOW, KINDS, ActionContext, ActionDraft, Step
from dialogs.calendar import WorkingCalendar
from dialogs.dates import format_date
from dialogs.ui import PickInput
from handlers.i18n import Translator
from tests.unit.dialog_driver import Chat

TODAY = date(2026, 11, 25)  # a Wednesday
STAFF = ((11, "Rina Kusuma"), (12, "Agus Salim"), (13, "Rina Wulandari"))
WHAT = "Tunjuk pejabat pengganti penandatangan transkrip."

ActionChat = Chat[Step, ActionDraft, ActionContext]


@pytest.fixture(params=["id", "en"])
def ctx(request: pytest.FixtureRequest, translator: Translator) -> ActionContext:
    locale = request.param
    return ActionContext(translator.gettext(locale), locale, TODAY, WorkingCalendar(), STAFF, "LK-2026-003")


def chat_at(ctx: ActionContext, step: Step) -> ActionChat:
    chat: ActionChat = Chat(FLOW, ctx)
    answers = ((Step.KIND, "corrective"), (Step.DESCRIPTION, WHAT), (Step.OWNER, "12"), (Step.DUE, "wd3"))
    for at, answer in answers:
        if at == step:
            break
        assert chat.step == at
        chat.type(answer) if at == Step.DESCRIPTION else chat.press(answer)
    assert chat.step == step
    return chat


class TestKind:
    def test_three_kinds_each_on_its_own_row_with_an_explanation(self, ctx: ActionContext) -> None:
        chat: ActionChat = Chat(FLOW, ctx)
        assert chat.step == Step.KIND and "LK-2026-003" in chat.said.text
        assert chat.values() == [*KINDS, "cancel"]
        assert [len(row) for row in chat.said.buttons] == [1, 1, 1, 1]
        assert all(":" in label for label in chat.labels()[:3])  # "Correction: fix this case"

    @pytest.mark.parametrize("kind", KINDS)
    def test_kind_leads_to_description(self, ctx: ActionContext, kind: str) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.press(kind)
        assert chat.step == Step.DESCRIPTION and chat.draft.kind == kind

    def test_typed_kind_that_names_a_button_is_taken_and_anything_else_is_refused(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.KIND)
        chat.type("sesuatu yang lain")
        assert chat.step == Step.KIND and chat.warned()
        chat.type({"id": "koreksi", "en": "correction"}[ctx.locale])  # the start of "Koreksi: …" / "Correction: …"
        assert chat.step == Step.DESCRIPTION and chat.draft.kind == "correction"


class TestDescription:
    def test_text_leads_to_owner(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(WHAT)
        assert chat.step == Step.OWNER and chat.draft.description == WHAT

    @pytest.mark.parametrize("typed", ["perbaiki", "x" * 1001])
    def test_too_short_or_too_long_is_refused(self, ctx: ActionContext, typed: str) -> None:
        chat = chat_at(ctx, Step.DESCRIPTION)
        chat.type(typed)
        assert chat.step == Step.DESCRIPTION and chat.warned()


class TestOwner:
    def test_one_button_per_staff_member(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.OWNER)
        assert chat.values() == ["11", "12", "13", "outside", "back", "cancel"]
        chat.press("13")
        assert chat.step == Step.DUE and chat.draft.owner_id == 13

    def test_at_most_twelve_buttons(self, ctx: ActionContext) -> None:
        many = tuple((100 + i, f"Staf {i}") for i in range(20))
        chat: ActionChat = Chat(FLOW, ActionContext(ctx._, ctx.locale, TODAY, ctx.calendar, many))
        chat.press("correction")
        chat.type(WHAT)
        assert len([v for v in chat.values() if v.isdigit()]) == 12
        chat.type("staf 19")
        assert chat.step == Step.DUE and chat.draft.owner_id == 119

    def test_typed_unique_name_is_found(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.OWNER)
        chat.type("agus")
        assert chat.step == Step.DUE and chat.draft.owner_id == 12

    def test_typed_ambiguous_name_offers_the_matches(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.OWNER)
        chat.type("rina")
        assert chat.step == Step.OWNER and chat.values() == ["11", "13", "outside", "back", "cancel"]
        chat.press("11")
        assert chat.draft.owner_id == 11

    def test_an_owner_outside_the_bot_is_named_with_a_contact(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.OWNER)
        chat.press("outside")
        assert chat.step == Step.OWNER_NAME
        chat.type("Bagian Keuangan, Pak Budi")
        assert chat.step == Step.OWNER_CONTACT
        chat.type("0812 3456 7890")
        assert chat.step == Step.DUE
        assert (chat.draft.owner_id, chat.draft.owner_name, chat.draft.owner_contact) == (
            None, "Bagian Keuangan, Pak Budi", "0812 3456 7890")
        chat.press("wd3")
        assert "Bagian Keuangan, Pak Budi (0812 3456 7890)" in chat.said.text

    def test_unknown_name_or_person_is_refused(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.OWNER)
        chat.type("<Joko>")
        assert chat.step == Step.OWNER and chat.warned() and "&lt;Joko&gt;" in chat.said.text
        chat.send(PickInput("owner", "99"))
        assert chat.step == Step.OWNER and chat.warned()

    def test_without_staff_nothing_can_be_chosen(self, ctx: ActionContext) -> None:
        chat: ActionChat = Chat(FLOW, ActionContext(ctx._, ctx.locale, TODAY, ctx.calendar, ()))
        chat.press("preventive")
        chat.type(WHAT)
        assert chat.values() == ["outside", "back", "cancel"]  # only an owner outside the bot
        chat.type("siapa saja")
        assert chat.step == Step.OWNER and chat.warned()


class TestDue:
    @pytest.mark.parametrize(("value", "day"), [("wd3", date(2026, 11, 30)), ("wd10", date(2026, 12, 9))])
    def test_working_day_buttons_count_working_days(self, ctx: ActionContext, value: str, day: date) -> None:
        chat = chat_at(ctx, Step.DUE)
        chat.press(value)
        assert chat.step == Step.SUMMARY and chat.draft.due_on == day

    def test_buttons_skip_holidays(self, ctx: ActionContext) -> None:
        holiday = WorkingCalendar(frozenset({date(2026, 11, 26)}))
        chat: ActionChat = Chat(FLOW, ActionContext(ctx._, ctx.locale, TODAY, holiday, STAFF))
        chat.press("correction")
        chat.type(WHAT)
        chat.press("11")
        chat.press("wd3")
        assert chat.draft.due_on == date(2026, 12, 1)

    @pytest.mark.parametrize(("typed", "day"), [("hari ini", TODAY), ("15-12-2026", date(2026, 12, 15)),
                                                ("11 Januari", date(2027, 1, 11)), ("5 hari lagi", date(2026, 11, 30))])
    def test_typed_date_today_or_later(self, ctx: ActionContext, typed: str, day: date) -> None:
        chat = chat_at(ctx, Step.DUE)
        chat.type(typed)
        assert chat.step == Step.SUMMARY and chat.draft.due_on == day and chat.draft.due_asked is None

    @pytest.mark.parametrize(("typed", "asked", "day"), [
        ("25-12-2026", date(2026, 12, 25), date(2026, 12, 28)),  # Christmas (Friday): Monday the 28th
        ("10 Januari", date(2027, 1, 10), date(2027, 1, 11)),  # a Sunday
        ("3 hari lagi", date(2026, 11, 28), date(2026, 11, 30)),  # a Saturday
    ])
    def test_a_typed_day_off_moves_to_the_next_working_day_and_the_summary_says_so(
            self, ctx: ActionContext, typed: str, asked: date, day: date) -> None:
        christmas = WorkingCalendar(frozenset({date(2026, 12, 25)}))
        chat = chat_at(ctx, Step.DUE)
        chat.ctx = replace(ctx, calendar=christmas)
        chat.type(typed)
        assert chat.step == Step.SUMMARY and chat.draft.due_on == day and chat.draft.due_asked == asked
        note = (ctx._("{day} is a holiday: due on {date}.") if asked in christmas.holidays else
                ctx._("{day} is not a working day: due on {date}.")).format(
            day=format_date(asked, ctx.locale), date=format_date(day, ctx.locale))
        assert note in chat.said.text
        assert ActionDraft.from_dict(chat.draft.to_dict()) == chat.draft
        chat.press("edit")
        chat.press("due")
        chat.press("wd3")
        assert chat.draft.due_asked is None and note not in chat.said.text

    def test_the_example_date_is_a_few_working_days_ahead_of_today(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.DUE)
        assert "02-12-2026" in chat.said.text  # Wednesday 25 November + 5 working days

    @pytest.mark.parametrize("typed", ["kemarin", "20-11-2026", "20-11", "kapan-kapan"])
    def test_past_or_unreadable_date_is_refused(self, ctx: ActionContext, typed: str) -> None:
        chat = chat_at(ctx, Step.DUE)
        chat.type(typed)
        assert chat.step == Step.DUE and chat.warned() and chat.draft.due_on is None


class TestSummaryAndEdit:
    def test_summary_names_kind_owner_and_due_date(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        assert "Agus Salim" in chat.said.text and WHAT in chat.said.text and "2026" in chat.said.text
        assert chat.values() == ["save", "edit", "cancel"]

    def test_save_submits(self, ctx: ActionContext) -> None:
        outcome = chat_at(ctx, Step.SUMMARY).press("save")
        assert outcome.submit and outcome.step is None
        assert outcome.draft == ActionDraft("corrective", WHAT, 12, due_on=date(2026, 11, 30))

    def test_cancel_adds_nothing(self, ctx: ActionContext) -> None:
        outcome = chat_at(ctx, Step.SUMMARY).press("cancel")
        assert outcome.cancelled and not outcome.submit

    @pytest.mark.parametrize(
        ("part", "answer", "field", "value"),
        [("kind", PickInput("kind", "preventive"), "kind", "preventive"),
         ("owner", PickInput("owner", "11"), "owner_id", 11),
         ("due", PickInput("due", "wd10"), "due_on", date(2026, 12, 9))],
    )
    def test_each_part_is_asked_again_then_back_to_summary(
        self, ctx: ActionContext, part: str, answer: PickInput, field: str, value: object
    ) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press(part)
        assert chat.step == Step(part) and getattr(chat.draft, field) is None
        chat.send(answer)
        assert chat.step == Step.SUMMARY and getattr(chat.draft, field) == value and chat.draft.description == WHAT

    def test_edit_description(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.SUMMARY)
        chat.press("edit")
        chat.press("description")
        chat.type("Buat SOP pengganti penandatangan.")
        assert chat.step == Step.SUMMARY and chat.draft.description == "Buat SOP pengganti penandatangan."

    @pytest.mark.parametrize(("step", "previous"), [(Step.DESCRIPTION, Step.KIND), (Step.OWNER, Step.DESCRIPTION),
                                                    (Step.DUE, Step.OWNER)])
    def test_back_returns_to_the_previous_step(self, ctx: ActionContext, step: Step, previous: Step) -> None:
        chat = chat_at(ctx, step)
        chat.press("back")
        assert chat.step == previous

    def test_button_of_another_step_is_stale(self, ctx: ActionContext) -> None:
        chat = chat_at(ctx, Step.DUE)
        assert chat.send(PickInput("owner", "11")).stale and chat.draft.owner_id == 12

    def test_draft_round_trip(self, ctx: ActionContext) -> None:
        draft = chat_at(ctx, Step.SUMMARY).draft
        assert ActionDraft.from_dict({**draft.to_dict(), "gone": 1}) == draft


def test_diagram_beside_the_dialog_is_generated_from_the_table() -> None:
    mmd = Path(action_draft.__file__).with_name("action_draft.mmd").read_text(encoding="utf-8")
    assert mmd == action_draft.mermaid()
