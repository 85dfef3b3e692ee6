"""Prompts and answer checks of the intake dialog, one pair per step (see ``intake.py`` for the table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue, Question, Service
from dialogs.dates import parse_user_date
from dialogs.draft import COMPLAINT, MAX_ATTACHMENTS, OTHER_SERVICE, SUGGESTION, Draft, DraftFile
from dialogs.matching import match_service
from dialogs.ui import ButtonRow, DialogInput, FileInput, Gettext, PickInput, Say, TextInput, pick_data

PREFIX = "in"
MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 3000
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


@dataclass(frozen=True)
class Problem:
    """The answer cannot be used; the text says why and what to do."""

    text: str


Checked = Draft | Problem


def button(ctx: IntakeContext, step: str, label: str, value: str) -> tuple[str, str]:
    return (label, pick_data(PREFIX, step, value))


def nav_row(ctx: IntakeContext, step: str, *, back: bool = True) -> ButtonRow:
    _ = ctx._
    row = [button(ctx, step, _("« Back"), "back")] if back else []
    row.append(button(ctx, step, _("✖ Cancel"), "cancel"))
    return tuple(row)


def service_of(draft: Draft, ctx: IntakeContext) -> Service | None:
    return ctx.catalogue.get(draft.service) if draft.service else None


def service_name(draft: Draft, ctx: IntakeContext) -> str:
    service = service_of(draft, ctx)
    if service is not None:
        return escape(service.display_name(ctx.locale))
    return ctx._("Other service")


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
    return Say(text, _service_buttons(ctx, ctx.catalogue.services))


def _service_buttons(ctx: IntakeContext, services: tuple[Service, ...]) -> tuple[ButtonRow, ...]:
    labels = [button(ctx, "service", s.display_name(ctx.locale), s.code) for s in services]
    labels.append(button(ctx, "service", ctx._("Other"), OTHER_SERVICE))
    rows = tuple(tuple(labels[i : i + 2]) for i in range(0, len(labels), 2))
    return (*rows, nav_row(ctx, "service"))


def accept_service(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked | Say:
    _ = ctx._
    if isinstance(given, PickInput):
        if given.value == OTHER_SERVICE or ctx.catalogue.get(given.value) is not None:
            return _set_service(draft, given.value)
        return Problem(_("That service is not in the list any more. Please choose again."))
    typed = _text(given)
    if not typed:
        return Problem(_("Please choose a service or type its name."))
    found = match_service(ctx.catalogue, typed)
    if found.best is not None:
        return _set_service(draft, found.best.code)
    if found.candidates:
        text = _("“{typed}”: did you mean one of these services?").format(typed=escape(typed[:100]))
        return Say(text, _service_buttons(ctx, found.candidates))
    return Problem(
        _("I could not find a service like “{typed}”. Choose one from the list, or press “Other”.").format(
            typed=escape(typed[:100])
        )
    )


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
    _ = ctx._
    if isinstance(given, FileInput):
        attached = _attach(draft, given, ctx)
        if isinstance(attached, Problem) or not given.caption:
            return attached if isinstance(attached, Problem) else attached.with_(description=draft.description)
        draft, typed = attached, given.caption.strip()
    elif isinstance(given, TextInput):
        typed = given.text.strip()
    else:
        return Problem(_("Please write the description as a message."))
    if len(typed) < MIN_DESCRIPTION:
        return Problem(_("Please write a little more (at least {n} characters).").format(n=MIN_DESCRIPTION))
    if len(typed) > MAX_DESCRIPTION:
        return Problem(
            _("Your text has {n} characters; please shorten it to {max} or fewer.").format(
                n=len(typed), max=MAX_DESCRIPTION
            )
        )
    return draft.with_(description=typed)


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
    _ = ctx._
    if len(draft.files) >= MAX_ATTACHMENTS:
        return Problem(_("At most {n} files can be attached.").format(n=MAX_ATTACHMENTS))
    mime = (given.mime_type or "").casefold()
    if given.file_type == "document" and not (mime == "application/pdf" or mime.startswith("image/")):
        return Problem(_("Only photos and PDF documents can be attached."))
    return draft.with_(files=(*draft.files, DraftFile(given.file_id, given.file_type, given.file_name)))


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
    _ = ctx._
    parsed = parse_user_date(_text(given), ctx.today)
    if parsed is None:
        return Problem(_("I could not read that date. Please type it like {example}.").format(
            example=ctx.today.strftime("%d-%m-%Y")))
    if parsed > ctx.today:
        return Problem(_("That date is in the future. Please give the date it happened."))
    return parsed


def _text(given: DialogInput) -> str:
    if isinstance(given, TextInput):
        return given.text.strip()
    if isinstance(given, FileInput):
        return (given.caption or "").strip()
    return given.value
