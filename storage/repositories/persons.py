"""Persons: complainants and staff (``person``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.errors import PersonNotFound
from storage.models import PersonRow
from storage.records import PersonRecord
from storage.repositories._sql import chunks, insert_or_ignore

_PERSON = cast(Table, PersonRow.__table__)
_BY_TELEGRAM_ID = select(_PERSON).where(_PERSON.c.telegram_id == bindparam("telegram_id"))
"""Core, built once: every update starts by finding its sender."""
_IDS_PER_STATEMENT = 5000


def _reported(row: PersonRow | Row[Any], language_code: str | None) -> str | None:
    """The language Telegram reports for the person now (the stored one when it reports none)."""
    return language_code[:16] if language_code else row.telegram_language


def _up_to_date(row: PersonRow | Row[Any], name: str, language_code: str | None) -> bool:
    """Nothing for ``ensure_telegram`` to change: same name (or one the person corrected, which stays), reachable,
    started, same reported language."""
    return bool((row.name == name or row.name_corrected_at is not None) and row.unreachable_at is None
                and row.started_at is not None and row.telegram_language == _reported(row, language_code))


def person_record(row: PersonRow | Row[Any]) -> PersonRecord:
    return PersonRecord(
        id=row.id,
        telegram_id=row.telegram_id,
        name=row.name,
        language=row.language,
        nrp=row.nrp,
        contact=row.contact,
        unreachable=row.unreachable_at is not None,
        telegram_language=row.telegram_language,
        started=row.started_at is not None or row.telegram_id is None,
        notice_version=row.notice_version,
        pseudonym=row.pseudonym,
        created_at=row.created_at,
        notice_at=row.notice_at,
        name_corrected_at=row.name_corrected_at,
        forgotten_at=row.forgotten_at,
        former=tuple((str(k), str(v)) for k, v in (row.former or [])),
    )


def _remember(row: PersonRow, kind: str, value: str | None) -> None:
    """Keep a name or contact being replaced in ``person.former`` (once each): an erasure looks for it too."""
    if not value or not value.strip():
        return
    former = [list(item) for item in (row.former or [])]
    if [kind, value] not in former:
        row.former = [*former, [kind, value]]


class PersonRepository:
    """Reads and writes persons within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, person_id: int) -> PersonRecord | None:
        row = await self._row(person_id)
        return person_record(row) if row else None

    async def lock(self, person_id: int) -> None:
        """Hold the person's row until the transaction ends (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every
        transaction already holds the one write lock): two of their requests at once then run one after the other."""
        await self._session.execute(select(PersonRow.id).where(PersonRow.id == person_id).with_for_update())

    async def get_by_telegram_id(self, telegram_id: int) -> PersonRecord | None:
        row = await self._row_by_telegram_id(telegram_id)
        return person_record(row) if row else None

    async def find_by_telegram_ids(self, telegram_ids: Iterable[int]) -> dict[int, PersonRecord]:
        """The known persons among ``telegram_ids``, by Telegram id (unknown ids are left out)."""
        wanted = set(telegram_ids)
        if not wanted:
            return {}
        statement = (
            select(PersonRow).where(PersonRow.telegram_id.in_(wanted)).execution_options(populate_existing=True)
        )
        return {
            row.telegram_id: person_record(row)
            for row in await self._session.scalars(statement)
            if row.telegram_id is not None
        }

    async def by_ids(self, person_ids: Iterable[int]) -> dict[int, PersonRecord]:
        """The persons with these ids, by id (unknown ids left out), in one statement per thousand ids."""
        found: dict[int, PersonRecord] = {}
        for chunk in chunks(list(dict.fromkeys(person_ids))):
            statement = select(PersonRow).where(PersonRow.id.in_(chunk)).execution_options(populate_existing=True)
            found.update({row.id: person_record(row) for row in await self._session.scalars(statement)})
        return found

    async def with_telegram(self, person_ids: Iterable[int]) -> set[int]:
        """Which of ``person_ids`` the bot can write to (they have a Telegram account): the due-work engine leaves
        out a notice none of whose recipients it could reach, instead of issuing and forgetting it every pass."""
        wanted, found = sorted(set(person_ids)), set[int]()
        for start in range(0, len(wanted), _IDS_PER_STATEMENT):
            statement = select(PersonRow.id).where(PersonRow.id.in_(wanted[start: start + _IDS_PER_STATEMENT]),
                                                   PersonRow.telegram_id.is_not(None))
            found.update(await self._session.scalars(statement))
        return found

    async def ensure_telegram(self, telegram_id: int, name: str, language_code: str | None = None) -> PersonRecord:
        """The person behind a Telegram account, who is writing to the bot now: created on first contact,
        renamed if the name changed, started and reachable again if they had blocked the bot or had never
        written to it (then ``reachable_again`` is set on the record), and with the language Telegram reports
        (``language_code``, when given). A name the person corrected (``/correct``) is kept.

        Safe against two first messages arriving at once (``INSERT … ON CONFLICT DO NOTHING``).
        """
        known = (await self._session.execute(_BY_TELEGRAM_ID, {"telegram_id": telegram_id})).one_or_none()
        if known is not None and _up_to_date(known, name, language_code):
            return person_record(known)  # the usual case: nothing to change, so no ORM object to track
        row = await self._row_by_telegram_id(telegram_id)
        now = datetime.now(UTC)
        if row is None:
            values = {"telegram_id": telegram_id, "name": name, "started_at": now}
            await insert_or_ignore(self._session, PersonRow, values, ["telegram_id"])
            row = await self._row_by_telegram_id(telegram_id)
            assert row is not None
        again = row.unreachable_at is not None or row.started_at is None
        if not _up_to_date(row, name, language_code):
            if row.name_corrected_at is None and row.name != name:
                if row.started_at is not None:  # not the "#9001" of someone added by id who never wrote
                    _remember(row, "name", row.name)
                row.name = name
            row.unreachable_at = None
            row.started_at = row.started_at or now
            row.telegram_language = _reported(row, language_code)
            await self._session.flush()
        return replace(person_record(row), reachable_again=again)

    async def add_known_by_id(self, telegram_id: int, name: str) -> PersonRecord:
        """A person known only by their Telegram id (``/staff add`` before they wrote to the bot): not started,
        so Telegram refuses the bot's messages to them until they press Start. An existing person is returned
        as they are."""
        row = await self._row_by_telegram_id(telegram_id)
        if row is None:
            await insert_or_ignore(self._session, PersonRow, {"telegram_id": telegram_id, "name": name},
                                   ["telegram_id"])
            row = await self._row_by_telegram_id(telegram_id)
            assert row is not None
        return person_record(row)

    async def add_offline(self, name: str, contact: str | None) -> PersonRecord:
        """A complainant without Telegram (from a letter, phone call, email, …), reached via ``contact``."""
        row = PersonRow(telegram_id=None, name=name, contact=contact)
        self._session.add(row)
        await self._session.flush()
        return person_record(row)

    async def set_language(self, person_id: int, language: str | None) -> None:
        """Remember the person's language (``id`` or ``en``); raises :class:`PersonNotFound`."""
        row = await self._existing_row(person_id)
        row.language = language
        await self._session.flush()

    async def saw_notice(self, person_id: int, version: str, at: datetime) -> None:
        """The person was shown the privacy notice of ``version`` at ``at``; raises :class:`PersonNotFound`."""
        row = await self._existing_row(person_id)
        row.notice_version, row.notice_at = version, require_aware(at, "at")
        await self._session.flush()

    async def correct(self, person_id: int, at: datetime, *, name: str | None = None,
                      contact: str | None = None) -> PersonRecord:
        """The person's own correction (``/correct``): the name (kept from now on against the Telegram name) and/or
        the contact; raises :class:`PersonNotFound`."""
        at = require_aware(at, "at")
        row = await self._existing_row(person_id)
        if name is not None:
            if name != row.name:
                _remember(row, "name", row.name)
            row.name, row.name_corrected_at = name, at
        if contact is not None:
            if contact != row.contact:
                _remember(row, "contact", row.contact)
            row.contact = contact
        await self._session.flush()
        return person_record(row)

    async def mark_unreachable(self, person_id: int, at: datetime) -> None:
        """Telegram said the person blocked the bot; the first such time is kept.

        Raises :class:`PersonNotFound` and :class:`storage.errors.NaiveDatetime`.
        """
        at = require_aware(at, "at")
        row = await self._existing_row(person_id)
        if row.unreachable_at is None:
            row.unreachable_at = at
            await self._session.flush()

    async def mark_unreachable_by_telegram(self, telegram_id: int, at: datetime) -> bool:
        """As :meth:`mark_unreachable`, for the person with that Telegram id (a private chat's id);
        ``False`` if nobody has it (e.g. a group chat)."""
        at = require_aware(at, "at")
        row = await self._row_by_telegram_id(telegram_id)
        if row is None:
            return False
        if row.unreachable_at is None:
            row.unreachable_at = at
            await self._session.flush()
        return True

    async def clear_unreachable(self, person_id: int) -> None:
        """The person can be messaged again (nothing happens for an unknown id)."""
        row = await self._row(person_id)
        if row is not None and row.unreachable_at is not None:
            row.unreachable_at = None
            await self._session.flush()

    async def _existing_row(self, person_id: int) -> PersonRow:
        row = await self._row(person_id)
        if row is None:
            raise PersonNotFound(f"no person with id {person_id}")
        return row

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
