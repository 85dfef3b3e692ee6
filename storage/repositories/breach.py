"""What personal data the database held during a window of time (a breach's): the facts ``tanggap privacy
affected`` derives the people to tell from (``handlers.breach``). Read-only.

A person row or a ticket counts when it existed before the window's end (``until``) and its identity was not
erased before the window's start (``since``): ``person.forgotten_at``, ``ticket.identity_erased_at``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.columns import require_aware
from storage.models import (
    DataRequestRow,
    LkActionRow,
    LkEventRow,
    LkRow,
    PersonRow,
    StaffRoleRow,
    TicketAttachmentRow,
    TicketEventRow,
    TicketRow,
)
from storage.records import DataRequestRecord
from storage.repositories.privacy import _request


@dataclass(frozen=True)
class HeldPerson:
    """A person row that held someone's identity during the window. ``forgotten_at``: erased since (then name,
    contact and Telegram id are gone now and ``pseudonym`` stands for them)."""

    id: int
    telegram_id: int | None
    name: str
    nrp: str | None
    contact: str | None
    language: str | None
    telegram_language: str | None
    started: bool
    unreachable: bool
    pseudonym: str | None
    forgotten_at: datetime | None


@dataclass(frozen=True)
class HeldTicket:
    """A ticket created before the window's end whose identity was not erased before its start.
    ``identity_erased_at``: erased since (its complainant can no longer be named); ``attachments``: files were
    held in the window; ``rated``: a rating given before the window's end."""

    id: int
    number: str
    person_id: int | None
    identity_level: str
    identity_erased_at: datetime | None
    attachments: bool
    rated: bool


@dataclass(frozen=True)
class OutsideOwner:
    """The owner of an LK action outside the bot (a name and a contact written by staff), with the LK."""

    name: str
    contact: str | None
    lk_number: str


@dataclass(frozen=True)
class Held:
    persons: list[HeldPerson]
    tickets: list[HeldTicket]
    #: Staff roles held before the window's end, by person id.
    roles: dict[int, set[str]]
    #: Persons who acted on the staff side before the window's end (assigned, signed an LK, own an action).
    staff_acts: set[int]
    #: Persons who wrote something in a ticket's or an LK's history before the window's end.
    authors: set[int]
    outside_owners: list[OutsideOwner]


def _kept(erased: InstrumentedAttribute[datetime | None], since: datetime) -> ColumnElement[bool]:
    """Not erased before ``since``."""
    return or_(erased.is_(None), erased >= since)


class BreachRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def held(self, since: datetime, until: datetime) -> Held:
        since, until = require_aware(since, "since"), require_aware(until, "until")
        return Held(
            persons=await self._persons(since, until),
            tickets=await self._tickets(since, until),
            roles=await self._roles(until),
            staff_acts=await self._staff_acts(until),
            authors=await self._authors(until),
            outside_owners=await self._outside_owners(until),
        )

    async def erasures_since(self, at: datetime) -> tuple[list[DataRequestRecord], dict[int, str]]:
        """The erasure requests received since ``at``, oldest first (what a backup made before ``at`` still holds),
        and the numbers of the tickets their ``detail["tickets"]`` names by id."""
        statement = (select(DataRequestRow)
                     .where(DataRequestRow.kind == "erasure", DataRequestRow.received_at >= require_aware(at, "at"))
                     .order_by(DataRequestRow.received_at, DataRequestRow.id))
        requests = [_request(row) for row in await self._session.scalars(statement)]
        ids = {i for r in requests for i in r.detail.get("tickets", []) if isinstance(i, int)}
        numbers = {row.id: row.number for row in await self._session.execute(
            select(TicketRow.id, TicketRow.number).where(TicketRow.id.in_(sorted(ids))))} if ids else {}
        return requests, numbers

    async def _persons(self, since: datetime, until: datetime) -> list[HeldPerson]:
        statement = (select(PersonRow)
                     .where(PersonRow.created_at < until, _kept(PersonRow.forgotten_at, since))
                     .order_by(PersonRow.id))
        return [HeldPerson(id=row.id, telegram_id=row.telegram_id, name=row.name, nrp=row.nrp, contact=row.contact,
                           language=row.language, telegram_language=row.telegram_language,
                           started=row.started_at is not None or row.telegram_id is None,
                           unreachable=row.unreachable_at is not None, pseudonym=row.pseudonym,
                           forgotten_at=row.forgotten_at)
                for row in await self._session.scalars(statement)]

    async def _tickets(self, since: datetime, until: datetime) -> list[HeldTicket]:
        files = (exists().where(TicketAttachmentRow.ticket_id == TicketRow.id,
                                or_(TicketAttachmentRow.added_at.is_(None), TicketAttachmentRow.added_at < until))
                 & _kept(TicketRow.attachments_erased_at, since))
        rated = TicketRow.rating.is_not(None) & or_(TicketRow.rated_at.is_(None), TicketRow.rated_at < until)
        statement = (select(TicketRow.id, TicketRow.number, TicketRow.person_id, TicketRow.identity_level,
                            TicketRow.identity_erased_at, files.label("files"), rated.label("rated"))
                     .where(TicketRow.created_at < until, _kept(TicketRow.identity_erased_at, since))
                     .order_by(TicketRow.id))
        return [HeldTicket(id=row.id, number=row.number, person_id=row.person_id, identity_level=row.identity_level,
                           identity_erased_at=row.identity_erased_at, attachments=bool(row.files),
                           rated=bool(row.rated))
                for row in await self._session.execute(statement)]

    async def _roles(self, until: datetime) -> dict[int, set[str]]:
        roles: dict[int, set[str]] = {}
        statement = select(StaffRoleRow.person_id, StaffRoleRow.role).where(StaffRoleRow.granted_at < until)
        for person_id, role in await self._session.execute(statement):
            roles.setdefault(person_id, set()).add(role)
        return roles

    async def _staff_acts(self, until: datetime) -> set[int]:
        acts = union(
            select(TicketRow.assigned_to.label("id")).where(TicketRow.created_at < until),
            *(select(column.label("id")).where(LkRow.created_at < until)
              for column in (LkRow.prepared_by, LkRow.checked_by, LkRow.approved_by, LkRow.verified_by)),
            select(LkActionRow.owner_person_id.label("id")).where(LkActionRow.created_at < until),
        ).subquery()
        return {i for i in await self._session.scalars(select(acts.c.id)) if i is not None}

    async def _authors(self, until: datetime) -> set[int]:
        """Staff who wrote in a history: ticket events by someone other than its complainant, LK events."""
        wrote = union(
            select(TicketEventRow.actor_person_id.label("id"))
            .join(TicketRow, TicketRow.id == TicketEventRow.ticket_id)
            .where(TicketEventRow.at < until, TicketEventRow.actor_person_id.is_not(None),
                   or_(TicketRow.person_id.is_(None), TicketEventRow.actor_person_id != TicketRow.person_id)),
            select(LkEventRow.actor_person_id.label("id")).where(LkEventRow.at < until),
        ).subquery()
        return {i for i in await self._session.scalars(select(wrote.c.id)) if i is not None}

    async def _outside_owners(self, until: datetime) -> list[OutsideOwner]:
        statement = (select(LkActionRow.owner_name, LkActionRow.owner_contact, LkRow.number)
                     .join(LkRow, LkRow.id == LkActionRow.lk_id)
                     .where(LkActionRow.created_at < until, LkActionRow.owner_person_id.is_(None),
                            LkActionRow.owner_name.is_not(None))
                     .order_by(LkActionRow.owner_name, LkRow.number))
        return [OutsideOwner(name, contact, number) for name, contact, number in await self._session.execute(statement)
                if name and name.strip()]
