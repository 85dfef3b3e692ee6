"""The staff intake's steps about the case itself: description, files, when it reached us, when it happened,
and the service's confirmation questions (pertanyaan konfirmasi) as the chat intake asks them.

See ``staff_intake_steps.py`` for the draft and the first steps, ``staff_intake.py`` for the table.
"""

from __future__ import annotations

from datetime import date, timedelta

from dialogs import answers, long_text, question_step
from dialogs.dates import format_date
from dialogs.engine import Problem
from dialogs.intake_steps import MAX_DESCRIPTION, MIN_DESCRIPTION, IntakeContext, no_more_files, unsure
from dialogs.staff_intake_steps import PREFIX, Checked, StaffIntakeDraft, button, nav_row
from dialogs.ui import DialogInput, FileInput, PickInput, Say

QUICK_DAYS = {"today": 0, "yesterday": 1}
"""Date buttons: value -> days before today."""
NOT_SURE = "unknown"


# --- description and files ----------------------------------------------------------------------------------
def prompt_description(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    text = _("Service: <b>{service}</b>.\nWhat does the complainant say? Type it in a few sentences, or send a "
             "photo or a PDF of the letter or form with the text as its caption.")
    if draft.files and draft.description is None:
        n = len(draft.files)
        text += "\n" + ctx.ngettext("{n} file attached. The description is still needed.",
                                    "{n} files attached. The description is still needed.", n).format(n=n)
    text = text.format(service=answers.service_label(draft.service, ctx.catalogue, ctx.locale, _))
    limits = (MIN_DESCRIPTION, MAX_DESCRIPTION)
    return long_text.prompt(text, draft.overlong, PREFIX, "description", limits, nav_row(ctx, "description"), _)


def accept_description(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    return answers.accept_description(draft, given, ctx._)


def prompt_files(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    if draft.files:
        n = len(draft.files)
        text = ctx.ngettext("{n} file attached. Send another photo or PDF, or press “Done”.",
                            "{n} files attached. Send another photo or PDF, or press “Done”.", n).format(n=n)
        label = _("Done")
    else:
        text = _("Any files to keep with it (the scanned letter, a screenshot of the post)? Send them now.")
        label = _("No attachment")
    return Say(text, ((button("files", label, "done"),), nav_row(ctx, "files")))


def accept_files(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if not isinstance(given, FileInput) and no_more_files(given):
        return draft.with_(files_done=True)
    if isinstance(given, FileInput):
        files = answers.attach(draft.files, given, ctx._)
        return files if isinstance(files, Problem) else draft.with_(files=files, files_done=False)
    return Problem(ctx._("Send a photo or a PDF, or press the button below to go on."))


# --- received and occurred ------------------------------------------------------------------------------------
def prompt_received(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("When did it reach us (the date on the letter, the e-mail or the call)? Type a date (for example "
          "{example}) or choose below.").format(example=answers.example_date(ctx.today)),
        ((button("received", _("Today"), "today"), button("received", _("Yesterday"), "yesterday")),
         nav_row(ctx, "received")),
    )


def accept_received(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    if isinstance(given, PickInput) and given.value in QUICK_DAYS:
        received: date | Problem = ctx.today - timedelta(days=QUICK_DAYS[given.value])
    else:
        received = answers.past_date(given, ctx.today, ctx._, ctx.locale)
    if isinstance(received, Problem):
        return received
    if draft.occurred_on is not None and draft.occurred_on > received:  # edited: ask when it happened again
        return draft.with_(received_on=received, occurred_on=None, when_done=False)
    return draft.with_(received_on=received)


def prompt_when(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(
        _("When did it happen (the incident the complainant tells of)? Type a date (for example {example}) or "
          "choose below.").format(example=answers.example_date(ctx.today)),
        ((button("when", _("Today"), "today"), button("when", _("Yesterday"), "yesterday"),
          button("when", _("Not sure"), NOT_SURE)),
         nav_row(ctx, "when")),
    )


def accept_when(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    _ = ctx._
    if unsure(given):
        return draft.with_(occurred_on=None, when_done=True)
    if isinstance(given, PickInput) and given.value in QUICK_DAYS:
        occurred: date | Problem = ctx.today - timedelta(days=QUICK_DAYS[given.value])
    else:
        occurred = answers.past_date(given, ctx.today, _, ctx.locale)
    if isinstance(occurred, Problem):
        return occurred
    if draft.received_on is not None and occurred > draft.received_on:
        return Problem(_("It cannot have happened after it reached us ({date}).").format(
            date=format_date(draft.received_on, ctx.locale)))
    return draft.with_(occurred_on=occurred, when_done=True)


# --- confirmation questions (dialogs.question_step) -----------------------------------------------------------
def prompt_question(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    return question_step.prompt(draft, ctx, PREFIX)


def accept_question(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> Checked:
    return question_step.accept(draft, given, ctx)
