"""PersonRepository: complainants and staff."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from storage.errors import NaiveDatetime, PersonNotFound
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
        assert stored.former == (("name", "Siti"),)  # what an erasure also looks for in older messages

    async def test_a_correction_keeps_what_it_replaced_once_each(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            person = await uow.persons.ensure_telegram(43, "Budi")
            for contact in ("0812-1111-2222", "0812-1111-2222", "0857-3333-4444"):  # none before: nothing replaced
                await uow.persons.correct(person.id, datetime(2026, 12, 4, tzinfo=UTC), name="Budi Santoso",
                                          contact=contact)
            await uow.commit()
        async with uow:
            stored = await uow.persons.get(person.id)
        assert stored is not None and stored.former == (("name", "Budi"), ("contact", "0812-1111-2222"))
        assert stored.former_values("name") == ("Budi",)

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


class TestReachability:
    AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)

    async def test_a_person_who_blocked_the_bot_is_unreachable(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            siti = await uow.persons.ensure_telegram(42, "Siti")
            await uow.persons.mark_unreachable(siti.id, self.AT)
            await uow.commit()

        async with uow:
            stored = await uow.persons.get(siti.id)
        assert siti.unreachable is False
        assert stored is not None and stored.unreachable is True

    async def test_a_telegram_chat_can_be_marked_unreachable_if_someone_has_it(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            await uow.persons.ensure_telegram(42, "Siti")
            assert await uow.persons.mark_unreachable_by_telegram(42, self.AT) is True
            assert await uow.persons.mark_unreachable_by_telegram(-100123, self.AT) is False
            await uow.commit()

        async with uow:
            stored = await uow.persons.get_by_telegram_id(42)
        assert stored is not None and stored.unreachable is True

    async def test_writing_to_the_bot_again_makes_the_person_reachable(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            siti = await uow.persons.ensure_telegram(42, "Siti")
            await uow.persons.mark_unreachable(siti.id, self.AT)
            await uow.commit()
        async with uow:
            again = await uow.persons.ensure_telegram(42, "Siti")
            await uow.commit()

        async with uow:
            stored = await uow.persons.get(siti.id)
        assert again.unreachable is False
        assert stored is not None and stored.unreachable is False

    async def test_clearing_makes_reachable_and_unknown_ids_are_ignored(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            siti = await uow.persons.ensure_telegram(42, "Siti")
            await uow.persons.mark_unreachable(siti.id, self.AT)
            await uow.persons.clear_unreachable(siti.id)
            await uow.persons.clear_unreachable(999)
            assert (await uow.persons.get(siti.id)) == siti

    async def test_marking_an_unknown_person_fails_and_naive_times_are_refused(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            siti = await uow.persons.ensure_telegram(42, "Siti")
            with pytest.raises(PersonNotFound):
                await uow.persons.mark_unreachable(999, self.AT)
            with pytest.raises(NaiveDatetime):
                await uow.persons.mark_unreachable(siti.id, datetime(2026, 5, 4, 10, 0))
            with pytest.raises(NaiveDatetime):
                await uow.persons.mark_unreachable_by_telegram(42, datetime(2026, 5, 4, 10, 0))


class TestOffline:
    async def test_a_complainant_without_telegram_is_kept_with_their_contact(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            letter = await uow.persons.add_offline("Pak Harun", "harun@example.ac.id")
            phone = await uow.persons.add_offline("Bu Sri", None)
            await uow.commit()

        async with uow:
            assert await uow.persons.get(letter.id) == letter
        assert letter == PersonRecord(
            id=letter.id, telegram_id=None, name="Pak Harun", language=None, nrp=None, contact="harun@example.ac.id"
        )
        assert phone.id != letter.id and phone.contact is None


class TestFindByTelegramIds:
    async def test_known_telegram_ids_map_to_their_persons(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            siti = await uow.persons.ensure_telegram(5_000_000_001, "Siti")
            budi = await uow.persons.ensure_telegram(2, "Budi")
            await uow.persons.add_offline("Pak Harun", None)

            found = await uow.persons.find_by_telegram_ids([5_000_000_001, 2, 3])
            assert await uow.persons.find_by_telegram_ids([]) == {}

        assert found == {5_000_000_001: siti, 2: budi}


async def test_telegram_language_is_remembered_and_updated(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    async with new_uow() as uow:
        first = await uow.persons.ensure_telegram(4242, "Rina", "en")
        again = await uow.persons.ensure_telegram(4242, "Rina", None)  # unknown now: keep what we knew
        changed = await uow.persons.ensure_telegram(4242, "Rina", "id")
        await uow.commit()
    assert (first.telegram_language, again.telegram_language, changed.telegram_language) == ("en", "en", "id")
