"""The dialog engine: a conversation declared as a table of steps and transitions, driven one input at a time.

A dialog (percakapan) is data: ``steps`` say what each step asks (``prompt``), how it checks an answer
(``accept``: a new draft, a :class:`Problem`, or a :class:`Say` that keeps the step) and when the step counts
as answered (``complete``); ``transitions`` say where a completed step leads (the first whose guard holds).
The engine adds what every dialog shares:

- buttons carry the step they were made for (``prefix:step:value``); a button of another step is *stale*;
- ``cancel`` ends the dialog from any step, ``back`` returns to the previous step of the walk;
- at the summary, ``submit_value`` submits and ``edit`` opens the edit step, which clears one part of the
  draft and sets ``returning``: steps that are still complete are then skipped on the way back to the summary;
- a :class:`Problem` repeats the prompt under a "⚠️" line;
- a *repeated* step (one item at a time, e.g. the confirmation questions) keeps its position in the draft,
  and its buttons carry ``key`` + position, so a button of an earlier item is stale;
- typed text the step's own check refuses counts as pressing one of the step's own buttons when it clearly
  means that one (``dialogs.typed``: "keluhan dong" at Complaint / Suggestion). A step whose only buttons are
  « Back / ✖ Cancel has none to match, so free text is never taken for a button.

Pure: no I/O, no framework. The caller stores ``(dialog name, step value, draft.to_dict())`` and executes
``submit``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, Self, TypeVar

from dialogs.typed import match_button
from dialogs.ui import DialogInput, PickInput, Say, TextInput, parse_pick

CANCEL, BACK, EDIT = "cancel", "back", "edit"
NAV_NOTE = "« Back returns to the previous step;\\n/cancel or ✖ Cancel ends the dialog from any step"
"""The note the diagrams put beside the summary (Mermaid ``\\n`` line break)."""
_MAX_WALK = 1000  # a table whose walk never reaches the summary is a bug; stop instead of looping


class DraftLike(Protocol):
    """What the engine needs of a draft: a frozen value that can be copied with changes and stored."""

    @property
    def returning(self) -> bool: ...

    def with_(self, **changes: Any) -> Self: ...

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self: ...


S = TypeVar("S", bound=StrEnum)
D = TypeVar("D", bound=DraftLike)
C = TypeVar("C")


@dataclass(frozen=True)
class Problem:
    """The answer cannot be used; the text says why and what to do."""

    text: str


def always(draft: object, ctx: object) -> bool:
    return True


@dataclass(frozen=True)
class StepSpec(Generic[D, C]):
    """One step: what it asks, how it checks an answer, and when it counts as answered."""

    prompt: Callable[[D, C], Say]
    accept: Callable[[D, DialogInput, C], D | Problem | Say]
    complete: Callable[[D, C], bool]


@dataclass(frozen=True)
class Transition(Generic[S, D, C]):
    """``source`` leads to ``target`` when ``guard`` holds; ``label`` is the arrow's text in the diagram."""

    source: S
    target: S
    label: str
    guard: Callable[[D, C], bool] = always


@dataclass(frozen=True)
class Repeat(Generic[D]):
    """A step asked once per item: ``index`` reads the position from the draft, ``at`` moves it there.

    Its buttons carry ``key`` + position as their step (``q0``, ``q1`` …), and a valid answer always moves
    on by the table (usually back to the same step, for the next item) even though the step is not complete.
    """

    key: str
    index: Callable[[D], int]
    at: Callable[[D, int], D]


@dataclass(frozen=True)
class Outcome(Generic[S, D]):
    """Where the dialog is after one input. ``step`` None: the dialog ended (submitted or cancelled)."""

    step: S | None
    draft: D
    says: tuple[Say, ...]
    submit: bool = False
    cancelled: bool = False
    stale: bool = False


