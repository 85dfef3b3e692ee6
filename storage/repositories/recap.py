"""The monthly recap's own reads (rekap bulanan): the LKs opened and closed in a month, the open programmes, the
recurrences. Each is an aggregate or a capped list in SQL — a count plus the first ``limit`` rows — never every
ticket: a recap over a million tickets reads a few hundred rows. The KPIs and charts are the statistics'
(``storage.repositories.statistics``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.vocabulary import ActionStatus, LkStatus
from storage.models import LkActionRow, LkRow, PersonRow, RecurrenceCheckRow, TicketRow


@dataclass(frozen=True)
class RecapLk:
    """One LK in the recap's lists: its number, service, status, effectiveness (``None``: not judged yet), the
    round it is in, and the LK it recurs (its number) if it was marked a recurrence."""

    number: str
    service_code: str
    status: str
    effective: bool | None
    round: int
    recurrence_of: str | None


@dataclass(frozen=True)
class RecapProgramme:
    """An LK in progress and one owner of its open actions: how many are open, how many of them are overdue."""

    lk_number: str
    service_code: str
    owner: str
    open: int
    overdue: int


@dataclass(frozen=True)
class RecapAnswer:
    """An "it happened again" answer to the 30-day question: the LK asked about, the ticket asked, the new one."""

    lk_number: str
    ticket_number: str
    new_ticket_number: str | None


class RecapRepository:
    """Reads for the monthly recap, within the caller's session; writes nothing."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _lks(self, column: object, start: datetime, end: datetime, limit: int) -> tuple[int, list[RecapLk]]:
        at = LkRow.created_at if column == "created" else LkRow.closed_at
        where = and_(at >= start, at < end)
        total = (await self._session.execute(select(func.count()).select_from(LkRow).where(where))).scalar_one()
        earlier = aliased(LkRow)
        rows = (await self._session.execute(
            select(LkRow.number, LkRow.service_code, LkRow.status, LkRow.effective, LkRow.round, earlier.number)
            .outerjoin(earlier, earlier.id == LkRow.recurrence_of).where(where).order_by(at, LkRow.id).limit(limit)
        )).all()
        return int(total), [RecapLk(*row) for row in rows]

    async def lks_opened(self, start: datetime, end: datetime, limit: int) -> tuple[int, list[RecapLk]]:
        """LKs created in ``[start, end)``: how many, and the first ``limit`` in order."""
        return await self._lks("created", start, end, limit)

    async def lks_closed(self, start: datetime, end: datetime, limit: int) -> tuple[int, list[RecapLk]]:
        """LKs closed in ``[start, end)``: how many, and the first ``limit`` in order."""
        return await self._lks("closed", start, end, limit)

    async def programmes(self, today: date, limit: int) -> tuple[int, list[RecapProgramme]]:
        """Open actions of LKs in progress, per LK and owner (a person's name, else the named non-user owner):
        how many groups, and the first ``limit`` with the most overdue first."""
        owner = func.coalesce(PersonRow.name, LkActionRow.owner_name, "—")
        overdue = func.sum(case((LkActionRow.due_on < today, 1), else_=0))
        groups = (
            select(LkRow.number, LkRow.service_code, owner.label("owner"), func.count().label("open"),
                   overdue.label("overdue"))
            .join(LkActionRow, and_(LkActionRow.lk_id == LkRow.id, LkActionRow.round == LkRow.round))
            .outerjoin(PersonRow, PersonRow.id == LkActionRow.owner_person_id)
            .where(LkRow.status == LkStatus.IN_PROGRESS, LkActionRow.status == ActionStatus.OPEN)
            .group_by(LkRow.number, LkRow.service_code, owner)
        ).subquery()
        total = (await self._session.execute(select(func.count()).select_from(groups))).scalar_one()
        rows = (await self._session.execute(
            select(groups).order_by(groups.c.overdue.desc(), groups.c.number, groups.c.owner).limit(limit))).all()
        return int(total), [RecapProgramme(r[0], r[1], r[2], int(r[3]), int(r[4] or 0)) for r in rows]

    async def recurrence_answers(self, start: datetime, end: datetime, limit: int
                                 ) -> tuple[dict[str, int], list[RecapAnswer]]:
        """The 30-day question's answers given in ``[start, end)`` counted by answer (``yes``/``no``), and the first
        ``limit`` "yes" answers (it happened again)."""
        where = and_(RecurrenceCheckRow.answered_at >= start, RecurrenceCheckRow.answered_at < end)
        counts = {str(answer): int(n) for answer, n in (await self._session.execute(
            select(RecurrenceCheckRow.answer, func.count()).where(where).group_by(RecurrenceCheckRow.answer)
        )).all() if answer is not None}
        asked, again = aliased(TicketRow), aliased(TicketRow)
        rows = (await self._session.execute(
            select(LkRow.number, asked.number, again.number)
            .select_from(RecurrenceCheckRow)
            .join(LkRow, LkRow.id == RecurrenceCheckRow.lk_id)
            .join(asked, asked.id == RecurrenceCheckRow.ticket_id)
            .outerjoin(again, again.id == RecurrenceCheckRow.new_ticket_id)
            .where(where, RecurrenceCheckRow.answer == "yes")
            .order_by(RecurrenceCheckRow.answered_at).limit(limit))).all()
        return counts, [RecapAnswer(*row) for row in rows]
