"""The intake dialog: a student files a complaint (keluhan) or a suggestion (saran).

Declared as data: ``STEPS`` says what each step asks and how it checks the answer; ``TRANSITIONS``
says where a completed step leads (first transition whose guard holds). ``intake.mmd`` beside this
file is generated from the same table (``python -m dialogs.intake``) and a test keeps them equal.
Pure: no I/O, no framework; the caller stores the step and the draft and executes ``submit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from dialogs import intake_review as review
from dialogs import intake_steps as steps
from dialogs.draft import COMPLAINT, SUGGESTION, Draft
from dialogs.intake_steps import IntakeContext, Problem
from dialogs.ui import DialogInput, PickInput, Say

DIALOG = "intake"
PREFIX = steps.PREFIX


class Step(StrEnum):
    KIND = "kind"
    SERVICE = "service"
    DESCRIPTION = "description"
    FILES = "files"
    WHEN = "when"
    QUESTION = "question"
    ANONYMITY = "anonymity"
    SUMMARY = "summary"
    EDIT = "edit"
    SENT = "sent"


Guard = Callable[[Draft, IntakeContext], bool]


@dataclass(frozen=True)
class StepSpec:
    prompt: Callable[[Draft, IntakeContext], Say]
    accept: Callable[[Draft, DialogInput, IntakeContext], Draft | Problem | Say]
    complete: Callable[[Draft, IntakeContext], bool]


@dataclass(frozen=True)
class Transition:
    source: Step
    target: Step
    label: str
    guard: Guard = lambda draft, ctx: True


def _is_complaint(d: Draft, c: IntakeContext) -> bool:
    return d.kind == COMPLAINT


def _is_suggestion(d: Draft, c: IntakeContext) -> bool:
    return d.kind == SUGGESTION


def _more_questions(d: Draft, c: IntakeContext) -> bool:
    return review.current_question(d, c) is not None


STEPS: dict[Step, StepSpec] = {
    Step.KIND: StepSpec(steps.prompt_kind, steps.accept_kind, lambda d, c: d.kind is not None),
    Step.SERVICE: StepSpec(steps.prompt_service, steps.accept_service, lambda d, c: d.service is not None),
    Step.DESCRIPTION: StepSpec(steps.prompt_description, steps.accept_description,
                               lambda d, c: d.description is not None),
    Step.FILES: StepSpec(steps.prompt_files, steps.accept_files, lambda d, c: d.files_done),
    Step.WHEN: StepSpec(steps.prompt_when, steps.accept_when, lambda d, c: d.when_done),
    Step.QUESTION: StepSpec(review.prompt_question, review.accept_question, lambda d, c: not _more_questions(d, c)),
    Step.ANONYMITY: StepSpec(review.prompt_anonymity, review.accept_anonymity, lambda d, c: d.anonymous is not None),
    Step.SUMMARY: StepSpec(review.prompt_summary, review.accept_summary, lambda d, c: False),
    Step.EDIT: StepSpec(review.prompt_edit, review.accept_edit, lambda d, c: False),
}

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Step.KIND, Step.SERVICE, "complaint / suggestion"),
    Transition(Step.SERVICE, Step.DESCRIPTION, "button, or typed name matched"),
    Transition(Step.DESCRIPTION, Step.FILES, "text, or file with caption"),
    Transition(Step.FILES, Step.WHEN, "done (complaint)", _is_complaint),
    Transition(Step.FILES, Step.ANONYMITY, "done (suggestion)", _is_suggestion),
    Transition(Step.WHEN, Step.QUESTION, "date (service has questions)", _more_questions),
    Transition(Step.WHEN, Step.ANONYMITY, "date (no questions)"),
    Transition(Step.QUESTION, Step.QUESTION, "next question", _more_questions),
    Transition(Step.QUESTION, Step.ANONYMITY, "last answer"),
    Transition(Step.ANONYMITY, Step.SUMMARY, "named / anonymous"),
    Transition(Step.SUMMARY, Step.SENT, "Send: ticket number + acknowledgement"),
    Transition(Step.SUMMARY, Step.EDIT, "Edit"),
    Transition(Step.EDIT, Step.SERVICE, "service"),
    Transition(Step.EDIT, Step.DESCRIPTION, "description"),
    Transition(Step.EDIT, Step.FILES, "attachments"),
    Transition(Step.EDIT, Step.WHEN, "date"),
    Transition(Step.EDIT, Step.QUESTION, "answers"),
    Transition(Step.EDIT, Step.ANONYMITY, "identity"),
    Transition(Step.EDIT, Step.SUMMARY, "back to summary"),
)


@dataclass(frozen=True)
class Outcome:
    """Where the dialog is after one input. ``step`` None: the dialog ended (sent or cancelled)."""

    step: Step | None
    draft: Draft
    says: tuple[Say, ...]
    submit: bool = False
    cancelled: bool = False
    stale: bool = False


def start(ctx: IntakeContext) -> Outcome:
    return Outcome(Step.KIND, Draft(), (STEPS[Step.KIND].prompt(Draft(), ctx),))


def prompt(step: Step, draft: Draft, ctx: IntakeContext) -> Say:
    return STEPS[step].prompt(draft, ctx)


def _follow(step: Step, draft: Draft, ctx: IntakeContext) -> Step:
    """The step after ``step`` by the table; while returning, completed steps are skipped."""
    seen: set[Step] = set()
    while True:
        target = next(t.target for t in TRANSITIONS if t.source == step and t.guard(draft, ctx))
        if target in (Step.SENT, Step.SUMMARY) or not (draft.returning and STEPS[target].complete(draft, ctx)):
            return target
        if target in seen:
            return Step.SUMMARY
        seen.add(target)
        step = target


def path(draft: Draft, ctx: IntakeContext) -> list[tuple[Step, int]]:
    """The steps a user walks from the start to the summary with this draft (questions by index)."""
    walk, step, probe = [(Step.KIND, 0)], Step.KIND, draft.with_(question_index=0, returning=False)
    while step != Step.SUMMARY:
        if step == Step.QUESTION:
            probe = probe.with_(question_index=probe.question_index + 1)
        step = _follow(step, probe, ctx)
        walk.append((step, probe.question_index if step == Step.QUESTION else 0))
    return walk


def step_key(step: Step, draft: Draft) -> str:
    """What a button made at this step carries: questions by index, so an earlier question's button is stale."""
    return f"q{draft.question_index}" if step == Step.QUESTION else step.value


