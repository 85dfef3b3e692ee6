"""Queueing what a use case produced: each message's delivery class, a ticket's card kept as one message, scheduled
messages and their cancellations. Used by the update pipeline and by the due-work engine (which runs outside any
update), so it imports neither the router nor any handler."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from domain.delivery import Priority
from handlers.events import CancelScheduled, Delivered, EditCard, EditProgress, Outbound, OutMessage, SendCard
from storage.repositories.outbox import Queued
from storage.uow import UnitOfWork

FAN_OUT = 20
"""One change that tells more than this many other chats is a fan-out (e.g. an LK closed for hundreds of
complainants): what it queues for them is bulk, so it fills the capacity that replies and notices leave."""


def delivery_classes(outbound: Sequence[Delivered], replying_to: Collection[int]) -> list[Priority]:
    """Each message's delivery class: its own ``priority`` if it has one; else a reply to the chats in
    ``replying_to`` (the acting person's), bulk to others when they are more than :data:`FAN_OUT` chats (one
    change telling many people), a notice to others otherwise."""
    others = {o.chat_id for o in outbound if o.chat_id not in replying_to}
    told = Priority.BULK if len(others) > FAN_OUT else Priority.NOTICE
    return [o.priority if o.priority is not None else Priority.REPLY if o.chat_id in replying_to else told
            for o in outbound]


def card_key(ticket_id: int) -> str:
    """The key of a ticket's pending card message (post or edit): a newer one replaces it while it waits."""
    return f"card:{ticket_id}"


def progress_key(job_id: int) -> str:
    """The key of a job's pending progress edit: a newer one replaces it while it waits."""
    return f"progress:{job_id}"


def _key(o: Delivered) -> str | None:
    if isinstance(o, SendCard | EditCard):
        return card_key(o.ticket_id)
    if isinstance(o, EditProgress):
        return progress_key(o.job_id)
    return None


async def write_outbound(uow: UnitOfWork, outbound: Sequence[Outbound], now: datetime, *,
                         replying_to: Collection[int] = ()) -> list[int]:
    """Queue what a use case produced, in order: messages in one statement, each with its delivery class
    (:func:`delivery_classes`; ``replying_to``: the chats of the person whose update produced them); scheduled
    ones with their key and time; cancellations of earlier scheduled ones first (a comment replaces the alert
    that waited for it).

    A ticket's card in the staff group is one message brought up to date: a post or edit of it still waiting from
    an earlier change is cancelled by the newer one, which carries the whole card (and posts it if it never
    arrived). So a card's messages never overtake each other whatever their classes (a stale edit after a newer
    one, or a second card), and a long fan-out to the group does not edit the same card twice."""
    for cancel in outbound:
        if isinstance(cancel, CancelScheduled):
            await uow.outbox.cancel_key(cancel.key)
    delivered = [o for o in outbound if not isinstance(o, CancelScheduled)]
    classes = delivery_classes(delivered, replying_to)
    await uow.outbox.cancel_keys([key for o in delivered if (key := _key(o)) is not None])
    now_rows = [Queued(o.chat_id, o.to_payload(), cls, _key(o))
                for o, cls in zip(delivered, classes, strict=True)
                if not (isinstance(o, OutMessage) and o.scheduled)]
    ids = await uow.outbox.queue(now_rows, now)
    for later, cls in zip(delivered, classes, strict=True):
        if isinstance(later, OutMessage) and later.scheduled is not None:
            key, seconds = later.scheduled
            ids += await uow.outbox.add_many([(later.chat_id, later.to_payload())], now,
                                             not_before=now + timedelta(seconds=seconds), key=key, priority=cls)
    return ids
