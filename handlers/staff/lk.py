"""The LK (Laporan Ketidaksesuaian) and its follow-up programme (SOP steps c–f): check, approval,
actions, effectiveness, closing — each step by the role the SOP names, recorded with who and when."""

from __future__ import annotations

from html import escape

from dialogs.workflow import LkStatus, Role, lk_move_roles
from handlers.auth import roles_of
from handlers.errors import Refusal
from handlers.events import Button, Keyboard, OutMessage
from handlers.i18n import N_, Gettext
from handlers.staff import notify
from handlers.staff.common import as_id, ask, checked_text, find_lk, find_ticket, lk_by_id, move, now
from handlers.staff.views import lk_view
from handlers.turn import Turn
from storage.records import ActionRecord, LkRecord, TicketRecord

LINKABLE = {"complaint": ("in_followup",), "suggestion": ("accepted",)}


async def tickets_for_lk(turn: Turn, numbers: list[str]) -> list[TicketRecord]:
    """The tickets an LK may cover: confirmed nonconformities, or accepted suggestions (not mixed)."""
    _ = turn._
    if not numbers:
        raise Refusal(_("Name the tickets: /lk new KEL-2026-00001 [KEL-2026-00002 …]"))
    tickets = [await find_ticket(turn, n) for n in dict.fromkeys(n.upper() for n in numbers)]
    kinds = {t.kind for t in tickets}
    if len(kinds) > 1:
        raise Refusal(_("An LK covers complaints only, a programme suggestions only; do not mix them."))
    for t in tickets:
        if t.status not in LINKABLE[t.kind]:
            hint = _("confirm it as a nonconformity first") if t.kind == "complaint" else _("accept it first")
            raise Refusal(_("{number} cannot be linked yet: {hint}.").format(number=t.number, hint=hint))
    return tickets


async def names_of(turn: Turn, ids: set[int | None]) -> dict[int, str]:
    names: dict[int, str] = {}
    for pid in ids:
        if pid is not None:
            person = await turn.uow.persons.get(pid)
            names[pid] = person.name if person else "?"
    return names


async def show(turn: Turn, args: str = "") -> None:
    await show_lk(turn, await find_lk(turn, args))


async def show_lk(turn: Turn, lk: LkRecord, chat_id: int | None = None, _: Gettext | None = None) -> None:
    """The LK with the buttons of its next step, to this chat or (``chat_id``, in that reader's language)."""
    _ = _ or turn._
    tickets = await turn.uow.lks.tickets(lk.id)
    actions = await turn.uow.lks.actions(lk.id)
    names = await names_of(turn, {lk.prepared_by, lk.checked_by, lk.approved_by, *(a.owner_person_id for a in actions)})
    text = lk_view(lk, tickets, actions, names, _)
    turn.reaction.outbound.append(OutMessage(chat_id or turn.chat_id, text, lk_buttons(lk, _)))


def lk_buttons(lk: LkRecord, _: Gettext) -> Keyboard:
    rows: dict[str, tuple[Button, ...]] = {
        LkStatus.DRAFT: (Button(_("📤 Submit for check"), f"lk:submit:{lk.id}"),),
        LkStatus.AWAITING_CHECK: (Button(_("✔ Checked"), f"lk:check:{lk.id}"),
                                  Button(_("↩ Return to the officer"), f"lk:return:{lk.id}")),
        LkStatus.AWAITING_APPROVAL: (Button(_("✔ Approve"), f"lk:approve:{lk.id}"),
                                     Button(_("↩ Return to the officer"), f"lk:return:{lk.id}")),
        LkStatus.AWAITING_VERIFICATION: (Button(_("✔ Effective"), f"lk:eff:{lk.id}"),
                                         Button(_("✖ Not effective"), f"lk:noteff:{lk.id}")),
    }
    row = rows.get(lk.status)
    return (row,) if row else ()


async def create(turn: Turn, tickets: list[TicketRecord], description: str, procedure_ref: str,
                 root_cause: str) -> LkRecord:
    from storage.records import NewLk

    kind = "nonconformity" if tickets[0].kind == "complaint" else "improvement"
    lk = await turn.uow.lks.add(NewLk(kind, tickets[0].service_code, procedure_ref, description, root_cause,
                                      turn.person.id, now(turn)))
    await turn.uow.lks.link(lk.id, [t.id for t in tickets])
    turn.say(turn._("{number} is written (draft). Add the follow-up actions with /lk action add {number}, then "
                    "submit it for the check.").format(number=lk.number))
    await show_lk(turn, lk)
    return lk