def back(step: Step, draft: Draft, ctx: IntakeContext) -> tuple[Step, Draft]:
    if step == Step.EDIT:
        return Step.SUMMARY, draft.with_(returning=False)
    here = (step, draft.question_index if step == Step.QUESTION else 0)
    walk = path(draft, ctx)
    index = walk.index(here) if here in walk else 0
    previous, qi = walk[max(index - 1, 0)]
    return previous, draft.with_(question_index=qi if previous == Step.QUESTION else draft.question_index)


def handle(step: Step, draft: Draft, given: DialogInput, ctx: IntakeContext) -> Outcome:
    """One input at ``step``: the new step, the draft and what to say."""
    _ = ctx._
    if isinstance(given, PickInput):
        if given.step != step_key(step, draft):
            return Outcome(step, draft, (prompt(step, draft, ctx),), stale=True)
        if given.value == "cancel":
            return Outcome(None, draft, (Say(_("Cancelled. Nothing was sent; your draft is discarded.")),),
                           cancelled=True)
        if given.value == "back" and step != Step.KIND:
            previous, moved = back(step, draft, ctx)
            return Outcome(previous, moved, (prompt(previous, moved, ctx),))
        if step == Step.SUMMARY:
            if given.value == "send":
                return Outcome(None, draft, (), submit=True)
            if given.value == "edit":
                return Outcome(Step.EDIT, draft, (prompt(Step.EDIT, draft, ctx),))
    result = STEPS[step].accept(draft, given, ctx)
    if isinstance(result, Problem):
        shown = prompt(step, draft, ctx)
        return Outcome(step, draft, (Say(f"⚠️ {result.text}\n\n{shown.text}", shown.buttons),))
    if isinstance(result, Say):
        return Outcome(step, draft, (result,))
    if step == Step.EDIT and isinstance(given, PickInput):
        target = Step(given.value)
        return Outcome(target, result, (prompt(target, result, ctx),))
    if not STEPS[step].complete(result, ctx) and step != Step.QUESTION:
        return Outcome(step, result, (prompt(step, result, ctx),))
    following = _follow(step, result, ctx)
    if following == Step.SUMMARY:
        result = result.with_(returning=False)
    return Outcome(following, result, (prompt(following, result, ctx),))


def mermaid() -> str:
    """The diagram of ``TRANSITIONS`` (written to ``intake.mmd``)."""
    lines = ["stateDiagram-v2", "    [*] --> kind: /new or the New button"]
    lines += [f"    {t.source.value} --> {t.target.value}: {t.label}" for t in TRANSITIONS]
    lines += ["    sent --> [*]",
              "    note right of summary: « Back returns to the previous step;\\n"
              "/cancel or ✖ Cancel ends the dialog from any step"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("intake.mmd").write_text(mermaid(), encoding="utf-8")
