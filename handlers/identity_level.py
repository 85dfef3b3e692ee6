"""/identity NUMBER [named|confidential|anonymous]: who may see the complainant's identity on a ticket, and changing
it after filing (the rules are :mod:`handlers.procedure.identity`'s). The complainant uses it on their own tickets;
an officer or an admin may raise the protection of any ticket."""

from __future__ import annotations

from collections.abc import Iterable

from domain.vocabulary import IdentityLevel, Role
from handlers.errors import Refusal
from handlers.labels import identity_level_name
from handlers.procedure.identity_level import LEVEL_WORDS, ORDER, change_identity_level, meaning, rank
from handlers.text import shown
from handlers.turn import Turn
from storage.records import TicketRecord

#: The words /identity suggests, in the reader's language (it takes both languages' words).
WORDS: dict[str, dict[IdentityLevel, str]] = {
    "en": {IdentityLevel.NAMED: "named", IdentityLevel.CONFIDENTIAL: "confidential",
           IdentityLevel.ANONYMOUS: "anonymous"},
    "id": {IdentityLevel.NAMED: "nama", IdentityLevel.CONFIDENTIAL: "rahasia", IdentityLevel.ANONYMOUS: "anonim"},
}


def choices(turn: Turn, levels: Iterable[IdentityLevel]) -> str:
    words = WORDS.get(turn.locale, WORDS["en"])
    return "|".join(words[level] for level in levels)


def level_line(turn: Turn, ticket: TicketRecord) -> str:
    """"🔒 Identity: named — to change it: /identity KEL-2026-00042 confidential|anonymous" (the complainant's view)."""
    _ = turn._
    others = choices(turn, (level for level in ORDER if level != ticket.identity_level))
    return _("🔒 Identity: {level} — to change it: /identity {number} {choices}").format(
        level=identity_level_name(ticket.identity_level, _), number=ticket.number, choices=others)


def change_line(turn: Turn, ticket: TicketRecord) -> str:
    """"🔒 To change it: /identity KEL-2026-00042 confidential|anonymous" (/status, under its "Identity:" line, which
    says the level already: the third walk read it twice)."""
    others = choices(turn, (level for level in ORDER if level != ticket.identity_level))
    return turn._("🔒 To change who sees your name: /identity {number} {choices}").format(number=ticket.number,
                                                                                       choices=others)


async def _ticket(turn: Turn, number: str, staff: bool) -> TicketRecord:
    """The ticket the sender may change: their own, or (officer, admin) any; the same answer whether a ticket that
    is not theirs exists or not."""
    _ = turn._
    ticket = await turn.uow.tickets.get_by_number(number.upper()) if number else None
    if ticket is not None and (staff or ticket.person_id == turn.person.id):
        return ticket
    if staff:
        raise Refusal(_("There is no ticket {number}.").format(number=number[:30]))
    raise Refusal(_("You have no ticket {number}. /my lists yours.").format(number=number[:30]))


async def identity(turn: Turn, args: str = "") -> None:
    _ = turn._
    words = args.split()
    if not words or len(words) > 2:
        raise Refusal(_("Usage: /identity (ticket number) named|confidential|anonymous — for example /identity "
                        "KEL-2026-00042 confidential."))
    staff = bool(await turn.held_roles() & {Role.OFFICER.value, Role.ADMIN.value})
    ticket = await _ticket(turn, words[0], staff)
    own = ticket.person_id == turn.person.id
    if len(words) == 1:
        current = IdentityLevel(ticket.identity_level)
        lines = [_("{number}: the identity is {level}. {meaning}").format(
            number=ticket.number, level=identity_level_name(current, _),
            meaning=meaning(current, _, turn.deps.confidential_roles))]
        if ticket.identity_erased_at is not None:
            lines.append(_("It was erased; nothing is left to show or hide."))
        elif own:
            lines.append(level_line(turn, ticket))
        elif rank(current) < len(ORDER) - 1:
            higher = choices(turn, ORDER[rank(current) + 1:])
            lines.append(_("To raise the protection: /identity {number} {choices}").format(
                number=ticket.number, choices=higher))
        turn.say("\n".join(lines))
        return
    level = LEVEL_WORDS.get(words[1].casefold())
    if level is None:
        raise Refusal(_("“{word}” is not an identity level. Levels: named, confidential, anonymous (nama, rahasia, "
                        "anonim).").format(word=words[1][:30]))
    changed = await change_identity_level(await turn.ctx(), ticket, level)
    name = identity_level_name(level, _)
    if changed.by_complainant:
        turn.say(_("Done: on {number} your identity is now {level}. {meaning}").format(
            number=ticket.number, level=name, meaning=meaning(level, _, turn.deps.confidential_roles)))
    elif changed.told:
        turn.say(_("{number} is now {level}: the staff group's card no longer shows more than that allows, and the "
                   "complainant was told.").format(number=ticket.number, level=shown(name)))
    else:
        turn.say(_("{number} is now {level}: the staff group's card no longer shows more than that allows. The "
                   "complainant has no Telegram chat: tell them by hand if they should know.").format(
            number=ticket.number, level=shown(name)))
