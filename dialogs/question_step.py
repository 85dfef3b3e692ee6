"""The confirmation questions (pertanyaan konfirmasi) as one repeated dialog step, shared by the student's intake
and the staff intake (SOP PM-BAPKM.AP.1-24 step b).

A complaint about a service is asked that service's questions from the catalogue, one at a time: a yes/no
question has Yes / No buttons, a choice question a button per choice, a date or text question is typed. An
optional question also has a Skip button; a skipped question has no answer in the draft, and the summary says
it was skipped. The draft keeps its position (``question_index``), so the engine runs this as a repeated step.
"""

from __future__ import annotations

from typing import Protocol, Self, TypeVar

from dialogs import answers, ui
from dialogs.answers import NO, YES
from dialogs.catalogue import Question, QuestionKind
from dialogs.draft import COMPLAINT
from dialogs.engine import Problem
from dialogs.intake_steps import MAX_ANSWER, IntakeContext
from dialogs.typed import core_text
from dialogs.ui import ButtonRow, DialogInput, PickInput, Say

SKIP = "skip"
"""The value of an optional question's Skip button."""
YES_WORDS = frozenset({YES, "ya", "y", "iya", "iyaa", "yup", "sudah", "udah", "pernah", "benar", "betul"})
NO_WORDS = frozenset({NO, "tidak", "n", "nggak", "ngga", "gak", "ga", "enggak", "belum", "blm", "tdk", "bukan",
                      "not yet"})
SKIP_WORDS = frozenset({SKIP, "lewati", "lewat", "lewatkan", "skip it"})


class Answering(Protocol):
    """A draft that answers a service's confirmation questions (the intake's and the staff intake's)."""

    @property
    def kind(self) -> str | None: ...

    @property
    def service(self) -> str | None: ...

    @property
    def answers(self) -> dict[str, str]: ...

    @property
    def question_index(self) -> int: ...

    def answer(self, question_id: str, value: str) -> Self: ...

    def skip(self, question_id: str) -> Self: ...


A = TypeVar("A", bound=Answering)


def questions(draft: Answering, ctx: IntakeContext) -> tuple[Question, ...]:
    """The questions a complaint about the draft's service is asked (a suggestion, or another service: none)."""
    service = ctx.catalogue.get(draft.service) if draft.service else None
    return service.questions if service is not None and draft.kind == COMPLAINT else ()


def current(draft: Answering, ctx: IntakeContext) -> Question | None:
    asked = questions(draft, ctx)
    return asked[draft.question_index] if draft.question_index < len(asked) else None


def more(draft: Answering, ctx: IntakeContext) -> bool:
    """Whether a question is still to be asked (the step's transition back to itself)."""
    return current(draft, ctx) is not None


def prompt(draft: Answering, ctx: IntakeContext, prefix: str) -> Say:
    _ = ctx._
    q = current(draft, ctx)
    if q is None:  # defensive: the engine never asks past the last question
        return Say(_("All questions are answered."))
    total, key = len(questions(draft, ctx)), f"q{draft.question_index}"
    text = _("Question {i} of {n}: {question}").format(i=draft.question_index + 1, n=total,
                                                         question=answers.question_text(q, ctx.locale))
    rows: list[ButtonRow] = []
    if q.kind == QuestionKind.YESNO:
        rows.append((ui.button(prefix, key, _("Yes"), YES), ui.button(prefix, key, _("No"), NO)))
    elif q.kind == QuestionKind.CHOICE:
        rows.extend((ui.button(prefix, key, c.display_label(ctx.locale), c.value),) for c in q.choices)
    elif q.kind == QuestionKind.DATE:
        text += "\n" + _("Type a date, for example {example}.").format(example=answers.example_date(ctx.today))
    if q.optional:
        rows.append((ui.button(prefix, key, _("Skip"), SKIP),))
    rows.append(ui.nav_row(prefix, _, key))
    return Say(text, tuple(rows))


def accept(draft: A, given: DialogInput, ctx: IntakeContext) -> A | Problem:
    _ = ctx._
    q = current(draft, ctx)
    if q is None:
        return draft
    typed = core_text(answers.text_of(given))
    skipped = given.value == SKIP if isinstance(given, PickInput) else typed in {*SKIP_WORDS, core_text(_("Skip"))}
    if q.optional and skipped:
        return draft.skip(q.id)
    if q.kind == QuestionKind.YESNO:
        for answer, accepted in ((YES, YES_WORDS), (NO, NO_WORDS)):
            if typed in accepted:
                return draft.answer(q.id, answer)
        return Problem(_("Please answer with the buttons: Yes or No."))
    if q.kind == QuestionKind.CHOICE:
        for choice in q.choices:
            if typed in {core_text(choice.value), *(core_text(label) for label in choice.label.values())}:
                return draft.answer(q.id, choice.value)
        return Problem(_("Please choose one of the buttons."))
    if q.kind == QuestionKind.DATE:
        parsed = answers.past_date(given, ctx.today, _, ctx.locale)
        return parsed if isinstance(parsed, Problem) else draft.answer(q.id, parsed.isoformat())
    if isinstance(given, PickInput):
        return Problem(_("Please type your answer."))
    value = answers.text_of(given)
    if not value:
        return Problem(_("Please type your answer."))
    if len(value) > MAX_ANSWER:
        return Problem(_("Please keep the answer under {n} characters.").format(n=MAX_ANSWER))
    return draft.answer(q.id, value)


def summary_lines(draft: Answering, ctx: IntakeContext) -> list[str]:
    """One line per question asked: the question and its answer, or that it was skipped."""
    lines = []
    for q in questions(draft, ctx):
        if q.id in draft.answers:
            shown = answers.answer_label(q, draft.answers[q.id], ctx.locale, ctx._)
        elif q.optional:
            shown = ctx._("skipped")
        else:
            continue
        lines.append(f"{answers.question_text(q, ctx.locale)} — <i>{shown}</i>")
    return lines
