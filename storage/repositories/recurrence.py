"""Recurrence (kejadian berulang): the 30-day question "did it happen again?" put to the complainants of an LK closed
as effective (``recurrence_check``), LKs marked as a recurrence of an earlier one (``lk.recurrence_of``), and the
counts statistics need (:meth:`RecurrenceRepository.counts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.vocabulary import LkKind, LkStatus, TicketKind
from storage.columns import require_aware
from storage.models import LkEventRow, LkRow, LkTicketRow, PersonRow, RecurrenceCheckRow, TicketRow
from storage.records import LkRecord
from storage.repositories._lk_rows import lk_record


@dataclass(frozen=True)
class CheckDue:
    """A complainant to ask about an LK: the ticket they filed, its person, and when the LK closed."""

    lk_id: int
    lk_number: str
    ticket_id: int
    person_id: int
    closed_at: datetime


@dataclass(frozen=True)
class RecurrenceCheck:
    """The question put (``recurrence_check``) and its answer: ``yes`` | ``no`` | None (not answered yet)."""

    ticket_id: int
    lk_id: int
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None
    new_ticket_id: int | None


@dataclass(frozen=True)
class RecurrenceCounts:
    """LKs closed as effective in a period, of which later marked as recurred (an LK names them its
    ``recurrence_of``), and of which a complainant answered "yes" to the 30-day question; "no" answers besides."""

    closed_effective: int
    recurred_marked: int
    answered_yes: int
    answered_no: int


class RecurrenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def checks_unasked(self, closed_from: datetime, closed_until: datetime, limit: int) -> list[CheckDue]:
        """Complainants (with a Telegram account) of complaints of nonconformity LKs (not a suggestion's improvement
        programme: found in review) closed as effective between ``closed_from`` and
        ``closed_until`` who were not asked yet; newest closure first."""
        statement = (
            select(LkRow.id, LkRow.number, TicketRow.id, TicketRow.person_id, LkRow.closed_at)
            .join(LkTicketRow, LkTicketRow.lk_id == LkRow.id)
            .join(TicketRow, TicketRow.id == LkTicketRow.ticket_id)
            .join(PersonRow, PersonRow.id == TicketRow.person_id)
            .where(LkRow.status == LkStatus.CLOSED.value, LkRow.effective.is_(True),
                   LkRow.kind == LkKind.NONCONFORMITY.value, TicketRow.kind == TicketKind.COMPLAINT.value,
                   LkRow.closed_at >= require_aware(closed_from, "closed_from"),
                   LkRow.closed_at <= require_aware(closed_until, "closed_until"),
                   PersonRow.telegram_id.is_not(None),
                   ~exists().where(RecurrenceCheckRow.ticket_id == TicketRow.id,
                                   RecurrenceCheckRow.lk_id == LkRow.id))
            .order_by(LkRow.closed_at.desc(), TicketRow.id)
            .limit(limit)
        )
        return [CheckDue(lk_id, number, ticket_id, person_id, closed_at)
                for lk_id, number, ticket_id, person_id, closed_at in await self._session.execute(statement)
                if person_id is not None and closed_at is not None]  # both hold by the joins and the bounds

    async def get(self, ticket_id: int, lk_id: int) -> RecurrenceCheck | None:
        row = await self._session.get(RecurrenceCheckRow, (ticket_id, lk_id))
        return None if row is None else _record(row)

    async def ask(self, ticket_id: int, lk_id: int, at: datetime) -> bool:
        """Record the question as put; False if it was put already (nothing changes)."""
        if await self._session.get(RecurrenceCheckRow, (ticket_id, lk_id)) is not None:
            return False
        self._session.add(RecurrenceCheckRow(ticket_id=ticket_id, lk_id=lk_id, asked_at=require_aware(at, "at")))
        await self._session.flush()
        return True

    async def answer(self, ticket_id: int, lk_id: int, answer: str, at: datetime,
                     new_ticket_id: int | None = None) -> bool:
        """Record the answer once: False if the question was not put or was answered already (a second press)."""
        result = await self._session.execute(
            update(RecurrenceCheckRow)
            .where(RecurrenceCheckRow.ticket_id == ticket_id, RecurrenceCheckRow.lk_id == lk_id,
                   RecurrenceCheckRow.answer.is_(None))
            .values(answer=answer, answered_at=require_aware(at, "at"), new_ticket_id=new_ticket_id)
            .execution_options(synchronize_session=False))
        return bool(getattr(result, "rowcount", 0))

    async def set_new_ticket(self, ticket_id: int, lk_id: int, new_ticket_id: int) -> None:
        await self._session.execute(
            update(RecurrenceCheckRow)
            .where(RecurrenceCheckRow.ticket_id == ticket_id, RecurrenceCheckRow.lk_id == lk_id)
            .values(new_ticket_id=new_ticket_id).execution_options(synchronize_session=False))

    async def of_lk(self, lk_id: int) -> list[RecurrenceCheck]:
        rows = await self._session.scalars(
            select(RecurrenceCheckRow).where(RecurrenceCheckRow.lk_id == lk_id).order_by(RecurrenceCheckRow.asked_at))
        return [_record(row) for row in rows]

    async def closed_of_service(self, service_code: str, since: datetime, exclude: int | None = None,
                                limit: int = 200) -> list[LkRecord]:
        """LKs of ``service_code`` closed since ``since`` (newest first): what a new nonconformity may recur."""
        statement = (select(LkRow).where(LkRow.service_code == service_code, LkRow.status == LkStatus.CLOSED.value,
                                         LkRow.closed_at >= require_aware(since, "since"))
                     .order_by(LkRow.closed_at.desc()).limit(limit))
        if exclude is not None:
            statement = statement.where(LkRow.id != exclude)
        return [lk_record(row) for row in await self._session.scalars(statement)]

    async def recurred_as(self, lk_id: int) -> list[LkRecord]:
        """The later LKs marked as a recurrence of ``lk_id`` (its effectiveness then counts as failed)."""
        rows = await self._session.scalars(select(LkRow).where(LkRow.recurrence_of == lk_id).order_by(LkRow.id))
        return [lk_record(row) for row in rows]

    async def mark(self, lk_id: int, earlier_id: int | None, *, code: str, params: dict[str, object],
                   actor_person_id: int | None, at: datetime) -> None:
        """Set (or clear, ``None``) the LK's ``recurrence_of`` and record it in its history (its status and
        ``updated_at`` stay: marking is no step of the procedure)."""
        row = await self._session.get(LkRow, lk_id, with_for_update=True)
        if row is None:
            raise LookupError(f"no LK {lk_id}")
        row.recurrence_of = earlier_id
        self._session.add(LkEventRow(lk_id=lk_id, at=require_aware(at, "at"), actor_person_id=actor_person_id,
                                     from_status=row.status, to_status=row.status, code=code, params=dict(params)))
        await self._session.flush()

    async def counts(self, since: datetime, until: datetime) -> RecurrenceCounts:
        """LKs closed as effective in ``[since, until)`` and, of those, how many recurred: marked as the earlier LK
        of a later one, or answered "yes" by a complainant (``answered_no``: confirmed by one at least, no "yes").
        Counted in SQL (statistics over many LKs)."""
        later = aliased(LkRow)
        closed = and_(LkRow.status == LkStatus.CLOSED.value, LkRow.effective.is_(True),
                      LkRow.kind == LkKind.NONCONFORMITY.value,  # a suggestion's programme cannot recur
                      LkRow.closed_at >= require_aware(since, "since"), LkRow.closed_at < require_aware(until, "until"))
        marked = exists().where(later.recurrence_of == LkRow.id)
        yes = exists().where(RecurrenceCheckRow.lk_id == LkRow.id, RecurrenceCheckRow.answer == "yes")
        no = exists().where(RecurrenceCheckRow.lk_id == LkRow.id, RecurrenceCheckRow.answer == "no")
        row = (await self._session.execute(select(
            func.count(LkRow.id),
            func.count(LkRow.id).filter(marked),
            func.count(LkRow.id).filter(yes),
            func.count(LkRow.id).filter(and_(no, ~yes)),
        ).where(closed))).one()
        return RecurrenceCounts(int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def _record(row: RecurrenceCheckRow) -> RecurrenceCheck:
    return RecurrenceCheck(row.ticket_id, row.lk_id, row.asked_at, row.answer, row.answered_at, row.new_ticket_id)


__all__ = ["CheckDue", "RecurrenceCheck", "RecurrenceCounts", "RecurrenceRepository"]