@dataclass(frozen=True)
class Dialog(Generic[S, D, C]):
    """A dialog declared as data; see the module docstring for what the engine adds to the table."""

    name: str
    prefix: str
    draft_type: type[D]
    steps: Mapping[S, StepSpec[D, C]]
    transitions: tuple[Transition[S, D, C], ...]
    first: S
    summary: S
    final: S
    cancel_text: Callable[[C], str]
    edit: S | None = None
    submit_value: str = "send"
    repeats: Mapping[S, Repeat[D]] = field(default_factory=dict)
    entry_label: str = ""
    note: str = NAV_NOTE

    # --- the conversation -------------------------------------------------------------------------------
    def start(self, ctx: C) -> Outcome[S, D]:
        draft = self.draft_type()
        return Outcome(self.first, draft, (self.prompt(self.first, draft, ctx),))

    def prompt(self, step: S, draft: D, ctx: C) -> Say:
        return self.steps[step].prompt(draft, ctx)

    def handle(self, step: S, draft: D, given: DialogInput, ctx: C) -> Outcome[S, D]:
        """One input at ``step``: the new step, the draft and what to say."""
        if isinstance(given, PickInput):
            if given.step != self.step_key(step, draft):
                return Outcome(step, draft, (self.prompt(step, draft, ctx),), stale=True)
            if given.value == CANCEL:
                return Outcome(None, draft, (Say(self.cancel_text(ctx)),), cancelled=True)
            if given.value == BACK and step != self.first:
                previous, moved = self.back(step, draft, ctx)
                return Outcome(previous, moved, (self.prompt(previous, moved, ctx),))
            if step == self.summary:
                if given.value == self.submit_value:
                    return Outcome(None, draft, (), submit=True)
                if given.value == EDIT and self.edit is not None:
                    return Outcome(self.edit, draft, (self.prompt(self.edit, draft, ctx),))
        spec = self.steps[step]
        result = spec.accept(draft, given, ctx)
        if isinstance(result, Problem) and isinstance(given, TextInput):
            pressed = self.typed_button(step, draft, given.text, ctx)
            if pressed is not None:
                return self.handle(step, draft, pressed, ctx)
        if isinstance(result, Problem):
            shown = self.prompt(step, draft, ctx)
            return Outcome(step, draft, (Say(f"⚠️ {result.text}\n\n{shown.text}", shown.buttons),))
        if isinstance(result, Say):
            return Outcome(step, draft, (result,))
        if step == self.edit and isinstance(given, PickInput):
            target = self.step_of(given.value)
            if target is not None:
                return Outcome(target, result, (self.prompt(target, result, ctx),))
        if not spec.complete(result, ctx) and step not in self.repeats:
            return Outcome(step, result, (self.prompt(step, result, ctx),))
        following = self.follow(step, result, ctx)
        if following == self.final:
            return Outcome(None, result, (), submit=True)
        if following == self.summary:
            result = result.with_(returning=False)
        return Outcome(following, result, (self.prompt(following, result, ctx),))

    def typed_button(self, step: S, draft: D, text: str, ctx: C) -> PickInput | None:
        """The press of the one button of this step's own (not « Back / ✖ Cancel) that ``text`` means, if any."""
        key = self.step_key(step, draft)
        offered = [
            (label, pick.value)
            for row in self.prompt(step, draft, ctx).buttons
            for label, data in row
            if (pick := self.parse(data)) is not None and pick.step == key and pick.value not in (BACK, CANCEL)
        ]
        value = match_button(text, offered) if offered else None
        return PickInput(key, value) if value is not None else None

    # --- the table ----------------------------------------------------------------------------------------
    def follow(self, step: S, draft: D, ctx: C) -> S:
        """The step after ``step`` by the table; while returning, completed steps are skipped."""
        seen: set[S] = set()
        while True:
            target = self._next(step, draft, ctx)
            if target is None:
                return self.summary
            if target in (self.final, self.summary) or not (
                draft.returning and self.steps[target].complete(draft, ctx)
            ):
                return target
            if target in seen:
                return self.summary
            seen.add(target)
            step = target

    def path(self, draft: D, ctx: C) -> list[tuple[S, int]]:
        """The steps walked from the first step to the summary with this draft (repeated steps by position)."""
        probe = draft.with_(returning=False)
        for repeat in self.repeats.values():
            probe = repeat.at(probe, 0)
        walk, step = [(self.first, 0)], self.first
        while step != self.summary and len(walk) < _MAX_WALK:
            answered = self.repeats.get(step)
            if answered is not None:
                probe = answered.at(probe, answered.index(probe) + 1)
            following = self._next(step, probe, ctx)
            if following is None:
                break
            step = following
            here = self.repeats.get(step)
            walk.append((step, here.index(probe) if here is not None else 0))
        return walk

    def back(self, step: S, draft: D, ctx: C) -> tuple[S, D]:
        """The step before ``step`` on the walk (the summary, from the edit step)."""
        if step == self.edit:
            return self.summary, draft.with_(returning=False)
        repeat = self.repeats.get(step)
        here = (step, repeat.index(draft) if repeat is not None else 0)
        walk = self.path(draft, ctx)
        index = walk.index(here) if here in walk else 0
        previous, position = walk[max(index - 1, 0)]
        earlier = self.repeats.get(previous)
        return previous, earlier.at(draft, position) if earlier is not None else draft

    def step_key(self, step: S, draft: D) -> str:
        """What a button made at this step carries as its step (a repeated step: key + position)."""
        repeat = self.repeats.get(step)
        return f"{repeat.key}{repeat.index(draft)}" if repeat is not None else step.value

    def step_of(self, value: str) -> S | None:
        """The step whose value is ``value`` (as stored, or as an edit button carries it)."""
        return next((s for s in (*self.steps, self.final) if s.value == value), None)

    def _next(self, step: S, draft: D, ctx: C) -> S | None:
        return next((t.target for t in self.transitions if t.source == step and t.guard(draft, ctx)), None)

    # --- storage and buttons ------------------------------------------------------------------------------
    def restore(self, state: str, data: Mapping[str, Any]) -> tuple[S, D] | None:
        """The step and draft a handler stored; None when the step no longer exists."""
        step = self.step_of(state)
        if step is None or step not in self.steps:
            return None
        return step, self.draft_type.from_dict(data)

    def parse(self, data: str) -> PickInput | None:
        """A button press of this dialog, or None when the callback data belongs to something else."""
        return parse_pick(self.prefix, data)

    def mermaid(self) -> str:
        """The diagram of the transitions (a ``.mmd`` file beside the dialog's module)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.first.value}: {self.entry_label}"]
        lines += [f"    {t.source.value} --> {t.target.value}: {t.label}" for t in self.transitions]
        lines.append(f"    {self.final.value} --> [*]")
        if self.note:
            lines.append(f"    note right of {self.summary.value}: {self.note}")
        return "\n".join(lines) + "\n"
