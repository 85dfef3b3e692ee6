"""LKs: nonconformity reports (Laporan Ketidaksesuaian, ``LK-…``) and improvement programmes for
suggestions (``PRG-…``), with the tickets they cover, their history and (in ``lk_actions``) their actions."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.vocabulary import LkEvent
from storage.columns import require_aware
from storage.errors import LkNotFound, TicketNotFound, UnknownLkKind
from storage.models import LkEventRow, LkRow, LkTicketRow, TicketRow
from storage.records import LkEventRecord, LkRecord, NewLk, TicketRecord
from storage.repositories._fields import checked_changes
from storage.repositories._lk_rows import lk_event_record, lk_record
from storage.repositories._sql import insert_or_ignore, next_in_series
from storage.repositories._ticket_rows import ticket_record
from storage.repositories.lk_actions import LkActions
from storage.repositories.tickets import NUMBERING_ZONE

#: Number prefix per LK kind: ``LK`` = Laporan Ketidaksesuaian, ``PRG`` = improvement programme.
SERIES_BY_LK_KIND = {"nonconformity": "LK", "improvement": "PRG"}

#: What ``LkRepository.update`` may change (the status only moves through ``set_status``; the
#: number, kind and preparer are fixed when the LK is created).
UPDATABLE_FIELDS = frozenset(
    {
        "service_code",
        "procedure_ref",
        "description",
        "root_cause",
        "recurrence_of",
        "round",
        "checked_by",
        "checked_at",
        "approved_by",
        "approved_at",
        "verified_by",
        "verified_at",
        "effective",
        "response",
        "updated_at",
        "closed_at",
    }
)


def lk_number(series: str, year: int, value: int) -> str:
    """``LK-2026-003``; past 999 the number simply grows (``LK-2026-1000``)."""
    return f"{series}-{year:04d}-{value:03d}"


class LkRepository(LkActions):
    """Creates, finds and moves LKs and their actions within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, new: NewLk) -> LkRecord:
        """Create an LK: the next number of its series and year (WIB), and the first history event
        (``None`` → ``new.status``, by ``new.prepared_by``).

        Raises :class:`UnknownLkKind` and ``NaiveDatetime``.
        """
        series = SERIES_BY_LK_KIND.get(new.kind)
        if series is None:
            raise UnknownLkKind(f"unknown LK kind {new.kind!r}; expected one of {sorted(SERIES_BY_LK_KIND)}")
        created_at = require_aware(new.created_at, "created_at")
        year = created_at.astimezone(NUMBERING_ZONE).year
        value = await next_in_series(self._session, series, year)
        row = LkRow(
            number=lk_number(series, year, value),
            kind=new.kind,
            service_code=new.service_code,
            procedure_ref=new.procedure_ref,
            description=new.description,
            root_cause=new.root_cause,
            status=new.status,
            round=1,
            prepared_by=new.prepared_by,
            created_at=created_at,
            updated_at=created_at,
        )
        self._session.add(row)
        await self._session.flush()
        self._session.add(
            LkEventRow(lk_id=row.id, at=created_at, actor_person_id=new.prepared_by, to_status=new.status,
                       code=LkEvent.CREATED, params={})
        )
        await self._session.flush()
        return lk_record(row)

    async def get(self, lk_id: int) -> LkRecord | None:
        row = await self._row(lk_id)
        return lk_record(row) if row else None

    async def get_by_number(self, number: str) -> LkRecord | None:
        """Find an LK by its number, however it was typed (``lk-2026-003 `` works)."""
        statement = (
            select(LkRow).where(LkRow.number == number.strip().upper()).execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(statement)).one_or_none()
        return lk_record(row) if row else None

    async def update(self, lk_id: int, **fields: Any) -> LkRecord:
        """Change the LK's content or signatures (see :data:`UPDATABLE_FIELDS`); returns it as it is now.
        ``updated_at`` changes only if it is given.

        Raises :class:`LkNotFound`, :class:`storage.errors.UnknownField`,
        :class:`storage.errors.InvalidFieldValue` and ``NaiveDatetime``.
        """
        changes = checked_changes(LkRow, fields, UPDATABLE_FIELDS)
        row = await self._existing_row(lk_id)
        for name, value in changes.items():
            setattr(row, name, value)
        await self._session.flush()
        return lk_record(row)

    async def set_status(
        self,
        lk_id: int,
        to_status: str,
        *,
        actor_person_id: int | None,
        at: datetime,
        code: str = LkEvent.STATUS,
        params: dict[str, Any] | None = None,
        note: str | None = None,
    ) -> LkEventRecord:
        """Record what happened (``code``, ``params``: see ``domain.vocabulary.LkEvent``) and move the LK to
        ``to_status``; sets ``updated_at``.

        The row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) so the recorded ``from_status`` is
        the one actually replaced. Raises :class:`LkNotFound` and ``NaiveDatetime``.
        """
        at = require_aware(at, "at")
        row = await self._existing_row(lk_id, lock=True)
        event = LkEventRow(
            lk_id=row.id,
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
        return lk_event_record(event)

    async def events(self, lk_id: int) -> list[LkEventRecord]:
        """The LK's history, oldest first."""
        statement = select(LkEventRow).where(LkEventRow.lk_id == lk_id).order_by(LkEventRow.at, LkEventRow.id)
        return [lk_event_record(row) for row in await self._session.scalars(statement)]

    async def link(self, lk_id: int, ticket_ids: Iterable[int]) -> int:
        """Attach tickets to the LK; returns how many were newly linked (already linked ones are skipped).

        Raises :class:`LkNotFound` and :class:`TicketNotFound`.
        """
        wanted = list(dict.fromkeys(ticket_ids))
        await self._existing_row(lk_id)
        if not wanted:
            return 0
        found = set(await self._session.scalars(select(TicketRow.id).where(TicketRow.id.in_(wanted))))
        missing = [i for i in wanted if i not in found]
        if missing:
            raise TicketNotFound(f"no tickets with ids {missing}")
        linked = 0
        for ticket_id in wanted:
            values = {"lk_id": lk_id, "ticket_id": ticket_id}
            if await insert_or_ignore(self._session, LkTicketRow, values, ["lk_id", "ticket_id"]):
                linked += 1
        return linked

    async def tickets(self, lk_id: int) -> list[TicketRecord]:
        """The tickets the LK covers, oldest first."""
        statement = (
            select(TicketRow)
            .join(LkTicketRow, LkTicketRow.ticket_id == TicketRow.id)
            .where(LkTicketRow.lk_id == lk_id)
            .options(selectinload(TicketRow.attachments))
            .order_by(TicketRow.created_at, TicketRow.id)
            .execution_options(populate_existing=True)
        )
        return [ticket_record(row) for row in await self._session.scalars(statement)]

    async def lks_of_ticket(self, ticket_id: int) -> list[LkRecord]:
        """The LKs covering the ticket, oldest first."""
        statement = (
            select(LkRow)
            .join(LkTicketRow, LkTicketRow.lk_id == LkRow.id)
            .where(LkTicketRow.ticket_id == ticket_id)
            .order_by(LkRow.created_at, LkRow.id)
            .execution_options(populate_existing=True)
        )
        return [lk_record(row) for row in await self._session.scalars(statement)]

    async def with_status(self, statuses: Collection[str]) -> list[LkRecord]:
        """LKs in any of ``statuses`` (e.g. the open ones for monitoring), oldest first; a single
        string counts as one status, not as its letters."""
        wanted = [statuses] if isinstance(statuses, str) else list(statuses)
        if not wanted:
            return []
        statement = (
            select(LkRow)
            .where(LkRow.status.in_(wanted))
            .order_by(LkRow.created_at, LkRow.id)
            .execution_options(populate_existing=True)
        )
        return [lk_record(row) for row in await self._session.scalars(statement)]

    async def _existing_row(self, lk_id: int, *, lock: bool = False) -> LkRow:
        row = await self._row(lk_id, lock=lock)
        if row is None:
            raise LkNotFound(f"no LK with id {lk_id}")
        return row

    async def _row(self, lk_id: int, *, lock: bool = False) -> LkRow | None:
        statement = select(LkRow).where(LkRow.id == lk_id).execution_options(populate_existing=True)
        if lock:
            statement = statement.with_for_update()
        return (await self._session.scalars(statement)).one_or_none()
