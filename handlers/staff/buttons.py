"""Staff buttons: ticket cards (tk:…), LK steps (lk:…), inbox pages (ib:…), show (sh:…).

Callback data carries no authority: the role is checked here, for whoever pressed, at the moment of the press,
and the ids it names are looked up again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialogs.workflow import STAFF, Role
from handlers.errors import Refusal
from handlers.staff import lk as lks
from handlers.staff import tickets
from handlers.staff.common import ask, lk_by_id, ticket_by_id
from handlers.turn import Turn

OFFICER = frozenset({Role.OFFICER})


@dataclass(frozen=True)
class StaffButton:
    run: Callable[[Turn, str], Awaitable[None]]
    roles: frozenset[Role]


async def _take(turn: Turn, arg: str) -> None:
    await tickets.take_ticket(turn, await ticket_by_id(turn, arg))


async def _nonconformity(turn: Turn, arg: str) -> None:
    await tickets.verdict(turn, await ticket_by_id(turn, arg), "in_followup")


def _ask(kind: str) -> Callable[[Turn, str], Awaitable[None]]:
    async def run(turn: Turn, arg: str) -> None:
        ticket = await ticket_by_id(turn, arg)
        await ask(turn, kind, ticket.number, ticket_id=ticket.id)

    return run


async def _show(turn: Turn, arg: str) -> None:
    await tickets.show_ticket(turn, await ticket_by_id(turn, arg))


async def _inbox(turn: Turn, arg: str) -> None:
    await tickets.inbox(turn, arg)


async def _lk_submit(turn: Turn, arg: str) -> None:
    await lks.submit_lk(turn, await lk_by_id(turn, arg))


async def _lk_check(turn: Turn, arg: str) -> None:
    await lks.check(turn, await lk_by_id(turn, arg))


async def _lk_approve(turn: Turn, arg: str) -> None:
    await lks.approve(turn, await lk_by_id(turn, arg))


async def _lk_return(turn: Turn, arg: str) -> None:
    lk = await lk_by_id(turn, arg)
    needed = {"awaiting_check": Role.REVIEWER, "awaiting_approval": Role.APPROVER}.get(lk.status)
    from handlers.auth import roles_of

    if needed is None:
        raise Refusal(turn._("{number} cannot do that in its current state.").format(number=lk.number))
    if needed.value not in await roles_of(turn):
        raise Refusal(turn._("Sorry, your role does not allow this."))
    await ask(turn, "return", lk.number, lk_id=lk.id)


async def _lk_effective(turn: Turn, arg: str) -> None:
    lk = await lk_by_id(turn, arg)
    if lk.status != "awaiting_verification":
        raise Refusal(turn._("{number} cannot do that in its current state.").format(number=lk.number))
    await ask(turn, "lk_response", lk.number, lk_id=lk.id)


async def _lk_not_effective(turn: Turn, arg: str) -> None:
    await lks.not_effective(turn, await lk_by_id(turn, arg))


STAFF_BUTTONS: dict[str, StaffButton] = {
    "tk:take": StaffButton(_take, OFFICER),
    "tk:nc": StaffButton(_nonconformity, OFFICER),
    "tk:conf": StaffButton(_ask("conforming"), OFFICER),
    "tk:rej": StaffButton(_ask("reject"), OFFICER),
    "tk:dup": StaffButton(_ask("duplicate"), OFFICER),
    "tk:acc": StaffButton(_ask("accept"), OFFICER),
    "tk:dec": StaffButton(_ask("decline"), OFFICER),
    "sh": StaffButton(_show, STAFF),
    "ib": StaffButton(_inbox, OFFICER),
    "lk:submit": StaffButton(_lk_submit, OFFICER),
    "lk:check": StaffButton(_lk_check, frozenset({Role.REVIEWER})),
    "lk:return": StaffButton(_lk_return, frozenset({Role.REVIEWER, Role.APPROVER})),
    "lk:approve": StaffButton(_lk_approve, frozenset({Role.APPROVER})),
    "lk:eff": StaffButton(_lk_effective, frozenset({Role.MONITOR, Role.APPROVER})),
    "lk:noteff": StaffButton(_lk_not_effective, frozenset({Role.MONITOR, Role.APPROVER})),
}


def split(data: str) -> tuple[str, str] | None:
    """``tk:take:12`` → (``tk:take``, ``12``); ``ib:2`` → (``ib``, ``2``)."""
    head, _sep, arg = data.rpartition(":")
    return (head, arg) if head in STAFF_BUTTONS else None
