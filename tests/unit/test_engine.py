"""The dialog engine on a small made-up dialog: stale buttons, back, repeated steps, edit and return, storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Any

from dialogs.engine import Dialog, Problem, Repeat, StepSpec, Transition
from dialogs.ui import DialogInput, PickInput, Say, TextInput, button
from tests.unit.dialog_driver import Chat

ITEMS = 2
BUTTONS = ("ok", "back", "edit", "name", "cancel")  # every prompt of this dialog offers them all


class Step(StrEnum):
    NAME = "name"
    ITEM = "item"
    SUMMARY = "summary"
    EDIT = "edit"
    DONE = "done"


@dataclass(frozen=True)
class Toy:
    name: str | None = None
    items: tuple[str, ...] = ()
    index: int = 0
    returning: bool = False

    def with_(self, **changes: Any) -> Toy:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Toy:
        return cls(data.get("name"), tuple(data.get("items", ())), data.get("index", 0))


def _say(step: str) -> Any:
    def prompt(draft: Toy, ctx: None) -> Say:
        key = f"i{draft.index}" if step == "item" else step
        return Say(f"{step}?", (tuple(button("toy", key, value, value) for value in BUTTONS),))
    return prompt


def accept_name(draft: Toy, given: DialogInput, ctx: None) -> Toy | Problem:
    return draft.with_(name=given.text) if isinstance(given, TextInput) else Problem("type a name")


def accept_item(draft: Toy, given: DialogInput, ctx: None) -> Toy | Problem | Say:
    if isinstance(given, TextInput) and given.text == "?":
        return Say("an item is any word")
    value = given.text if isinstance(given, TextInput) else given.value if isinstance(given, PickInput) else ""
    return draft.with_(items=(*draft.items[: draft.index], value), index=draft.index + 1)


def accept_edit(draft: Toy, given: DialogInput, ctx: None) -> Toy | Problem:
    if isinstance(given, PickInput) and given.value == "name":
        return draft.with_(name=None, returning=True)
    return Problem("choose")


def _more(draft: Toy, ctx: None) -> bool:
    return draft.index < ITEMS


FLOW: Dialog[Step, Toy, None] = Dialog(
    name="toy", prefix="toy", draft_type=Toy,
    steps={
        Step.NAME: StepSpec(_say("name"), accept_name, lambda d, c: d.name is not None),
        Step.ITEM: StepSpec(_say("item"), accept_item, lambda d, c: not _more(d, c)),
        Step.SUMMARY: StepSpec(_say("summary"), lambda d, g, c: Problem("press a button"), lambda d, c: False),
        Step.EDIT: StepSpec(_say("edit"), accept_edit, lambda d, c: False),
    },
    transitions=(
        Transition(Step.NAME, Step.ITEM, "name", _more),
        Transition(Step.ITEM, Step.ITEM, "next item", _more),
        Transition(Step.ITEM, Step.SUMMARY, "last item"),
        Transition(Step.SUMMARY, Step.DONE, "OK"),
        Transition(Step.SUMMARY, Step.EDIT, "Edit"),
        Transition(Step.EDIT, Step.NAME, "name"),
    ),
    first=Step.NAME, summary=Step.SUMMARY, final=Step.DONE, edit=Step.EDIT,
    cancel_text=lambda ctx: "cancelled", submit_value="ok",
    repeats={Step.ITEM: Repeat("i", lambda d: d.index, lambda d, i: d.with_(index=i))},
    entry_label="/toy",
)

ToyChat = Chat[Step, Toy, None]


def at_summary() -> ToyChat:
    chat: ToyChat = Chat(FLOW, None)
    chat.type("Ani")
    chat.type("a")
    chat.type("b")
    assert chat.step == Step.SUMMARY
    return chat


def test_a_repeated_step_is_asked_once_per_item() -> None:
    chat: ToyChat = Chat(FLOW, None)
    chat.type("Ani")
    assert chat.step == Step.ITEM and chat.picks()[0].step == "i0"
    chat.type("a")
    assert chat.step == Step.ITEM and chat.picks()[0].step == "i1"
    chat.press("ok")
    assert chat.step == Step.SUMMARY and chat.draft.items == ("a", "ok")


def test_a_button_of_an_earlier_item_is_stale_and_changes_nothing() -> None:
    chat: ToyChat = Chat(FLOW, None)
    chat.type("Ani")
    chat.type("a")
    before = chat.draft
    outcome = chat.send(PickInput("i0", "ok"))
    assert outcome.stale and chat.draft == before and outcome.says[0].text == "item?"


def test_back_from_the_second_item_returns_to_the_first() -> None:
    chat: ToyChat = Chat(FLOW, None)
    chat.type("Ani")
    chat.type("a")
    chat.press("back")
    assert chat.step == Step.ITEM and chat.draft.index == 0
    chat.press("back")
    assert chat.step == Step.NAME


def test_back_on_the_first_step_is_an_ordinary_answer() -> None:
    chat: ToyChat = Chat(FLOW, None)
    chat.press("back")
    assert chat.step == Step.NAME and chat.said.text == "⚠️ type a name\n\nname?"


def test_a_say_keeps_the_step_and_the_draft() -> None:
    chat: ToyChat = Chat(FLOW, None)
    chat.type("Ani")
    outcome = chat.type("?")
    assert chat.step == Step.ITEM and outcome.says == (Say("an item is any word"),) and chat.draft.index == 0


def test_editing_skips_completed_steps_on_the_way_back_to_the_summary() -> None:
    chat = at_summary()
    chat.press("edit")
    chat.press("name")
    assert chat.step == Step.NAME and chat.draft.returning and chat.draft.name is None
    chat.type("Budi")
    assert chat.step == Step.SUMMARY and chat.draft == Toy("Budi", ("a", "b"), 2)


def test_back_from_edit_returns_to_the_summary() -> None:
    chat = at_summary()
    chat.press("edit")
    chat.press("back")
    assert chat.step == Step.SUMMARY


def test_submit_and_cancel_end_the_dialog() -> None:
    submitted = at_summary().press("ok")
    assert submitted.submit and submitted.step is None and submitted.says == ()
    cancelled = at_summary().press("cancel")
    assert cancelled.cancelled and cancelled.says == (Say("cancelled"),)


def test_typed_text_a_step_refuses_counts_as_its_button_when_it_means_one() -> None:
    chat = at_summary()
    chat.type("Edit, please!")  # the summary refuses text; "edit" is one of its buttons
    assert chat.step == Step.EDIT


def test_typed_text_a_step_refuses_never_means_back_or_cancel() -> None:
    chat = at_summary()
    chat.type("cancel")
    assert chat.step == Step.SUMMARY and chat.said.text == "⚠️ press a button\n\nsummary?"
    chat.type("back please")
    assert chat.step == Step.SUMMARY and chat.warned()


def test_typed_text_a_step_accepts_is_its_answer_even_when_it_names_a_button() -> None:
    chat: ToyChat = Chat(FLOW, None)
    chat.type("edit")
    assert chat.step == Step.ITEM and chat.draft.name == "edit"


def test_typed_text_matches_only_the_buttons_of_the_step_it_is_at() -> None:
    chat = at_summary()
    chat.press("edit")
    chat.type("name")  # the edit step's own "name" button
    assert chat.step == Step.NAME and chat.draft.returning


def test_path_lists_the_walk_with_item_positions() -> None:
    assert FLOW.path(Toy("Ani"), None) == [(Step.NAME, 0), (Step.ITEM, 0), (Step.ITEM, 1), (Step.SUMMARY, 0)]


def test_path_stops_where_no_transition_applies() -> None:
    stuck: Dialog[Step, Toy, None] = Dialog(
        name="stuck", prefix="st", draft_type=Toy, steps=FLOW.steps,
        transitions=(Transition(Step.NAME, Step.ITEM, "never", lambda d, c: False),),
        first=Step.NAME, summary=Step.SUMMARY, final=Step.DONE, cancel_text=lambda ctx: "",
    )
    assert stuck.path(Toy(), None) == [(Step.NAME, 0)]
    assert stuck.follow(Step.NAME, Toy(), None) == Step.SUMMARY


def test_restore_and_parse() -> None:
    assert FLOW.restore("item", {"name": "Ani", "index": 1}) == (Step.ITEM, Toy("Ani", (), 1))
    assert FLOW.restore("done", {}) is None and FLOW.restore("nope", {}) is None
    assert FLOW.parse("toy:i1:ok") == PickInput("i1", "ok") and FLOW.parse("in:kind:x") is None


def test_mermaid_lists_entry_transitions_exit_and_note() -> None:
    lines = FLOW.mermaid().splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    [*] --> name: /toy"]
    assert "    item --> item: next item" in lines and "    done --> [*]" in lines
    assert lines[-1].startswith("    note right of summary: ")
