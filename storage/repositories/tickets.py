"""Tickets: complaints (keluhan, ``KEL-…``) and suggestions (saran, ``SAR-…``) with their history."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.columns import require_aware
from storage.errors import TicketNotFound, UnknownTicketKind
from storage.models import TicketAttachmentRow, TicketEventRow, TicketRow
from storage.records import Attachment, NewTicket, TicketEventRecord, TicketRecord
from storage.repositories._sql import next_in_series

#: Ticket numbers count per year as people in Indonesia see it (WIB).
NUMBERING_ZONE = ZoneInfo("Asia/Jakarta")

#: Number prefix per ticket kind: ``KEL`` = keluhan (complaint), ``SAR`` = saran (suggestion).
SERIES_BY_KIND = {"complaint": "KEL", "suggestion": "SAR"}


def ticket_number(series: str, year: int, value: int) -> str:
    """``KEL-2026-00042``."""
    return f"{series}-{year:04d}-{value:05d}"


def _record(row: TicketRow) -> TicketRecord:
    return TicketRecord(
        id=row.id,
        number=row.number,
        kind=row.kind,
        channel=row.channel,
        person_id=row.person_id,
        service_code=row.service_code,
        service_other=row.service_other,
        description=row.description,
        occurred_on=row.occurred_on,
        answers=dict(row.answers),
        attachments=tuple(
            Attachment(file_id=a.file_id, file_type=a.file_type, file_name=a.file_name)
            for a in row.attachments
        ),
        anonymous=row.anonymous,
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _event_record(row: TicketEventRow) -> TicketEventRecord:
    return TicketEventRecord(
        id=row.id,
        ticket_id=row.ticket_id,
        at=row.at,
        actor_person_id=row.actor_person_id,
        from_status=row.from_status,
        to_status=row.to_status,
        note=row.note,
    )


class TicketRepository:
    """Files, finds and moves tickets within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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
            anonymous=new.anonymous,
            status=new.status,
            created_at=created_at,
            updated_at=created_at,
            attachments=[
                TicketAttachmentRow(
                    file_id=a.file_id, file_type=a.file_type, file_name=a.file_name, position=i
                )
                for i, a in enumerate(new.attachments)
            ],
        )
        self._session.add(row)
        await self._session.flush()
        self._session.add(
            TicketEventRow(
                ticket_id=row.id,
                at=created_at,
                actor_person_id=new.person_id,
                from_status=None,
                to_status=new.status,
            )
        )
        await self._session.flush()
        return _record(row)

    async def get(self, ticket_id: int) -> TicketRecord | None:
        rows = await self._select(TicketRow.id == ticket_id)
        return _record(rows[0]) if rows else None

    async def get_by_number(self, number: str) -> TicketRecord | None:
        """Find a ticket by its number, however the user typed it (``kel-2026-00042 `` works)."""
        rows = await self._select(TicketRow.number == number.strip().upper())
        return _record(rows[0]) if rows else None

    async def list_for_person(self, person_id: int, limit: int = 20) -> list[TicketRecord]:
        """The person's tickets, newest first."""
        rows = await self._select(TicketRow.person_id == person_id, limit=limit)
        return [_record(row) for row in rows]

    async def events(self, ticket_id: int) -> list[TicketEventRecord]:
        """The ticket's history, oldest first."""
        statement = (
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
        return [_event_record(row) for row in (await self._session.scalars(statement))]

    async def set_status(
        self, ticket_id: int, to_status: str, *, actor_person_id: int | None, note: str | None, at: datetime
    ) -> TicketEventRecord:
        """Move a ticket to ``to_status``: append the history event and set ``updated_at``.

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
        event = TicketEventRow(
            ticket_id=row.id,
            at=at,
            actor_person_id=actor_person_id,
            from_status=row.status,
            to_status=to_status,
            note=note,
        )
        row.status = to_status
        row.updated_at = at
        self._session.add(event)
        await self._session.flush()
        return _event_record(event)

    async def _select(self, where: ColumnElement[bool], limit: int | None = None) -> list[TicketRow]:
        statement = (
            select(TicketRow)
            .where(where)
            .options(selectinload(TicketRow.attachments))
            .order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return list(await self._session.scalars(statement))
