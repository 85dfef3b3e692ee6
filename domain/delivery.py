"""How urgent an outbound message is: the notifier sends by this class first, then by age.

Telegram lets a bot send about 30 messages a second in all. A reply (the answer to what a person just did)
must never wait behind a fan-out of thousands of notices, so every outbox row has a class and the notifier
starts deliveries in (class, id) order; bulk fills the capacity that replies and notices leave.
"""

from __future__ import annotations

from enum import IntEnum


class Priority(IntEnum):
    """The delivery class of an outbox row; a lower value goes first. Stored as this number."""

    REPLY = 0
    """To the chat of the person whose update produced it: the answer to what they just did."""
    NOTICE = 1
    """To someone else, caused by one person's action: the complainant told of a step, an officer of a reply."""
    BULK = 2
    """Reminders and digests of the due-work engine, and a fan-out to many people (an LK closed for hundreds)."""
