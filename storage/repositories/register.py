"""The register export's reads and its jobs (``export_job``).

Reads come in chunks by id (``after`` the last id seen, ``limit`` rows, id order): the caller opens a short
transaction per chunk, so an export of any size never holds one long transaction nor all rows in memory. Each
chunk is a few indexed queries: the rows with their people's names, then their verdicts and LK links by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.vocabulary import TicketEvent
from storage.models import ExportJobRow, LkActionRow, LkRow, LkTicketRow, PersonRow, TicketEventRow, TicketRow
from storage.records import ExportJob, RegisterAction, RegisterFilter, RegisterLk, RegisterTicket
from storage.repositories._lk_rows import action_record, lk_record
from storage.repositories._ticket_rows import ticket_record

VERDICT_CODES = (TicketEvent.VERDICT.value, TicketEvent.DUPLICATE.value)
_COMPLAINANT, _OFFICER = "register_complainant", "register_officer"


def _tickets_where(where: RegisterFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.start is not None:
        found.append(TicketRow.created_at >= where.start)
    if where.end is not None:
        found.append(TicketRow.created_at < where.end)
    if where.service is not None:
        found.append(TicketRow.service_code == where.service)
    return found


def _lks_where(where: RegisterFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.start is not None:
        found.append(LkRow.created_at >= where.start)
    if where.end is not None:
        found.append(LkRow.created_at < where.end)
    if where.service is not None:
        found.append(LkRow.service_code == where.service)
    return found


class RegisterRepository:
    """Chunked reads for the register and the export jobs, within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def count_tickets(self, where: RegisterFilter) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(TicketRow)
                                              .where(*_tickets_where(where))) or 0)

    async def received_span(self, where: RegisterFilter) -> tuple[datetime, datetime] | None:
        """When the first and the last ticket the filter admits were received (None: no ticket)."""
        row = (await self._session.execute(select(func.min(TicketRow.created_at), func.max(TicketRow.created_at))
                                           .where(*_tickets_where(where)))).one()
        return (row[0], row[1]) if row[0] is not None and row[1] is not None else None  # UtcDateTime: aware

    async def count_lks(self, where: RegisterFilter) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(LkRow).where(*_lks_where(where))) or 0)

    async def count_actions(self, where: RegisterFilter) -> int:
        statement = (select(func.count()).select_from(LkActionRow).join(LkRow, LkRow.id == LkActionRow.lk_id)
                     .where(*_lks_where(where)))
        return int(await self._session.scalar(statement) or 0)

    async def tickets(self, where: RegisterFilter, *, after: int, limit: int) -> list[RegisterTicket]:
        """The next ``limit`` tickets with an id above ``after``, in id order (attachments are not read).

        Read as plain columns, not ORM objects: the session's identity map and attribute instrumentation cost more
        than the query itself at 100,000 rows. The id is bounded above as well as below (by the newest id), so
        SQLite walks the primary key from ``after`` instead of the creation-time index, which it would otherwise
        pick for a period and then sort the whole period again for every chunk. Verdicts and LK links are read for
        the chunk's id range (first to last id), not a list of 1,000 ids: one pair of bounds to build instead of
        1,000; rows of tickets in the range that the filter left out are read and not used (each range once, so at
        most the table)."""
        complainant, officer = aliased(PersonRow), aliased(PersonRow)
        statement = (
            select(*TicketRow.__table__.columns, complainant.name.label(_COMPLAINANT),
                   officer.name.label(_OFFICER))
            .outerjoin(complainant, complainant.id == TicketRow.person_id)
            .outerjoin(officer, officer.id == TicketRow.assigned_to)
            .where(TicketRow.id > after, TicketRow.id <= select(func.max(TicketRow.id)).scalar_subquery(),
                   *_tickets_where(where))
            .order_by(TicketRow.id).limit(limit)
        )
        connection = await self._session.connection()  # Core, not the ORM's result machinery: plain rows
        result = await connection.execute(statement)
        keys = list(result.keys())  # once: a mapping per row would build its key view for every row
        rows = [dict(zip(keys, row, strict=True)) for row in result.all()]
        ids = [row["id"] for row in rows]
        verdicts: dict[int, tuple[str, datetime]] = {}
        lks: dict[int, list[str]] = defaultdict(list)
        if ids:
            events = await connection.execute(
                select(TicketEventRow.ticket_id, TicketEventRow.to_status, TicketEventRow.at)
                .where(TicketEventRow.ticket_id.between(ids[0], ids[-1]), TicketEventRow.code.in_(VERDICT_CODES))
                .order_by(TicketEventRow.at, TicketEventRow.id))
            for ticket_id, status, at in events:
                verdicts[ticket_id] = (status, at)  # the last one wins
            links = await connection.execute(
                select(LkTicketRow.ticket_id, LkRow.number).join(LkRow, LkRow.id == LkTicketRow.lk_id)
                .where(LkTicketRow.ticket_id.between(ids[0], ids[-1])).order_by(LkRow.id))
            for ticket_id, number in links:
                lks[ticket_id].append(number)
        found = []
        for row in rows:
            # ticket_record reads attributes: the row's columns under their names, and no attachments (the
            # register lists no files)
            plain = cast(TicketRow, SimpleNamespace(**row, attachments=()))
            verdict, verdict_at = verdicts.get(row["id"], (None, None))
            found.append(RegisterTicket(ticket_record(plain), None if row["anonymous"] else row[_COMPLAINANT],
                                        row[_OFFICER], verdict, verdict_at, tuple(lks.get(row["id"], ()))))
        return found

    async def lks(self, where: RegisterFilter, *, after: int, limit: int) -> list[RegisterLk]:
        rows = (await self._session.scalars(select(LkRow).where(LkRow.id > after, *_lks_where(where))
                                            .order_by(LkRow.id).limit(limit))).all()
        numbers: dict[int, list[str]] = defaultdict(list)
        if rows:
            links = await self._session.execute(
                select(LkTicketRow.lk_id, TicketRow.number).join(TicketRow, TicketRow.id == LkTicketRow.ticket_id)
                .where(LkTicketRow.lk_id.in_([r.id for r in rows])).order_by(TicketRow.id))
            for lk_id, number in links:
                numbers[lk_id].append(number)
        found = [RegisterLk(lk_record(row), tuple(numbers.get(row.id, ()))) for row in rows]
        self._session.expunge_all()
        return found

    async def actions(self, where: RegisterFilter, *, after: int, limit: int) -> list[RegisterAction]:
        """The next actions of the LKs the filter admits, in id order, with their LK's number and owner's name."""
        owner = aliased(PersonRow)
        statement = (
            select(LkActionRow, LkRow.number, owner.name)
            .join(LkRow, LkRow.id == LkActionRow.lk_id)
            .outerjoin(owner, owner.id == LkActionRow.owner_person_id)
            .where(LkActionRow.id > after, *_lks_where(where))
            .order_by(LkActionRow.id).limit(limit)
        )
        found = [RegisterAction(action_record(row), number, name or row.owner_name)
                 for row, number, name in (await self._session.execute(statement)).all()]
        self._session.expunge_all()
        return found

    # The jobs.

    async def add_job(self, *, requested_by: int, chat_id: int, locale: str, filters: dict[str, Any],
                      now: datetime) -> ExportJob:
        row = ExportJobRow(requested_by=requested_by, chat_id=chat_id, locale=locale, filters=filters,
                           status="queued", progress=0, attempts=0, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return _job(row)

    async def get_job(self, job_id: int) -> ExportJob | None:
        row = await self._session.get(ExportJobRow, job_id, populate_existing=True)
        return _job(row) if row is not None else None

    async def unfinished_jobs(self) -> Sequence[ExportJob]:
        """Jobs queued, or left running by a process that stopped, oldest first."""
        rows = await self._session.scalars(select(ExportJobRow).where(ExportJobRow.status.in_(("queued", "running")))
                                           .order_by(ExportJobRow.id))
        return [_job(row) for row in rows]

    async def update_job(self, job_id: int, **values: Any) -> None:
        await self._session.execute(update(ExportJobRow).where(ExportJobRow.id == job_id).values(**values))


def _job(row: ExportJobRow) -> ExportJob:
    return ExportJob(id=row.id, requested_by=row.requested_by, chat_id=row.chat_id, locale=row.locale,
                     filters=dict(row.filters), status=row.status, progress=row.progress, message_id=row.message_id,
                     file_sha256=row.file_sha256, file_name=row.file_name, error=row.error, attempts=row.attempts,
                     created_at=row.created_at)
