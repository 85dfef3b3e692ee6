"""Two processes handed the same update at the same time (a webhook re-delivered while the first is still
working): one commit wins; the other is a quiet duplicate — one ticket, one set of replies, no apology."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.events import InboundUpdate, IncomingMessage, User
from handlers.processing import process_update
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk


async def test_the_same_update_in_two_processes_at_once_is_processed_once(
        db_url: str, engine: AsyncEngine, caplog: pytest.LogCaptureFixture) -> None:
    other = make_engine(db_url)  # the second process's engine
    try:
        desk_a = Desk(lambda: SqlUnitOfWork(make_session_factory(engine)))
        desk_b = Desk(lambda: SqlUnitOfWork(make_session_factory(other)))
        student = User(4242, "Dua Kali", language_code="en")
        update = InboundUpdate(555, IncomingMessage(student.id, student, 1, "/start"))
        with caplog.at_level(logging.INFO, logger="handlers.processing"):
            done = await asyncio.gather(*(process_update(update, d.make_uow, d.deps) for d in (desk_a, desk_b)))
        assert sorted(d.duplicate for d in done) == [False, True]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM processed_update"))).scalar_one() == 1
            sent = (await conn.execute(text("SELECT count(*) FROM outbox WHERE chat_id = 4242"))).scalar_one()
            assert sent == 2  # the welcome and the privacy notice, once
            assert (await conn.execute(text("SELECT count(*) FROM person"))).scalar_one() == 1
    finally:
        await other.dispose()
