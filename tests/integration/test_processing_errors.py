"""A database that cannot be reached is an outage (the update is retried later), never a bug to apologise for.

The dangerous case: the connection is refused once, and the database answers again a moment later. Taking
that for a bug would record the update with an apology instead of processing it when it comes again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from handlers.events import InboundUpdate, IncomingMessage, User
from handlers.processing import process_update
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk


class RefusedOnce:
    """The first unit of work finds the database unreachable (as asyncpg reports it: unwrapped)."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    async def __aenter__(self) -> Any:
        raise self.exc

    async def __aexit__(self, *_args: object) -> None:
        return None


@pytest.mark.parametrize(
    "exc",
    [ConnectionRefusedError(111, "Connect call failed"), TimeoutError(), OSError(101, "Network is unreachable")],
    ids=["refused", "timeout", "network"],
)
async def test_an_unreachable_database_propagates_and_the_update_is_processed_when_it_comes_again(
    new_uow: Callable[[], SqlUnitOfWork], exc: BaseException
) -> None:
    calls = [0]

    def make_uow() -> Any:
        calls[0] += 1
        return RefusedOnce(exc) if calls[0] == 1 else new_uow()

    desk = Desk(make_uow)
    student = User(7, "Siti", language_code="en")
    update = InboundUpdate(1, IncomingMessage(7, student, 1, "/start"))
    with pytest.raises(type(exc)):
        await process_update(update, desk.make_uow, desk.deps)
    async with new_uow() as uow:
        assert not await uow.updates.seen(1)  # not recorded: Telegram will give it again
    again = await process_update(update, desk.make_uow, desk.deps)
    assert not again.duplicate and again.outbox_ids
