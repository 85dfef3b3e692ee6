"""Tickets: complaints (keluhan, ``KEL-…``) and suggestions (saran, ``SAR-…``) with their history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from domain.vocabulary import ACTIVE, INBOX, UNCONFIRMED, IdentityLevel, TicketEvent
from storage.columns import require_aware
from storage.errors import InvalidFieldValue, TicketNotFound, UnknownTicketKind
from storage.models import TicketAttachmentRow, TicketCaseRow, TicketEventRow, TicketRow
from storage.records import Attachment, NewTicket, TicketEventRecord, TicketRecord
from storage.repositories._fields import checked_changes
from storage.repositories._sql import next_in_series
from storage.repositories._ticket_rows import attachment_record, ticket_event_record, ticket_record
from storage.repositories.archive import TICKET_ATTACHMENT, pending_item
from storage.repositories.ticket_bulk import TicketBulk
from storage.repositories.ticket_filters import FilteredTickets

_CASE_MATE = aliased(TicketRow, name="case_mate")
"""Another ticket of the same "me too" case (one alias for every statement: the compiled statement is cached)."""

#: Ticket numbers count per year as people in Indonesia see it (WIB).
NUMBERING_ZONE = ZoneInfo("Asia/Jakarta")

#: Number prefix per ticket kind: ``KEL`` = keluhan (complaint), ``SAR`` = saran (suggestion).
SERIES_BY_KIND = {"complaint": "KEL", "suggestion": "SAR"}

#: Tickets still waiting for staff: the officers' inbox and the fuzzy-search corpus.
OPEN_STATUSES = tuple(sorted(INBOX))

#: Tickets no officer has started confirming yet (monitoring reminds about them).
UNCONFIRMED_STATUSES = UNCONFIRMED

#: Tickets not concluded: the complainant may still add to them or withdraw them.
ACTIVE_STATUSES = tuple(sorted(ACTIVE))

#: What ``TicketRepository.update`` may change (the status only moves through ``set_status``).
UPDATABLE_FIELDS = frozenset(
    {
        "assigned_to",
        "duplicate_of",
        "response",
        "card_message_id",
        "confirmed_at",
        "resolved_at",
        "rating",
        "rating_comment",
        "rated_at",
        "updated_at",
        "awaiting_complainant_since",
        "unread_since",
        "due_step",
        "due_on",
        "due_extended",
    }
)


def ticket_number(series: str, year: int, value: int) -> str:
    """``KEL-2026-00042``."""
    return f"{series}-{year:04d}-{value:05d}"


def _attachment_row(a: Attachment, position: int, at: datetime) -> TicketAttachmentRow:
    return TicketAttachmentRow(file_id=a.file_id, file_type=a.file_type, file_name=a.file_name, position=position,
                               caption=a.caption, mime_type=a.mime_type, source=a.source, added_at=a.added_at or at)


def _book(session: AsyncSession, row: TicketAttachmentRow, at: datetime) -> None:
    """Its archive book entry, in the same transaction: no attachment is recorded without one."""
    pending_item(session, TICKET_ATTACHMENT, row.file_id, row.file_type, row.mime_type, at,
                 ticket_attachment_id=row.id)


def _check_rating(rating: object) -> None:
    if rating is not None and (type(rating) is not int or not 1 <= rating <= 5):
        raise InvalidFieldValue(f"a rating is a whole number from 1 to 5, got {rating!r}")


class TicketRepository(TicketBulk):
    """Files, finds and moves tickets within the caller's session."""

    UPDATABLE = UPDATABLE_FIELDS

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def filtered(self) -> FilteredTickets:
        """Counts and pages of the tickets a filter admits (staff search)."""
        return FilteredTickets(self._session)

    async def add(self, new: NewTicket) -> TicketRecord:
        """File a ticket: give it the next number of its kind and year (WIB), store its attachments
        and the first history event (``None`` → ``new.status``, by ``new.person_id``).

        Raises :class:`UnknownTicketKind` and :class:`NaiveDatetime`.
        """
        series = SERIES_BY_KIND.get(new.kind)
        if series is None:
            raise UnknownTicketKind(
                f"unknown ticket kind {new.kind!r}; expected one of {sorted(SERIES_BY_KIND)}"
            )
        created_at = require_aware(new.created_at, "created_at")
        year = created_at.astimezone(NUMBERING_ZONE).year
        value = await next_in_series(self._session, series, year)
        level = new.identity_level or (IdentityLevel.ANONYMOUS if new.anonymous else IdentityLevel.NAMED)
        row = TicketRow(
            number=ticket_number(series, year, value),
            kind=new.kind,
            channel=new.channel,
            person_id=new.person_id,
            service_code=new.service_code,
            service_other=new.service_other,
            description=new.description,
            occurred_on=new.occurred_on,
            answers=dict(new.answers),
            anonymous=level == IdentityLevel.ANONYMOUS,
            identity_level=level,
            status=new.status,
            created_at=created_at,
            updated_at=created_at,
            agenda_number=new.agenda_number,
            recurrence_of_lk=new.recurrence_of_lk,
            attachments=[_attachment_row(a, i, created_at) for i, a in enumerate(new.attachments)],
        )
        self._session.add(row)
        await self._session.flush()
        for attachment in row.attachments:
            _book(self._session, attachment, created_at)
        self._session.add(
            TicketEventRow(
                ticket_id=row.id,
                at=created_at,
                actor_person_id=new.person_id,
                from_status=None,
                to_status=new.status,
                code=TicketEvent.FILED,
                params={"channel": new.channel},
            )
        )
        await self._session.flush()
        return ticket_record(row)

    async def get(self, ticket_id: int) -> TicketRecord | None:
        rows = await self._select(TicketRow.id == ticket_id)
        return ticket_record(rows[0]) if rows else None

    async def get_locked(self, ticket_id: int) -> TicketRecord | None:
        """The ticket as it is now, its row locked until the transaction ends (``SELECT … FOR UPDATE`` on
        PostgreSQL; SQLite's transaction holds the database): two joins of one caseless ticket, or a join while an
        officer moves the lead, go one after the other."""
        await self._session.execute(select(TicketRow).where(TicketRow.id == ticket_id).with_for_update()
                                    .execution_options(populate_existing=True))  # what was read before is renewed
        return await self.get(ticket_id)

    async def get_by_number(self, number: str) -> TicketRecord | None:
        """Find a ticket by its number, however the user typed it (``kel-2026-00042 `` works)."""
        rows = await self._select(TicketRow.number == number.strip().upper())
        return ticket_record(rows[0]) if rows else None

    async def list_for_person(self, person_id: int, limit: int = 20) -> list[TicketRecord]:
        """The person's tickets, newest first."""
        rows = await self._select(TicketRow.person_id == person_id, limit=limit)
        return [ticket_record(row) for row in rows]

    async def events(self, ticket_id: int) -> list[TicketEventRecord]:
        """The ticket's history, oldest first."""
        statement = (
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
        return [ticket_event_record(row) for row in (await self._session.scalars(statement))]

    async def events_of(self, ticket_ids: Iterable[int], codes: Iterable[str]) -> list[TicketEventRecord]:
        """The events with these codes of these tickets, oldest first, in one query (e.g. an LK's ratings)."""
        wanted, kinds = list(dict.fromkeys(ticket_ids)), list(codes)
        if not wanted or not kinds:
            return []
        statement = (
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id.in_(wanted), TicketEventRow.code.in_(kinds))
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
        return [ticket_event_record(row) for row in await self._session.scalars(statement)]

    async def set_status(
        self,
        ticket_id: int,
        to_status: str | None,
        *,
        actor_person_id: int | None,
        at: datetime,
        code: str = TicketEvent.STATUS,
        params: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> TicketEventRecord:
        """Record what happened (``code`` with ``params``, see ``domain.vocabulary.TicketEvent``) and move the
        ticket to ``to_status`` (None: an event that moves nothing, see :meth:`record`); sets ``updated_at``.

        The ticket row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) so the recorded
        ``from_status`` is the one actually replaced. Raises :class:`TicketNotFound`.
        """
        at = require_aware(at, "at")
        statement = (
            select(TicketRow)
            .where(TicketRow.id == ticket_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(statement)).one_or_none()
        if row is None:
            raise TicketNotFound(f"no ticket with id {ticket_id}")
        to_status = row.status if to_status is None else to_status
        event = TicketEventRow(
            ticket_id=row.id,
            at=at,
            actor_person_id=actor_person_id,
            from_status=row.status,
            to_status=to_status,
            note=note,
            code=code,
            params=dict(params or {}),
        )
        row.status = to_status
        row.updated_at = at
        self._session.add(event)
        await self._session.flush()
        return ticket_event_record(event)

    async def record(
        self, ticket_id: int, code: str, *, actor_person_id: int | None, at: datetime,
        params: dict[str, Any] | None = None,
    ) -> TicketEventRecord:
        """Record an event that does not move the ticket (a message, a comment): its status stays."""
        return await self.set_status(ticket_id, None, actor_person_id=actor_person_id, at=at, code=code,
                                     params=params)

    async def add_attachment(self, ticket_id: int, attachment: Attachment, at: datetime) -> Attachment:
        """Keep one more file with the ticket (after those it has); returns it with its id."""
        at = require_aware(at, "at")
        last = await self._session.scalar(
            select(func.max(TicketAttachmentRow.position)).where(TicketAttachmentRow.ticket_id == ticket_id))
        row = _attachment_row(attachment, (last if last is not None else -1) + 1, at)
        row.ticket_id = ticket_id
        self._session.add(row)
        await self._session.flush()
        _book(self._session, row, at)
        await self._session.flush()
        return attachment_record(row)

    async def attachment(self, attachment_id: int) -> tuple[int, Attachment] | None:
        """``(ticket id, attachment)`` of a stored attachment."""
        row = await self._session.get(TicketAttachmentRow, attachment_id)
        return (row.ticket_id, attachment_record(row)) if row is not None else None

    async def open_for_person(self, person_id: int, limit: int = 20) -> list[TicketRecord]:
        """The person's tickets they may still add to: not concluded, or waiting for their answer; newest first."""
        open_ = or_(TicketRow.status.in_(ACTIVE_STATUSES), TicketRow.awaiting_complainant_since.is_not(None))
        return [ticket_record(row) for row in await self._select(and_(TicketRow.person_id == person_id, open_),
                                                                  limit=limit)]

    async def assigned_active(self, officer_id: int) -> list[TicketRecord]:
        """The tickets an officer handles that are not concluded, oldest first (e.g. before removing them)."""
        where = and_(TicketRow.assigned_to == officer_id, TicketRow.status.in_(ACTIVE_STATUSES))
        return [ticket_record(r) for r in await self._select(where, order_by=(TicketRow.created_at, TicketRow.id))]

    async def update(self, ticket_id: int, **fields: Any) -> TicketRecord:
        """Change handling fields (``assigned_to``, ``duplicate_of``, ``response``, ``card_message_id``,
        ``confirmed_at``, ``resolved_at``, ``rating``, ``rating_comment``, ``rated_at``, ``updated_at``);
        returns the ticket as it is now. ``updated_at`` changes only if it is given.

        Raises :class:`TicketNotFound`, :class:`storage.errors.UnknownField`,
        :class:`storage.errors.InvalidFieldValue` (e.g. a rating outside 1–5) and ``NaiveDatetime``.
        """
        changes = checked_changes(TicketRow, fields, UPDATABLE_FIELDS)
        _check_rating(changes.get("rating"))
        rows = await self._select(TicketRow.id == ticket_id)
        if not rows:
            raise TicketNotFound(f"no ticket with id {ticket_id}")
        for name, value in changes.items():
            setattr(rows[0], name, value)
        await self._session.flush()
        return ticket_record(rows[0])

    async def set_identity_level(self, ticket_id: int, level: str) -> TicketRecord:
        """Change who may see the complainant's identity (``domain.vocabulary.IdentityLevel``); ``anonymous`` is kept
        equal to level == anonymous. The row is locked. Raises :class:`TicketNotFound`, :class:`InvalidFieldValue`."""
        if level not in set(IdentityLevel):
            raise InvalidFieldValue(f"unknown identity level {level!r}")
        statement = select(TicketRow).where(TicketRow.id == ticket_id).with_for_update().options(
            selectinload(TicketRow.attachments)).execution_options(populate_existing=True)
        row = (await self._session.scalars(statement)).one_or_none()
        if row is None:
            raise TicketNotFound(f"no ticket with id {ticket_id}")
        row.identity_level, row.anonymous = level, level == IdentityLevel.ANONYMOUS
        await self._session.flush()
        return ticket_record(row)

    async def by_ids(self, ticket_ids: Iterable[int]) -> list[TicketRecord]:
        """The tickets with these ids, in the order given (unknown ids left out, repeats once)."""
        wanted = list(dict.fromkeys(ticket_ids))
        if not wanted:
            return []
        found = {row.id: row for row in await self._select(TicketRow.id.in_(wanted))}
        return [ticket_record(found[i]) for i in wanted if i in found]

    async def inbox(self, officer_id: int, *, limit: int, offset: int, by_case_size: bool = False
                    ) -> list[TicketRecord]:
        """The officer's work queue: unfinished tickets (:data:`OPEN_STATUSES`) that are unassigned
        or assigned to them, oldest first (not those assigned to another officer); ``by_case_size``: the "me too"
        cases with most complainants first."""
        order: tuple[Any, ...] = (TicketRow.created_at, TicketRow.id)
        if by_case_size:
            other = _CASE_MATE
            size = (select(func.count()).where(other.case_id == TicketRow.case_id).correlate(TicketRow)
                    .scalar_subquery())
            order = (func.coalesce(size, 0).desc(), *order)
        rows = await self._select(
            self._inbox_filter(officer_id),
            limit=limit,
            offset=offset,
            order_by=order,
        )
        return [ticket_record(row) for row in rows]

    async def count_inbox(self, officer_id: int) -> int:
        """How many tickets :meth:`inbox` holds for the officer (for paging)."""
        statement = select(func.count()).select_from(TicketRow).where(self._inbox_filter(officer_id))
        return (await self._session.execute(statement)).scalar_one()

    async def search_corpus(self, since: datetime, limit: int) -> list[TicketRecord]:
        """What fuzzy search looks through: open tickets plus any created since ``since``, newest first."""
        since = require_aware(since, "since")
        where = or_(TicketRow.status.in_(OPEN_STATUSES), TicketRow.created_at >= since)
        return [ticket_record(row) for row in await self._select(where, limit=limit)]

    async def unconfirmed(self, received_before: datetime) -> list[TicketRecord]:
        """Tickets still ``received`` or ``reopened`` that were filed before ``received_before``
        (for monitoring reminders), oldest first."""
        received_before = require_aware(received_before, "received_before")
        where = and_(TicketRow.status.in_(UNCONFIRMED_STATUSES), TicketRow.created_at < received_before)
        rows = await self._select(where, order_by=(TicketRow.created_at, TicketRow.id))
        return [ticket_record(row) for row in rows]

    async def duplicates_of(self, ticket_id: int) -> list[TicketRecord]:
        """Tickets marked as duplicates of ``ticket_id`` (their complainants follow it too), oldest first."""
        rows = await self._select(TicketRow.duplicate_of == ticket_id, order_by=(TicketRow.created_at, TicketRow.id))
        return [ticket_record(row) for row in rows]

    @staticmethod
    def _inbox_filter(officer_id: int) -> ColumnElement[bool]:
        """Open tickets of nobody or of the officer; a "me too" member is left out (its case's lead stands for
        it)."""
        member = exists().where(TicketCaseRow.id == TicketRow.case_id, TicketCaseRow.lead_ticket_id != TicketRow.id)
        return and_(
            TicketRow.status.in_(OPEN_STATUSES),
            or_(TicketRow.assigned_to.is_(None), TicketRow.assigned_to == officer_id),
            or_(TicketRow.case_id.is_(None), ~member),
        )

    async def _select(
        self,
        where: ColumnElement[bool],
        limit: int | None = None,
        *,
        offset: int | None = None,
        order_by: tuple[Any, ...] = (TicketRow.created_at.desc(), TicketRow.id.desc()),
    ) -> list[TicketRow]:
        statement = (
            select(TicketRow)
            .where(where)
            .options(selectinload(TicketRow.attachments))
            .order_by(*order_by)
            .limit(limit)
            .offset(offset)
            .execution_options(populate_existing=True)
        )
        return list(await self._session.scalars(statement))

    async def changed_since(self, at: datetime, limit: int) -> list[TicketRecord]:
        """Tickets filed or changed (``updated_at``) at or after ``at``, oldest change first: what a cache of
        tickets (the search index) must look at again. At most ``limit``; as many means there may be more."""
        at = require_aware(at, "at")
        order = (TicketRow.updated_at, TicketRow.id)
        rows = await self._select(TicketRow.updated_at >= at, limit=limit, order_by=order)
        return [ticket_record(row) for row in rows]
