"""'Me too' cases (kasus bersama, ``ticket_case``): tickets of several complainants about one nonconformity.

The first ticket leads the case (``lead_ticket_id``, and its own ``case_id`` points at the case); a member has
``case_id`` set and follows its lead: :meth:`CaseRepository.follow` moves every active member to the lead's
status in a few statements, whatever their number.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from domain.vocabulary import ACTIVE
from storage.columns import require_aware
from storage.errors import TicketNotFound
from storage.models import LkTicketRow, TicketCaseRow, TicketEventRow, TicketRow
from storage.records import CaseCandidate, CaseRecord, TicketRecord
from storage.repositories._ticket_rows import ticket_record

ACTIVE_STATUSES = tuple(sorted(ACTIVE))
FOLLOWED_FIELDS = frozenset({"assigned_to", "confirmed_at", "response", "resolved_at", "rating", "rating_comment",
                             "rated_at", "duplicate_of"})
"""What a member takes from its lead when it follows it (besides the status; its deadline stays empty)."""


_LEAD = aliased(TicketRow, name="lead")
"""The case's lead ticket beside a hit (one alias for every statement: the compiled statement is cached)."""


def _record(row: TicketCaseRow, size: int = 0) -> CaseRecord:
    return CaseRecord(row.id, row.service_code, row.lead_ticket_id, row.summary, row.summary_by, row.summary_at,
                      row.created_at, size)