async def link(turn: Turn, args: str = "") -> None:
    parts = args.split()
    if len(parts) < 2:
        raise Refusal(turn._("Usage: /lk link <LK number> <ticket number> [more…]"))
    lk = await find_lk(turn, parts[0])
    if lk.status == LkStatus.CLOSED:
        raise Refusal(turn._("{number} is closed.").format(number=lk.number))
    tickets = await tickets_for_lk(turn, parts[1:])
    if {t.kind for t in tickets} != {"complaint" if lk.kind == "nonconformity" else "suggestion"}:
        raise Refusal(turn._("These tickets do not fit {number}.").format(number=lk.number))
    added = await turn.uow.lks.link(lk.id, [t.id for t in tickets])
    turn.say(turn._("{n} ticket(s) linked to {number}.").format(n=added, number=lk.number))


async def submit(turn: Turn, args: str = "") -> None:
    await submit_lk(turn, await find_lk(turn, args))


async def submit_lk(turn: Turn, lk: LkRecord) -> None:
    lk = await _move(turn, lk, LkStatus.AWAITING_CHECK)
    await _tell_role(turn, Role.REVIEWER, lk, N_("{number} waits for your check."))
    _done(turn, turn._("{number} was sent to the reviewer for the check.").format(number=lk.number))


async def check(turn: Turn, lk: LkRecord) -> None:
    lk = await _move(turn, lk, LkStatus.AWAITING_APPROVAL, checked_by=turn.person.id, checked_at=now(turn))
    await _tell_role(turn, Role.APPROVER, lk, N_("{number} was checked and waits for your approval."))
    _done(turn, turn._("{number} is checked; the approver was asked.").format(number=lk.number))


async def approve(turn: Turn, lk: LkRecord) -> None:
    lk = await _move(turn, lk, LkStatus.IN_PROGRESS, approved_by=turn.person.id, approved_at=now(turn))
    await _tell_person(turn, lk.prepared_by, N_("{number} was approved: the follow-up programme runs."),
                       number=lk.number)
    _done(turn, turn._("{number} is approved.").format(number=lk.number))
    await maybe_ready_for_verification(turn, lk)


async def return_lk(turn: Turn, lk: LkRecord, note: str) -> None:
    note = checked_text(turn, note)
    lk = await _move(turn, lk, LkStatus.DRAFT, note)
    await _tell_person(turn, lk.prepared_by, N_("{number} was returned to you: {note}\nChange it and submit it again "
                                                "with /lk submit {number}."), number=lk.number, note=escape(note))
    turn.say(turn._("{number} was returned to the officer.").format(number=lk.number))


async def action_done(turn: Turn, args: str = "") -> None:
    raw, _sep, evidence = args.strip().partition(" ")
    action = await _action(turn, raw)
    if not evidence.strip():
        await ask(turn, "evidence", f"#{action.id}", action_id=action.id)
        return
    await complete_action(turn, action, evidence, None, None)


async def _action(turn: Turn, raw: str) -> ActionRecord:
    action_id = as_id(raw.lstrip("#"))
    action = await turn.uow.lks.get_action(action_id) if action_id is not None else None
    if action is None:
        raise Refusal(turn._("There is no action {id}. /lk <number> lists an LK's actions.").format(id=raw[:20]))
    if action.status == "done":
        raise Refusal(turn._("Action #{id} is already done.").format(id=action.id))
    roles = await roles_of(turn)
    if action.owner_person_id != turn.person.id and Role.OFFICER.value not in roles:
        raise Refusal(turn._("Only the action's owner or an officer can mark it done."))
    return action


async def complete_action(turn: Turn, action: ActionRecord, evidence: str | None, file_id: str | None,
                          file_type: str | None) -> None:
    action = await _action(turn, str(action.id))
    text = checked_text(turn, evidence) if not file_id else (evidence or "").strip()
    await turn.uow.lks.complete_action(action.id, by=turn.person.id, at=now(turn), evidence_text=text,
                                       evidence_file_id=file_id, evidence_file_type=file_type)
    turn.say(turn._("Action #{id} is done.").format(id=action.id))
    lk = await lk_by_id(turn, action.lk_id)
    await maybe_ready_for_verification(turn, lk)


