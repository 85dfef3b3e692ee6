"""The admin manages the staff and their roles: /staff add, /staff remove, /staff list.

Roles are written in English or Indonesian (``officer`` or ``petugas``, ``reviewer`` or ``pemeriksa``, …). Someone
added before they ever wrote to the bot cannot get its messages yet (Telegram refuses them until they press
Start): the admin is told, and what waits for them is sent when they do. Removing someone who still holds work
lists it, so it can be handed over. Each role given or taken is a row of the privacy audit trail (``role_granted``,
``role_revoked``: the admin, the staff member, the role), listed by /audit; the admins named in TANGGAP_ADMINS hold
the role by that setting, which no row records.
"""

from __future__ import annotations

from html import escape

from domain.vocabulary import ROLE_WORDS, AuditKind, Role
from handlers.errors import Refusal
from handlers.formats import day
from handlers.labels import role_name
from handlers.procedure.checks import as_id
from handlers.text import shown
from handlers.turn import Turn
from storage.records import PersonRecord
from storage.repositories.privacy import AuditEntry

MAX_LISTED = 15


def _roles_hint(turn: Turn) -> str:
    return ", ".join(f"{role_name(r, turn._)}" for r in Role)


def _role(turn: Turn, word: str) -> Role:
    role = ROLE_WORDS.get(word.casefold())
    if role is None:
        raise Refusal(turn._("“{word}” is not a role. Roles: {roles}.").format(word=word[:30], roles=_roles_hint(turn)))
    return role


def _target(turn: Turn, raw: str) -> int:
    telegram_id = as_id(raw, signed=True)
    if telegram_id is None:
        raise Refusal(turn._("Give the person's Telegram id (a number); they can see it with @userinfobot."))
    return telegram_id


def _who(person: PersonRecord) -> str:
    return f"{shown(person.name)} ({person.telegram_id})"


async def add(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    if len(parts) != 2:
        raise Refusal(_("Usage: /staff add <telegram id> <role>; roles: {roles}").format(roles=_roles_hint(turn)))
    telegram_id, role = _target(turn, parts[0]), _role(turn, parts[1])
    person = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if person is None:
        person = await turn.uow.persons.add_known_by_id(telegram_id, f"#{telegram_id}")
    now = turn.deps.clock()
    granted = await turn.uow.staff.grant(person.id, role.value, by=turn.person.id, at=now)
    if granted:  # the privacy audit trail keeps who gave whom which role (/audit)
        await turn.uow.audit.add(now, [AuditEntry(AuditKind.ROLE_GRANTED, actor_id=turn.person.id,
                                                  subject_id=person.id, detail={"role": role.value})])
    text = (_("{who} is now {role}.") if granted else _("{who} already is {role}.")).format(
        who=_who(person), role=role_name(role, _))
    if not person.started:
        text += "\n" + _("⚠️ They have never written to the bot, so Telegram does not let it write to them yet: ask "
                         "them to open the bot and press Start. What waits for them is sent then.")
    elif person.unreachable:
        text += "\n" + _("⚠️ They have blocked the bot: ask them to open it again and press Start.")
    turn.say(text)


async def remove(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    if not parts or len(parts) > 2:
        raise Refusal(_("Usage: /staff remove <telegram id> [role]"))
    telegram_id = _target(turn, parts[0])
    role = _role(turn, parts[1]) if len(parts) > 1 else None
    person = await turn.uow.persons.get_by_telegram_id(telegram_id)
    held = await turn.uow.staff.roles_of(person.id) if person else frozenset()
    removed = await turn.uow.staff.revoke(person.id, role.value if role else None) if person else 0
    if not removed or person is None:
        turn.say(_("{id} had no such role.").format(id=telegram_id))
        return
    taken = sorted(held if role is None else held & {role.value})
    await turn.uow.audit.add(turn.deps.clock(), [AuditEntry(AuditKind.ROLE_REVOKED, actor_id=turn.person.id,
                                                            subject_id=person.id, detail={"role": r}) for r in taken])
    lines = [turn.ngettext("Removed {n} role from {who}.", "Removed {n} roles from {who}.", removed).format(
        n=removed, who=_who(person))]
    lines += await _open_work(turn, person)
    turn.say("\n".join(lines))


async def _open_work(turn: Turn, person: PersonRecord) -> list[str]:
    """What the removed person still holds: active tickets assigned to them, open actions they own."""
    ngettext = turn.ngettext
    tickets = await turn.uow.tickets.assigned_active(person.id)
    actions = await turn.uow.lks.open_actions_of(person.id)
    lines: list[str] = []
    if tickets:
        lines.append("\n" + escape(ngettext(
            "⚠️ They still handle {n} open ticket; hand it over with /assign <number> <id>:",
            "⚠️ They still handle {n} open tickets; hand each over with /assign <number> <id>:",
            len(tickets)).format(n=len(tickets))))
        lines += [f"• {t.number}" for t in tickets[:MAX_LISTED]]
    if actions:
        lines.append("\n" + ngettext("⚠️ They still own {n} open action of a programme:",
                                      "⚠️ They still own {n} open actions of a programme:", len(actions)).format(
            n=len(actions)))
        lines += [f"• {lk.number} #{a.id}: {shown(a.description, 60)} — {day(a.due_on, turn.locale)}"
                  for a, lk in actions[:MAX_LISTED]]
    return lines


async def members(turn: Turn, args: str = "") -> None:
    _ = turn._
    staff = await turn.uow.staff.members()
    if not staff:
        turn.say(_("No staff yet. Add one: /staff add &lt;telegram id&gt; officer"))
        return
    lines = [_("<b>Staff</b>")]
    for m in staff:
        line = f"• {_who(m.person)}: " + ", ".join(role_name(r, _) for r in sorted(m.roles))
        if not m.person.started or m.person.unreachable:
            line += " " + _("(cannot be reached by the bot yet)")
        lines.append(line)
    lines.append(_("Admins from TANGGAP_ADMINS: {ids}").format(
        ids=", ".join(str(i) for i in sorted(turn.deps.admins)) or "—"))
    turn.say("\n".join(lines))


async def staff(turn: Turn, args: str = "") -> None:
    sub, _sep, rest = args.strip().partition(" ")
    handlers = {"add": add, "tambah": add, "remove": remove, "hapus": remove, "list": members, "daftar": members}
    if sub.casefold() not in handlers:
        raise Refusal(turn._("Usage: /staff add <id> <role> · /staff remove <id> [role] · /staff list"))
    await handlers[sub.casefold()](turn, rest)

