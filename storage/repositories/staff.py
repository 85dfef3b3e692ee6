"""Staff roles (``staff_role``): who may act as officer, reviewer, approver, monitor or admin."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from storage.columns import require_aware
from storage.errors import PersonNotFound, UnknownRole
from storage.models import PersonRow, StaffRoleRow
from storage.records import PersonRecord, StaffMember
from storage.repositories._sql import insert_or_ignore
from storage.repositories.persons import person_record

#: The SOP's roles: officer (Subbag Registrasi dan Data), reviewer (Kabag Administrasi Pembelajaran),
#: approver (Kepala BAPKM), monitor (Pemantauan dan Evaluasi), and the admin who manages staff.
STAFF_ROLES = frozenset(Role)


class StaffRepository:
    """Grants, revokes and lists staff roles within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def roles_of(self, person_id: int) -> frozenset[str]:
        """The person's roles (empty for a complainant or an unknown id)."""
        statement = select(StaffRoleRow.role).where(StaffRoleRow.person_id == person_id)
        return frozenset(await self._session.scalars(statement))

    async def grant(self, person_id: int, role: str, *, by: int | None, at: datetime) -> bool:
        """Give ``person_id`` the role; ``False`` if they already held it (the first grant is kept).

        Raises :class:`UnknownRole`, :class:`PersonNotFound` and :class:`storage.errors.NaiveDatetime`.
        """
        if role not in STAFF_ROLES:
            raise UnknownRole(f"unknown staff role {role!r}; expected one of {sorted(STAFF_ROLES)}")
        at = require_aware(at, "at")
        exists = select(PersonRow.id).where(PersonRow.id == person_id)
        if (await self._session.execute(exists)).first() is None:
            raise PersonNotFound(f"no person with id {person_id}")
        values = {"person_id": person_id, "role": role, "granted_by": by, "granted_at": at}
        return await insert_or_ignore(self._session, StaffRoleRow, values, ["person_id", "role"])

    async def revoke(self, person_id: int, role: str | None = None) -> int:
        """Take one role (or, with ``None``, every role) away; returns how many were removed."""
        statement = delete(StaffRoleRow).where(StaffRoleRow.person_id == person_id)
        if role is not None:
            statement = statement.where(StaffRoleRow.role == role)
        result = await self._session.execute(statement.execution_options(synchronize_session=False))
        assert isinstance(result, CursorResult)
        return result.rowcount

    async def members(self) -> list[StaffMember]:
        """Everyone with at least one role, ordered by name (case-insensitive), with their roles."""
        statement = (
            select(PersonRow, StaffRoleRow.role)
            .join(StaffRoleRow, StaffRoleRow.person_id == PersonRow.id)
            .order_by(func.lower(PersonRow.name), PersonRow.id)
            .execution_options(populate_existing=True)
        )
        persons: dict[int, PersonRecord] = {}
        roles: dict[int, set[str]] = {}
        for row, role in await self._session.execute(statement):
            persons.setdefault(row.id, person_record(row))
            roles.setdefault(row.id, set()).add(role)
        return [StaffMember(person=person, roles=frozenset(roles[pid])) for pid, person in persons.items()]

    async def with_role(self, role: str) -> list[PersonRecord]:
        """Everyone holding ``role``, ordered by name (case-insensitive); e.g. the approvers to escalate to."""
        statement = (
            select(PersonRow)
            .join(StaffRoleRow, StaffRoleRow.person_id == PersonRow.id)
            .where(StaffRoleRow.role == role)
            .order_by(func.lower(PersonRow.name), PersonRow.id)
            .execution_options(populate_existing=True)
        )
        return [person_record(row) for row in await self._session.scalars(statement)]
