"""aiosqlite with one thread hop per statement instead of three or four.

aiosqlite runs the ``sqlite3`` connection in its own thread; every call crosses to it and back (a queue, a
wake-up of the thread, a wake-up of the event loop). SQLAlchemy's aiosqlite adapter makes three or four such
calls per statement: open a cursor, execute, fetch the rows, close the cursor. Each crossing costs ~50 µs of
CPU on the benchmark machine, so for the ~10 statements of an answered update the crossings, not SQLite, were
the largest single cost of the update's transaction (docs/benchmarks.md).

:class:`OneHopConnection` is aiosqlite's connection whose cursors do all of it in ONE crossing: the worker
thread opens a ``sqlite3`` cursor, executes, reads every row, closes the cursor and hands back the rows with
``description``, ``rowcount`` and ``lastrowid``; fetching is then from that buffer. Everything else (commit,
rollback, close, the thread, the errors raised) is aiosqlite's own. SQLAlchemy gets it through its public
``async_creator`` hook (:func:`creator`).

What changes for callers: a result is read completely when the statement runs, so a "server-side" cursor
(``stream()``) holds its rows in memory, as a normal cursor does. Tanggap does not stream from SQLite.
It relies on two private parts of aiosqlite, ``Connection._execute(fn, *args)`` (run ``fn`` on the connection's
thread) and ``Connection._thread``; ``pyproject.toml`` pins the versions it was tested with (0.22).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterable, Mapping, Sequence
from functools import partial
from types import TracebackType
from typing import Any

import aiosqlite

Row = Any
_Outcome = tuple[Any, list[Row], int, int | None]  # description, rows, rowcount, lastrowid


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> _Outcome:
    """On the connection's thread: the whole life of one cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor:
    """aiosqlite's ``Cursor`` interface over rows fetched in the same crossing as the statement."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._rows: deque[Row] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    # ``await connection.cursor()`` and ``async with connection.cursor() as cursor`` both work, as in aiosqlite
    def __await__(self) -> Generator[Any, None, OneHopCursor]:
        return self._self().__await__()

    async def _self(self) -> OneHopCursor:
        return self

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> OneHopCursor:
        return await self._go(sql, () if parameters is None else parameters, many=False)

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneHopCursor:
        return await self._go(sql, list(parameters), many=True)

    async def _go(self, sql: str, parameters: Any, *, many: bool) -> OneHopCursor:
        self._rows.clear()
        outcome: _Outcome = await self._connection.on_thread(_run, sql, parameters, many)
        self.description, rows, self.rowcount, self.lastrowid = outcome
        self._rows.extend(rows)
        return self

    async def fetchone(self) -> Row | None:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Row]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()

    def __aiter__(self) -> AsyncIterator[Row]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Row]:
        while self._rows:
            yield self._rows.popleft()


class OneHopConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors cross to its thread once per statement."""

    def cursor(self) -> OneHopCursor:  # type: ignore[override]
        return OneHopCursor(self)

    async def on_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(sqlite3_connection, *args)`` on the connection's thread."""
        return await self._execute(lambda: fn(self._conn, *args))  # type: ignore[no-untyped-call]


def creator(arguments: Sequence[Any], options: Mapping[str, Any]) -> Callable[[], Awaitable[OneHopConnection]]:
    """For ``create_async_engine(async_creator=...)``: ``sqlite3.connect(*arguments, **options)`` on the thread."""
    connector = partial(sqlite3.connect, *arguments, **options)

    async def connect() -> OneHopConnection:
        connection = OneHopConnection(connector, 64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite: never hold up the interpreter's exit
        await connection
        return connection

    return connect


__all__ = ["OneHopConnection", "OneHopCursor", "creator"]
