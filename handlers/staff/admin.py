"""The admin manages the staff and their roles: /staff add, /staff remove, /staff list."""

from __future__ import annotations

from html import escape

from dialogs.workflow import Role
from handlers.errors import Refusal
from handlers.i18n import N_, Gettext
from handlers.staff.common import as_id, now
from handlers.turn import Turn

ROLE_NAMES = {r.value for r in Role}
ROLE_LABELS = {"officer": N_("officer"), "reviewer": N_("reviewer"), "approver": N_("approver"),
               "monitor": N_("monitor"), "admin": N_("admin")}


def role_label(role: str, _: Gettext) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def _target(turn: Turn, raw: str) -> int:
    telegram_id = as_id(raw, signed=True)
    if telegram_id is None:
        raise Refusal(turn._("Give the person's Telegram id (a number); they can see it with @userinfobot."))
    return telegram_id


async def add(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    if len(parts) != 2 or parts[1].casefold() not in ROLE_NAMES:
        raise Refusal(_("Usage: /staff add <telegram id> <role>; roles: {roles}").format(
            roles=", ".join(sorted(ROLE_NAMES))))
    telegram_id, role = _target(turn, parts[0]), parts[1].casefold()
    person = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if person is None:
        person = await turn.uow.persons.ensure_telegram(telegram_id, f"#{telegram_id}")
    if await turn.uow.staff.grant(person.id, role, by=turn.person.id, at=now(turn)):
        turn.say(_("{name} ({id}) is now {role}.").format(name=escape(person.name), id=telegram_id,
                                                          role=role_label(role, _)))
    else:
        turn.say(_("{name} ({id}) already is {role}.").format(name=escape(person.name), id=telegram_id,
                                                              role=role_label(role, _)))


async def remove(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    if not parts or (len(parts) > 1 and parts[1].casefold() not in ROLE_NAMES):
        raise Refusal(_("Usage: /staff remove <telegram id> [role]"))
    telegram_id = _target(turn, parts[0])
    person = await turn.uow.persons.get_by_telegram_id(telegram_id)
    removed = await turn.uow.staff.revoke(person.id, parts[1].casefold() if len(parts) > 1 else None) if person else 0
    if not removed:
        turn.say(_("{id} had no such role.").format(id=telegram_id))
    else:
        turn.say(_("Removed {n} role(s) from {id}.").format(n=removed, id=telegram_id))


async def members(turn: Turn, args: str = "") -> None:
    _ = turn._
    staff = await turn.uow.staff.members()
    if not staff:
        turn.say(escape(_("No staff yet. Add one: /staff add <telegram id> officer")))
        return
    lines = [_("<b>Staff</b>")]
    lines += [f"• {escape(m.person.name)} ({m.person.telegram_id}): "
              + ", ".join(role_label(r, _) for r in sorted(m.roles)) for m in staff]
    lines.append(_("Admins from TANGGAP_ADMINS: {ids}").format(
        ids=", ".join(str(i) for i in sorted(turn.deps.admins)) or "—"))
    turn.say("\n".join(lines))


async def staff(turn: Turn, args: str = "") -> None:
    sub, _sep, rest = args.strip().partition(" ")
    handlers = {"add": add, "remove": remove, "list": members}
    if sub.casefold() not in handlers:
        raise Refusal(turn._("Usage: /staff add <id> <role> · /staff remove <id> [role] · /staff list"))
    await handlers[sub.casefold()](turn, rest)
