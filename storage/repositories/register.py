"""The register export's reads and its jobs (``export_job``).

Reads come in chunks by id (``after`` the last id seen, ``limit`` rows, id order): the caller opens a short
transaction per chunk, so an export of any size never holds one long transaction nor all rows in memory. Each
chunk is a few indexed queries: the rows with their people's names, then their verdicts and LK links by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ColumnElement, and_, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.vocabulary import AuditKind, IdentityLevel, TicketEvent
from storage.columns import UtcDateTime, require_aware
from storage.models import (
    AuditLogRow,
    ExportJobRow,
    LkActionRow,
    LkRow,
    LkTicketRow,
    PersonRow,
    TicketEventRow,
    TicketRow,
)
from storage.records import ExportJob, Masking, RegisterAction, RegisterFilter, RegisterLk, RegisterTicket
from storage.repositories._lk_rows import action_record, lk_record

VERDICT_CODES = (TicketEvent.VERDICT.value, TicketEvent.DUPLICATE.value)
REGISTER_COLUMNS = (TicketRow.id, TicketRow.number, TicketRow.kind, TicketRow.channel, TicketRow.service_code,
                    TicketRow.service_other, TicketRow.description, TicketRow.anonymous, TicketRow.status,
                    TicketRow.created_at, TicketRow.updated_at, TicketRow.confirmed_at, TicketRow.resolved_at,
                    TicketRow.rating, TicketRow.rating_comment, TicketRow.rated_at)
"""The ticket's columns the register reads, in :class:`RegisterTicket`'s order."""
NAMED = (TicketRow.identity_level == IdentityLevel.NAMED.value, TicketRow.identity_erased_at.is_(None))
"""A ticket whose complainant's name the register shows (issue 15): named, and not erased. A confidential or an
anonymous complainant's name is never shown in the register: it is read (:data:`PROTECTED`) only to mask it in the
description and the rating comment (``handlers.privacy.mask``)."""
PROTECTED = (TicketRow.identity_level != IdentityLevel.NAMED.value, TicketRow.identity_erased_at.is_(None))


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
        """The next ``limit`` tickets with an id above ``after``, in id order: the columns the register shows.

        Read as plain tuples of those columns (:data:`REGISTER_COLUMNS`), not ORM objects nor whole ticket records:
        at 100,000 rows the session's identity map, the attribute instrumentation and the columns nobody shows
        (answers as JSON, the due-work timestamps) cost more than the query itself. The id is bounded above as well
        as below (by the newest id), so SQLite walks the primary key from ``after`` instead of the creation-time
        index, which it would otherwise pick for a period and then sort the whole period again for every chunk.
        Verdicts and LK links are read for the chunk's id range (first to last id), not a list of 1,000 ids: one
        pair of bounds to build instead of 1,000; rows of tickets in the range that the filter left out are read
        and not used (each range once, so at most the table)."""
        complainant, officer, hidden = aliased(PersonRow), aliased(PersonRow), aliased(PersonRow)
        statement = (
            select(*REGISTER_COLUMNS, complainant.name, officer.name, TicketRow.identity_level,
                   hidden.id, hidden.name, hidden.nrp, hidden.contact, hidden.telegram_id, hidden.former)
            .outerjoin(complainant, and_(complainant.id == TicketRow.person_id, *NAMED))
            .outerjoin(officer, officer.id == TicketRow.assigned_to)
            .outerjoin(hidden, and_(hidden.id == TicketRow.person_id, *PROTECTED))
            .where(TicketRow.id > after, TicketRow.id <= select(func.max(TicketRow.id)).scalar_subquery(),
                   *_tickets_where(where))
            .order_by(TicketRow.id).limit(limit)
        )
        connection = await self._session.connection()  # Core, not the ORM's result machinery: plain rows
        rows = (await connection.execute(statement)).all()
        verdicts: dict[int, tuple[str, datetime]] = {}
        lks: dict[int, list[str]] = defaultdict(list)
        if rows:
            first, last = rows[0][0], rows[-1][0]
            events = await connection.execute(
                select(TicketEventRow.ticket_id, TicketEventRow.to_status, TicketEventRow.at)
                .where(TicketEventRow.ticket_id.between(first, last), TicketEventRow.code.in_(VERDICT_CODES))
                .order_by(TicketEventRow.at, TicketEventRow.id))
            for ticket_id, status, at in events:
                verdicts[ticket_id] = (status, at)  # the last one wins
            links = await connection.execute(
                select(LkTicketRow.ticket_id, LkRow.number).join(LkRow, LkRow.id == LkTicketRow.lk_id)
                .where(LkTicketRow.ticket_id.between(first, last)).order_by(LkRow.id))
            for ticket_id, number in links:
                lks[ticket_id].append(number)
        no_verdict: tuple[None, None] = (None, None)
        found = []
        for (id_, number, kind, channel, code, other, description, anonymous, status, created_at, updated_at,
             confirmed_at, resolved_at, rating, comment, rated_at, complainant_name, officer_name, level,
             hidden_id, hidden_name, nrp, contact, telegram_id, former) in rows:
            verdict, verdict_at = verdicts.get(id_, no_verdict)
            mask = (Masking(hidden_name, nrp, contact, telegram_id, tuple((str(k), str(v)) for k, v in former or []))
                    if hidden_id is not None else None)
            found.append(RegisterTicket(id_, number, kind, channel, code, other, description, anonymous, status,
                                        created_at, updated_at, confirmed_at, resolved_at, rating, comment, rated_at,
                                        None if anonymous else complainant_name, officer_name, verdict, verdict_at,
                                        tuple(lks.get(id_, ())), identity_level=level, mask=mask))
        return found

    async def last_ticket_id(self) -> int:
        """The newest ticket's id (0: none): an export's views are recorded for the tickets up to it."""
        return int(await self._session.scalar(select(func.max(TicketRow.id))) or 0)

    async def record_views(self, where: RegisterFilter, up_to: int, at: datetime, actor_id: int | None,
                           place: str) -> int:
        """One ``identity_view`` row per ticket (id up to ``up_to``) whose complainant's name the register of
        ``where`` shows, all in one ``INSERT … SELECT``; how many."""
        named = (select(literal(require_aware(at, "at"), UtcDateTime()), literal(AuditKind.IDENTITY_VIEW.value),
                        literal(actor_id, BigInteger()), TicketRow.id, literal(place), literal({}, JSON()))
                 .join(PersonRow, PersonRow.id == TicketRow.person_id)
                 .where(TicketRow.id <= up_to, PersonRow.name.is_not(None), *NAMED, *_tickets_where(where)))
        result = await self._session.execute(insert(AuditLogRow).from_select(
            ["at", "kind", "actor_id", "ticket_id", "place", "detail"], named))
        return int(getattr(result, "rowcount", 0) or 0)

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
