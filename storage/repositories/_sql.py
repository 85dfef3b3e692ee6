"""Dialect-specific statements the repositories share: upserts and numbered series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base, NumberCounterRow


def _insert(session: AsyncSession, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {dialect}")


async def insert_or_ignore(
    session: AsyncSession, model: type[Base], values: Mapping[str, Any], keys: Sequence[str]
) -> bool:
    """``INSERT … ON CONFLICT (keys) DO NOTHING``; ``True`` if a row was inserted."""
    insert = _insert(session, model).values(dict(values))
    statement = insert.on_conflict_do_nothing(index_elements=list(keys)).returning(*(insert.table.c[k] for k in keys))
    return (await session.execute(statement)).first() is not None


async def upsert(
    session: AsyncSession, model: type[Base], values: Mapping[str, Any], keys: Sequence[str]
) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` every other given column."""
    insert = _insert(session, model).values(dict(values))
    changes = {name: insert.excluded[name] for name in values if name not in keys}
    await session.execute(insert.on_conflict_do_update(index_elements=list(keys), set_=changes))


async def next_in_series(session: AsyncSession, series: str, year: int) -> int:
    """Take the next number of ``series`` in ``year`` (1, 2, 3, …) inside the caller's transaction.

    The counter row is created if missing, then incremented with ``UPDATE … RETURNING``; the row
    lock (PostgreSQL) or the write lock (SQLite, ``BEGIN IMMEDIATE``) makes concurrent callers
    queue, and a rolled-back transaction gives its number back, so committed numbers have no gaps.
    """
    await insert_or_ignore(
        session, NumberCounterRow, {"series": series, "year": year, "last_value": 0}, ["series", "year"]
    )
    statement = (
        update(NumberCounterRow)
        .where(NumberCounterRow.series == series, NumberCounterRow.year == year)
        .values(last_value=NumberCounterRow.last_value + 1)
        .returning(NumberCounterRow.last_value)
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(statement)).scalar_one()
