"""Persons: complainants and staff (``person``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import PersonNotFound
from storage.models import PersonRow
from storage.records import PersonRecord
from storage.repositories._sql import insert_or_ignore


def _record(row: PersonRow) -> PersonRecord:
    return PersonRecord(
        id=row.id,
        telegram_id=row.telegram_id,
        name=row.name,
        language=row.language,
        nrp=row.nrp,
        contact=row.contact,
    )


class PersonRepository:
    """Reads and writes persons within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> PersonRecord | None:
        row = await self._row(person_id)
        return _record(row) if row else None

    async def get_by_telegram_id(self, telegram_id: int) -> PersonRecord | None:
        row = await self._row_by_telegram_id(telegram_id)
        return _record(row) if row else None

    async def ensure_telegram(self, telegram_id: int, name: str) -> PersonRecord:
        """The person behind a Telegram account: created on first contact, renamed if the name changed.

        Safe against two first messages arriving at once (``INSERT … ON CONFLICT DO NOTHING``).
        """
        row = await self._row_by_telegram_id(telegram_id)
        if row is None:
            await insert_or_ignore(
                self._session, PersonRow, {"telegram_id": telegram_id, "name": name}, ["telegram_id"]
            )
            row = await self._row_by_telegram_id(telegram_id)
            assert row is not None
        if row.name != name:
            row.name = name
            await self._session.flush()
        return _record(row)

    async def set_language(self, person_id: int, language: str | None) -> None:
        """Remember the person's language (``id`` or ``en``); raises :class:`PersonNotFound`."""
        row = await self._row(person_id)
        if row is None:
            raise PersonNotFound(f"no person with id {person_id}")
        row.language = language
        await self._session.flush()

    async def _row(self, person_id: int) -> PersonRow | None:
        statement = (
            select(PersonRow).where(PersonRow.id == person_id).execution_options(populate_existing=True)
        )
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def _row_by_telegram_id(self, telegram_id: int) -> PersonRow | None:
        statement = (
            select(PersonRow)
            .where(PersonRow.telegram_id == telegram_id)
            .execution_options(populate_existing=True)
        )
        return (await self._session.execute(statement)).scalar_one_or_none()
