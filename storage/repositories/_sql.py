"""Dialect-specific statements the repositories share: upserts and numbered series."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base, NumberCounterRow

CHUNK = 1_000
"""Ids per ``IN (…)`` of a set-based statement: well below SQLite's 32,766 and PostgreSQL's 32,767 bound parameters."""


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """``ids`` in lists of at most :data:`CHUNK`."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start:start + CHUNK])


_STATEMENTS: dict[tuple[Any, ...], Any] = {}
"""Built statements by what they depend on. Building an INSERT … ON CONFLICT (``values``, ``excluded``)
costs more CPU than running it; built once with bound parameters, it is only executed (docs/benchmarks.md)."""


def _insert(dialect: str, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    table = cast(Table, model.__table__)  # Core: the ORM's bulk machinery has nothing to do for one row of plain values
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {dialect}")


def _statement(kind: str, session: AsyncSession, model: type[Base], columns: Sequence[str], keys: Sequence[str]
               ) -> Any:
    dialect = session.get_bind().dialect.name
    cache_key = (kind, dialect, model, tuple(columns), tuple(keys))
    statement = _STATEMENTS.get(cache_key)
    if statement is None:
        insert = _insert(dialect, model)
        if kind == "ignore":
            statement = insert.on_conflict_do_nothing(index_elements=list(keys)).returning(
                *(insert.table.c[k] for k in keys))
        else:
            changes = {name: insert.excluded[name] for name in columns if name not in keys}
            statement = insert.on_conflict_do_update(index_elements=list(keys), set_=changes)
        statement = _STATEMENTS.setdefault(cache_key, statement)
    return statement


async def insert_or_ignore(
    session: AsyncSession, model: type[Base], values: Mapping[str, Any], keys: Sequence[str]
) -> bool:
    """``INSERT … ON CONFLICT (keys) DO NOTHING``; ``True`` if a row was inserted."""
    statement = _statement("ignore", session, model, list(values), keys)
    return (await session.execute(statement, dict(values))).first() is not None


async def upsert(
    session: AsyncSession, model: type[Base], values: Mapping[str, Any], keys: Sequence[str]
) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` every other given column."""
    await session.execute(_statement("upsert", session, model, list(values), keys), dict(values))


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
