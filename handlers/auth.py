"""Who may do what: roles are checked on the server at the moment of use, never taken from callback data."""

from __future__ import annotations

from domain.vocabulary import Role
from handlers.turn import Turn


async def roles_of(turn: Turn) -> frozenset[str]:
    """The roles of whoever sent this update: stored roles, plus admin for ids in ``TANGGAP_ADMINS``."""
    return await turn.held_roles()


async def is_staff(turn: Turn) -> bool:
    return bool(await roles_of(turn))


async def allowed(turn: Turn, needed: frozenset[Role], *, button: bool = False) -> bool:
    """True when the person holds one of ``needed``; otherwise a polite refusal that reveals nothing."""
    have = await roles_of(turn)
    if have & {r.value for r in needed}:
        return True
    _ = turn._
    text = _("Sorry, this is only for the bureau's staff.") if not have else _("Sorry, your role does not allow this.")
    if button:
        turn.reaction.callback_answer, turn.reaction.callback_alert = text, True
    else:
        turn.say(text)
    return False