class CaseRepository:
    """The "me too" cases and their tickets."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, case_id: int) -> CaseRecord | None:
        row = await self._session.get(TicketCaseRow, case_id, populate_existing=True)
        if row is None:
            return None
        return _record(row, (await self.sizes([case_id])).get(case_id, 0))

    async def start(self, lead: TicketRecord, at: datetime) -> CaseRecord:
        """A case led by ``lead`` (which must not be in one yet)."""
        at = require_aware(at, "at")
        row = TicketCaseRow(service_code=lead.service_code, lead_ticket_id=lead.id, created_at=at)
        self._session.add(row)
        await self._session.flush()
        record = _record(row, 1)
        await self._set_case([lead.id], row.id, at)
        return record

    async def join(self, ticket_id: int, case_id: int, at: datetime) -> None:
        await self._set_case([ticket_id], case_id, at)

    async def leave(self, ticket_id: int, at: datetime) -> None:
        await self._set_case([ticket_id], None, at)

    async def set_lead(self, case_id: int, ticket_id: int) -> None:
        await self._session.execute(update(TicketCaseRow).where(TicketCaseRow.id == case_id)
                                    .values(lead_ticket_id=ticket_id))

    async def set_summary(self, case_id: int, summary: str, by: int | None, at: datetime) -> None:
        await self._session.execute(update(TicketCaseRow).where(TicketCaseRow.id == case_id)
                                    .values(summary=summary, summary_by=by, summary_at=require_aware(at, "at")))

    async def delete(self, case_id: int) -> None:
        """Dissolve an empty case (its lead left with nobody following)."""
        await self._session.execute(update(TicketRow).where(TicketRow.case_id == case_id).values(case_id=None))
        row = await self._session.get(TicketCaseRow, case_id)
        if row is not None:
            await self._session.delete(row)
            await self._session.flush()

    async def _set_case(self, ticket_ids: list[int], case_id: int | None, at: datetime) -> None:
        result = await self._session.execute(update(TicketRow).where(TicketRow.id.in_(ticket_ids))
                                             .values(case_id=case_id, updated_at=at)
                                             .execution_options(synchronize_session=False))
        if result.rowcount != len(ticket_ids):  # type: ignore[attr-defined]
            raise TicketNotFound(f"no ticket among {ticket_ids}")

    async def members(self, case_id: int) -> list[TicketRecord]:
        """The tickets following the case's lead (the lead not included), oldest first."""
        statement = (select(TicketRow).join(TicketCaseRow, TicketCaseRow.id == TicketRow.case_id)
                     .where(TicketRow.case_id == case_id, TicketRow.id != TicketCaseRow.lead_ticket_id)
                     .order_by(TicketRow.id).options(selectinload(TicketRow.attachments))
                     .execution_options(populate_existing=True))
        return [ticket_record(row) for row in await self._session.scalars(statement)]

    async def sizes(self, case_ids: Iterable[int]) -> dict[int, int]:
        """How many tickets each case has, its lead included."""
        wanted = sorted(set(case_ids))
        if not wanted:
            return {}
        rows = await self._session.execute(select(TicketRow.case_id, func.count()).where(TicketRow.case_id.in_(wanted))
                                           .group_by(TicketRow.case_id))
        return {int(case_id): int(n) for case_id, n in rows if case_id is not None}

    async def of_tickets(self, ticket_ids: Iterable[int]) -> dict[int, CaseRecord]:
        """The case of each of these tickets that is in one (with its size)."""
        wanted = sorted(set(ticket_ids))
        if not wanted:
            return {}
        rows = list(await self._session.execute(
            select(TicketRow.id, TicketCaseRow).join(TicketCaseRow, TicketCaseRow.id == TicketRow.case_id)
            .where(TicketRow.id.in_(wanted))))
        sizes = await self.sizes(case.id for _, case in rows)
        return {int(ticket_id): _record(case, sizes.get(case.id, 0)) for ticket_id, case in rows}

    async def candidates(self, ticket_ids: Iterable[int]) -> list[CaseCandidate]:
        """The hits of a "me too" lookup with their cases' leads and summaries, in one statement."""
        wanted = sorted(set(ticket_ids))
        if not wanted:
            return []
        lead = _LEAD
        statement = (
            select(TicketRow.id, TicketRow.person_id, TicketCaseRow.id, TicketCaseRow.summary,
                   func.coalesce(lead.id, TicketRow.id), func.coalesce(lead.person_id, TicketRow.person_id),
                   func.coalesce(lead.status, TicketRow.status), func.coalesce(lead.service_code,
                                                                               TicketRow.service_code),
                   func.coalesce(lead.created_at, TicketRow.created_at))
            .outerjoin(TicketCaseRow, TicketCaseRow.id == TicketRow.case_id)
            .outerjoin(lead, lead.id == TicketCaseRow.lead_ticket_id)
            .where(TicketRow.id.in_(wanted))
        )
        found = []
        for tid, pid, case_id, summary, lead_id, lead_pid, status, service, created in await self._session.execute(
                statement):
            created = created if created.tzinfo else created.replace(tzinfo=UTC)
            found.append(CaseCandidate(tid, pid, lead_id, lead_pid, status, service, created, case_id, summary))
        return found

    async def follow(self, case_id: int, lead_id: int, status: str, *, actor_person_id: int | None, at: datetime,
                     code: str, params: dict[str, Any] | None = None, **fields: Any) -> list[int]:
        """Move every active member of the case to ``status`` with its history event (``code``, ``params``): one
        INSERT … SELECT and one UPDATE whatever their number. A member carries no deadline (its lead does).
        Returns the ids of the members moved."""
        at = require_aware(at, "at")
        unknown = set(fields) - FOLLOWED_FIELDS
        if unknown:
            raise ValueError(f"a member does not follow {sorted(unknown)}")
        moving = and_(TicketRow.case_id == case_id, TicketRow.id != lead_id, TicketRow.status.in_(ACTIVE_STATUSES))
        ids = list(await self._session.scalars(select(TicketRow.id).where(moving).order_by(TicketRow.id)))
        if not ids:
            return []
        E = TicketEventRow
        source = select(TicketRow.id, literal(at, E.at.type), literal(actor_person_id, E.actor_person_id.type),
                        TicketRow.status, literal(status), literal(code), literal(dict(params or {}), E.params.type)
                        ).where(TicketRow.id.in_(ids))
        await self._session.execute(insert(TicketEventRow).from_select(
            ["ticket_id", "at", "actor_person_id", "from_status", "to_status", "code", "params"], source))
        await self._session.execute(update(TicketRow).where(TicketRow.id.in_(ids)).values(
            status=status, updated_at=at, due_step=None, due_on=None, due_extended=False, **fields)
            .execution_options(synchronize_session=False))
        return ids

    async def record(self, ticket_ids: Iterable[int], code: str, *, actor_person_id: int | None, at: datetime,
                     params: dict[str, Any] | None = None) -> None:
        """One history event that moves nothing for each of these tickets, in one INSERT … SELECT."""
        wanted = sorted(set(ticket_ids))
        if not wanted:
            return
        E = TicketEventRow
        at = require_aware(at, "at")
        source = select(TicketRow.id, literal(at, E.at.type), literal(actor_person_id, E.actor_person_id.type),
                        TicketRow.status, TicketRow.status, literal(code), literal(dict(params or {}), E.params.type)
                        ).where(TicketRow.id.in_(wanted))
        await self._session.execute(insert(E).from_select(
            ["ticket_id", "at", "actor_person_id", "from_status", "to_status", "code", "params"], source))

    async def link_to_lk(self, case_id: int, lk_id: int) -> list[int]:
        """Put every ticket of the case not yet in the LK into it; returns the ids added."""
        already = exists().where(LkTicketRow.lk_id == lk_id, LkTicketRow.ticket_id == TicketRow.id)
        ids = list(await self._session.scalars(select(TicketRow.id).where(TicketRow.case_id == case_id, ~already)))
        if ids:
            await self._session.execute(insert(LkTicketRow), [{"lk_id": lk_id, "ticket_id": i} for i in ids])
        return ids

    async def lks_of(self, ticket_id: int) -> list[int]:
        return list(await self._session.scalars(select(LkTicketRow.lk_id).where(LkTicketRow.ticket_id == ticket_id)))
