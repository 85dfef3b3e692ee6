"""Many tickets at once: what a step of an LK does to every ticket it covers (a "me too" case can hold a thousand).

Part of ``TicketRepository``; kept apart only to keep modules small. Each method is a few set-based statements
whatever the number of tickets (in chunks of ``storage.repositories._sql.CHUNK`` ids, within both engines' limits
on bound parameters), never a round trip per ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.columns import require_aware
from storage.errors import TicketNotFound
from storage.models import TicketCaseRow, TicketEventRow, TicketRow
from storage.records import TicketRecord
from storage.repositories._fields import checked_changes
from storage.repositories._sql import chunks
from storage.repositories._ticket_rows import ticket_record


class TicketBulk:
    """The set-based methods of ``TicketRepository``."""

    _session: AsyncSession
    UPDATABLE: frozenset[str]

    async def lock_statuses(self, ticket_ids: Sequence[int]) -> dict[int, str]:
        """Each ticket's status as it is now, the rows locked until the transaction ends (``FOR UPDATE`` on
        PostgreSQL): what a bulk move checks its moves against (found in review: a ticket withdrawn after the LK's
        tickets were read was moved from withdrawn to resolved)."""
        statuses: dict[int, str] = {}
        for chunk in chunks(list(dict.fromkeys(ticket_ids))):
            statement = select(TicketRow.id, TicketRow.status).where(TicketRow.id.in_(chunk)).with_for_update()
            statuses.update({row.id: row.status for row in await self._session.execute(statement)})
        return statuses

    async def move_many(
        self, ticket_ids: Sequence[int], to_status: str | None, *, actor_person_id: int | None, at: datetime,
        code: str, params: dict[str, Any] | None = None,
    ) -> dict[int, str]:
        """``set_status`` for many tickets: one history event each (the same ``code`` and ``params``, each with the
        status it replaced), all moved to ``to_status`` (None: only the event, as ``record``), ``updated_at`` set.
        The rows are locked first (``FOR UPDATE`` on PostgreSQL). Returns each ticket's status before.

        Raises :class:`TicketNotFound` when one of them does not exist (nothing is written then)."""
        at = require_aware(at, "at")
        wanted = list(dict.fromkeys(ticket_ids))
        before: dict[int, str] = {}
        for chunk in chunks(wanted):
            statement = select(TicketRow.id, TicketRow.status).where(TicketRow.id.in_(chunk)).with_for_update()
            before.update({row.id: row.status for row in await self._session.execute(statement)})
        missing = [i for i in wanted if i not in before]
        if missing:
            raise TicketNotFound(f"no tickets with ids {missing}")
        if not wanted:
            return before
        await self._session.execute(insert(TicketEventRow), [
            {"ticket_id": i, "at": at, "actor_person_id": actor_person_id, "from_status": before[i],
             "to_status": before[i] if to_status is None else to_status, "note": None, "code": code,
             "params": dict(params or {})} for i in wanted])
        values: dict[str, Any] = {"updated_at": at}
        if to_status is not None:
            values["status"] = to_status
        for chunk in chunks(wanted):
            await self._session.execute(update(TicketRow).where(TicketRow.id.in_(chunk)).values(**values)
                                        .execution_options(synchronize_session=False))
        return before

    async def update_many(self, ticket_ids: Sequence[int], **fields: Any) -> None:
        """``update`` for many tickets, the same ``fields`` on each (checked as ``update`` checks them)."""
        changes = checked_changes(TicketRow, fields, self.UPDATABLE)
        if not changes:
            return
        for chunk in chunks(list(dict.fromkeys(ticket_ids))):
            await self._session.execute(update(TicketRow).where(TicketRow.id.in_(chunk)).values(**changes)
                                        .execution_options(synchronize_session=False))

    async def duplicates_of_many(self, ticket_ids: Sequence[int]) -> dict[int, list[TicketRecord]]:
        """``duplicates_of`` for many tickets: by ticket id, the tickets marked as its duplicates, oldest first (a
        ticket without any is left out)."""
        found: dict[int, list[TicketRecord]] = {}
        for chunk in chunks(list(dict.fromkeys(ticket_ids))):
            statement = (select(TicketRow).where(TicketRow.duplicate_of.in_(chunk))
                         .options(selectinload(TicketRow.attachments)).order_by(TicketRow.created_at, TicketRow.id)
                         .execution_options(populate_existing=True))
            for row in await self._session.scalars(statement):
                assert row.duplicate_of is not None
                found.setdefault(row.duplicate_of, []).append(ticket_record(row))
        return found

    async def case_members(self, ticket_ids: Sequence[int]) -> set[int]:
        """Which of these tickets joined a "me too" case they do not lead (they have no card of their own)."""
        members: set[int] = set()
        for chunk in chunks(list(dict.fromkeys(ticket_ids))):
            statement = (select(TicketRow.id).join(TicketCaseRow, TicketCaseRow.id == TicketRow.case_id)
                         .where(and_(TicketRow.id.in_(chunk), TicketCaseRow.lead_ticket_id != TicketRow.id)))
            members.update(await self._session.scalars(statement))
        return members
