"""The follow-up programme of an LK (``lk_action``): correction, corrective and preventive actions.

Part of ``LkRepository`` (an action belongs to its LK); kept apart only to keep modules small.
"""

from __future__ import annotations

import mimetypes
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import ActionKind, ActionStatus
from storage.columns import require_aware
from storage.errors import ActionAlreadyDone, ActionNotFound, LkNotFound, UnknownActionKind
from storage.models import LkActionRow, LkRow
from storage.records import ActionRecord, LkRecord, NewAction
from storage.repositories._fields import checked_changes
from storage.repositories._lk_rows import action_record, lk_record
from storage.repositories.archive import ACTION_EVIDENCE, pending_item

#: ``correction`` fixes this case, ``corrective`` removes the cause, ``preventive`` stops it elsewhere.
ACTION_KINDS = frozenset(ActionKind)
OPEN = ActionStatus.OPEN
DONE = ActionStatus.DONE


class LkActions:
    """The action methods of ``LkRepository``."""

    _session: AsyncSession

    async def add_action(self, new: NewAction) -> ActionRecord:
        """Add an open action to LK ``new.lk_id``.

        Raises :class:`UnknownActionKind`, :class:`LkNotFound` and ``NaiveDatetime``.
        """
        if new.kind not in ACTION_KINDS:
            raise UnknownActionKind(f"unknown action kind {new.kind!r}; expected one of {sorted(ACTION_KINDS)}")
        created_at = require_aware(new.created_at, "created_at")
        if (await self._session.execute(select(LkRow.id).where(LkRow.id == new.lk_id))).first() is None:
            raise LkNotFound(f"no LK with id {new.lk_id}")
        row = LkActionRow(
            lk_id=new.lk_id,
            kind=new.kind,
            description=new.description,
            owner_person_id=new.owner_person_id,
            owner_name=new.owner_name,
            owner_contact=new.owner_contact,
            added_by=new.added_by,
            due_on=new.due_on,
            round=new.round,
            status=OPEN,
            created_at=created_at,
        )
        self._session.add(row)
        await self._session.flush()
        return action_record(row)

    async def actions(self, lk_id: int, round: int | None = None) -> list[ActionRecord]:
        """The LK's actions (of one round, or of all with ``None``), by round, then in the order added."""
        statement = select(LkActionRow).where(LkActionRow.lk_id == lk_id)
        if round is not None:
            statement = statement.where(LkActionRow.round == round)
        statement = statement.order_by(LkActionRow.round, LkActionRow.id).execution_options(populate_existing=True)
        return [action_record(row) for row in await self._session.scalars(statement)]

    async def get_action(self, action_id: int) -> ActionRecord | None:
        row = await self._action_row(action_id, lock=False)
        return action_record(row) if row else None

    async def complete_action(
        self,
        action_id: int,
        *,
        by: int,
        at: datetime,
        evidence_text: str | None,
        evidence_file_id: str | None = None,
        evidence_file_type: str | None = None,
        evidence_file_name: str | None = None,
    ) -> ActionRecord:
        """Mark the action done by ``by`` at ``at`` with its evidence (text and/or a Telegram file).

        The row is locked (PostgreSQL) so two completions cannot both succeed. Raises
        :class:`ActionNotFound`, :class:`ActionAlreadyDone` and ``NaiveDatetime``.
        """
        at = require_aware(at, "at")
        row = await self._action_row(action_id, lock=True)
        if row is None:
            raise ActionNotFound(f"no action with id {action_id}")
        if row.status == DONE:
            raise ActionAlreadyDone(f"action {action_id} was already done at {row.done_at}")
        row.status = DONE
        row.done_at = at
        row.done_by = by
        row.evidence_text = evidence_text
        row.evidence_file_id = evidence_file_id
        row.evidence_file_type = evidence_file_type
        row.evidence_file_name = evidence_file_name
        if evidence_file_id and evidence_file_type:  # its archive book entry, in the same transaction
            pending_item(self._session, ACTION_EVIDENCE, evidence_file_id, evidence_file_type,
                         _mime_of(evidence_file_name), at, lk_action_id=row.id)
        await self._session.flush()
        return action_record(row)

    async def open_actions_due_by(self, day: date) -> list[tuple[ActionRecord, LkRecord]]:
        """Open actions due on or before ``day``, each with its LK, earliest due first (the caller
        tells overdue from due soon)."""
        statement = (
            select(LkActionRow, LkRow)
            .join(LkRow, LkRow.id == LkActionRow.lk_id)
            .where(LkActionRow.status == OPEN, LkActionRow.due_on <= day)
            .order_by(LkActionRow.due_on, LkActionRow.id)
            .execution_options(populate_existing=True)
        )
        rows = await self._session.execute(statement)
        return [(action_record(action), lk_record(lk)) for action, lk in rows]

    async def open_actions_of(self, person_id: int) -> list[tuple[ActionRecord, LkRecord]]:
        """The open actions a staff member owns, each with its LK, earliest due first."""
        statement = (
            select(LkActionRow, LkRow)
            .join(LkRow, LkRow.id == LkActionRow.lk_id)
            .where(LkActionRow.status == OPEN, LkActionRow.owner_person_id == person_id)
            .order_by(LkActionRow.due_on, LkActionRow.id)
            .execution_options(populate_existing=True)
        )
        return [(action_record(a), lk_record(lk)) for a, lk in await self._session.execute(statement)]

    async def open_lks(self, limit: int) -> tuple[int, list[LkRecord]]:
        """LKs not closed: how many, and the first ``limit``, oldest first."""
        where = LkRow.status != "closed"
        total = await self._session.scalar(select(func.count()).select_from(LkRow).where(where))
        statement = (select(LkRow).where(where).order_by(LkRow.created_at, LkRow.id).limit(limit)
                     .execution_options(populate_existing=True))
        return total or 0, [lk_record(row) for row in await self._session.scalars(statement)]

    async def update_action(self, action_id: int, **fields: Any) -> ActionRecord:
        """Change an action's due date (``due_on``) or its ``extended`` mark; raises :class:`ActionNotFound`."""
        changes = checked_changes(LkActionRow, fields, frozenset({"due_on", "extended"}))
        row = await self._action_row(action_id, lock=True)
        if row is None:
            raise ActionNotFound(f"no action with id {action_id}")
        for name, value in changes.items():
            setattr(row, name, value)
        await self._session.flush()
        return action_record(row)

    async def _action_row(self, action_id: int, *, lock: bool) -> LkActionRow | None:
        statement = (
            select(LkActionRow).where(LkActionRow.id == action_id).execution_options(populate_existing=True)
        )
        if lock:
            statement = statement.with_for_update()
        return (await self._session.scalars(statement)).one_or_none()


def _mime_of(file_name: str | None) -> str | None:
    """An evidence document's type from its name (Telegram gives it, but the action keeps only the name)."""
    return mimetypes.guess_type(file_name)[0] if file_name else None
