"""Whom a personal-data breach affects (UU PDP: the people are told in writing within 3×24 hours): ``tanggap privacy
affected --since … --until …`` (docs/operations.md, "Breach").

Everyone whose personal data the bot held during the window: complainants (with their tickets and each ticket's
identity level), staff (their names and Telegram ids are personal data too, and so are action owners outside the
bot whom staff wrote down), and anyone else who wrote to the bot (a name and a Telegram id). Each with how to reach
them, their language and which kinds of data were held. Tickets whose identity was erased after the window began
are counted apart: they were held, but nobody can be named or told any more."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from handlers.context import Deps
from handlers.i18n import N_
from storage.repositories.breach import Held, HeldPerson, HeldTicket
from storage.uow import UnitOfWork

COMPLAINANT, STAFF, USER = "complainant", "staff", "user"
"""What a person was to the bot (a person may be a complainant and staff)."""
TELEGRAM, CONTACT, NOWHERE = "telegram", "contact", "none"
"""How to reach a person: the bot (Telegram), the contact staff recorded (a letter, a call, an email), none known."""
DATA_KINDS: dict[str, str] = {
    "name": N_("name"),
    "telegram_id": N_("Telegram id"),
    "nrp": N_("NRP (student number)"),
    "contact": N_("contact"),
    "texts": N_("texts you wrote or were sent"),
    "attachments": N_("attachments"),
    "ratings": N_("ratings"),
}
"""The kinds of data held, in the order they are listed; the labels are the notice's (``handlers.breach_notice``)."""
_PLACEHOLDER = re.compile(r"#\d+|—?")
"""A name that is none: ``#12345`` (known by id only, ``/staff add``) or ``—`` (a letter without a name)."""


@dataclass(frozen=True)
class AffectedPerson:
    """One person to tell. ``person_id`` None: an action owner outside the bot (``lks`` names their LKs).
    ``telegram_blocked``: they have Telegram but the bot cannot write to them now (blocked it, never pressed Start)."""

    person_id: int | None
    roles: tuple[str, ...]
    name: str
    telegram_id: int | None
    contact: str | None
    reach: str
    telegram_blocked: bool
    language: str
    data: tuple[str, ...]
    #: (ticket number, identity level), in filing order.
    tickets: tuple[tuple[str, str], ...] = ()
    staff_roles: tuple[str, ...] = ()
    lks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Affected:
    since: datetime
    until: datetime
    people: list[AffectedPerson]
    #: Tickets whose identity was erased after the window began ((number, level)): held, but nobody to tell now.
    erased_tickets: list[tuple[str, str]]
    #: Person rows erased after the window began (``/forget``, retention): likewise.
    erased_people: int

    @property
    def breach_id(self) -> str:
        """The breach's name in notice keys and the audit trail: its window in UTC, e.g.
        ``20261101T0100Z-20261103T0100Z``."""
        return f"{self.since:%Y%m%dT%H%MZ}-{self.until:%Y%m%dT%H%MZ}"

    def count(self, test: Callable[[AffectedPerson], bool]) -> int:
        return sum(1 for p in self.people if test(p))


async def affected(uow: UnitOfWork, deps: Deps, since: datetime, until: datetime) -> Affected:
    """The people whose personal data the bot held between ``since`` and ``until`` (aware moments)."""
    held = await uow.breach.held(since, until)
    return derive(held, deps, since, until)


def derive(held: Held, deps: Deps, since: datetime, until: datetime) -> Affected:
    by_person: dict[int, list[HeldTicket]] = {}
    for ticket in held.tickets:
        if ticket.identity_erased_at is None and ticket.person_id is not None:
            by_person.setdefault(ticket.person_id, []).append(ticket)
    erased_ids = {p.id for p in held.persons if p.forgotten_at is not None or p.pseudonym is not None}
    erased = [(t.number, t.identity_level) for t in held.tickets
              if t.identity_erased_at is not None or t.person_id in erased_ids]
    people = [_person(p, by_person.get(p.id, []), held, deps) for p in held.persons if p.id not in erased_ids]
    people += _outside(held, deps)
    order = {COMPLAINANT: 0, STAFF: 1, USER: 2}
    people.sort(key=lambda p: (order[p.roles[0]], p.name.casefold(), p.person_id or 0))
    return Affected(since.astimezone(UTC), until.astimezone(UTC), people, erased, len(erased_ids))


def _person(p: HeldPerson, tickets: list[HeldTicket], held: Held, deps: Deps) -> AffectedPerson:
    staff_roles = tuple(sorted(held.roles.get(p.id, ())))
    is_staff = bool(staff_roles) or p.id in held.staff_acts or (p.telegram_id is not None
                                                                  and p.telegram_id in deps.admins)
    roles = tuple(r for r, yes in ((COMPLAINANT, bool(tickets)), (STAFF, is_staff)) if yes) or (USER,)
    name = "" if _PLACEHOLDER.fullmatch(p.name.strip()) else p.name.strip()
    kinds = {
        "name": bool(name),
        "telegram_id": p.telegram_id is not None,
        "nrp": bool(p.nrp),
        "contact": bool(p.contact),
        "texts": bool(tickets) or p.id in held.authors,
        "attachments": any(t.attachments for t in tickets),
        "ratings": any(t.rated for t in tickets),
    }
    reachable = p.telegram_id is not None and p.started and not p.unreachable
    return AffectedPerson(
        person_id=p.id, roles=roles, name=name, telegram_id=p.telegram_id, contact=p.contact or None,
        reach=TELEGRAM if reachable else CONTACT if p.contact else NOWHERE,
        telegram_blocked=p.telegram_id is not None and not reachable,
        language=deps.translator.pick(p.language, p.telegram_language),
        data=tuple(kind for kind in DATA_KINDS if kinds[kind]),
        tickets=tuple((t.number, t.identity_level) for t in tickets), staff_roles=staff_roles,
    )


def _outside(held: Held, deps: Deps) -> list[AffectedPerson]:
    """Action owners outside the bot, one per name and contact."""
    lks: dict[tuple[str, str | None], list[str]] = {}
    for owner in held.outside_owners:
        numbers = lks.setdefault((owner.name.strip(), owner.contact or None), [])
        if owner.lk_number not in numbers:
            numbers.append(owner.lk_number)
    return [AffectedPerson(person_id=None, roles=(STAFF,), name=name, telegram_id=None, contact=contact,
                           reach=CONTACT if contact else NOWHERE, telegram_blocked=False,
                           language=deps.translator.default,
                           data=("name", "contact") if contact else ("name",), lks=tuple(numbers))
            for (name, contact), numbers in lks.items()]


@dataclass(frozen=True)
class ErasureToRedo:
    """An erasure request (``/forget``) received after a backup was made: a restore of that backup brings the
    person's identity back, so it must be erased again — by ``person_id`` and ticket (ids are the same in both)."""

    number: str
    received_at: datetime
    status: str
    person_id: int
    tickets: tuple[str, ...]


async def erasures_since(uow: UnitOfWork, at: datetime) -> list[ErasureToRedo]:
    """The erasures to apply again after restoring a backup made at ``at`` (read from the database before the
    restore: the register is in the same database, so the restored one no longer knows them)."""
    requests, numbers = await uow.breach.erasures_since(at)
    return [ErasureToRedo(r.number, r.received_at, r.status, r.person_id,
                          tuple(numbers.get(t, str(t)) if isinstance(t, int) else str(t)
                                for t in r.detail.get("tickets", [])))
            for r in requests]
