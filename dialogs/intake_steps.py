"""Prompts and answer checks of the intake dialog, one pair per step (see ``intake.py`` for the table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dialogs import answers, long_text, ui
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue, Service
from dialogs.draft import COMPLAINT, OTHER_SERVICE, SUGGESTION, Draft
from dialogs.engine import Problem as Problem  # re-exported: the intake's steps answer with it
from dialogs.typed import core_text
from dialogs.ui import ButtonRow, DialogInput, FileInput, Gettext, Ngettext, PickInput, Say

PREFIX = "in"
MIN_DESCRIPTION = answers.MIN_TEXT
MAX_DESCRIPTION = answers.MAX_TEXT
MAX_ANSWER = 300
KIND_WORDS = {COMPLAINT: frozenset({COMPLAINT, "keluhan", "aduan", "pengaduan", "komplain", "complain", "1"}),
              SUGGESTION: frozenset({SUGGESTION, "saran", "usul", "usulan", "masukan", "suggest", "idea", "2"})}
"""Typed words for the kind (after ``dialogs.typed.core_text``: fillers such as "dong" dropped), both languages."""
NO_MORE_FILES = frozenset({"done", "selesai", "sudah", "cukup", "tanpa lampiran", "tidak ada", "tidak ada lampiran",
                           "ga ada", "gak ada", "nggak ada", "no attachment", "no attachments", "none", "no", "nothing",
                           "skip", "lewati", "lanjut", "next"})
"""Typed words at the attachments step that mean "no (more) files", in both languages."""
UNSURE = frozenset({"unknown", "tidak yakin", "tidak tahu", "tidak tau", "ga tau", "gak tau", "nggak tau", "lupa",
                    "tidak ingat", "not sure", "unsure", "don t know", "dont know", "forgot", "no idea"})
"""Typed words at a "when did it happen?" step that mean "Not sure", in both languages."""


@dataclass(frozen=True)
class IntakeContext:
    """Everything a step needs besides the draft: the catalogue, the user's language, today (WIB), and the
    translations (``_``, and ``ngettext`` for a count: "1 file", "2 files")."""

    catalogue: Catalogue
    locale: str
    today: date
    calendar: WorkingCalendar
    _: Gettext
    ngettext: Ngettext
    person_name: str = ""
    #: Who may see a confidential identity, in words (``handlers.identity.readers``, from CONFIDENTIAL_ROLES); empty:
    #: the default's "the officer handling it and the administrator".
    confidential_readers: str = ""

    def readers(self) -> str:
        return self.confidential_readers or self._("the officer handling it and the administrator")


Checked = Draft | Problem


def button(ctx: IntakeContext, step: str, label: str, value: str) -> tuple[str, str]:
    return ui.button(PREFIX, step, label, value)


def nav_row(ctx: IntakeContext, step: str, *, back: bool = True) -> ButtonRow:
    return ui.nav_row(PREFIX, ctx._, step, back=back)


def service_of(draft: Draft, ctx: IntakeContext) -> Service | None:
    return ctx.catalogue.get(draft.service) if draft.service else None


def service_name(draft: Draft, ctx: IntakeContext) -> str:
    return answers.service_label(draft.service, ctx.catalogue, ctx.locale, ctx._)


def kind_label(kind: str | None, _: Gettext) -> str:
    return _("complaint") if kind == COMPLAINT else _("suggestion")


def typed_kind(given: DialogInput) -> str | None:
    """The kind a button or typed word names ("keluhan dong", "saran aja"), or None."""
    value = given.value if isinstance(given, PickInput) else core_text(answers.text_of(given))
    return next((kind for kind, words in KIND_WORDS.items() if value in words), None)


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
    kind = typed_kind(given)
    if kind is not None:
        return draft.with_(kind=kind)
    return Problem(ctx._("Please choose one of the buttons: Complaint or Suggestion."))


# --- service ----------------------------------------------------------------------------------------
def prompt_service(draft: Draft, ctx: IntakeContext) -> Say:
    return answers.service_prompt(PREFIX, ctx.catalogue, ctx.locale, ctx._)


def accept_service(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked | Say:
    chosen = answers.choose_service(given, PREFIX, ctx.catalogue, ctx.locale, ctx._)
    return _set_service(draft, chosen) if isinstance(chosen, str) else chosen


CASES_UNCHECKED: dict[str, object] = {"case_offers": (), "cases_checked": False, "case_answered": False,
                                      "joins": None}
"""What a new service or description forgets of the "me too" question (``dialogs.metoo``): it is asked again about
the cases like the new complaint — also after « Back, not only after Edit (found in a walk: a student went back,
rewrote the description, and was not offered the case that matched it)."""


def _set_service(draft: Draft, code: str) -> Draft:
    if code == draft.service:
        return draft
    return draft.with_(service=code, answers={}, question_index=0, **CASES_UNCHECKED)


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
    text = text.format(service=service_name(draft, ctx))
    limits = (MIN_DESCRIPTION, MAX_DESCRIPTION)
    return long_text.prompt(text, draft.overlong, PREFIX, "description", limits, nav_row(ctx, "description"), _)


def accept_description(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    accepted = answers.accept_description(draft, given, ctx._)
    if isinstance(accepted, Draft) and accepted.description != draft.description:
        return accepted.with_(**CASES_UNCHECKED)
    return accepted


# --- attachments ------------------------------------------------------------------------------------
def prompt_files(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    if draft.files:
        n = len(draft.files)
        text = ctx.ngettext("{n} file attached. Send another photo or PDF, or press “Done”.",
                            "{n} files attached. Send another photo or PDF, or press “Done”.", n).format(n=n)
        label = _("Done")
    else:
        text = _("Do you have a photo or a PDF as evidence (a screenshot, a receipt, a letter)? Send it now.")
        label = _("No attachment")
    return Say(text, ((button(ctx, "files", label, "done"),), nav_row(ctx, "files")))


def no_more_files(given: DialogInput) -> bool:
    """The "Done" / "No attachment" button, or words that say so ("tanpa lampiran", "no attachment")."""
    return given.value == "done" if isinstance(given, PickInput) else core_text(answers.text_of(given)) in NO_MORE_FILES


def unsure(given: DialogInput) -> bool:
    """The "Not sure" button of a date step, or words that say so ("tidak tahu", "not sure")."""
    return given.value == "unknown" if isinstance(given, PickInput) else core_text(answers.text_of(given)) in UNSURE


def accept_files(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if not isinstance(given, FileInput) and no_more_files(given):
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
    if unsure(given):
        return draft.with_(occurred_on=None, when_done=True)
    if isinstance(given, PickInput):
        days = {"today": 0, "yesterday": 1}
        if given.value in days:
            return draft.with_(occurred_on=ctx.today - timedelta(days=days[given.value]), when_done=True)
        return Problem(ctx._("Please choose one of the buttons."))
    parsed = _date(given, ctx)
    return parsed if isinstance(parsed, Problem) else draft.with_(occurred_on=parsed, when_done=True)


def _date(given: DialogInput, ctx: IntakeContext) -> date | Problem:
    return answers.past_date(given, ctx.today, ctx._, ctx.locale)


def _text(given: DialogInput) -> str:
    return answers.text_of(given)
