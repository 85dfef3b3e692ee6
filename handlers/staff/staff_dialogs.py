"""The staff's multi-step dialogs (/intake, /lk new, /lk action add), driven like the student's intake:
the step and draft live in the database per chat, and the role is checked again at every step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from dialogs import action_draft, lk_draft, staff_intake
from dialogs.engine import Dialog
from dialogs.intake_steps import IntakeContext
from dialogs.ui import DialogInput
from domain.vocabulary import IdentityLevel, Role, TicketEvent
from handlers import notices
from handlers.auth import allowed
from handlers.errors import Refusal
from handlers.procedure import deadlines, lks
from handlers.procedure.checks import find_lk
from handlers.staff.lk import show_lk
from handlers.turn import Turn
from storage.records import Attachment, DialogRecord, NewAction, NewTicket

OFFICER = frozenset({Role.OFFICER})


@dataclass(frozen=True)
class StaffDialog:
    flow: Dialog[Any, Any, Any]
    context: Callable[[Turn, dict[str, Any]], Awaitable[Any]]
    submit: Callable[[Turn, Any, dict[str, Any]], Awaitable[None]]
    roles: frozenset[Role]


# --- contexts -----------------------------------------------------------------------------------------------
async def _intake_context(turn: Turn, extra: dict[str, Any]) -> IntakeContext:
    from handlers.student import intake_context

    return intake_context(turn)


def now(turn: Turn) -> datetime:
    return turn.deps.clock()


async def _lk_context(turn: Turn, extra: dict[str, Any]) -> lk_draft.LkContext:
    tickets = await turn.uow.tickets.by_ids(extra.get("tickets", []))
    service = turn.deps.catalogue.get(tickets[0].service_code) if tickets else None
    return lk_draft.LkContext(turn._, turn.locale, tuple(t.number for t in tickets),
                              service.display_name(turn.locale) if service else None,
                              service.procedure if service else None)


async def _action_context(turn: Turn, extra: dict[str, Any]) -> action_draft.ActionContext:
    members = await turn.uow.staff.members()
    staff = tuple((m.person.id, m.person.name) for m in members)[: action_draft.MAX_OWNER_BUTTONS]
    return action_draft.ActionContext(turn._, turn.locale, turn.deps.today(), turn.deps.calendar, staff,
                                      extra.get("lk_number"))


# --- what Save does -------------------------------------------------------------------------------------------
async def _save_intake(turn: Turn, draft: staff_intake.StaffIntakeDraft, extra: dict[str, Any]) -> None:
    person = None
    if draft.name or draft.contact:
        person = await turn.uow.persons.add_offline(draft.name or "—", draft.contact)
    level = staff_intake.level_of(draft) if person is not None else IdentityLevel.ANONYMOUS
    received = draft.received_on
    created = datetime.combine(received, time(12), tzinfo=turn.deps.tz).astimezone(UTC) if received else now(turn)
    complaint = (draft.kind or "complaint") == "complaint"  # a suggestion has no incident date and no answers
    ticket = await turn.uow.tickets.add(NewTicket(
        kind=draft.kind or "complaint", channel=draft.channel or "letter",
        person_id=person.id if person else None, service_code=draft.service or "other", service_other=None,
        description=draft.description or "", occurred_on=draft.occurred_on if complaint else None,
        answers=dict(draft.answers) if complaint else {},
        attachments=tuple(Attachment(f.file_id, f.file_type, f.file_name, caption=f.caption, mime_type=f.mime_type,
                                     source="staff") for f in draft.files),
        anonymous=level == IdentityLevel.ANONYMOUS, identity_level=level, status="received",
        created_at=min(created, now(turn)),
        agenda_number=draft.agenda_number,
    ))
    await turn.uow.tickets.record(ticket.id, TicketEvent.TAKEN, actor_person_id=turn.person.id, at=now(turn),
                                  params={"officer": turn.person.id})
    ticket = await turn.uow.tickets.update(ticket.id, assigned_to=turn.person.id)
    ctx = await turn.ctx()
    await deadlines.keep(ctx, ticket, ticket.status)
    await notices.refresh_card(ctx, ticket.id, new=True)
    turn.show(staff_intake.saved(ticket.number, draft, await _intake_context(turn, extra)))


async def _save_lk(turn: Turn, draft: lk_draft.LkDraft, extra: dict[str, Any]) -> None:
    ctx = await turn.ctx()
    tickets = await lks.tickets_for_lk(ctx, [t.number for t in await turn.uow.tickets.by_ids(extra["tickets"])])
    lk = await lks.create(ctx, tickets, draft.description or "", draft.procedure_ref or "", draft.root_cause or "")
    turn.say(turn._("{number} is written (draft). Add its follow-up programme (➕ Add action), then submit it for "
                    "the check.").format(number=lk.number))
    await show_lk(turn, lk)


async def _save_action(turn: Turn, draft: action_draft.ActionDraft, extra: dict[str, Any]) -> None:
    ctx = await turn.ctx()
    lk = await find_lk(ctx, extra["lk_number"])
    assert draft.kind and draft.description and (draft.owner_id or draft.owner_name) and draft.due_on
    action = await lks.add_action(ctx, lk, NewAction(
        lk.id, draft.kind, draft.description, None if draft.outside else draft.owner_id, draft.due_on, lk.round,
        now(turn), owner_name=draft.owner_name if draft.outside else None,
        owner_contact=draft.owner_contact if draft.outside else None, added_by=turn.person.id))
    turn.say(turn._("Action #{id} added to {number}.").format(id=action.id, number=lk.number))
    await show_lk(turn, lk)


SPECS: dict[str, StaffDialog] = {
    staff_intake.DIALOG: StaffDialog(staff_intake.FLOW, _intake_context, _save_intake, OFFICER),
    lk_draft.DIALOG: StaffDialog(lk_draft.FLOW, _lk_context, _save_lk, OFFICER),
    action_draft.DIALOG: StaffDialog(action_draft.FLOW, _action_context, _save_action, OFFICER),
}
PREFIXES = {spec.flow.prefix: name for name, spec in SPECS.items()}


# --- commands -------------------------------------------------------------------------------------------------
async def intake(turn: Turn, args: str = "") -> None:
    await begin(turn, staff_intake.DIALOG, {})


async def lk_new(turn: Turn, args: str = "") -> None:
    tickets = await lks.tickets_for_lk(await turn.ctx(), args.split())
    await begin(turn, lk_draft.DIALOG, {"tickets": [t.id for t in tickets]})


async def action_add(turn: Turn, args: str = "") -> None:
    lk = await find_lk(await turn.ctx(), args.split()[0] if args.split() else "")
    if lk.status not in ("draft", "in_progress"):
        raise Refusal(turn._("Actions can be added while {number} is a draft or its programme runs.").format(
            number=lk.number))
    await begin(turn, action_draft.DIALOG, {"lk_number": lk.number})


async def begin(turn: Turn, name: str, extra: dict[str, Any]) -> None:
    if not turn.private:
        raise Refusal(turn._("Please use this command in our private chat."))
    current = await turn.uow.dialogs.get(turn.chat_id)
    if current is not None:
        raise Refusal(turn._("Finish the dialog you have open first, or /cancel it."))
    spec = SPECS[name]
    outcome = spec.flow.start(await spec.context(turn, extra))
    assert outcome.step is not None
    await _store(turn, name, outcome.step.value, outcome.draft, extra)
    for said in outcome.says:
        turn.show(said)


async def feed(turn: Turn, record: DialogRecord, given: DialogInput) -> bool:
    """One input to an open staff dialog; False when it was a stale button."""
    spec = SPECS[record.dialog]
    if not await allowed(turn, spec.roles):
        await turn.uow.dialogs.delete(turn.chat_id)
        return True
    extra = dict(record.data.get("extra") or {})
    restored = spec.flow.restore(record.state, record.data.get("draft") or {})
    if restored is None:
        await turn.uow.dialogs.delete(turn.chat_id)
        turn.say(turn._("That dialog can no longer continue; please start it again."))
        return True
    step, draft = restored
    outcome = spec.flow.handle(step, draft, given, await spec.context(turn, extra))
    if outcome.stale:
        turn.reaction.callback_answer = turn._("That button belongs to an earlier question.")
    if outcome.submit:
        await spec.submit(turn, outcome.draft, extra)
        await turn.uow.dialogs.delete(turn.chat_id)
    elif outcome.cancelled or outcome.step is None:
        await turn.uow.dialogs.delete(turn.chat_id)
    else:
        await _store(turn, record.dialog, outcome.step.value, outcome.draft, extra)
    for said in outcome.says:
        turn.show(said)
    return not outcome.stale


async def _store(turn: Turn, name: str, step: str, draft: Any, extra: dict[str, Any]) -> None:
    await turn.uow.dialogs.put(DialogRecord(turn.chat_id, turn.user.id, name, step,
                                            {"draft": draft.to_dict(), "extra": extra}, now(turn)))
