"""The processing discipline: one update, one transaction.

An update's effects, the outbound messages (in the outbox) and its ``update_id`` commit together. An
update already recorded is ignored, so Telegram's re-delivery after a crash processes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, fields, is_dataclass, replace
from html import escape
from typing import TypeVar

from handlers.context import Deps
from handlers.errors import Refusal, is_database_error
from handlers.events import ButtonPress, Event, InboundUpdate, IncomingMessage, Reaction
from handlers.outbound import write_outbound
from handlers.privacy.erasure import delete_files
from handlers.router import route
from handlers.turn import Turn
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
V = TypeVar("V")
@dataclass(frozen=True)
class Processed:
    """What happened to one update; the caller sends ``outbox_ids`` and answers the button press."""

    update_id: int
    duplicate: bool = False
    outbox_ids: list[int] = field(default_factory=list)
    callback_id: str | None = None
    callback_answer: str | None = None
    callback_alert: bool = False
    #: The update recorded files for the archive: the fetcher is woken to download them (after this commit).
    files_recorded: bool = False
    #: The update queued a register export: the export runner is woken rather than finding it at its next look.
    export_queued: bool = False


async def process_update(update: InboundUpdate, make_uow: Callable[[], UnitOfWork], deps: Deps) -> Processed:
    """Handle one update in one transaction. Database errors propagate: the update is then not confirmed."""
    event = _without_nul(update.event)
    try:
        async with make_uow() as uow:
            if await uow.updates.seen(update.update_id):
                return Processed(update.update_id, duplicate=True)
            reaction = Reaction()
            if event is not None:
                user = event.user
                person = await uow.persons.ensure_telegram(user.id, user.full_name, user.language_code)
                if person.reachable_again:  # blocked the bot or never started it: what waited for them goes now
                    await uow.outbox.requeue_unreachable(user.id, deps.clock())
                locale = deps.translator.pick(person.language, event.user.language_code)
                private = event.private if isinstance(event, IncomingMessage) else event.chat_id > 0
                turn = Turn(uow, deps, event.user, person, event.chat_id, locale,
                            deps.translator.gettext(locale), reaction, private=private)
                try:
                    await route(turn, event)
                except Refusal as refusal:
                    reaction = await _refused(uow, turn, event, refusal)
            ids = await _commit(uow, update.update_id, reaction, deps, _chats_of(event))
        if reaction.erased_files:  # committed: the erased copies leave the archive now (a failure is only logged)
            await _delete_erased(deps, reaction.erased_files)
        if reaction.erased:  # then the database's old versions of the rows (best effort, never raises)
            await uow.settle_erasure()
    except Exception as exc:
        if is_database_error(exc):
            raise
        if await _processed_meanwhile(update, make_uow):  # another process took the same update first
            log.info("update %s was processed by another process at the same time; ignored", update.update_id)
            return Processed(update.update_id, duplicate=True)
        log.exception("update %s failed; answering with an apology", update.update_id)
        return await _apologise(update, make_uow, deps)
    press = event if isinstance(event, ButtonPress) else None
    return Processed(update.update_id, outbox_ids=ids, callback_id=press.callback_id if press else None,
                     callback_answer=reaction.callback_answer, callback_alert=reaction.callback_alert,
                     files_recorded=uow.files_recorded, export_queued=reaction.export_queued)


async def _delete_erased(deps: Deps, shas: frozenset[str]) -> None:
    try:
        await delete_files(deps.archive, shas)
    except OSError:
        log.exception("erased files could not all be deleted from the archive: %d named", len(shas))


async def _refused(uow: UnitOfWork, turn: Turn, event: Event, refusal: Refusal) -> Reaction:
    """A use case refused: nothing it wrote stays; the person is told why."""
    await uow.rollback()
    reaction = Reaction()
    if isinstance(event, ButtonPress):
        reaction.callback_answer, reaction.callback_alert = refusal.text[:190], True
    else:
        reaction.say(turn.chat_id, escape(refusal.text))
    return reaction


def _chats_of(event: Event | None) -> frozenset[int]:
    """The chats whose messages answer this event: where it happened and the private chat of whoever sent it."""
    return frozenset() if event is None else frozenset({event.chat_id, event.user.id})


async def _commit(uow: UnitOfWork, update_id: int, reaction: Reaction, deps: Deps,
                  replying_to: Collection[int]) -> list[int]:
    ids = await write_outbound(uow, reaction.outbound, deps.clock(), replying_to=replying_to)
    await uow.updates.record(update_id, deps.clock())
    await uow.commit()
    return ids


async def _processed_meanwhile(update: InboundUpdate, make_uow: Callable[[], UnitOfWork]) -> bool:
    """After a failure: is the update recorded now? (Two processes given the same update: one commit wins,
    the other fails on the update id's primary key.)"""
    try:
        async with make_uow() as uow:
            return await uow.updates.seen(update.update_id)
    except Exception:
        return False


async def _apologise(update: InboundUpdate, make_uow: Callable[[], UnitOfWork], deps: Deps) -> Processed:
    """A bug must not block the queue: record the update as processed and tell the user to try again."""
    event = update.event
    reaction = Reaction()
    if event is not None:
        _ = deps.translator.gettext(deps.translator.pick(None, event.user.language_code))
        reaction.say(event.chat_id, _("Sorry, something went wrong on our side. Please try again."))
    async with make_uow() as uow:
        if await uow.updates.seen(update.update_id):
            return Processed(update.update_id, duplicate=True)
        ids = await _commit(uow, update.update_id, reaction, deps, _chats_of(event))
    press = event if isinstance(event, ButtonPress) else None
    return Processed(update.update_id, outbox_ids=ids, callback_id=press.callback_id if press else None)


def _without_nul(value: V) -> V:
    """The event with every U+0000 removed from its strings. PostgreSQL cannot store that character in text, so
    a message or name holding it would fail as a database error, and a database error makes Telegram deliver the
    update again, for ever. Telegram's clients do not send it; a forged update can."""
    if isinstance(value, str):
        return value.replace("\x00", "")  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _without_nul(getattr(value, f.name)) for f in fields(value)})
    return value
