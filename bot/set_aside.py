"""Updates the engine cannot read: kept in ``unhandled_update``, recorded as processed, and confirmed.

Without this, one such update (a field a newer Bot API gives a type the framework does not expect, a malformed
object) stops the bot. By long polling the framework fails to read the whole getUpdates answer; the batch is
never confirmed, so the same update stops the bot again after every restart. By webhook the error answer makes
Telegram deliver it again, for ever. Instead the adapter (:mod:`bot.adapter`) turns it into a :class:`SetAside`,
and the runner records it here in one transaction with its ``update_id`` in ``processed_update``: it is then
confirmed like any other update (the next offset, or 200), processed at most once, and nothing after it waits.
An operator reads what arrived and why it was refused in the table (docs/operations.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from handlers.events import InboundUpdate
from handlers.processing import Processed
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
MAX_ERROR = 4000  # characters of the error kept (pydantic lists every field it refused, with its value)


@dataclass(frozen=True)
class SetAside(InboundUpdate):
    """An update the engine could not read: no event, its JSON as it arrived, the error, and which engine refused."""

    raw: str
    error: str
    engine: str


def describe(exc: BaseException) -> str:
    """The error as the framework words it, and the error it came from (``Type: text``)."""
    text = f"{type(exc).__name__}: {exc}"
    cause = exc.__cause__
    if cause is not None and str(cause) not in text:
        text += f"\n(from {type(cause).__name__}: {cause})"
    return text[:MAX_ERROR]


async def set_aside(update: SetAside, make_uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]) -> Processed:
    """Keep the update and record it as processed, in one transaction; a duplicate (seen before) is left alone.

    Database errors propagate, as in :func:`handlers.processing.process_update`: the update is then not confirmed
    and comes again. Two processes given the same update: one commit wins, the other finds it recorded."""
    try:
        async with make_uow() as uow:
            if await uow.updates.seen(update.update_id):
                return Processed(update.update_id, duplicate=True)
            now = clock()
            await uow.unhandled.add(update.update_id, now, update.engine, update.error, update.raw)
            await uow.updates.record(update.update_id, now)
            await uow.commit()
    except Exception:
        if await _recorded(update.update_id, make_uow):
            return Processed(update.update_id, duplicate=True)
        raise
    log.warning(
        "update %s set aside: the %s engine cannot read it (%s); kept in the unhandled_update table",
        update.update_id, update.engine, (update.error.splitlines() or [''])[0][:300],
    )
    return Processed(update.update_id)


async def _recorded(update_id: int, make_uow: Callable[[], UnitOfWork]) -> bool:
    try:
        async with make_uow() as uow:
            return await uow.updates.seen(update_id)
    except Exception:
        return False
