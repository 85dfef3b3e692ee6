"""StaffRepository: who holds which staff role (officer, reviewer, approver, monitor, admin)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.errors import NaiveDatetime, PersonNotFound, UnknownRole
from storage.records import StaffMember
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


async def person(uow: SqlUnitOfWork, telegram_id: int, name: str) -> int:
    return (await uow.persons.ensure_telegram(telegram_id, name)).id


class TestGrant:
    async def test_a_granted_role_is_held_after_commit(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            admin = await person(uow, 1, "Admin")
            rina = await person(uow, 2, "Rina")
            assert await uow.staff.grant(rina, "officer", by=admin, at=AT) is True
            assert await uow.staff.grant(rina, "reviewer", by=None, at=AT) is True
            await uow.commit()

        async with uow:
            assert await uow.staff.roles_of(rina) == frozenset({"officer", "reviewer"})
            assert await uow.staff.roles_of(admin) == frozenset()

    async def test_granting_a_role_already_held_changes_nothing(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await person(uow, 2, "Rina")
            await uow.staff.grant(rina, "officer", by=None, at=AT)
            await uow.commit()
        async with uow:
            assert await uow.staff.grant(rina, "officer", by=None, at=AT) is False
            await uow.commit()

        async with uow:
            assert await uow.staff.roles_of(rina) == frozenset({"officer"})

    async def test_an_unknown_role_person_or_naive_time_is_refused(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await person(uow, 2, "Rina")
            with pytest.raises(UnknownRole):
                await uow.staff.grant(rina, "dean", by=None, at=AT)
            with pytest.raises(PersonNotFound):
                await uow.staff.grant(999, "officer", by=None, at=AT)
            with pytest.raises(NaiveDatetime):
                await uow.staff.grant(rina, "officer", by=None, at=datetime(2026, 5, 4, 10, 0))
            assert await uow.staff.roles_of(rina) == frozenset()


class TestRevoke:
    async def test_revoking_one_role_keeps_the_others(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await person(uow, 2, "Rina")
            for role in ("officer", "monitor"):
                await uow.staff.grant(rina, role, by=None, at=AT)
            assert await uow.staff.revoke(rina, "officer") == 1
            assert await uow.staff.revoke(rina, "officer") == 0
            await uow.commit()

        async with uow:
            assert await uow.staff.roles_of(rina) == frozenset({"monitor"})

    async def test_revoking_without_a_role_removes_them_all(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await person(uow, 2, "Rina")
            budi = await person(uow, 3, "Budi")
            for role in ("officer", "monitor", "admin"):
                await uow.staff.grant(rina, role, by=None, at=AT)
            await uow.staff.grant(budi, "officer", by=None, at=AT)
            assert await uow.staff.revoke(rina) == 3
            await uow.commit()

        async with uow:
            assert await uow.staff.roles_of(rina) == frozenset()
            assert await uow.staff.roles_of(budi) == frozenset({"officer"})


class TestListing:
    async def test_members_are_everyone_with_a_role_ordered_by_name(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            zaki = await person(uow, 1, "Zaki")
            ani = await person(uow, 2, "ani")
            await person(uow, 3, "Budi the student")
            await uow.staff.grant(zaki, "approver", by=None, at=AT)
            await uow.staff.grant(ani, "officer", by=zaki, at=AT)
            await uow.staff.grant(ani, "admin", by=zaki, at=AT)
            await uow.commit()

        async with uow:
            members = await uow.staff.members()
            zaki_record = await uow.persons.get(zaki)
            ani_record = await uow.persons.get(ani)

        assert zaki_record is not None and ani_record is not None
        assert members == [
            StaffMember(person=ani_record, roles=frozenset({"officer", "admin"})),
            StaffMember(person=zaki_record, roles=frozenset({"approver"})),
        ]

    async def test_with_role_lists_only_the_holders_of_that_role_by_name(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            for telegram_id, name, role in ((1, "Wati", "reviewer"), (2, "Agus", "reviewer"), (3, "Dewi", "officer")):
                await uow.staff.grant(await person(uow, telegram_id, name), role, by=None, at=AT)
            await uow.commit()

        async with uow:
            reviewers = await uow.staff.with_role("reviewer")
            assert await uow.staff.with_role("monitor") == []

        assert [p.name for p in reviewers] == ["Agus", "Wati"]
