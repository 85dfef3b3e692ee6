"""Prompts and answer checks of the intake dialog, one pair per step (see ``intake.py`` for the table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from dialogs import answers, ui
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue, Question, Service
from dialogs.draft import COMPLAINT, OTHER_SERVICE, SUGGESTION, Draft
from dialogs.engine import Problem as Problem  # re-exported: the intake's steps answer with it
from dialogs.ui import ButtonRow, DialogInput, FileInput, Gettext, PickInput, Say

PREFIX = "in"
MIN_DESCRIPTION = answers.MIN_TEXT
MAX_DESCRIPTION = answers.MAX_TEXT
MAX_ANSWER = 300
YES, NO = "yes", "no"


@dataclass(frozen=True)
class IntakeContext:
    """Everything a step needs besides the draft: the catalogue, the user's language, today (WIB)."""

    catalogue: Catalogue
    locale: str
    today: date
    calendar: WorkingCalendar
    _: Gettext
    person_name: str = ""


Checked = Draft | Problem


def button(ctx: IntakeContext, step: str, label: str, value: str) -> tuple[str, str]:
    return ui.button(PREFIX, step, label, value)


def nav_row(ctx: IntakeContext, step: str, *, back: bool = True) -> ButtonRow:
    return ui.nav_row(PREFIX, ctx._, step, back=back)


def service_of(draft: Draft, ctx: IntakeContext) -> Service | None:
    return ctx.catalogue.get(draft.service) if draft.service else None


def service_name(draft: Draft, ctx: IntakeContext) -> str:
    return answers.service_label(draft.service, ctx.catalogue, ctx.locale, ctx._)


def questions(draft: Draft, ctx: IntakeContext) -> tuple[Question, ...]:
    service = service_of(draft, ctx)
    return service.questions if service is not None and draft.kind == COMPLAINT else ()


def kind_label(kind: str | None, _: Gettext) -> str:
    return _("complaint") if kind == COMPLAINT else _("suggestion")


def question_text(q: Question, locale: str) -> str:
    return escape(q.text.get(locale) or q.text["id"])


# --- kind -------------------------------------------------------------------------------------------
def prompt_kind(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("Is this a <b>complaint</b> (something went wrong) or a <b>suggestion</b> (an idea to improve)?"),
        (
            (button(ctx, "kind", _("Complaint"), COMPLAINT), button(ctx, "kind", _("Suggestion"), SUGGESTION)),
            nav_row(ctx, "kind", back=False),
        ),
    )


def accept_kind(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    words = {COMPLAINT: {"complaint", "keluhan", "aduan", "1"}, SUGGESTION: {"suggestion", "saran", "2"}}
    value = given.value if isinstance(given, PickInput) else _text(given).casefold()
    for kind, accepted in words.items():
        if value == kind or value in accepted:
            return draft.with_(kind=kind)
    return Problem(ctx._("Please choose one of the buttons: Complaint or Suggestion."))


# --- service ----------------------------------------------------------------------------------------
def prompt_service(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    text = _("Which service is it about? Choose below, or type its name (for example “transkrip”).")
    return Say(text, answers.service_rows(PREFIX, ctx.catalogue, ctx.locale, _, ctx.catalogue.services))


def accept_service(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked | Say:
    chosen = answers.choose_service(given, PREFIX, ctx.catalogue, ctx.locale, ctx._)
    return _set_service(draft, chosen) if isinstance(chosen, str) else chosen


def _set_service(draft: Draft, code: str) -> Draft:
    if code == draft.service:
        return draft
    return draft.with_(service=code, answers={}, question_index=0)


# --- description ------------------------------------------------------------------------------------
def prompt_description(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    if draft.kind == SUGGESTION:
        text = _("Service: <b>{service}</b>.\nWhat do you suggest? Write it in a few sentences.")
    else:
        text = _(
            "Service: <b>{service}</b>.\nWhat happened? Describe it in a few sentences. "
            "You may also send a photo or a PDF with a caption."
        )
    if draft.service == OTHER_SERVICE:
        text += "\n" + _("Please also name the service or office concerned.")
    return Say(text.format(service=service_name(draft, ctx)), (nav_row(ctx, "description"),))


def accept_description(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    described = answers.description(draft.files, given, ctx._)
    if isinstance(described, Problem):
        return described
    files, typed = described
    return draft.with_(files=files, description=typed if typed is not None else draft.description)


# --- attachments ------------------------------------------------------------------------------------
def prompt_files(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    if draft.files:
        text = _("{n} file(s) attached. Send another photo or PDF, or press “Done”.").format(n=len(draft.files))
        label = _("Done")
    else:
        text = _("Do you have a photo or a PDF as evidence (a screenshot, a receipt, a letter)? Send it now.")
        label = _("No attachment")
    return Say(text, ((button(ctx, "files", label, "done"),), nav_row(ctx, "files")))


def accept_files(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if isinstance(given, PickInput) and given.value == "done":
        return draft.with_(files_done=True)
    if isinstance(given, FileInput):
        attached = _attach(draft, given, ctx)
        return attached if isinstance(attached, Problem) else attached.with_(files_done=False)
    return Problem(ctx._("Send a photo or a PDF, or press the button below to go on."))


def _attach(draft: Draft, given: FileInput, ctx: IntakeContext) -> Checked:
    files = answers.attach(draft.files, given, ctx._)
    return files if isinstance(files, Problem) else draft.with_(files=files)


# --- when -------------------------------------------------------------------------------------------
def prompt_when(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("When did it happen? Type a date (for example {example}) or choose below.").format(
            example=ctx.today.strftime("%d-%m-%Y")
        ),
        (
            (
                button(ctx, "when", _("Today"), "today"),
                button(ctx, "when", _("Yesterday"), "yesterday"),
                button(ctx, "when", _("Not sure"), "unknown"),
            ),
            nav_row(ctx, "when"),
        ),
    )


def accept_when(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if isinstance(given, PickInput):
        days = {"today": 0, "yesterday": 1}
        if given.value in days:
            return draft.with_(occurred_on=ctx.today - timedelta(days=days[given.value]), when_done=True)
        return draft.with_(occurred_on=None, when_done=True)
    parsed = _date(given, ctx)
    return parsed if isinstance(parsed, Problem) else draft.with_(occurred_on=parsed, when_done=True)


def _date(given: DialogInput, ctx: IntakeContext) -> date | Problem:
    return answers.past_date(given, ctx.today, ctx._)


def _text(given: DialogInput) -> str:
    return answers.text_of(given)
