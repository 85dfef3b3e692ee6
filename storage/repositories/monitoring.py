"""Read-only questions for monitoring (SOP step f): how many, and the first few, of what is late or waiting.

Every answer is a count plus the first ``limit`` rows, never the whole list, so ``/monitor`` costs the
same over a thousand tickets as over a million. Each query is an index range scan:
``lk_action (status, due_on)``, ``ticket (status, created_at)``, ``ticket (status, due_on, …)`` and
``lk (status, created_at)``.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.vocabulary import NO_VERDICT
from storage.columns import require_aware
from storage.models import LkActionRow, LkRow, PersonRow, TicketRow
from storage.records import ActionRecord, LkRecord, TicketRecord
from storage.repositories._lk_rows import action_record, lk_record
from storage.repositories._ticket_rows import ticket_record
from storage.repositories.lk_actions import OPEN
from storage.repositories.tickets import ACTIVE_STATUSES

UNCONFIRMED_STATUSES = NO_VERDICT
"""Not confirmed yet: no verdict, whether or not an officer took the ticket (a taken ticket late to be confirmed
is as late as one nobody took)."""


class MonitoringRepository:
    """Counts and first pages for monitoring, within the caller's session; writes nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_actions_due(
        self, *, first: date | None, last: date, limit: int
    ) -> tuple[int, list[tuple[ActionRecord, LkRecord]]]:
        """Open actions due from ``first`` (``None``: however long ago) through ``last``, both
        included: how many, and the first ``limit`` with their LK, earliest due first."""
        where = [LkActionRow.status == OPEN, LkActionRow.due_on <= last]
        if first is not None:
            where.append(LkActionRow.due_on >= first)
        total = await self._session.scalar(select(func.count()).select_from(LkActionRow).where(*where))
        statement = (
            select(LkActionRow, LkRow)
            .join(LkRow, LkRow.id == LkActionRow.lk_id)
            .where(*where)
            .order_by(LkActionRow.due_on, LkActionRow.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        rows = await self._session.execute(statement)
        return total or 0, [(action_record(action), lk_record(lk)) for action, lk in rows]

    async def unconfirmed_tickets(
        self, received_before: datetime, limit: int, *, by_service: Mapping[str, datetime] | None = None
    ) -> tuple[int, list[TicketRecord]]:
        """Tickets with no verdict yet (:data:`UNCONFIRMED_STATUSES`) filed before ``received_before`` (or, for a
        service in ``by_service``, before that service's own instant): how many, and the first ``limit``,
        oldest first.

        The first rows are taken per status (one ordered range of ``ticket (status, created_at)``
        each) and merged here: an ``IN`` over the statuses would make the database sort every match.
        """
        default = require_aware(received_before, "received_before")
        groups = _by_instant(by_service or {})
        total = await self._count_unconfirmed(default, groups)
        filed_early = _filed_before(default, groups)
        if not total:
            return 0, []
        heads = []
        for status in UNCONFIRMED_STATUSES:
            statement = (
                select(TicketRow.created_at, TicketRow.id)
                .where(TicketRow.status == status, filed_early)
                .order_by(TicketRow.created_at, TicketRow.id)
                .limit(limit)
            )
            heads.append([(at, ticket_id) for at, ticket_id in await self._session.execute(statement)])
        wanted = [ticket_id for _at, ticket_id in heapq.merge(*heads)][:limit]
        rows = (
            select(TicketRow)
            .where(TicketRow.id.in_(wanted))
            .options(selectinload(TicketRow.attachments))
            .execution_options(populate_existing=True)
        )
        found = {row.id: row for row in await self._session.scalars(rows)}
        return total, [ticket_record(found[ticket_id]) for ticket_id in wanted if ticket_id in found]

    async def _count_unconfirmed(self, default: datetime, groups: Mapping[datetime, list[str]]) -> int:
        """How many unconfirmed tickets were filed before ``default``, corrected for each group of services
        with its own instant by the few days between the two: every count reads only a range of
        ``ticket (status, created_at)``, and only those few days' rows are looked up for their service."""
        unconfirmed = TicketRow.status.in_(UNCONFIRMED_STATUSES)
        total = await self._session.scalar(
            select(func.count()).select_from(TicketRow).where(unconfirmed, TicketRow.created_at < default)) or 0
        for before, codes in groups.items():
            first, last = sorted((default, before))
            between = await self._session.scalar(select(func.count()).select_from(TicketRow).where(
                unconfirmed, TicketRow.created_at >= first, TicketRow.created_at < last,
                TicketRow.service_code.in_(codes))) or 0
            total += between if before > default else -between
        return total

    async def lks_in_status(self, status: str, limit: int) -> tuple[int, list[LkRecord]]:
        """LKs in ``status``: how many, and the first ``limit``, oldest first."""
        total = await self._session.scalar(select(func.count()).select_from(LkRow).where(LkRow.status == status))
        statement = (
            select(LkRow)
            .where(LkRow.status == status)
            .order_by(LkRow.created_at, LkRow.id)
            .limit(limit)
            .execution_options(populate_existing=True)
        )
        return total or 0, [lk_record(row) for row in await self._session.scalars(statement)]

    async def tickets_in_status(self, status: str, limit: int) -> tuple[int, list[TicketRecord]]:
        """Tickets in ``status`` (e.g. reopened): how many, and the first ``limit``, oldest first."""
        where = (TicketRow.status == status,)
        return await self._tickets(where, (TicketRow.created_at, TicketRow.id), limit)

    async def awaiting_complainant(self, limit: int) -> tuple[int, list[TicketRecord]]:
        """Active tickets whose staff wait for the complainant's answer, longest waiting first."""
        where = (TicketRow.awaiting_complainant_since.is_not(None), TicketRow.status.in_(ACTIVE_STATUSES))
        return await self._tickets(where, (TicketRow.awaiting_complainant_since, TicketRow.id), limit)

    async def late_in_step(self, step: str, before: date, limit: int) -> tuple[int, list[TicketRecord]]:
        """Active tickets waiting in ``step`` (``respond``: confirmed, no response yet) whose deadline is before
        ``before`` (late from that day; an extended deadline counts as given): how many, and the first ``limit``,
        oldest deadline first. The same tickets the due work counts late (``DueRepository.late_tickets``)."""
        where = (TicketRow.due_step == step, TicketRow.due_on < before, TicketRow.status.in_(ACTIVE_STATUSES))
        return await self._tickets(where, (TicketRow.due_on, TicketRow.id), limit)

    async def lks_in_later_rounds(self, limit: int) -> tuple[int, list[LkRecord]]:
        """Open LKs in a second (or later) round: a programme that was judged not effective."""
        where = (LkRow.round > 1, LkRow.status != "closed")
        total = await self._session.scalar(select(func.count()).select_from(LkRow).where(*where))
        statement = (select(LkRow).where(*where).order_by(LkRow.created_at, LkRow.id).limit(limit)
                     .execution_options(populate_existing=True))
        return total or 0, [lk_record(row) for row in await self._session.scalars(statement)]

    async def actions_of_unreachable_owners(self, limit: int) -> tuple[int, list[tuple[ActionRecord, LkRecord]]]:
        """Open actions whose owner the bot cannot reach: they blocked it, or never pressed Start."""
        unreachable = or_(PersonRow.unreachable_at.is_not(None), PersonRow.started_at.is_(None))
        where = (LkActionRow.status == OPEN, unreachable)
        joined = select(LkActionRow, LkRow).join(LkRow, LkRow.id == LkActionRow.lk_id).join(
            PersonRow, PersonRow.id == LkActionRow.owner_person_id)
        total = await self._session.scalar(
            select(func.count()).select_from(LkActionRow).join(PersonRow, PersonRow.id == LkActionRow.owner_person_id)
            .where(*where))
        statement = (joined.where(*where).order_by(LkActionRow.due_on, LkActionRow.id).limit(limit)
                     .execution_options(populate_existing=True))
        rows = await self._session.execute(statement)
        return total or 0, [(action_record(a), lk_record(lk)) for a, lk in rows]

    async def _tickets(self, where: tuple[Any, ...], order: tuple[Any, ...], limit: int
                       ) -> tuple[int, list[TicketRecord]]:
        total = await self._session.scalar(select(func.count()).select_from(TicketRow).where(*where))
        if not total:
            return 0, []
        statement = (select(TicketRow).where(*where).order_by(*order).limit(limit)
                     .options(selectinload(TicketRow.attachments)).execution_options(populate_existing=True))
        return total, [ticket_record(row) for row in await self._session.scalars(statement)]


def _by_instant(by_service: Mapping[str, datetime]) -> dict[datetime, list[str]]:
    """The services of ``by_service`` grouped by their instant (few groups: most services keep the default)."""
    groups: dict[datetime, list[str]] = {}
    for code, before in by_service.items():
        groups.setdefault(require_aware(before, "by_service"), []).append(code)
    return groups


def _filed_before(default: datetime, groups: Mapping[datetime, list[str]]) -> ColumnElement[bool]:
    """Filed before ``default``, or before its group's own instant for a service in ``groups``.

    Bounded by the latest instant, so the database still reads one ordered range of ``ticket (status,
    created_at)`` and looks at the service of the rows it returns.
    """
    if not groups:
        return TicketRow.created_at < default
    terms = [and_(TicketRow.service_code.in_(codes), TicketRow.created_at < before)
             for before, codes in groups.items()]
    own = [code for codes in groups.values() for code in codes]
    terms.append(and_(TicketRow.service_code.not_in(own), TicketRow.created_at < default))
    return and_(TicketRow.created_at < max(default, *groups), or_(*terms))
