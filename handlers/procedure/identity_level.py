"""Changing a ticket's identity level after filing (issue 15): who may see the complainant's identity.

The complainant may change their own ticket's level either way while the identity is not erased; an officer or an
admin may only raise the protection (named → confidential → anonymous), as SP4N-LAPOR! lets staff do when a report
names others — and the complainant is then told, in their language. Each change is one ``identity_level`` audit
row, one history event, and the staff group's card written again (which then hides what it must).
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.vocabulary import AuditKind, IdentityLevel, Role, TicketEvent
from handlers import identity, notices
from handlers.errors import Refusal
from handlers.events import OutMessage
from handlers.i18n import N_, Gettext
from handlers.labels import identity_level_name
from handlers.procedure import Ctx
from storage.records import TicketRecord
from storage.repositories.privacy import AuditEntry

#: From the least to the most protection.
ORDER: tuple[IdentityLevel, ...] = (IdentityLevel.NAMED, IdentityLevel.CONFIDENTIAL, IdentityLevel.ANONYMOUS)
#: The words /identity takes, English and Indonesian.
LEVEL_WORDS: dict[str, IdentityLevel] = {
    "named": IdentityLevel.NAMED, "name": IdentityLevel.NAMED, "nama": IdentityLevel.NAMED,
    "bernama": IdentityLevel.NAMED, "terbuka": IdentityLevel.NAMED,
    "confidential": IdentityLevel.CONFIDENTIAL, "rahasia": IdentityLevel.CONFIDENTIAL,
    "anonymous": IdentityLevel.ANONYMOUS, "anonim": IdentityLevel.ANONYMOUS,
}
TOLD = N_("🔒 The bureau raised the protection of your identity on {number}: it is now {level}. {meaning}")
MEANINGS = {
    IdentityLevel.NAMED: N_("The bureau's staff see your name."),
    IdentityLevel.CONFIDENTIAL: N_("Only {readers} see your name; never the staff group, the LK form, exports or "
                                   "statistics."),
    IdentityLevel.ANONYMOUS: N_("No staff member sees who you are; replies still reach you here."),
}


def meaning(level: str, _: Gettext, allowed: frozenset[str]) -> str:
    """What a level means to the complainant, who sees a confidential name told from ``CONFIDENTIAL_ROLES``."""
    return _(MEANINGS[IdentityLevel(level)]).format(readers=identity.readers(allowed, _))


@dataclass(frozen=True)
class LevelChanged:
    """What :func:`change_identity_level` did: the ticket as it is now, and the level it had."""

    ticket: TicketRecord
    before: str
    by_complainant: bool
    told: bool = False  # staff raised it and the complainant was told (they have a Telegram chat)


def rank(level: str) -> int:
    return ORDER.index(IdentityLevel(level)) if level in set(IdentityLevel) else 0


async def change_identity_level(ctx: Ctx, ticket: TicketRecord, level: IdentityLevel) -> LevelChanged:
    """Set the ticket's level; refused when the identity was erased, the level is the same, the actor is neither
    the complainant nor an officer or admin, or staff would lower it."""
    _ = ctx._
    by_complainant = ticket.person_id is not None and ticket.person_id == ctx.actor.person_id
    if not by_complainant and not ctx.actor.has(Role.OFFICER, Role.ADMIN):
        raise Refusal(_("Only the complainant, an officer or an administrator can change who sees the identity on "
                        "{number}.").format(number=ticket.number))
    if ticket.identity_erased_at is not None:
        raise Refusal(_("The complainant's identity on {number} was erased: there is nothing left to show or "
                        "hide.").format(number=ticket.number))
    if ticket.identity_level == level:
        raise Refusal(_("{number} is already {level}.").format(number=ticket.number,
                                                               level=identity_level_name(level, _)))
    if not by_complainant and rank(level) < rank(ticket.identity_level):
        raise Refusal(_("Staff may only raise the protection (named → confidential → anonymous); only the "
                        "complainant can lower it. {number} stays {level}.").format(
            number=ticket.number, level=identity_level_name(ticket.identity_level, _)))
    before = ticket.identity_level
    ticket = await ctx.uow.tickets.set_identity_level(ticket.id, level)
    params = {"from": before, "to": level.value, "by": "complainant" if by_complainant else "staff"}
    await ctx.uow.tickets.record(ticket.id, TicketEvent.IDENTITY_LEVEL, actor_person_id=ctx.actor.recorded,
                                 at=ctx.now, params=params)
    await ctx.uow.audit.add(ctx.now, [AuditEntry(AuditKind.IDENTITY_LEVEL, actor_id=ctx.actor.recorded,
                                                 ticket_id=ticket.id, detail={"from": before, "to": level.value})])
    await notices.refresh_card(ctx, ticket.id)
    told = not by_complainant and await _tell_complainant(ctx, ticket, level)
    return LevelChanged(ticket, before, by_complainant, told)


async def _tell_complainant(ctx: Ctx, ticket: TicketRecord, level: IdentityLevel) -> bool:
    person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    if person is None or person.telegram_id is None:
        return False
    _ = notices.gettext_for(ctx, person)
    text = _(TOLD).format(number=ticket.number, level=identity_level_name(level, _),
                          meaning=meaning(level, _, ctx.deps.confidential_roles))
    ctx.out.append(OutMessage(person.telegram_id, text, resend=True))
    return True