async def maybe_ready_for_verification(turn: Turn, lk: LkRecord) -> None:
    """When every action of the current round is done, the monitor checks whether the programme worked."""
    if lk.status != LkStatus.IN_PROGRESS:
        return
    actions = await turn.uow.lks.actions(lk.id, round=lk.round)
    if not actions or any(a.status != "done" for a in actions):
        return
    await turn.uow.lks.set_status(lk.id, LkStatus.AWAITING_VERIFICATION, actor_person_id=turn.person.id,
                                  note=None, at=now(turn))
    lk = await lk_by_id(turn, lk.id)
    for role in (Role.MONITOR, Role.APPROVER):
        await _tell_role(turn, role, lk, N_("All actions of {number} are done: was the programme effective?"))


async def not_effective(turn: Turn, lk: LkRecord) -> None:
    lk = await _move(turn, lk, LkStatus.IN_PROGRESS, effective=False, round=lk.round + 1)
    await _tell_person(turn, lk.prepared_by, N_(
        "{number} was judged not effective: add new actions (round {round}) with /lk action add {number}."
    ), number=lk.number, round=lk.round)
    _done(turn, turn._("{number} goes back to the programme for a new round.").format(number=lk.number))


async def close(turn: Turn, lk: LkRecord, response: str) -> None:
    """Effective: close the LK, resolve its tickets and send each complainant the response."""
    response = checked_text(turn, response)
    lk = await _move(turn, lk, LkStatus.CLOSED, effective=True, verified_by=turn.person.id, verified_at=now(turn),
                     response=response, closed_at=now(turn))
    for ticket in await turn.uow.lks.tickets(lk.id):
        if ticket.kind == "complaint" and ticket.status == "in_followup":
            ticket = await move(turn, ticket, "resolved", response, response=response, resolved_at=now(turn))
            await notify.tell_complainant(turn, ticket, "resolved", response)
        elif ticket.kind == "suggestion" and ticket.status == "accepted":
            ticket = await move(turn, ticket, "closed", response, response=response, resolved_at=now(turn))
            await notify.tell_complainant(turn, ticket, "programme_done", response)
        await notify.refresh_card(turn, ticket.id)
    turn.say(turn._("{number} is closed; the complainants were sent the response.").format(number=lk.number))


async def _move(turn: Turn, lk: LkRecord, to: LkStatus, note: str | None = None, **fields: object) -> LkRecord:
    needed = lk_move_roles(lk.status, to)
    have = await roles_of(turn)
    if not needed:
        raise Refusal(turn._("{number} cannot do that in its current state.").format(number=lk.number))
    if not have & {r.value for r in needed}:
        raise Refusal(turn._("Sorry, your role does not allow this."))
    await turn.uow.lks.set_status(lk.id, to, actor_person_id=turn.person.id, note=note, at=now(turn))
    if fields:
        await turn.uow.lks.update(lk.id, **fields)
    return await lk_by_id(turn, lk.id)


async def _tell_role(turn: Turn, role: Role, lk: LkRecord, message: str) -> None:
    """Tell everyone holding ``role`` (but the actor), each in their own language, and show them the LK."""
    for person in await turn.uow.staff.with_role(role.value):
        if person.telegram_id is not None and person.telegram_id != turn.user.id:
            _ = turn.gettext_for(person)
            turn.reaction.outbound.append(OutMessage(person.telegram_id, _(message).format(number=lk.number)))
            await show_lk(turn, lk, person.telegram_id, _)


async def _tell_person(turn: Turn, person_id: int, message: str, **values: object) -> None:
    person = await turn.uow.persons.get(person_id)
    if person is not None and person.telegram_id is not None and person.telegram_id != turn.user.id:
        _ = turn.gettext_for(person)
        turn.reaction.outbound.append(OutMessage(person.telegram_id, _(message).format(**values)))


def _done(turn: Turn, text: str) -> None:
    if turn.reaction.callback_answer is None and not turn.private:
        turn.reaction.callback_answer = text
    else:
        turn.say(text)
