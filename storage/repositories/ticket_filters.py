"""Tickets chosen by filters (status, service, channel, officer, filing date) for staff search (pencarian tiket).

Every answer is a count or one page, never the whole list, so a filter matching 100k tickets costs a page.
Pages are newest first (``created_at`` then ``id``, descending), one statement each, read along an index the
database picks: ``ticket (status, created_at)``, ``(service_code, created_at)``, ``(channel, created_at)``,
``(assigned_to, created_at)`` or ``(created_at)`` (migration 0006), walked newest first and stopped after the
page. Measured at 100k tickets (SQLite and PostgreSQL 15): a page takes well under a millisecond in the database
whatever the filters, including several statuses (``status:open`` is six); a count reads the matching index
entries, and a few milliseconds where a second filter needs the rows (``officer:me status:open``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.columns import require_aware
from storage.models import TicketRow
from storage.records import TicketRecord
from storage.repositories._ticket_rows import ticket_record

NEWEST_FIRST = (TicketRow.created_at.desc(), TicketRow.id.desc())


@dataclass(frozen=True)
class TicketFilter:
    """Which tickets: each given field must hold (``None``: any value). Empty sets match nothing."""

    statuses: frozenset[str] | None = None
    service_codes: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    #: Person ids of the officers handling them; ``None`` inside the set: handled by nobody yet.
    assigned_to: frozenset[int | None] | None = None
    #: Filed at or after this moment (aware).
    created_from: datetime | None = None
    #: Filed before this moment (aware).
    created_before: datetime | None = None


@dataclass(frozen=True)
class TicketText:
    """What a fuzzy search reads of a ticket: its number, service and description."""

    id: int
    number: str
    service_code: str
    description: str


def conditions(where: TicketFilter) -> list[ColumnElement[bool]]:
    """The SQL conditions of ``where``."""
    found: list[ColumnElement[bool]] = []
    for column, values in ((TicketRow.status, where.statuses),
                           (TicketRow.service_code, where.service_codes), (TicketRow.channel, where.channels)):
        if values is not None:
            found.append(column.in_(sorted(values)) if values else false())
    if where.assigned_to is not None:
        officers = sorted(i for i in where.assigned_to if i is not None)
        either = [TicketRow.assigned_to.in_(officers)] if officers else []
        if None in where.assigned_to:
            either.append(TicketRow.assigned_to.is_(None))
        found.append(or_(*either) if either else false())
    if where.created_from is not None:
        found.append(TicketRow.created_at >= require_aware(where.created_from, "created_from"))
    if where.created_before is not None:
        found.append(TicketRow.created_at < require_aware(where.created_before, "created_before"))
    return found


class FilteredTickets:
    """Counts and newest-first pages of the tickets a :class:`TicketFilter` admits, in the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count(self, where: TicketFilter) -> int:
        """How many tickets ``where`` admits."""
        statement = select(func.count()).select_from(TicketRow).where(and_(*conditions(where)))
        return (await self._session.execute(statement)).scalar_one()

    async def newest(self, where: TicketFilter, *, limit: int, offset: int = 0) -> list[TicketRecord]:
        """The tickets ``where`` admits, newest first: ``limit`` of them after the first ``offset``."""
        if limit <= 0:
            return []
        ids = await self._page_ids(where, limit, offset)
        if not ids:
            return []
        statement = (
            select(TicketRow)
            .where(TicketRow.id.in_(ids))
            .options(selectinload(TicketRow.attachments))
            .execution_options(populate_existing=True)
        )
        found = {row.id: row for row in await self._session.scalars(statement)}
        return [ticket_record(found[i]) for i in ids if i in found]

    async def texts(self, where: TicketFilter, limit: int) -> list[TicketText]:
        """The newest ``limit`` tickets ``where`` admits, as much of them as a text search reads."""
        statement = (
            select(TicketRow.id, TicketRow.number, TicketRow.service_code, TicketRow.description)
            .where(and_(*conditions(where)))
            .order_by(*NEWEST_FIRST)
            .limit(limit)
        )
        return [TicketText(*row) for row in await self._session.execute(statement)]

    async def _page_ids(self, where: TicketFilter, limit: int, offset: int) -> list[int]:
        statement = (select(TicketRow.id).where(and_(*conditions(where))).order_by(*NEWEST_FIRST)
                     .limit(limit).offset(offset))
        return list(await self._session.scalars(statement))
