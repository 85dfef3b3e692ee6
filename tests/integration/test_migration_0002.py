"""Revision 0002 (staff side) on a database already in use: upgrade keeps the data, downgrade undoes it."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SAWarning
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.columns import UtcDateTime
from storage.database import make_engine, make_session_factory
from storage.migrate import current, downgrade, head_revision, upgrade
from storage.models import Base
from storage.records import NewAction, NewLk
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
TABLES_0001 = {
    "person",
    "ticket",
    "ticket_attachment",
    "ticket_event",
    "number_counter",
    "dialog_state",
    "processed_update",
    "outbox",
}
TICKET_COLUMNS_0001 = {
    "id",
    "number",
    "kind",
    "channel",
    "person_id",
    "service_code",
    "service_other",
    "description",
    "occurred_on",
    "answers",
    "anonymous",
    "status",
    "created_at",
    "updated_at",
}
PERSON_COLUMNS_0001 = {"id", "telegram_id", "name", "language", "nrp", "contact", "created_at"}

# The 0001 shape of the tables, so rows can be written before 0002 exists (the models are newer).
PERSON_0001 = sa.table(
    "person", sa.column("id"), sa.column("telegram_id"), sa.column("name"), sa.column("created_at", UtcDateTime())
)
TICKET_0001 = sa.table(
    "ticket",
    *(sa.column(name) for name in ("id", "number", "kind", "person_id", "service_code", "description", "status")),
    sa.column("answers", sa.JSON()),
    sa.column("anonymous", sa.Boolean()),
    sa.column("created_at", UtcDateTime()),
    sa.column("updated_at", UtcDateTime()),
)


def ticket_values(ticket_id: int, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "id": ticket_id,
        "number": f"KEL-2026-{ticket_id:05d}",
        "kind": "complaint",
        "person_id": 1,
        "service_code": "transcript",
        "description": "Waiting for three weeks.",
        "status": "received",
        "answers": {},
        "anonymous": False,
        "created_at": AT,
        "updated_at": AT,
    }
    return {**values, **changes}


def _columns(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in inspect(connection).get_columns(table)}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _schema_diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    with warnings.catch_warnings():  # /stats' expression index (0018, SQLite only): not reflected, not compared
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index "
                                          "ix_ticket_wib_day_service_kind", SAWarning)
        return list(compare_metadata(context, Base.metadata))


@pytest.fixture
async def engine_at_0001(blank_db_url: str) -> AsyncIterator[AsyncEngine]:
    """A database at revision 0001 holding one person and one ticket."""
    engine = make_engine(blank_db_url)
    await upgrade(engine, "0001")
    async with engine.begin() as connection:
        await connection.execute(sa.insert(PERSON_0001).values(id=1, telegram_id=42, name="Siti", created_at=AT))
        await connection.execute(sa.insert(TICKET_0001).values(ticket_values(1)))
    yield engine
    await engine.dispose()


async def test_upgrade_keeps_existing_tickets_and_persons_with_the_new_fields_empty(
    engine_at_0001: AsyncEngine,
) -> None:
    await upgrade(engine_at_0001)

    async with SqlUnitOfWork(make_session_factory(engine_at_0001)) as uow:
        ticket = await uow.tickets.get(1)
        person = await uow.persons.get(1)
    assert await current(engine_at_0001) == head_revision()
    assert ticket is not None and ticket.number == "KEL-2026-00001"
    assert (ticket.assigned_to, ticket.response, ticket.rating, ticket.confirmed_at) == (None, None, None, None)
    assert person is not None and (person.name, person.unreachable) == ("Siti", False)


async def test_after_upgrade_the_old_and_new_ticket_checks_are_both_enforced(engine_at_0001: AsyncEngine) -> None:
    # On SQLite the ticket table is rebuilt by batch mode; its CHECK constraints must survive.
    await upgrade(engine_at_0001)

    async with engine_at_0001.connect() as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(sa.insert(TICKET_0001).values(ticket_values(2, kind="praise")))
        await connection.rollback()
        with pytest.raises(IntegrityError):
            await connection.execute(sa.text("UPDATE ticket SET rating = 9 WHERE id = 1"))
        await connection.rollback()
        with pytest.raises(IntegrityError):
            await connection.execute(sa.text("UPDATE ticket SET assigned_to = 999 WHERE id = 1"))


async def test_downgrade_to_0001_removes_the_staff_side_and_keeps_the_rest(engine_at_0001: AsyncEngine) -> None:
    await upgrade(engine_at_0001)
    async with SqlUnitOfWork(make_session_factory(engine_at_0001)) as uow:
        await uow.staff.grant(1, "officer", by=None, at=AT)
        await uow.tickets.update(1, assigned_to=1, rating=4)
        await uow.persons.mark_unreachable(1, AT)
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP 5b", "Late.", "No backup signer.", 1, AT))
        await uow.lks.link(lk.id, [1])
        await uow.lks.add_action(NewAction(lk.id, "correction", "Issue it.", 1, date(2026, 5, 8), 1, AT))
        await uow.commit()

    await downgrade(engine_at_0001, "0001")

    async with engine_at_0001.connect() as connection:
        tables = await connection.run_sync(_tables)
        ticket_columns = await connection.run_sync(_columns, "ticket")
        person_columns = await connection.run_sync(_columns, "person")
        numbers = (await connection.execute(sa.text("SELECT number FROM ticket"))).scalars().all()
        series = (await connection.execute(sa.text("SELECT series FROM number_counter"))).scalars().all()
    assert await current(engine_at_0001) == "0001"
    assert (tables, ticket_columns, person_columns) == (TABLES_0001, TICKET_COLUMNS_0001, PERSON_COLUMNS_0001)
    assert numbers == ["KEL-2026-00001"]
    assert series == []  # the ticket was inserted directly; the LK counter went with the LK tables


async def test_upgrade_after_downgrade_matches_the_models_and_numbers_lks_afresh(
    engine_at_0001: AsyncEngine,
) -> None:
    factory = make_session_factory(engine_at_0001)
    await upgrade(engine_at_0001)
    async with SqlUnitOfWork(factory) as uow:
        await uow.lks.add(NewLk("nonconformity", "transcript", "SOP 5b", "Late.", "No backup signer.", 1, AT))
        await uow.commit()
    await downgrade(engine_at_0001, "0001")

    await upgrade(engine_at_0001)

    async with engine_at_0001.connect() as connection:
        assert await connection.run_sync(_schema_diff) == []
    async with SqlUnitOfWork(factory) as uow:
        again = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP 5b", "Late.", "None yet.", 1, AT))
    assert again.number == "LK-2026-001"
