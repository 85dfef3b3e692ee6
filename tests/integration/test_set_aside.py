"""An update the engine could not read is kept and recorded as processed once, however often it comes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.set_aside import SetAside, set_aside
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
ODD = SetAside(777, None, '{"update_id": 777, "message": {"chat": "oops"}}', "ValidationError: message.chat", "ptb")


async def counts(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        kept = (await conn.execute(text("SELECT count(*) FROM unhandled_update"))).scalar_one()
        processed = (await conn.execute(text("SELECT count(*) FROM processed_update"))).scalar_one()
    return int(kept), int(processed)


async def test_a_set_aside_update_delivered_again_is_a_duplicate(engine: AsyncEngine) -> None:
    make_uow = lambda: SqlUnitOfWork(make_session_factory(engine))  # noqa: E731
    first = await set_aside(ODD, make_uow, lambda: AT)
    again = await set_aside(ODD, make_uow, lambda: AT)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert await counts(engine) == (1, 1)


async def test_the_same_unreadable_update_in_two_processes_at_once_is_kept_once(
    db_url: str, engine: AsyncEngine
) -> None:
    other = make_engine(db_url)  # the second process's engine
    try:
        done = await asyncio.gather(*(
            set_aside(ODD, lambda e=e: SqlUnitOfWork(make_session_factory(e)), lambda: AT) for e in (engine, other)
        ))
    finally:
        await other.dispose()
    assert sorted(d.duplicate for d in done) == [False, True]
    assert await counts(engine) == (1, 1)
