"""One delivery attempt of an outbox row (:mod:`bot.notifier` decides when): the Bot API call through the
engine's port, and what came of it as an :class:`Outcome` for the notifier's recorder.

Telegram's answers become outcomes: sent (with the new message id when it is a ticket's card), retry later (429:
when Telegram says, and the chat — or, if we had left the chat alone, the whole bot — is paused meanwhile; 5xx,
timeouts and network errors: an exponential backoff), or given up (the person blocked the bot or never started
it; Telegram refused the message itself). A ticket's card in the staff group is edited where it is, or posted
anew if it never arrived or was deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.errors import MessageGone, Rejected, RetryLater, Unreachable
from bot.pacing import Pacer
from bot.port import BotPort
from storage.errors import TicketNotFound
from storage.records import OutboxRecord
from storage.uow import UnitOfWork

log = logging.getLogger("bot.notifier")
MAX_BACKOFF = 300.0


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to; ``card`` is (ticket_id, message_id) to remember."""

    retry_in: float | None = None
    flood: bool = False  # a 429: Telegram said when; never given up
    failed: str | None = None
    unreachable: bool = False
    error: str = ""
    card: tuple[int, int] | None = None
    progress: tuple[int, int] | None = None  # (export job id, message_id) of its progress message


SENT = Outcome()


async def attempt(port: BotPort, pacer: Pacer, make_uow: Callable[[], UnitOfWork], item: OutboxRecord,
                  fresh: bool) -> Outcome:
    """Send ``item`` once; ``fresh``: nothing was sent to its chat lately (a 429 then means the bot-wide limit)."""
    try:
        return await _send(port, make_uow, item)
    except RetryLater as exc:
        if exc.retry_after is not None:
            # A 429 to a chat we had left alone is the bot-wide limit: then everyone waits.
            pacer.pause(exc.retry_after, item.chat_id)
            if fresh:
                pacer.pause(exc.retry_after)
            log.warning("outbox %s to chat %s: 429, retry in %ss%s", item.id, item.chat_id, exc.retry_after,
                        " (bot-wide)" if fresh else "")
            return Outcome(retry_in=float(exc.retry_after), flood=True, error=str(exc))
        delay = min(2.0**item.attempts, MAX_BACKOFF)
        log.warning("outbox %s to chat %s: retry in %ss (%s)", item.id, item.chat_id, delay, exc)
        return Outcome(retry_in=delay, error=str(exc))
    except Unreachable as exc:
        log.info("outbox %s: chat %s unreachable (%s)", item.id, item.chat_id, exc)
        return Outcome(failed=f"unreachable: {exc}", unreachable=True)
    except Rejected as exc:
        log.error("outbox %s (%s) to chat %s rejected by Telegram: %s", item.id, item.payload.get("op"),
                  item.chat_id, exc)
        return Outcome(failed=f"rejected: {exc}")
    except Exception as exc:  # a bug or the database while looking up a card: back off, give up in the end
        log.exception("outbox %s to chat %s failed unexpectedly", item.id, item.chat_id)
        return Outcome(retry_in=min(2.0**item.attempts, MAX_BACKOFF), error=f"{type(exc).__name__}: {exc}")


async def _send(port: BotPort, make_uow: Callable[[], UnitOfWork], item: OutboxRecord) -> Outcome:
    payload = item.payload
    if payload.get("op") == "edit_card":
        return await _edit_card(port, make_uow, item.chat_id, payload)
    if payload.get("op") == "edit_progress":
        return await _edit_progress(port, make_uow, item.chat_id, payload)
    message_id = await port.deliver(payload)
    card_of = payload.get("card_of")
    if card_of is not None and message_id is not None:
        return Outcome(card=(int(card_of), message_id))
    progress_of = payload.get("progress_of")
    if progress_of is not None and message_id is not None:
        return Outcome(progress=(int(progress_of), message_id))
    return SENT


async def _edit_progress(port: BotPort, make_uow: Callable[[], UnitOfWork], chat_id: int, payload: dict[str, Any]
                         ) -> Outcome:
    """Edit a job's progress message; nothing to do when it never arrived or is gone (a later edit or the file
    itself tells the person how it went)."""
    async with make_uow() as uow:
        job = await uow.register.get_job(int(payload["job_id"]))
    if job is None or job.message_id is None:
        return SENT
    try:
        await port.deliver({"op": "edit_text", "chat_id": chat_id, "message_id": job.message_id,
                            "text": payload["text"], "buttons": []})
    except MessageGone as exc:
        log.info("progress message %s of export %s is gone (%s)", job.message_id, job.id, exc)
    return SENT


async def _edit_card(port: BotPort, make_uow: Callable[[], UnitOfWork], chat_id: int, payload: dict[str, Any]
                     ) -> Outcome:
    """Edit the ticket's card where it is; send a new one if it was never delivered or is gone."""
    ticket_id = int(payload["ticket_id"])
    content = {"chat_id": chat_id, "text": payload["text"], "buttons": payload.get("buttons") or []}
    async with make_uow() as uow:
        ticket = await uow.tickets.get(ticket_id)
    card = ticket.card_message_id if ticket is not None else None
    if card is not None:
        try:
            await port.deliver({"op": "edit_text", "message_id": card, **content})
            return SENT
        except MessageGone as exc:
            log.warning("card %s of ticket %s is gone (%s); sending a new one", card, ticket_id, exc)
    message_id = await port.deliver({"op": "send", **content})
    return Outcome(card=(ticket_id, message_id)) if message_id is not None else SENT


async def store_card(uow: UnitOfWork, ticket_id: int, message_id: int) -> None:
    """Remember the message id of a ticket's card (in the recorder's transaction)."""
    try:
        await uow.tickets.update(ticket_id, card_message_id=message_id)
    except TicketNotFound:
        log.warning("card %s sent for ticket %s, which does not exist", message_id, ticket_id)
