"""Plain frozen records that cross the storage boundary (no ORM row ever leaves ``storage/``).

All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class PersonRecord:
    """A complainant or staff member."""

    id: int
    telegram_id: int | None
    name: str
    language: str | None
    nrp: str | None
    contact: str | None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a ticket: ``file_type`` is ``photo`` or ``document``."""

    file_id: str
    file_type: str
    file_name: str | None = None


@dataclass(frozen=True)
class NewTicket:
    """A ticket about to be filed; ``TicketRepository.add`` gives it its number."""

    kind: str
    channel: str
    person_id: int | None
    service_code: str
    service_other: str | None
    description: str
    occurred_on: date | None
    answers: dict[str, str]
    attachments: tuple[Attachment, ...]
    anonymous: bool
    status: str
    created_at: datetime


@dataclass(frozen=True)
class TicketRecord:
    """A filed complaint (keluhan) or suggestion (saran), e.g. number ``KEL-2026-00042``."""

    id: int
    number: str
    kind: str
    channel: str
    person_id: int | None
    service_code: str
    service_other: str | None
    description: str
    occurred_on: date | None
    answers: dict[str, str]
    attachments: tuple[Attachment, ...]
    anonymous: bool
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TicketEventRecord:
    """One entry of a ticket's history; ``from_status`` is ``None`` for the first one."""

    id: int
    ticket_id: int
    at: datetime
    actor_person_id: int | None
    from_status: str | None
    to_status: str
    note: str | None


@dataclass(frozen=True)
class DialogRecord:
    """Where a chat stands in a conversation; ``data`` must be JSON-serialisable."""

    chat_id: int
    user_id: int
    dialog: str
    state: str
    data: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class OutboxRecord:
    """A pending outbound message; ``payload`` is whatever the notifier needs to send it,
    ``attempts`` how many sending attempts have failed so far."""

    id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int
    not_before: datetime
    created_at: datetime
