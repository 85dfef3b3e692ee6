"""PersonRepository: complainants and staff."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from storage.errors import PersonNotFound
from storage.records import PersonRecord
from storage.uow import SqlUnitOfWork


class TestEnsureTelegram:
    async def test_first_contact_creates_the_person(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            person = await uow.persons.ensure_telegram(5_000_000_001, "Siti")
            await uow.commit()

        async with uow:
            assert await uow.persons.get(person.id) == person
            assert await uow.persons.get_by_telegram_id(5_000_000_001) == person
        assert person == PersonRecord(
            id=person.id, telegram_id=5_000_000_001, name="Siti", language=None, nrp=None, contact=None
        )

    async def test_a_known_telegram_user_is_the_same_person(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            first = await uow.persons.ensure_telegram(42, "Siti")
            again = await uow.persons.ensure_telegram(42, "Siti")
            await uow.commit()

        assert again == first

    async def test_a_changed_telegram_name_is_updated(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            first = await uow.persons.ensure_telegram(42, "Siti")
            await uow.commit()
        async with uow:
            renamed = await uow.persons.ensure_telegram(42, "Siti Aminah")
            await uow.commit()

        async with uow:
            stored = await uow.persons.get(first.id)
        assert renamed.id == first.id
        assert stored is not None and stored.name == "Siti Aminah"

    async def test_simultaneous_first_messages_create_one_person(
        self, new_uow: Callable[[], SqlUnitOfWork]
    ) -> None:
        async def first_contact() -> int:
            async with new_uow() as uow:
                person = await uow.persons.ensure_telegram(77, "Budi")
                await uow.commit()
                return person.id

        ids = await asyncio.gather(*(first_contact() for _ in range(5)))

        assert len(set(ids)) == 1


class TestLookups:
    async def test_unknown_person_and_telegram_id_give_none(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            assert await uow.persons.get(12345) is None
            assert await uow.persons.get_by_telegram_id(12345) is None


class TestSetLanguage:
    async def test_the_chosen_language_is_remembered(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            person = await uow.persons.ensure_telegram(42, "Siti")
            await uow.persons.set_language(person.id, "en")
            await uow.commit()

        async with uow:
            stored = await uow.persons.get(person.id)
        assert stored is not None and stored.language == "en"

    async def test_setting_the_language_of_an_unknown_person_fails(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            with pytest.raises(PersonNotFound):
                await uow.persons.set_language(999, "id")
