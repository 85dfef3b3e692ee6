"""The staff intake dialog: an officer records a ticket that came by another channel (SOP step a).

A letter, an e-mail, a phone call, a social media post, a note from the suggestion box or a visit to the
counter becomes a ticket like one filed in the bot: a letter's agenda number (nomor agenda), when it reached
us and when it happened, and for a complaint the service's confirmation questions, as the chat intake asks
them. Declared as data for ``dialogs.engine``;
``staff_intake.mmd`` beside this file is generated from ``TRANSITIONS`` (``python -m dialogs.staff_intake``).
The final Save gives ``Outcome(submit=True)`` with the draft: the handler creates the ticket.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape
from typing import Any, TypeAlias

from dialogs import answers, engine, question_step
from dialogs import staff_intake_case as case
from dialogs import staff_intake_steps as steps
from dialogs.dates import format_date
from dialogs.draft import COMPLAINT
from dialogs.engine import Problem, StepSpec, Transition
from dialogs.intake_steps import IntakeContext, kind_label
from dialogs.staff_intake_steps import CHANNELS, LETTER, StaffIntakeDraft, button, channel_label
from dialogs.ui import DialogInput, Gettext, PickInput, Say, grid, shorten
from domain.vocabulary import IdentityLevel

DIALOG = "staff_intake"
PREFIX = steps.PREFIX


class Step(StrEnum):
    CHANNEL = "channel"
    AGENDA = "agenda"
    KIND = "kind"
    SERVICE = "service"
    NAME = "name"
    CONTACT = "contact"
    IDENTITY = "identity"
    DESCRIPTION = "description"
    FILES = "files"
    RECEIVED = "received"
    WHEN = "when"
    QUESTION = "question"
    SUMMARY = "summary"
    EDIT = "edit"
    SAVED = "saved"


Draft = StaffIntakeDraft
SHOWN_DESCRIPTION = 1500
"""Most of the description the summary shows (in Telegram's units): with the answers, the names and the contact
it must stay under Telegram's 4096."""
Spec = StepSpec[StaffIntakeDraft, IntakeContext]


def _is_letter(d: StaffIntakeDraft, c: IntakeContext) -> bool:
    return d.channel == LETTER


def _is_complaint(d: StaffIntakeDraft, c: IntakeContext) -> bool:
    return d.kind == COMPLAINT


def _known(d: StaffIntakeDraft, c: IntakeContext) -> bool:
    return steps.known(d)


def level_of(draft: StaffIntakeDraft) -> str:
    """The ticket's identity level: the choice, anonymous when nothing of the complainant is known (named for a
    draft saved before the choice was asked)."""
    if not steps.known(draft):
        return IdentityLevel.ANONYMOUS
    return draft.identity or IdentityLevel.NAMED


def identity_level(draft: StaffIntakeDraft, _: Gettext) -> str:
    level = level_of(draft)
    if level == IdentityLevel.NAMED:
        return _("named")
    return _("confidential") if level == IdentityLevel.CONFIDENTIAL else _("anonymous")


def _more_questions(d: StaffIntakeDraft, c: IntakeContext) -> bool:
    return question_step.more(d, c)


# --- summary and edit ---------------------------------------------------------------------------------------
def summary_text(draft: StaffIntakeDraft, ctx: IntakeContext) -> str:
    _ = ctx._
    lines = ["<b>" + _("New ticket from: {channel}").format(channel=channel_label(draft.channel, _)) + "</b>"]
    if draft.channel == LETTER:
        number = escape(draft.agenda_number) if draft.agenda_number else _("none")
        lines.append(_("Agenda number: {number}").format(number=number))
    lines += [
        _("Kind: {kind}").format(kind=kind_label(draft.kind, _)),
        _("Service: {service}").format(service=answers.service_label(draft.service, ctx.catalogue, ctx.locale, _)),
        _("Complainant: {name}").format(name=escape(draft.name) if draft.name else _("unknown")),
        _("Contact: {contact}").format(contact=escape(draft.contact) if draft.contact else _("none")),
        _("Identity: {level}").format(level=identity_level(draft, _)),
        _("Description: {text}").format(text=escape(shorten(draft.description or "", SHOWN_DESCRIPTION))),
    ]
    if draft.files:
        lines.append(_("Attachments: {n}").format(n=len(draft.files)))
    if draft.received_on is not None:
        lines.append(_("Received: {date}").format(date=format_date(draft.received_on, ctx.locale)))
    if draft.kind == COMPLAINT:
        when = format_date(draft.occurred_on, ctx.locale) if draft.occurred_on else _("not sure")
        lines.append(_("Happened: {date}").format(date=when))
        lines += question_step.summary_lines(draft, ctx)
    return "\n".join(lines)


def prompt_summary(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    return Say(summary_text(draft, ctx) + "\n\n" + _("Save it as a ticket?"),
               ((button("summary", _("✅ Save"), "save"), button("summary", _("✏️ Edit"), "edit"),
                 button("summary", _("✖ Cancel"), "cancel")),))


def accept_summary(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> StaffIntakeDraft | Problem:
    return Problem(ctx._("Please press Save, Edit or Cancel."))


CLEARED: dict[str, dict[str, Any]] = {
    "channel": {"channel": None},
    "agenda": {"agenda_number": None, "agenda_done": False},
    "kind": {"kind": None},
    "service": {"service": None},
    "name": {"name": None, "name_done": False},
    "contact": {"contact": None, "contact_done": False},
    "identity": {"identity": None},
    "description": {"description": None, "overlong": {}},
    "files": {"files": (), "files_done": False},
    "received": {"received_on": None},
    "when": {"occurred_on": None, "when_done": False},
    "question": {"answers": {}, "question_index": 0},
}
"""What choosing a part on the edit step clears (the keys are the steps that ask it again)."""


def editable(draft: StaffIntakeDraft, ctx: IntakeContext) -> list[str]:
    """The parts the edit step offers: the agenda number of a letter, the date and answers of a complaint."""
    offered = {"agenda": draft.channel == LETTER, "when": draft.kind == COMPLAINT, "identity": steps.known(draft),
               "question": bool(question_step.questions(draft, ctx))}
    return [part for part in CLEARED if offered.get(part, True)]


def prompt_edit(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    labels = {"channel": _("Channel"), "agenda": _("Agenda number"), "kind": _("Kind"), "service": _("Service"),
              "name": _("Complainant"), "contact": _("Contact"), "identity": _("Identity"),
              "description": _("Description"),
              "files": _("Attachments"), "received": _("Date received"), "when": _("Date it happened"),
              "question": _("Answers")}
    row = [button("edit", labels[part], part) for part in editable(draft, ctx)]
    return Say(_("What would you like to change?"),
               (*grid(row, 3), (button("edit", _("« Back to summary"), "back"),)))


def accept_edit(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> StaffIntakeDraft | Problem:
    """Clear the chosen part and mark the draft as returning to the summary."""
    value = given.value if isinstance(given, PickInput) else ""
    if value not in editable(draft, ctx):  # also a forged or stale button: not offered
        return Problem(ctx._("Please choose what to change with the buttons."))
    return draft.with_(returning=True, **CLEARED[value])


def saved(number: str, draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    """What the officer reads once the handler has created the ticket."""
    _ = ctx._
    text = _("Recorded as <b>{number}</b> (from: {channel}).").format(
        number=escape(number), channel=channel_label(draft.channel, _))
    if draft.contact is None:
        text += "\n" + _("There is no contact: the answer cannot be sent to the complainant by the bot.")
    return Say(text)


STEPS: dict[Step, Spec] = {
    Step.CHANNEL: Spec(steps.prompt_channel, steps.accept_channel, lambda d, c: d.channel is not None),
    Step.AGENDA: Spec(steps.prompt_agenda, steps.accept_agenda, lambda d, c: d.agenda_done),
    Step.KIND: Spec(steps.prompt_kind, steps.accept_kind, lambda d, c: d.kind is not None),
    Step.SERVICE: Spec(steps.prompt_service, steps.accept_service, lambda d, c: d.service is not None),
    Step.NAME: Spec(steps.prompt_name, steps.accept_name, lambda d, c: d.name_done),
    Step.CONTACT: Spec(steps.prompt_contact, steps.accept_contact, lambda d, c: d.contact_done),
    Step.IDENTITY: Spec(steps.prompt_identity, steps.accept_identity, lambda d, c: d.identity is not None),
    Step.DESCRIPTION: Spec(case.prompt_description, case.accept_description, lambda d, c: d.description is not None),
    Step.FILES: Spec(case.prompt_files, case.accept_files, lambda d, c: d.files_done),
    Step.RECEIVED: Spec(case.prompt_received, case.accept_received, lambda d, c: d.received_on is not None),
    Step.WHEN: Spec(case.prompt_when, case.accept_when, lambda d, c: d.when_done),
    Step.QUESTION: Spec(case.prompt_question, case.accept_question, lambda d, c: not _more_questions(d, c)),
    Step.SUMMARY: Spec(prompt_summary, accept_summary, lambda d, c: False),
    Step.EDIT: Spec(prompt_edit, accept_edit, lambda d, c: False),
}

TRANSITIONS: tuple[Transition[Step, StaffIntakeDraft, IntakeContext], ...] = (
    Transition(Step.CHANNEL, Step.AGENDA, "letter", _is_letter),
    Transition(Step.CHANNEL, Step.KIND, "e-mail / phone / social media / suggestion box / walk-in"),
    Transition(Step.AGENDA, Step.KIND, "agenda number, or no number"),
    Transition(Step.KIND, Step.SERVICE, "complaint / suggestion"),
    Transition(Step.SERVICE, Step.NAME, "button, or typed name matched"),
    Transition(Step.NAME, Step.CONTACT, "name, or unknown / anonymous"),
    Transition(Step.CONTACT, Step.IDENTITY, "phone / e-mail / account / address, or no contact (a name or contact "
                                            "given)", _known),
    Transition(Step.CONTACT, Step.DESCRIPTION, "no name, no contact: anonymous"),
    Transition(Step.IDENTITY, Step.DESCRIPTION, "named / confidential / anonymous"),
    Transition(Step.DESCRIPTION, Step.FILES, "text, or photo / PDF with caption (too long: kept, cut or sent again)"),
    Transition(Step.FILES, Step.RECEIVED, "done"),
    Transition(Step.RECEIVED, Step.WHEN, "date received (complaint)", _is_complaint),
    Transition(Step.RECEIVED, Step.SUMMARY, "date received (suggestion)"),
    Transition(Step.WHEN, Step.QUESTION, "date it happened, or not sure (service has questions)", _more_questions),
    Transition(Step.WHEN, Step.SUMMARY, "date it happened, or not sure (no questions)"),
    Transition(Step.QUESTION, Step.QUESTION, "next question (an optional one: Skip)", _more_questions),
    Transition(Step.QUESTION, Step.SUMMARY, "last answer, or skipped"),
    Transition(Step.SUMMARY, Step.SAVED, "Save: the ticket gets its number"),
    Transition(Step.SUMMARY, Step.EDIT, "Edit"),
    Transition(Step.EDIT, Step.CHANNEL, "channel"),
    Transition(Step.EDIT, Step.AGENDA, "agenda number"),
    Transition(Step.EDIT, Step.KIND, "kind"),
    Transition(Step.EDIT, Step.SERVICE, "service"),
    Transition(Step.EDIT, Step.NAME, "complainant"),
    Transition(Step.EDIT, Step.CONTACT, "contact"),
    Transition(Step.EDIT, Step.IDENTITY, "identity"),
    Transition(Step.EDIT, Step.DESCRIPTION, "description"),
    Transition(Step.EDIT, Step.FILES, "attachments"),
    Transition(Step.EDIT, Step.RECEIVED, "date received"),
    Transition(Step.EDIT, Step.WHEN, "date it happened"),
    Transition(Step.EDIT, Step.QUESTION, "answers"),
    Transition(Step.EDIT, Step.SUMMARY, "back to summary"),
)


def _cancelled(ctx: IntakeContext) -> str:
    return ctx._("Cancelled. Nothing was saved.")


FLOW: engine.Dialog[Step, StaffIntakeDraft, IntakeContext] = engine.Dialog(
    name=DIALOG,
    prefix=PREFIX,
    draft_type=StaffIntakeDraft,
    steps=STEPS,
    transitions=TRANSITIONS,
    first=Step.CHANNEL,
    summary=Step.SUMMARY,
    final=Step.SAVED,
    edit=Step.EDIT,
    cancel_text=_cancelled,
    submit_value="save",
    repeats={Step.QUESTION: engine.Repeat("q", lambda d: d.question_index, lambda d, i: d.with_(question_index=i))},
    entry_label="/intake (officer)",
)

Outcome: TypeAlias = engine.Outcome[Step, StaffIntakeDraft]
start = FLOW.start
prompt = FLOW.prompt
handle = FLOW.handle
back = FLOW.back
restore = FLOW.restore
mermaid = FLOW.mermaid

__all__ = [
    "CHANNELS", "DIALOG", "FLOW", "PREFIX", "STEPS", "TRANSITIONS", "Draft", "IntakeContext", "Outcome",
    "StaffIntakeDraft", "Step", "back", "channel_label", "handle", "mermaid", "prompt", "restore", "saved", "start",
    "summary_text",
]

if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("staff_intake.mmd").write_text(mermaid(), encoding="utf-8")
