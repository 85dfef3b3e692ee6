"""The LK dialog: an officer writes a nonconformity report (Laporan Ketidaksesuaian, LK) — SOP step c.

Started with ``/lk new KEL-… KEL-…`` for one or more confirmed tickets: the officer describes the
nonconformity, names the procedure it departs from and the root cause, then saves. The handler creates the
LK (number, prepared by) from ``Outcome(submit=True)``. ``lk_draft.mmd`` is generated from ``TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from html import escape
from typing import Any, TypeAlias

from dialogs import answers, engine, long_text, ui
from dialogs.draft import known_fields
from dialogs.engine import Problem, StepSpec, Transition
from dialogs.ui import ButtonRow, DialogInput, Gettext, PickInput, Say

DIALOG = "lk_draft"
PREFIX = "ld"  # not "lk": the LK workflow buttons (lk:check:…) use that
SERVICE_PROCEDURE = "service"
"""The procedure button's value: the procedure of the linked tickets' service (from the context)."""
MIN_PROCEDURE, MAX_PROCEDURE = 3, 256  # the LK's procedure_ref is a VARCHAR(256)
LIMITS = (answers.MIN_TEXT, answers.MAX_TEXT)
"""The shortest and longest description and root cause (a longer one is kept, to be cut or sent again)."""
SHOWN_TEXT = 1500
"""Most of the description and of the root cause the summary shows (in Telegram's units): both, with the
procedure, must stay under Telegram's 4096."""


@dataclass(frozen=True)
class LkContext:
    """What the LK dialog knows besides the draft: the linked tickets and their service's procedure."""

    _: Gettext
    locale: str
    ticket_numbers: tuple[str, ...]
    service_name: str | None = None
    procedure: str | None = None


@dataclass(frozen=True)
class LkDraft:
    """The LK being written; ``returning`` while editing from the summary; ``overlong``: a too-long text by step."""

    description: str | None = None
    procedure_ref: str | None = None
    root_cause: str | None = None
    returning: bool = False
    overlong: dict[str, str] = field(default_factory=dict)

    def with_(self, **changes: Any) -> LkDraft:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LkDraft:
        """Rebuild a stored draft; unknown keys are ignored so older rows still load."""
        known = known_fields(cls, data)
        known["overlong"] = dict(known.get("overlong") or {})
        return cls(**known)


class Step(StrEnum):
    DESCRIPTION = "description"
    PROCEDURE = "procedure"
    ROOT_CAUSE = "root_cause"
    SUMMARY = "summary"
    EDIT = "edit"
    SAVED = "saved"


Checked = LkDraft | Problem


def button(step: str, label: str, value: str) -> tuple[str, str]:
    return ui.button(PREFIX, step, label, value)


def nav_row(ctx: LkContext, step: str, *, back: bool = True) -> ButtonRow:
    return ui.nav_row(PREFIX, ctx._, step, back=back)


def _tickets(ctx: LkContext) -> str:
    return escape(", ".join(ctx.ticket_numbers)) or "—"


# --- steps ----------------------------------------------------------------------------------------------------
def prompt_description(draft: LkDraft, ctx: LkContext) -> Say:
    _ = ctx._
    lines = ["<b>" + _("New LK for {tickets}").format(tickets=_tickets(ctx)) + "</b>"]
    if ctx.service_name:
        lines.append(_("Service: {service}").format(service=escape(ctx.service_name)))
    lines.append(_("Describe the nonconformity: what happened, and how it differs from what the procedure "
                   "requires."))
    return long_text.prompt("\n".join(lines), draft.overlong, PREFIX, "description", LIMITS,
                            nav_row(ctx, "description", back=False), _)


def accept_description(draft: LkDraft, given: DialogInput, ctx: LkContext) -> Checked:
    return answers.settle(draft, "description", "description",
                          answers.long_answer(given, draft.overlong, "description", ctx._))


def prompt_procedure(draft: LkDraft, ctx: LkContext) -> Say:
    _ = ctx._
    if ctx.procedure:
        text = _("Which procedure does it depart from? The service follows <i>{procedure}</i>: press the button, "
                 "or type another reference.").format(procedure=escape(ctx.procedure))
        label = ctx.procedure if len(ctx.procedure) <= 60 else ctx.procedure[:59] + "…"
        return Say(text, ((button("procedure", label, SERVICE_PROCEDURE),), nav_row(ctx, "procedure")))
    text = _("Which procedure does it depart from? Type its reference, for example “SOP PM-BAPKM.AP.1-05”.")
    return Say(text, (nav_row(ctx, "procedure"),))


def accept_procedure(draft: LkDraft, given: DialogInput, ctx: LkContext) -> Checked:
    _ = ctx._
    if isinstance(given, PickInput):
        if given.value == SERVICE_PROCEDURE and ctx.procedure:
            return draft.with_(procedure_ref=ctx.procedure)
        return Problem(_("Please type the procedure's reference."))
    typed = answers.typed_text(given, _, MIN_PROCEDURE, MAX_PROCEDURE)
    return typed if isinstance(typed, Problem) else draft.with_(procedure_ref=" ".join(typed.split()))


def prompt_root_cause(draft: LkDraft, ctx: LkContext) -> Say:
    _ = ctx._
    return long_text.prompt(_("What is the root cause: why did it happen, so that a corrective action can remove it?"),
                            draft.overlong, PREFIX, "root_cause", LIMITS, nav_row(ctx, "root_cause"), _)


def accept_root_cause(draft: LkDraft, given: DialogInput, ctx: LkContext) -> Checked:
    return answers.settle(draft, "root_cause", "root_cause",
                          answers.long_answer(given, draft.overlong, "root_cause", ctx._))


def summary_text(draft: LkDraft, ctx: LkContext) -> str:
    _ = ctx._
    lines = ["<b>" + _("LK draft for {tickets}").format(tickets=_tickets(ctx)) + "</b>"]
    if ctx.service_name:
        lines.append(_("Service: {service}").format(service=escape(ctx.service_name)))
    lines += [
        _("Nonconformity: {text}").format(text=escape(ui.shorten(draft.description or "", SHOWN_TEXT))),
        _("Procedure: {procedure}").format(procedure=escape(draft.procedure_ref or "")),
        _("Root cause: {text}").format(text=escape(ui.shorten(draft.root_cause or "", SHOWN_TEXT))),
    ]
    return "\n".join(lines)


def prompt_summary(draft: LkDraft, ctx: LkContext) -> Say:
    _ = ctx._
    return Say(summary_text(draft, ctx) + "\n\n" + _("Save the LK?"),
               ((button("summary", _("✅ Save"), "save"), button("summary", _("✏️ Edit"), "edit"),
                 button("summary", _("✖ Cancel"), "cancel")),))


def accept_summary(draft: LkDraft, given: DialogInput, ctx: LkContext) -> Checked:
    return Problem(ctx._("Please press Save, Edit or Cancel."))


CLEARED: dict[str, dict[str, Any]] = {
    "description": {"description": None},
    "procedure": {"procedure_ref": None},
    "root_cause": {"root_cause": None},
}
"""What choosing a part on the edit step clears (an over-long text is kept only while its step is unanswered)."""


def prompt_edit(draft: LkDraft, ctx: LkContext) -> Say:
    _ = ctx._
    labels = {"description": _("Nonconformity"), "procedure": _("Procedure"), "root_cause": _("Root cause")}
    return Say(_("What would you like to change?"),
               (tuple(button("edit", labels[part], part) for part in CLEARED),
                (button("edit", _("« Back to summary"), "back"),)))


def accept_edit(draft: LkDraft, given: DialogInput, ctx: LkContext) -> Checked:
    value = given.value if isinstance(given, PickInput) else ""
    if value not in CLEARED:
        return Problem(ctx._("Please choose what to change with the buttons."))
    return draft.with_(returning=True, **CLEARED[value])


# --- the table ------------------------------------------------------------------------------------------------
Spec = StepSpec[LkDraft, LkContext]

STEPS: dict[Step, Spec] = {
    Step.DESCRIPTION: Spec(prompt_description, accept_description, lambda d, c: d.description is not None),
    Step.PROCEDURE: Spec(prompt_procedure, accept_procedure, lambda d, c: d.procedure_ref is not None),
    Step.ROOT_CAUSE: Spec(prompt_root_cause, accept_root_cause, lambda d, c: d.root_cause is not None),
    Step.SUMMARY: Spec(prompt_summary, accept_summary, lambda d, c: False),
    Step.EDIT: Spec(prompt_edit, accept_edit, lambda d, c: False),
}

TRANSITIONS: tuple[Transition[Step, LkDraft, LkContext], ...] = (
    Transition(Step.DESCRIPTION, Step.PROCEDURE, "what happened (10–3000 characters; longer: kept, cut or sent again)"),
    Transition(Step.PROCEDURE, Step.ROOT_CAUSE, "the service's procedure, or a typed reference"),
    Transition(Step.ROOT_CAUSE, Step.SUMMARY, "why it happened (10–3000 characters; longer: kept, cut or sent again)"),
    Transition(Step.SUMMARY, Step.SAVED, "Save: the LK gets its number, prepared by the officer"),
    Transition(Step.SUMMARY, Step.EDIT, "Edit"),
    Transition(Step.EDIT, Step.DESCRIPTION, "nonconformity"),
    Transition(Step.EDIT, Step.PROCEDURE, "procedure"),
    Transition(Step.EDIT, Step.ROOT_CAUSE, "root cause"),
    Transition(Step.EDIT, Step.SUMMARY, "back to summary"),
)


def _cancelled(ctx: LkContext) -> str:
    return ctx._("Cancelled. No LK was created.")


FLOW: engine.Dialog[Step, LkDraft, LkContext] = engine.Dialog(
    name=DIALOG, prefix=PREFIX, draft_type=LkDraft, steps=STEPS, transitions=TRANSITIONS,
    first=Step.DESCRIPTION, summary=Step.SUMMARY, final=Step.SAVED, edit=Step.EDIT, cancel_text=_cancelled,
    submit_value="save", entry_label="/lk new KEL-… KEL-… (officer)",
)

Outcome: TypeAlias = engine.Outcome[Step, LkDraft]
start = FLOW.start
prompt = FLOW.prompt
handle = FLOW.handle
restore = FLOW.restore
mermaid = FLOW.mermaid

if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("lk_draft.mmd").write_text(mermaid(), encoding="utf-8")
