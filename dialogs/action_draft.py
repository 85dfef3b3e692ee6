"""The action dialog: add an action (tindakan) to an LK's follow-up programme — SOP step d.

An action is a correction (koreksi: fix this case), a corrective action (tindakan korektif: remove the
cause) or a preventive action (tindakan pencegahan: stop it elsewhere), with an owner among the staff and
a due date. The handler stores it from ``Outcome(submit=True)``. ``action_draft.mmd`` is generated from
``TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum
from html import escape
from typing import Any, TypeAlias

from dialogs import answers, engine, long_text, ui
from dialogs.calendar import WorkingCalendar
from dialogs.dates import format_date
from dialogs.draft import iso_date, known_fields
from dialogs.due_dates import example_due, working_due
from dialogs.engine import Problem, StepSpec, Transition
from dialogs.staff_intake_steps import NO_CONTACT, check_contact
from dialogs.ui import ButtonRow, DialogInput, Gettext, PickInput, Say
from domain.vocabulary import ActionKind

DIALOG = "action_draft"
PREFIX = "ac"
KINDS: tuple[str, ...] = tuple(ActionKind)
"""Action kinds as stored with the action."""
MAX_OWNER_BUTTONS = 12
MAX_OWNER_NAME = 120
OUTSIDE = "outside"  # the owner button's value for someone outside the bot
MIN_DESCRIPTION, MAX_DESCRIPTION = 10, 1000
QUICK_DUE = {"wd3": 3, "wd10": 10}
"""Due-date buttons: value -> working days from today."""


@dataclass(frozen=True)
class ActionContext:
    """What the action dialog knows besides the draft: the staff who may own it, today (WIB), the calendar."""

    _: Gettext
    locale: str
    today: date
    calendar: WorkingCalendar
    staff: tuple[tuple[int, str], ...]  # (person_id, name)
    lk_number: str | None = None


@dataclass(frozen=True)
class ActionDraft:
    """The action being written; ``returning`` while editing from the summary; ``overlong``: a too-long text."""

    kind: str | None = None
    description: str | None = None
    owner_id: int | None = None
    #: An owner outside the bot (a unit or a person who does not use it): their name and contact; reminders for
    #: the action go to the LK's officer.
    outside: bool = False
    owner_name: str | None = None
    owner_contact: str | None = None
    owner_contact_done: bool = False
    due_on: date | None = None
    #: The date typed when it was no working day (``due_on`` is then the next one): the summary says so.
    due_asked: date | None = None
    returning: bool = False
    overlong: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes: Any) -> ActionDraft:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due_on"] = self.due_on.isoformat() if self.due_on else None
        data["due_asked"] = self.due_asked.isoformat() if self.due_asked else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionDraft:
        """Rebuild a stored draft; unknown keys are ignored so older rows still load."""
        known = known_fields(cls, data)
        known["due_on"] = iso_date(known.get("due_on"))
        known["due_asked"] = iso_date(known.get("due_asked"))
        known["overlong"] = dict(known.get("overlong") or {})
        return cls(**known)


class Step(StrEnum):
    KIND = "kind"
    DESCRIPTION = "description"
    OWNER = "owner"
    OWNER_NAME = "owner_name"
    OWNER_CONTACT = "owner_contact"
    DUE = "due"
    SUMMARY = "summary"
    EDIT = "edit"
    SAVED = "saved"


Checked = ActionDraft | Problem


def button(step: str, label: str, value: str) -> tuple[str, str]:
    return ui.button(PREFIX, step, label, value)


def nav_row(ctx: ActionContext, step: str, *, back: bool = True) -> ButtonRow:
    return ui.nav_row(PREFIX, ctx._, step, back=back)


def kind_label(kind: str | None, _: Gettext) -> str:
    labels = {"correction": _("Correction"), "corrective": _("Corrective action"),
              "preventive": _("Preventive action")}
    return labels.get(kind or "", escape(kind or "?"))


def owner_name(draft: ActionDraft, ctx: ActionContext) -> str:
    """The owner as the summary shows them: a staff member, or a name and contact outside the bot."""
    if draft.outside:
        shown = escape(draft.owner_name or "?")
        if draft.owner_contact:
            shown += f" ({escape(draft.owner_contact)})"
        return shown + " — " + ctx._("outside the bot; its reminders go to the LK's officer")
    name = next((name for pid, name in ctx.staff if pid == draft.owner_id), None)
    return escape(name) if name is not None else f"#{draft.owner_id}"


# --- steps ----------------------------------------------------------------------------------------------------
def prompt_kind(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    title = _("New action for {lk}").format(lk=escape(ctx.lk_number)) if ctx.lk_number else _("New action")
    explained = {"correction": _("Correction: fix this case"), "corrective": _("Corrective action: remove the cause"),
                 "preventive": _("Preventive action: stop it elsewhere")}
    rows = tuple((button("kind", explained[kind], kind),) for kind in KINDS)
    return Say(f"<b>{title}</b>\n" + _("Which kind of action is it?"), (*rows, nav_row(ctx, "kind", back=False)))


def accept_kind(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    if isinstance(given, PickInput) and given.value in KINDS:
        return draft.with_(kind=given.value)
    return Problem(ctx._("Please choose the kind of action with the buttons."))


def prompt_description(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    text = _("{kind}: what exactly is to be done?").format(kind=kind_label(draft.kind, _))
    limits = (MIN_DESCRIPTION, MAX_DESCRIPTION)
    return long_text.prompt(text, draft.overlong, PREFIX, "description", limits, nav_row(ctx, "description"), _)


def accept_description(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    checked = answers.long_answer(given, draft.overlong, "description", ctx._, MIN_DESCRIPTION, MAX_DESCRIPTION)
    return answers.settle(draft, "description", "description", checked)


def prompt_owner(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    if not ctx.staff:
        return Say(_("No staff member can own the action yet (an admin adds staff): choose someone outside the bot."),
                   _owner_rows(ctx, ()))
    shown = ctx.staff[:MAX_OWNER_BUTTONS]
    text = _("Who is responsible for it? Choose a staff member, type a name, or choose someone outside the bot "
             "(a unit or a person who does not use it).")
    return Say(text, _owner_rows(ctx, shown))


def _owner_rows(ctx: ActionContext, shown: tuple[tuple[int, str], ...]) -> tuple[ButtonRow, ...]:
    buttons = [button("owner", name[:40], str(pid)) for pid, name in shown]
    outside = (button("owner", ctx._("👤 Someone outside the bot"), OUTSIDE),)
    return (*ui.grid(buttons, 2), outside, nav_row(ctx, "owner"))


def accept_owner(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked | Say:
    _ = ctx._
    if isinstance(given, PickInput):
        if given.value == OUTSIDE:
            return draft.with_(owner_id=None, outside=True)
        chosen = next((pid for pid, _name in ctx.staff if str(pid) == given.value), None)
        if chosen is not None:
            return draft.with_(owner_id=chosen, outside=False, owner_name=None, owner_contact=None,
                               owner_contact_done=False)
        return Problem(_("That person is not in the list any more. Please choose again."))
    typed = " ".join(answers.text_of(given).split())
    wanted = typed.casefold()
    found = tuple((pid, name) for pid, name in ctx.staff if wanted and wanted in " ".join(name.casefold().split()))
    if len(found) == 1:
        return draft.with_(owner_id=found[0][0], outside=False)
    if found:
        return Say(_("Several staff members match “{typed}”: which one?").format(typed=escape(typed[:60])),
                   _owner_rows(ctx, found[:MAX_OWNER_BUTTONS]))
    return Problem(_("No staff member is called “{typed}”. Choose one from the list, or press “Someone outside the "
                     "bot” for an owner who does not use it.").format(typed=escape(typed[:60])))


def prompt_owner_name(draft: ActionDraft, ctx: ActionContext) -> Say:
    return Say(ctx._("Who owns it outside the bot? The unit or the person, for example “Bagian Keuangan, Pak "
                     "Budi”."), (nav_row(ctx, "owner_name"),))


def accept_owner_name(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    typed = " ".join(answers.text_of(given).split()) if not isinstance(given, PickInput) else ""
    if sum(ch.isalpha() for ch in typed) < 2:
        return Problem(ctx._("Please type the name of the unit or the person."))
    if len(typed) > MAX_OWNER_NAME:
        return Problem(ctx._("Please keep the name under {n} characters.").format(n=MAX_OWNER_NAME))
    return draft.with_(owner_name=typed)


def prompt_owner_contact(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    return Say(_("How can {name} be reached (a phone number or an e-mail address)? The bot cannot write to them: "
                 "the reminders for this action go to you, the LK's officer.").format(name=escape(draft.owner_name
                                                                                              or "?")),
               ((button("owner_contact", _("No contact"), NO_CONTACT),), nav_row(ctx, "owner_contact")))


def accept_owner_contact(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    if isinstance(given, PickInput):
        if given.value == NO_CONTACT:
            return draft.with_(owner_contact=None, owner_contact_done=True)
        return Problem(ctx._("Please type the contact, or press “No contact”."))
    checked = check_contact(" ".join(answers.text_of(given).split()), ctx._)
    return checked if isinstance(checked, Problem) else draft.with_(owner_contact=checked, owner_contact_done=True)


def quick_due(value: str, ctx: ActionContext) -> date | None:
    days = QUICK_DUE.get(value)
    return ctx.calendar.add_working_days(ctx.today, days) if days is not None else None


def prompt_due(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    labels = {"wd3": _("In 3 working days ({date})"), "wd10": _("In 10 working days ({date})")}
    row = tuple(button("due", labels[v].format(date=format_date(d, ctx.locale)), v)
                for v in QUICK_DUE if (d := quick_due(v, ctx)) is not None)
    text = _("By when must it be done? Type a date (for example {example}) or choose below.").format(
        example=example_due(ctx.today, ctx.calendar))
    return Say(text, (row, nav_row(ctx, "due")))


def accept_due(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    if isinstance(given, PickInput):
        due = quick_due(given.value, ctx)
        if due is None:
            return Problem(ctx._("Please choose one of the buttons."))
        return draft.with_(due_on=due, due_asked=None)
    parsed = answers.coming_date(given, ctx.today, ctx._, ctx.locale)
    if isinstance(parsed, Problem):
        return parsed
    due, _note = working_due(parsed, ctx.calendar, ctx._, ctx.locale)  # a holiday or weekend: the next working day
    return draft.with_(due_on=due, due_asked=parsed if due != parsed else None)


def summary_text(draft: ActionDraft, ctx: ActionContext) -> str:
    _ = ctx._
    title = _("New action for {lk}").format(lk=escape(ctx.lk_number)) if ctx.lk_number else _("New action")
    due = format_date(draft.due_on, ctx.locale) if draft.due_on else "—"
    moved = working_due(draft.due_asked, ctx.calendar, _, ctx.locale)[1] if draft.due_asked else ""
    return "\n".join([
        f"<b>{title}</b>",
        _("Kind: {kind}").format(kind=kind_label(draft.kind, _)),
        _("What: {text}").format(text=escape(draft.description or "")),
        _("Owner: {name}").format(name=owner_name(draft, ctx)),
        _("Due: {date}").format(date=due),
        *([f"ℹ️ {moved}"] if moved else []),
    ])


def prompt_summary(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    return Say(summary_text(draft, ctx) + "\n\n" + _("Add this action?"),
               ((button("summary", _("✅ Save"), "save"), button("summary", _("✏️ Edit"), "edit"),
                 button("summary", _("✖ Cancel"), "cancel")),))


def accept_summary(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    return Problem(ctx._("Please press Save, Edit or Cancel."))


CLEARED: dict[str, dict[str, Any]] = {
    "kind": {"kind": None}, "description": {"description": None},
    "owner": {"owner_id": None, "outside": False, "owner_name": None, "owner_contact": None,
              "owner_contact_done": False},
    "due": {"due_on": None, "due_asked": None},
}


def prompt_edit(draft: ActionDraft, ctx: ActionContext) -> Say:
    _ = ctx._
    labels = {"kind": _("Kind"), "description": _("Description"), "owner": _("Owner"), "due": _("Due date")}
    row = [button("edit", labels[part], part) for part in CLEARED]
    back = (button("edit", _("« Back to summary"), "back"),)
    return Say(_("What would you like to change?"), (*ui.grid(row, 2), back))


def accept_edit(draft: ActionDraft, given: DialogInput, ctx: ActionContext) -> Checked:
    value = given.value if isinstance(given, PickInput) else ""
    if value not in CLEARED:
        return Problem(ctx._("Please choose what to change with the buttons."))
    return draft.with_(returning=True, **CLEARED[value])


# --- the table ------------------------------------------------------------------------------------------------
Spec = StepSpec[ActionDraft, ActionContext]

STEPS: dict[Step, Spec] = {
    Step.KIND: Spec(prompt_kind, accept_kind, lambda d, c: d.kind is not None),
    Step.DESCRIPTION: Spec(prompt_description, accept_description, lambda d, c: d.description is not None),
    Step.OWNER: Spec(prompt_owner, accept_owner, lambda d, c: d.owner_id is not None or d.outside),
    Step.OWNER_NAME: Spec(prompt_owner_name, accept_owner_name, lambda d, c: d.owner_name is not None),
    Step.OWNER_CONTACT: Spec(prompt_owner_contact, accept_owner_contact, lambda d, c: d.owner_contact_done),
    Step.DUE: Spec(prompt_due, accept_due, lambda d, c: d.due_on is not None),
    Step.SUMMARY: Spec(prompt_summary, accept_summary, lambda d, c: False),
    Step.EDIT: Spec(prompt_edit, accept_edit, lambda d, c: False),
}

TRANSITIONS: tuple[Transition[Step, ActionDraft, ActionContext], ...] = (
    Transition(Step.KIND, Step.DESCRIPTION, "correction / corrective / preventive"),
    Transition(Step.DESCRIPTION, Step.OWNER, "what is to be done (too long: kept, cut or sent again)"),
    Transition(Step.OWNER, Step.OWNER_NAME, "someone outside the bot", lambda d, c: d.outside),
    Transition(Step.OWNER, Step.DUE, "staff button, or typed name"),
    Transition(Step.OWNER_NAME, Step.OWNER_CONTACT, "the unit or person"),
    Transition(Step.OWNER_CONTACT, Step.DUE, "phone / e-mail, or no contact"),
    Transition(Step.DUE, Step.SUMMARY, "in 3 / 10 working days, or a date from today on (a day off: the next "
                                       "working day)"),
    Transition(Step.SUMMARY, Step.SAVED, "Save: added to the follow-up programme"),
    Transition(Step.SUMMARY, Step.EDIT, "Edit"),
    Transition(Step.EDIT, Step.KIND, "kind"),
    Transition(Step.EDIT, Step.DESCRIPTION, "description"),
    Transition(Step.EDIT, Step.OWNER, "owner"),
    Transition(Step.EDIT, Step.DUE, "due date"),
    Transition(Step.EDIT, Step.SUMMARY, "back to summary"),
)


def _cancelled(ctx: ActionContext) -> str:
    return ctx._("Cancelled. No action was added.")


FLOW: engine.Dialog[Step, ActionDraft, ActionContext] = engine.Dialog(
    name=DIALOG, prefix=PREFIX, draft_type=ActionDraft, steps=STEPS, transitions=TRANSITIONS,
    first=Step.KIND, summary=Step.SUMMARY, final=Step.SAVED, edit=Step.EDIT, cancel_text=_cancelled,
    submit_value="save", entry_label="Add action on an LK (officer)",
)

Outcome: TypeAlias = engine.Outcome[Step, ActionDraft]
start = FLOW.start
prompt = FLOW.prompt
handle = FLOW.handle
restore = FLOW.restore
mermaid = FLOW.mermaid

if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("action_draft.mmd").write_text(mermaid(), encoding="utf-8")
