"""Answer checks several dialogs share: text length, attachments, dates, the service (layanan) asked about, and
the confirmation questions (pertanyaan konfirmasi) and their answers as people read them.

Each check returns the usable value or a :class:`~dialogs.engine.Problem` saying what to do instead.
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any, Protocol, Self, TypeVar

from dialogs import long_text
from dialogs.catalogue import Catalogue, Question, QuestionKind, Service, localized
from dialogs.dates import ImpossibleDate, format_date, read_user_date
from dialogs.draft import MAX_ATTACHMENTS, OTHER_SERVICE, DraftFile
from dialogs.engine import Problem
from dialogs.long_text import TooLong
from dialogs.matching import match_service
from dialogs.ui import ButtonRow, DialogInput, FileInput, Gettext, PickInput, Say, TextInput, button, grid, nav_row

MIN_TEXT = 10
MAX_TEXT = 3000
YES, NO = "yes", "no"
"""The stored answers of a yes/no question."""
ALL_SERVICES = "list"
"""The value of « Back under "did you mean one of these services?": the full list again."""


def text_of(given: DialogInput) -> str:
    """What the user typed (a file's caption, a button's value), stripped."""
    if isinstance(given, TextInput):
        return given.text.strip()
    if isinstance(given, FileInput):
        return (given.caption or "").strip()
    return given.value


def check_length(typed: str, _: Gettext, minimum: int = MIN_TEXT, maximum: int = MAX_TEXT) -> str | Problem:
    if len(typed) < minimum:
        return Problem(_("Please write a little more (at least {n} characters).").format(n=minimum))
    if len(typed) > maximum:
        return Problem(
            _("Your text has {n} characters; please shorten it to {max} or fewer.").format(n=len(typed), max=maximum)
        )
    return typed


def typed_text(given: DialogInput, _: Gettext, minimum: int = MIN_TEXT, maximum: int = MAX_TEXT) -> str | Problem:
    """A typed message of ``minimum``..``maximum`` characters (buttons and files are refused)."""
    if not isinstance(given, TextInput):
        return Problem(_("Please write it as a message."))
    return check_length(given.text.strip(), _, minimum, maximum)


def attach(files: tuple[DraftFile, ...], given: FileInput, _: Gettext) -> tuple[DraftFile, ...] | Problem:
    """``files`` with the photo or PDF of ``given`` added."""
    if len(files) >= MAX_ATTACHMENTS:
        return Problem(_("At most {n} files can be attached.").format(n=MAX_ATTACHMENTS))
    mime = (given.mime_type or "").casefold()
    if given.file_type == "document" and not (mime == "application/pdf" or mime.startswith("image/")):
        return Problem(_("Only photos and PDF documents can be attached."))
    caption = (given.caption or "").strip() or None
    return (*files, DraftFile(given.file_id, given.file_type, given.file_name, given.mime_type, caption))


def sized_text(typed: str, _: Gettext, minimum: int = MIN_TEXT, maximum: int = MAX_TEXT) -> str | TooLong | Problem:
    """A text of at least ``minimum`` characters; one over ``maximum`` is :class:`TooLong` (kept, not refused)."""
    return TooLong(typed) if len(typed) > maximum else check_length(typed, _, minimum, maximum)


class KeepsLongTexts(Protocol):
    """A draft that keeps over-long texts by step until they are shortened (``dialogs.long_text``)."""

    @property
    def overlong(self) -> dict[str, str]: ...

    def with_(self, **changes: Any) -> Self: ...


class Describing(KeepsLongTexts, Protocol):
    """A draft whose description may come with files (the intakes')."""

    @property
    def files(self) -> tuple[DraftFile, ...]: ...


K = TypeVar("K", bound=KeepsLongTexts)
T = TypeVar("T", bound=Describing)


def long_answer(given: DialogInput, overlong: dict[str, str], step: str, _: Gettext,
                minimum: int = MIN_TEXT, maximum: int = MAX_TEXT) -> str | TooLong | Problem:
    """A typed long text (a message, not a file), or the cut start of the one kept for ``step`` when the
    "✂️ Use the first N characters" button was pressed."""
    if isinstance(given, PickInput) and given.value == long_text.CUT:
        kept = long_text.take_cut(overlong, step, maximum, minimum)
        return kept if kept is not None else Problem(_("Please write it as a message."))
    if not isinstance(given, TextInput):
        return Problem(_("Please write it as a message."))
    return sized_text(given.text.strip(), _, minimum, maximum)


def settle(draft: K, step: str, field: str, checked: str | TooLong | Problem) -> K | Problem:
    """``draft`` with ``field`` set to the checked text (and nothing kept for ``step`` any more), or with an
    over-long text kept for ``step`` (the field still unanswered)."""
    if isinstance(checked, Problem):
        return checked
    if isinstance(checked, TooLong):
        return draft.with_(overlong=long_text.keep(draft.overlong, step, checked.text))
    return draft.with_(overlong=long_text.keep(draft.overlong, step, None), **{field: checked})


def accept_description(draft: T, given: DialogInput, _: Gettext) -> T | Problem:
    """The description step of the intakes: text, a file with a caption (both kept), a file alone (kept, the
    description still asked), an over-long text (kept to be shortened) or the cut button."""
    if isinstance(given, PickInput):
        return settle(draft, "description", "description", long_answer(given, draft.overlong, "description", _))
    described = description(draft.files, given, _)
    if isinstance(described, Problem):
        return described
    files, typed = described
    with_files = draft.with_(files=files)
    return with_files if typed is None else settle(with_files, "description", "description", typed)


def description(
    files: tuple[DraftFile, ...], given: DialogInput, _: Gettext
) -> tuple[tuple[DraftFile, ...], str | TooLong | None] | Problem:
    """A description typed, or sent as a file's caption: ``(files, text)``; text None for a file without caption,
    :class:`TooLong` for one over :data:`MAX_TEXT` (the step keeps it and offers to cut it)."""
    if isinstance(given, FileInput):
        attached = attach(files, given, _)
        if isinstance(attached, Problem) or not given.caption:
            return attached if isinstance(attached, Problem) else (attached, None)
        files, typed = attached, given.caption.strip()
    elif isinstance(given, TextInput):
        typed = given.text.strip()
    else:
        return Problem(_("Please write the description as a message."))
    checked = sized_text(typed, _)
    return checked if isinstance(checked, Problem) else (files, checked)


def example_date(today: date) -> str:
    return today.strftime("%d-%m-%Y")


def past_date(given: DialogInput, today: date, _: Gettext, locale: str) -> date | Problem:
    """A typed date not after ``today``."""
    parsed = typed_date(given, today, _, locale)
    if isinstance(parsed, date) and parsed > today:
        return Problem(_("That date is in the future. Please give the date it happened."))
    return parsed


def coming_date(given: DialogInput, today: date, _: Gettext, locale: str) -> date | Problem:
    """A typed date not before ``today`` (a day and month without a year mean the next such day)."""
    parsed = typed_date(given, today, _, locale, future=True)
    if isinstance(parsed, date) and parsed < today:
        return Problem(_("That date has passed. Please give today or a later date."))
    return parsed


def typed_date(given: DialogInput, today: date, _: Gettext, locale: str, *, future: bool = False) -> date | Problem:
    """The date typed; a problem saying what is wrong with an impossible one ("There is no month 13."), or
    how to write one when the text is no date at all."""
    read = read_user_date(text_of(given), today, future=future)
    if isinstance(read, ImpossibleDate):
        return Problem(impossible_date(read, _, locale))
    if read is None:
        return Problem(_("I could not read that date. Please type it like {example}.").format(
            example=example_date(today)))
    return read


def impossible_date(wrong: ImpossibleDate, _: Gettext, locale: str) -> str:
    """Which part of a date is wrong, with the month named in the reader's language."""
    if not wrong.month_exists:
        return _("There is no month {month}.").format(month=wrong.month)
    if wrong.day < 1:
        return _("There is no day {day}.").format(day=wrong.day)
    return _("{month} has only {n} days.").format(month=wrong.month_name(locale), n=wrong.days_in_month)


# --- the service -------------------------------------------------------------------------------------------
def service_label(code: str | None, catalogue: Catalogue, locale: str, _: Gettext) -> str:
    """The service's name for people (HTML-escaped); "Other service" when it is not in the catalogue."""
    service = catalogue.get(code) if code else None
    return escape(service.display_name(locale)) if service is not None else _("Other service")


def service_rows(
    prefix: str, catalogue: Catalogue, locale: str, _: Gettext, services: tuple[Service, ...], step: str = "service",
    *, back_to_list: bool = False,
) -> tuple[ButtonRow, ...]:
    """A button per service, two to a row, then "Other" and the « Back / ✖ Cancel row; with ``back_to_list``
    (under a few candidates) « Back shows the full list instead of the step before."""
    labels = [button(prefix, step, s.display_name(locale), s.code) for s in services]
    labels.append(button(prefix, step, _("Other"), OTHER_SERVICE))
    navigation = nav_row(prefix, _, step)
    if back_to_list:
        navigation = (button(prefix, step, _("« Back"), ALL_SERVICES), *navigation[1:])
    return (*grid(labels, 2), navigation)


def service_prompt(prefix: str, catalogue: Catalogue, locale: str, _: Gettext) -> Say:
    """The service question with every service of the catalogue as a button."""
    text = _("Which service is it about? Choose below, or type its name (for example “transkrip”).")
    return Say(text, service_rows(prefix, catalogue, locale, _, catalogue.services))


def choose_service(
    given: DialogInput, prefix: str, catalogue: Catalogue, locale: str, _: Gettext
) -> str | Problem | Say:
    """The service code of a button or of a typed name; a :class:`Say` with candidates when the name is unclear
    (its « Back shows the full list again)."""
    if isinstance(given, PickInput):
        if given.value == ALL_SERVICES:
            return service_prompt(prefix, catalogue, locale, _)
        if given.value == OTHER_SERVICE or catalogue.get(given.value) is not None:
            return given.value
        return Problem(_("That service is not in the list any more. Please choose again."))
    typed = text_of(given)
    if not typed:
        return Problem(_("Please choose a service or type its name."))
    found = match_service(catalogue, typed)
    if found.best is not None:
        return found.best.code
    if found.candidates:
        text = _("“{typed}”: did you mean one of these services?").format(typed=escape(typed[:100]))
        return Say(text, service_rows(prefix, catalogue, locale, _, found.candidates, back_to_list=True))
    return Problem(
        _("I could not find a service like “{typed}”. Choose one from the list, or press “Other”.").format(
            typed=escape(typed[:100])
        )
    )


# --- the confirmation questions ------------------------------------------------------------------------------
def question_text(question: Question, locale: str) -> str:
    """The question in the reader's language (Indonesian when it has no such text), HTML-escaped."""
    return escape(localized(question.text, locale))


def answer_label(question: Question, value: str, locale: str, _: Gettext) -> str:
    """A stored answer as the reader reads it (HTML-escaped): Yes / No, the choice's label, the date written
    out in their language, or the text as typed."""
    if question.kind == QuestionKind.YESNO:
        return _("Yes") if value == YES else _("No")
    if question.kind == QuestionKind.CHOICE:
        choice = question.choice(value)
        return escape(choice.display_label(locale) if choice is not None else value)
    if question.kind == QuestionKind.DATE:
        try:
            return format_date(date.fromisoformat(value), locale)
        except ValueError:
            return escape(value)
    return escape(value)
