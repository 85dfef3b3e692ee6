"""The staff intake dialog: an officer records a ticket that came by another channel (SOP step a).

A letter, an e-mail, a phone call, a social media post, a note from the suggestion box or a visit to the
counter becomes a ticket like one filed in the bot. Declared as data for ``dialogs.engine``;
``staff_intake.mmd`` beside this file is generated from ``TRANSITIONS`` (``python -m dialogs.staff_intake``).
The final Save gives ``Outcome(submit=True)`` with the draft: the handler creates the ticket.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape
from typing import Any, TypeAlias

from dialogs import answers, engine
from dialogs import staff_intake_steps as steps
from dialogs.dates import format_date
from dialogs.engine import Problem, StepSpec, Transition
from dialogs.intake_steps import IntakeContext, kind_label
from dialogs.staff_intake_steps import CHANNELS, StaffIntakeDraft, button, channel_label
from dialogs.ui import DialogInput, PickInput, Say, grid, shorten

DIALOG = "staff_intake"
PREFIX = steps.PREFIX


class Step(StrEnum):
    CHANNEL = "channel"
    KIND = "kind"
    SERVICE = "service"
    NAME = "name"
    CONTACT = "contact"
    DESCRIPTION = "description"
    FILES = "files"
    RECEIVED = "received"
    SUMMARY = "summary"
    EDIT = "edit"
    SAVED = "saved"


Draft = StaffIntakeDraft
SHOWN_DESCRIPTION = 2000
"""Most of the description the summary shows (in Telegram's units), so that it stays under Telegram's 4096."""
Spec = StepSpec[StaffIntakeDraft, IntakeContext]


# --- summary and edit ---------------------------------------------------------------------------------------
def summary_text(draft: StaffIntakeDraft, ctx: IntakeContext) -> str:
    _ = ctx._
    lines = [
        "<b>" + _("New ticket from: {channel}").format(channel=channel_label(draft.channel, _)) + "</b>",
        _("Kind: {kind}").format(kind=kind_label(draft.kind, _)),
        _("Service: {service}").format(service=answers.service_label(draft.service, ctx.catalogue, ctx.locale, _)),
        _("Complainant: {name}").format(name=escape(draft.name) if draft.name else _("unknown")),
        _("Contact: {contact}").format(contact=escape(draft.contact) if draft.contact else _("none")),
        _("Description: {text}").format(text=escape(shorten(draft.description or "", SHOWN_DESCRIPTION))),
    ]
    if draft.files:
        lines.append(_("Attachments: {n}").format(n=len(draft.files)))
    if draft.received_on is not None:
        lines.append(_("Received: {date}").format(date=format_date(draft.received_on, ctx.locale)))
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
    "kind": {"kind": None},
    "service": {"service": None},
    "name": {"name": None, "name_done": False},
    "contact": {"contact": None, "contact_done": False},
    "description": {"description": None},
    "files": {"files": (), "files_done": False},
    "received": {"received_on": None},
}
"""What choosing a part on the edit step clears (the keys are the steps that ask it again)."""


def prompt_edit(draft: StaffIntakeDraft, ctx: IntakeContext) -> Say:
    _ = ctx._
    labels = {"channel": _("Channel"), "kind": _("Kind"), "service": _("Service"), "name": _("Complainant"),
              "contact": _("Contact"), "description": _("Description"), "files": _("Attachments"),
              "received": _("Date")}
    row = [button("edit", labels[part], part) for part in CLEARED]
    return Say(_("What would you like to change?"),
               (*grid(row, 3), (button("edit", _("« Back to summary"), "back"),)))


def accept_edit(draft: StaffIntakeDraft, given: DialogInput, ctx: IntakeContext) -> StaffIntakeDraft | Problem:
    """Clear the chosen part and mark the draft as returning to the summary."""
    value = given.value if isinstance(given, PickInput) else ""
    if value not in CLEARED:
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
    Step.KIND: Spec(steps.prompt_kind, steps.accept_kind, lambda d, c: d.kind is not None),
    Step.SERVICE: Spec(steps.prompt_service, steps.accept_service, lambda d, c: d.service is not None),
    Step.NAME: Spec(steps.prompt_name, steps.accept_name, lambda d, c: d.name_done),
    Step.CONTACT: Spec(steps.prompt_contact, steps.accept_contact, lambda d, c: d.contact_done),
    Step.DESCRIPTION: Spec(steps.prompt_description, steps.accept_description, lambda d, c: d.description is not None),
    Step.FILES: Spec(steps.prompt_files, steps.accept_files, lambda d, c: d.files_done),
    Step.RECEIVED: Spec(steps.prompt_received, steps.accept_received, lambda d, c: d.received_on is not None),
    Step.SUMMARY: Spec(prompt_summary, accept_summary, lambda d, c: False),
    Step.EDIT: Spec(prompt_edit, accept_edit, lambda d, c: False),
}

TRANSITIONS: tuple[Transition[Step, StaffIntakeDraft, IntakeContext], ...] = (
    Transition(Step.CHANNEL, Step.KIND, "letter / e-mail / phone / social media / suggestion box / walk-in"),
    Transition(Step.KIND, Step.SERVICE, "complaint / suggestion"),
    Transition(Step.SERVICE, Step.NAME, "button, or typed name matched"),
    Transition(Step.NAME, Step.CONTACT, "name, or unknown / anonymous"),
    Transition(Step.CONTACT, Step.DESCRIPTION, "phone / e-mail / account / address, or no contact"),
    Transition(Step.DESCRIPTION, Step.FILES, "text, or photo / PDF with caption"),
    Transition(Step.FILES, Step.RECEIVED, "done"),
    Transition(Step.RECEIVED, Step.SUMMARY, "date received (not in the future)"),
    Transition(Step.SUMMARY, Step.SAVED, "Save: the ticket gets its number"),
    Transition(Step.SUMMARY, Step.EDIT, "Edit"),
    Transition(Step.EDIT, Step.CHANNEL, "channel"),
    Transition(Step.EDIT, Step.KIND, "kind"),
    Transition(Step.EDIT, Step.SERVICE, "service"),
    Transition(Step.EDIT, Step.NAME, "complainant"),
    Transition(Step.EDIT, Step.CONTACT, "contact"),
    Transition(Step.EDIT, Step.DESCRIPTION, "description"),
    Transition(Step.EDIT, Step.FILES, "attachments"),
    Transition(Step.EDIT, Step.RECEIVED, "date"),
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
