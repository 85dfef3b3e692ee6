"""The intake dialog: a student files a complaint (keluhan) or a suggestion (saran).

Declared as data for the engine (``dialogs.engine``): ``STEPS`` says what each step asks and how it checks
the answer; ``TRANSITIONS`` says where a completed step leads (first transition whose guard holds).
``intake.mmd`` beside this file is generated from the same table (``python -m dialogs.intake``) and a test
keeps them equal. Pure: no I/O, no framework; the caller stores the step and the draft and executes ``submit``.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeAlias

from dialogs import answers, engine, long_text, metoo, question_step
from dialogs import intake_review as review
from dialogs import intake_steps as steps
from dialogs.draft import COMPLAINT, SUGGESTION, CaseOffer, Draft
from dialogs.engine import Problem, StepSpec, Transition
from dialogs.intake_steps import IntakeContext
from dialogs.ui import FileInput, Say

DIALOG = "intake"
PREFIX = steps.PREFIX


class Step(StrEnum):
    KIND = "kind"
    SERVICE = "service"
    DESCRIPTION = "description"
    CASE = "case"
    FILES = "files"
    WHEN = "when"
    QUESTION = "question"
    ANONYMITY = "anonymity"
    SUMMARY = "summary"
    EDIT = "edit"
    SENT = "sent"


Guard = Callable[[Draft, IntakeContext], bool]


def _is_complaint(d: Draft, c: IntakeContext) -> bool:
    return d.kind == COMPLAINT


def _is_suggestion(d: Draft, c: IntakeContext) -> bool:
    return d.kind == SUGGESTION


def _more_questions(d: Draft, c: IntakeContext) -> bool:
    return question_step.more(d, c)


def _described_first(d: Draft, c: IntakeContext) -> bool:
    return d.described_first and d.description is not None


def _described_first_offered(d: Draft, c: IntakeContext) -> bool:
    return _described_first(d, c) and metoo.offered(d, c)


STEPS: dict[Step, StepSpec[Draft, IntakeContext]] = {
    Step.KIND: StepSpec(steps.prompt_kind, steps.accept_kind, lambda d, c: d.kind is not None),
    Step.SERVICE: StepSpec(steps.prompt_service, steps.accept_service, lambda d, c: d.service is not None),
    Step.DESCRIPTION: StepSpec(steps.prompt_description, steps.accept_description,
                               lambda d, c: d.description is not None),
    Step.CASE: StepSpec(metoo.prompt_case, metoo.accept_case, metoo.answered),
    Step.FILES: StepSpec(steps.prompt_files, steps.accept_files, lambda d, c: d.files_done),
    Step.WHEN: StepSpec(steps.prompt_when, steps.accept_when, lambda d, c: d.when_done),
    Step.QUESTION: StepSpec(review.prompt_question, review.accept_question, lambda d, c: not _more_questions(d, c)),
    Step.ANONYMITY: StepSpec(review.prompt_anonymity, review.accept_anonymity, lambda d, c: d.identity is not None),
    Step.SUMMARY: StepSpec(review.prompt_summary, review.accept_summary, lambda d, c: False),
    Step.EDIT: StepSpec(review.prompt_edit, review.accept_edit, lambda d, c: False),
}

TRANSITIONS: tuple[Transition[Step, Draft, IntakeContext], ...] = (
    Transition(Step.KIND, Step.SERVICE, "complaint / suggestion"),
    Transition(Step.SERVICE, Step.CASE, "service (description typed before /new; similar open cases)",
               _described_first_offered),
    Transition(Step.SERVICE, Step.FILES, "service (description typed before /new)", _described_first),
    Transition(Step.SERVICE, Step.DESCRIPTION, "button, or typed name matched"),
    Transition(Step.DESCRIPTION, Step.CASE, "text (a complaint like open cases of the service: me too?)",
               metoo.offered),
    Transition(Step.DESCRIPTION, Step.FILES, "text, or file with caption (too long: kept, cut or sent again)"),
    Transition(Step.CASE, Step.FILES, "yes, this case / no, mine is different"),
    Transition(Step.FILES, Step.WHEN, "done (complaint)", _is_complaint),
    Transition(Step.FILES, Step.ANONYMITY, "done (suggestion)", _is_suggestion),
    Transition(Step.WHEN, Step.QUESTION, "date (service has questions)", _more_questions),
    Transition(Step.WHEN, Step.ANONYMITY, "date (no questions)"),
    Transition(Step.QUESTION, Step.QUESTION, "next question (an optional one: Skip)", _more_questions),
    Transition(Step.QUESTION, Step.ANONYMITY, "last answer, or skipped"),
    Transition(Step.ANONYMITY, Step.SUMMARY, "named / confidential / anonymous"),
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


def _cancelled(ctx: IntakeContext) -> str:
    return ctx._("Cancelled. Nothing was sent; your draft is discarded.")


FLOW: engine.Dialog[Step, Draft, IntakeContext] = engine.Dialog(
    name=DIALOG,
    prefix=PREFIX,
    draft_type=Draft,
    steps=STEPS,
    transitions=TRANSITIONS,
    first=Step.KIND,
    summary=Step.SUMMARY,
    final=Step.SENT,
    edit=Step.EDIT,
    cancel_text=_cancelled,
    submit_value="send",
    repeats={Step.QUESTION: engine.Repeat("q", lambda d: d.question_index, lambda d, i: d.with_(question_index=i))},
    entry_label="/new or the New button",
)
"""The intake dialog as the engine runs it; the functions below are its methods."""

Outcome: TypeAlias = engine.Outcome[Step, Draft]
start = FLOW.start
prompt = FLOW.prompt
handle = FLOW.handle
path = FLOW.path
back = FLOW.back
step_key = FLOW.step_key
mermaid = FLOW.mermaid
_follow = FLOW.follow


def with_offers(step: Step, outcome: Outcome, offers: tuple[CaseOffer, ...], ctx: IntakeContext) -> Outcome:
    """The outcome of an input at ``step`` once the cases like the draft's complaint are known (the handler looks
    them up when :func:`dialogs.metoo.wanted`): with offers the walk goes to the "me too" question instead."""
    draft = outcome.draft.with_(case_offers=offers, cases_checked=True)
    if not offers or outcome.step is None:
        return engine.Outcome(outcome.step, draft, outcome.says)
    following = FLOW.follow(step, draft, ctx)
    return engine.Outcome(following, draft, (prompt(following, draft, ctx),))


def start_from(text: str, file: FileInput | None, ctx: IntakeContext) -> Outcome:
    """Start the intake from what the student already wrote (without /new): the text is the description, the
    file (a photo or PDF it came with) is attached, and the walk goes kind → service → files. A text under the
    minimum is not kept (the description is asked as usual), but a file is; with neither, the intake starts as
    /new does. One over the maximum is kept for the description step to shorten. Edit → Description asks the
    description again."""
    typed = text.strip()
    if len(typed) < steps.MIN_DESCRIPTION and file is None:
        return start(ctx)
    _ = ctx._
    draft, notes = Draft(), [_("To file what you wrote, answer a few questions; it is kept as the description "
                                "(✖ Cancel discards it).")]
    if file is not None:
        attached = answers.attach((), file, _)
        if isinstance(attached, Problem):
            notes.append("⚠️ " + attached.text)
        else:
            draft = draft.with_(files=attached)
    if len(typed) > steps.MAX_DESCRIPTION:
        draft = draft.with_(overlong=long_text.keep({}, Step.DESCRIPTION.value, typed))
    elif len(typed) >= steps.MIN_DESCRIPTION:
        draft = draft.with_(description=typed, described_first=True)
    asked = prompt(FLOW.first, draft, ctx)
    return engine.Outcome(FLOW.first, draft, (Say("\n".join(notes) + "\n\n" + asked.text, asked.buttons),))



if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("intake.mmd").write_text(mermaid(), encoding="utf-8")
