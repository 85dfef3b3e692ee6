"""Answer checks several dialogs share: text length, attachments, dates and the service (layanan) asked about.

Each check returns the usable value or a :class:`~dialogs.engine.Problem` saying what to do instead.
"""

from __future__ import annotations

from datetime import date
from html import escape

from dialogs.catalogue import Catalogue, Service
from dialogs.dates import parse_user_date
from dialogs.draft import MAX_ATTACHMENTS, OTHER_SERVICE, DraftFile
from dialogs.engine import Problem
from dialogs.matching import match_service
from dialogs.ui import ButtonRow, DialogInput, FileInput, Gettext, PickInput, Say, TextInput, button, grid, nav_row

MIN_TEXT = 10
MAX_TEXT = 3000


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
    return (*files, DraftFile(given.file_id, given.file_type, given.file_name))


def description(
    files: tuple[DraftFile, ...], given: DialogInput, _: Gettext
) -> tuple[tuple[DraftFile, ...], str | None] | Problem:
    """A description typed, or sent as a file's caption: ``(files, text)``; text None for a file without caption."""
    if isinstance(given, FileInput):
        attached = attach(files, given, _)
        if isinstance(attached, Problem) or not given.caption:
            return attached if isinstance(attached, Problem) else (attached, None)
        files, typed = attached, given.caption.strip()
    elif isinstance(given, TextInput):
        typed = given.text.strip()
    else:
        return Problem(_("Please write the description as a message."))
    checked = check_length(typed, _)
    return checked if isinstance(checked, Problem) else (files, checked)


def example_date(today: date) -> str:
    return today.strftime("%d-%m-%Y")


def past_date(given: DialogInput, today: date, _: Gettext) -> date | Problem:
    """A typed date not after ``today``."""
    parsed = parse_user_date(text_of(given), today)
    if parsed is None:
        return Problem(_("I could not read that date. Please type it like {example}.").format(
            example=example_date(today)))
    if parsed > today:
        return Problem(_("That date is in the future. Please give the date it happened."))
    return parsed


def coming_date(given: DialogInput, today: date, _: Gettext) -> date | Problem:
    """A typed date not before ``today`` (a day and month without a year mean the next such day)."""
    parsed = parse_user_date(text_of(given), today, future=True)
    if parsed is None:
        return Problem(_("I could not read that date. Please type it like {example}.").format(
            example=example_date(today)))
    if parsed < today:
        return Problem(_("That date has passed. Please give today or a later date."))
    return parsed


# --- the service -------------------------------------------------------------------------------------------
def service_label(code: str | None, catalogue: Catalogue, locale: str, _: Gettext) -> str:
    """The service's name for people (HTML-escaped); "Other service" when it is not in the catalogue."""
    service = catalogue.get(code) if code else None
    return escape(service.display_name(locale)) if service is not None else _("Other service")


def service_rows(
    prefix: str, catalogue: Catalogue, locale: str, _: Gettext, services: tuple[Service, ...], step: str = "service"
) -> tuple[ButtonRow, ...]:
    """A button per service, two to a row, then "Other" and the « Back / ✖ Cancel row."""
    labels = [button(prefix, step, s.display_name(locale), s.code) for s in services]
    labels.append(button(prefix, step, _("Other"), OTHER_SERVICE))
    return (*grid(labels, 2), nav_row(prefix, _, step))


def choose_service(
    given: DialogInput, prefix: str, catalogue: Catalogue, locale: str, _: Gettext
) -> str | Problem | Say:
    """The service code of a button or of a typed name; a :class:`Say` with candidates when the name is unclear."""
    if isinstance(given, PickInput):
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
        return Say(text, service_rows(prefix, catalogue, locale, _, found.candidates))
    return Problem(
        _("I could not find a service like “{typed}”. Choose one from the list, or press “Other”.").format(
            typed=escape(typed[:100])
        )
    )
