"""The later steps of the intake dialog: confirmation questions, identity, summary, edit, acknowledgement."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from dialogs import metoo, question_step
from dialogs.catalogue import Question, StandardTimes, standard_times
from dialogs.dates import format_date
from dialogs.draft import COMPLAINT, OTHER_SERVICE, SUGGESTION, Draft
from dialogs.engine import Problem
from dialogs.intake_steps import (
    PREFIX,
    Checked,
    IntakeContext,
    _text,
    button,
    kind_label,
    nav_row,
    service_name,
    service_of,
)
from dialogs.typed import core_text
from dialogs.ui import DialogInput, PickInput, Say, shorten
from domain.vocabulary import IdentityLevel

SHOWN_DESCRIPTION = 2000
"""Most of the description the summary shows (in Telegram's units): with the answers, the name and the note it
must stay under Telegram's 4096."""
NAMED_WORDS = frozenset({"named", "nama", "tampilkan nama", "show name", "show my name", "name", "bernama"})
CONFIDENTIAL_WORDS = frozenset({"confidential", "rahasia", "dirahasiakan", "rahasiakan", "keep it confidential",
                                "kerahasiaan"})
ANONYMOUS_WORDS = frozenset({"anonymous", "anonim", "anon", "sembunyikan nama", "hide my name", "stay anonymous",
                             "tanpa nama"})
IDENTITY_WORDS = {IdentityLevel.NAMED: NAMED_WORDS, IdentityLevel.CONFIDENTIAL: CONFIDENTIAL_WORDS,
                  IdentityLevel.ANONYMOUS: ANONYMOUS_WORDS}
"""What a complainant may type instead of pressing the identity buttons (the buttons' own labels are matched too)."""


# --- confirmation questions (dialogs.question_step) ------------------------------------------------------------
def current_question(draft: Draft, ctx: IntakeContext) -> Question | None:
    return question_step.current(draft, ctx)


def prompt_question(draft: Draft, ctx: IntakeContext) -> Say:
    return question_step.prompt(draft, ctx, PREFIX)


def accept_question(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    return question_step.accept(draft, given, ctx)


# --- identity (named, confidential, anonymous) ---------------------------------------------------------------
def prompt_anonymity(draft: Draft, ctx: IntakeContext) -> Say:
    """Who may see the complainant's name on this ticket (issue 15): each choice with one line saying who."""
    _ = ctx._
    return Say(
        _("Who may see your name on this report?") + "\n\n"
        + "• " + _("<b>Named</b>: the bureau's staff see your name.") + "\n"
        + "• " + _("<b>Confidential</b>: only {readers} see your name — never the staff group, the nonconformity "
                   "report (LK) or the bureau's reports.").format(readers=ctx.readers()) + "\n"
        + "• " + _("<b>Anonymous</b>: no staff member sees who you are; the answers still reach you here.") + "\n\n"
        + _("Staff read your description and your files whatever you choose: to stay unknown, leave your name, NRP "
            "and contact out of them."),
        (
            (button(ctx, "anonymity", _("Show my name"), IdentityLevel.NAMED),
             button(ctx, "anonymity", _("Keep it confidential"), IdentityLevel.CONFIDENTIAL)),
            (button(ctx, "anonymity", _("Stay anonymous"), IdentityLevel.ANONYMOUS),),
            nav_row(ctx, "anonymity"),
        ),
    )


def accept_anonymity(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    value = core_text(_text(given))
    for level, words in IDENTITY_WORDS.items():
        if value == level.value or value in words:
            return draft.with_(identity=level.value)
    return Problem(ctx._("Please choose one of the buttons."))


def identity_line(draft: Draft, ctx: IntakeContext) -> str:
    """The summary's line about the choice: the name and who sees it."""
    _ = ctx._
    if draft.identity == IdentityLevel.ANONYMOUS:
        identity = _("anonymous — no staff member sees your name")
    elif draft.identity == IdentityLevel.CONFIDENTIAL:
        identity = _("{name}, confidential — only {readers} see it").format(name=escape(ctx.person_name),
                                                                            readers=ctx.readers())
    else:
        identity = _("{name} — the bureau's staff see it").format(name=escape(ctx.person_name))
    return _("Identity: {identity}").format(identity=identity)


# --- summary and edit -----------------------------------------------------------------------------------
def standard_time_open(draft: Draft, ctx: IntakeContext) -> tuple[date, date] | None:
    """``(start, deadline)`` when the answers show the service's standard time has not yet passed."""
    service = service_of(draft, ctx)
    if service is None or draft.kind != COMPLAINT:
        return None
    for q in service.questions:
        value = draft.answers.get(q.id)
        if q.starts_standard_time and value:
            start = date.fromisoformat(value)
            deadline = ctx.calendar.add_working_days(start, service.standard_days)
            return (start, deadline) if ctx.today <= deadline else None
    return None


def standard_time_note(draft: Draft, ctx: IntakeContext) -> str:
    window = standard_time_open(draft, ctx)
    if window is None:
        return ""
    service = service_of(draft, ctx)
    assert service is not None
    return ctx._(
        "Note: the standard time of this service is {days} working days from {start}, so it ends on "
        "{deadline} and has not passed yet. Your complaint is still recorded."
    ).format(days=service.standard_days, start=format_date(window[0], ctx.locale),
             deadline=format_date(window[1], ctx.locale))


def summary_text(draft: Draft, ctx: IntakeContext) -> str:
    _ = ctx._
    title = _("Summary of your complaint") if draft.kind == COMPLAINT else _("Summary of your suggestion")
    lines = [f"<b>{title}</b>", _("Service: {service}").format(service=service_name(draft, ctx))]
    lines.append(_("Description: {text}").format(text=escape(shorten(draft.description or "", SHOWN_DESCRIPTION))))
    joined = metoo.summary_line(draft, ctx)
    if joined:
        lines.append(joined)
    if draft.files:
        lines.append(_("Attachments: {n}").format(n=len(draft.files)))
    if draft.kind == COMPLAINT:
        when = format_date(draft.occurred_on, ctx.locale) if draft.occurred_on else _("not sure")
        lines.append(_("When: {date}").format(date=when))
        lines += question_step.summary_lines(draft, ctx)
    lines.append(identity_line(draft, ctx))
    note = standard_time_note(draft, ctx)
    if note:
        lines.append("\n" + note)
    return "\n".join(lines)


def prompt_summary(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    text = summary_text(draft, ctx) + "\n\n" + _("Send it?")
    return Say(text, ((button(ctx, "summary", _("✅ Send"), "send"), button(ctx, "summary", _("✏️ Edit"), "edit"),
                       button(ctx, "summary", _("✖ Cancel"), "cancel")),))


def accept_summary(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    return Problem(ctx._("Please press Send, Edit or Cancel."))


EDITABLE = ("service", "description", "files", "when", "question", "anonymity")


def editable(draft: Draft, ctx: IntakeContext) -> list[str]:
    """The parts the edit step offers: a suggestion has no date, and only some services ask questions."""
    shown = [s for s in EDITABLE if s not in ("when", "question") or draft.kind == COMPLAINT]
    return shown if question_step.questions(draft, ctx) else [s for s in shown if s != "question"]


def prompt_edit(draft: Draft, ctx: IntakeContext) -> Say:
    _ = ctx._
    labels = {"service": _("Service"), "description": _("Description"), "files": _("Attachments"),
              "when": _("Date"), "question": _("Answers"), "anonymity": _("Identity")}
    row = [button(ctx, "edit", labels[s], s) for s in editable(draft, ctx)]
    rows = tuple(tuple(row[i : i + 3]) for i in range(0, len(row), 3))
    return Say(_("What would you like to change?"), (*rows, (button(ctx, "edit", _("« Back to summary"), "back"),)))


def accept_edit(draft: Draft, given: DialogInput, ctx: IntakeContext) -> Checked:
    """Clear the chosen part and mark the draft as returning to the summary."""
    value = given.value if isinstance(given, PickInput) else ""
    cleared: dict[str, dict[str, Any]] = {
        "service": {"service": None, "answers": {}, "question_index": 0, **metoo.reset()},
        "description": {"description": None, "overlong": {}, **metoo.reset()},
        "files": {"files": (), "files_done": False},
        "when": {"occurred_on": None, "when_done": False},
        "question": {"answers": {}, "question_index": 0},
        "anonymity": {"identity": None},
    }
    if value not in cleared or value not in editable(draft, ctx):  # a forged or stale button: not offered
        return Problem(ctx._("Please choose what to change with the buttons."))
    return draft.with_(returning=True, **cleared[value])


def acknowledgement(number: str, draft: Draft, ctx: IntakeContext, defaults: StandardTimes) -> Say:
    """What the complainant reads once the ticket is recorded: for a complaint, within how many working days an
    officer gives a verdict (the service's own confirm time, else the default in ``defaults``)."""
    _ = ctx._
    service = service_of(draft, ctx)
    confirm_days = standard_times(draft.service, ctx.catalogue, defaults).confirm
    if draft.kind == SUGGESTION:
        text = _("Thank you! Your suggestion is recorded as <b>{number}</b>.\n"
                 "The bureau reviews it and tells you here whether it is taken up.").format(number=number)
    else:
        text = _("Your complaint is recorded as <b>{number}</b>.\n"
                 "What happens next: an officer checks it against the procedure of the service within {days} "
                 "working days and tells you the result here.").format(number=number, days=confirm_days)
        if service is not None:
            text += "\n" + _("The service itself, {service}, normally takes {n} working days ({procedure}).").format(
                service=escape(service.display_name(ctx.locale)), n=service.standard_days,
                procedure=escape(service.procedure))
        note = standard_time_note(draft, ctx)
        if note:
            text += "\n\n" + note
    text += "\n\n" + _("Follow it with /status {number} or /my.").format(number=number)
    return Say(text)


def describe_kind(draft: Draft, ctx: IntakeContext) -> str:
    return kind_label(draft.kind, ctx._)


__all__ = ["OTHER_SERVICE", "acknowledgement", "prompt_summary"]
