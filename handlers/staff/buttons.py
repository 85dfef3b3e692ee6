"""Staff buttons: ticket cards (tk:…), LK steps (lk:…), inbox pages (ib:…), search pages (sr:…), show (sh:…),
files (fa:…, ev:…), marking an action done (ad:…), audit and request-register pages (au:…, rq:…).

Callback data carries no authority: the role is checked for whoever pressed, at the moment of the press, and the
ids it names are looked up again. ``in_group`` says whether the button may act in the staff group itself (the
card's own buttons); any other one, pressed there, answers in the presser's private chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.vocabulary import ASSIGNERS, STAFF, LkStatus, Role, TicketStatus
from handlers.asking import ask
from handlers.errors import Refusal
from handlers.procedure.checks import lk_by_id, lk_not_now, ticket_by_id
from handlers.procedure.lks import answered_already
from handlers.staff import audit, due_work, requests, search, staff_dialogs, tickets
from handlers.staff import lk as lks
from handlers.turn import Turn

OFFICER = frozenset({Role.OFFICER})
READERS = frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER, Role.MONITOR})  # as /search in handlers.commands
Run = Callable[[Turn, str], Awaitable[None]]


@dataclass(frozen=True)
class StaffButton:
    run: Run
    roles: frozenset[Role]
    in_group: bool = False


async def _take(turn: Turn, arg: str) -> None:
    await tickets.take_ticket(turn, await ticket_by_id(await turn.ctx(), arg))


async def _nonconformity(turn: Turn, arg: str) -> None:
    await tickets.verdict(turn, await ticket_by_id(await turn.ctx(), arg), TicketStatus.IN_FOLLOWUP)


def _ask(kind: str) -> Run:
    async def run(turn: Turn, arg: str) -> None:
        ticket = await ticket_by_id(await turn.ctx(), arg)
        await ask(turn, kind, ticket.number, ticket_id=ticket.id)

    return run


async def _ask_reply(turn: Turn, arg: str) -> None:
    await tickets.ask_reply(turn, await ticket_by_id(await turn.ctx(), arg))


def _ask_lk(kind: str, status: LkStatus | None = None) -> Run:
    async def run(turn: Turn, arg: str) -> None:
        lk = await lk_by_id(await turn.ctx(), arg)
        if status is not None and lk.status != status:
            raise lk_not_now(turn._, lk)
        await ask(turn, kind, lk.number, lk_id=lk.id)

    return run


async def _lk_effective(turn: Turn, arg: str) -> None:
    """✔ Effective: the response to write — or, when every complainant was answered after the correction, a line
    they may be given with the notice that the measures work, or none."""
    ctx = await turn.ctx()
    lk = await lk_by_id(ctx, arg)
    if lk.status != LkStatus.AWAITING_VERIFICATION:
        raise lk_not_now(turn._, lk)
    answered = answered_already(lk, await ctx.uow.lks.tickets(lk.id))
    await ask(turn, "lk_close_answered" if answered else "lk_response", lk.number, lk_id=lk.id)


async def _show(turn: Turn, arg: str) -> None:
    await tickets.show_ticket(turn, await ticket_by_id(await turn.ctx(), arg))


async def _inbox(turn: Turn, arg: str) -> None:
    """``ib:3`` → page 3, oldest first; ``ib:m3`` → page 3, most "me too" first."""
    await tickets.inbox(turn, f"metoo {arg[1:]}" if arg.startswith("m") else arg)


async def _lk_show(turn: Turn, arg: str) -> None:
    await lks.show_lk(turn, await lk_by_id(await turn.ctx(), arg))


async def _lk_recurrence(turn: Turn, arg: str) -> None:
    """``lk:rec:<LK id>-<earlier LK id>``: mark the LK a recurrence of the earlier one listed on it."""
    lk_id, _sep, earlier_id = arg.partition("-")
    ctx = await turn.ctx()
    await lks.mark_recurrence(turn, await lk_by_id(ctx, lk_id), await lk_by_id(ctx, earlier_id))


async def _lk_submit(turn: Turn, arg: str) -> None:
    await lks.submit_lk(turn, await lk_by_id(await turn.ctx(), arg))


async def _lk_check(turn: Turn, arg: str) -> None:
    await lks.check(turn, await lk_by_id(await turn.ctx(), arg))


async def _lk_approve(turn: Turn, arg: str) -> None:
    await lks.approve(turn, await lk_by_id(await turn.ctx(), arg))


async def _lk_add_action(turn: Turn, arg: str) -> None:
    lk = await lk_by_id(await turn.ctx(), arg)
    await staff_dialogs.action_add(turn, lk.number)


async def _lk_return(turn: Turn, arg: str) -> None:
    lk = await lk_by_id(await turn.ctx(), arg)
    needed = {LkStatus.AWAITING_CHECK: Role.REVIEWER, LkStatus.AWAITING_APPROVAL: Role.APPROVER}.get(
        LkStatus(lk.status))
    if needed is None:
        raise lk_not_now(turn._, lk)
    if needed.value not in await turn.held_roles():
        raise Refusal(turn._("Sorry, your role does not allow this."))
    await ask(turn, "return", lk.number, lk_id=lk.id)


STAFF_BUTTONS: dict[str, StaffButton] = {
    "tk:take": StaffButton(_take, OFFICER, in_group=True),
    "tk:nc": StaffButton(_nonconformity, OFFICER, in_group=True),
    "tk:conf": StaffButton(_ask("conforming"), OFFICER, in_group=True),
    "tk:rej": StaffButton(_ask("reject"), OFFICER, in_group=True),
    "tk:dup": StaffButton(_ask("duplicate"), OFFICER, in_group=True),
    "tk:acc": StaffButton(_ask("accept"), OFFICER, in_group=True),
    "tk:dec": StaffButton(_ask("decline"), OFFICER, in_group=True),
    "tk:reply": StaffButton(_ask_reply, OFFICER, in_group=True),
    "sh": StaffButton(_show, STAFF),
    "fa": StaffButton(tickets.send_attachment, STAFF),
    "ib": StaffButton(_inbox, OFFICER),
    "sr": StaffButton(search.page, READERS),
    "lk:show": StaffButton(_lk_show, STAFF),
    "lk:rec": StaffButton(_lk_recurrence, frozenset({Role.OFFICER, Role.REVIEWER, Role.APPROVER})),
    "lk:act": StaffButton(_lk_add_action, OFFICER),
    "lk:submit": StaffButton(_lk_submit, OFFICER),
    "lk:check": StaffButton(_lk_check, frozenset({Role.REVIEWER})),
    "lk:return": StaffButton(_lk_return, frozenset({Role.REVIEWER, Role.APPROVER})),
    "lk:approve": StaffButton(_lk_approve, frozenset({Role.APPROVER})),
    "lk:eff": StaffButton(_lk_effective, frozenset({Role.MONITOR, Role.APPROVER})),
    "lk:noteff": StaffButton(_ask_lk("not_effective", LkStatus.AWAITING_VERIFICATION),
                             frozenset({Role.MONITOR, Role.APPROVER})),
    "lk:respond": StaffButton(_ask_lk("correction_response"), OFFICER),
    "ev": StaffButton(lks.send_evidence, STAFF),
    "ad": StaffButton(lks.ask_evidence, STAFF),
    "ax": StaffButton(due_work.ask_more_time, STAFF),
    "xg": StaffButton(due_work.grant, frozenset({Role.APPROVER})),
    "xr": StaffButton(due_work.refuse, frozenset({Role.APPROVER})),
    "as": StaffButton(due_work.pick_officer, ASSIGNERS),
    "ao": StaffButton(due_work.assign_to, ASSIGNERS),
    "au": StaffButton(audit.press, frozenset({Role.ADMIN})),
    "rq": StaffButton(requests.press, frozenset({Role.ADMIN})),
}


def split(data: str) -> tuple[str, str] | None:
    """``tk:take:12`` → (``tk:take``, ``12``); ``ib:2`` → (``ib``, ``2``)."""
    head, _sep, arg = data.rpartition(":")
    return (head, arg) if head in STAFF_BUTTONS else None
