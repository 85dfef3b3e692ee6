"""A person's copy of their own data (``/mydata``, UU PDP's rights of access and portability; issue 15 §2): plain
data gathered by ``handlers.mydata`` and rendered as JSON (:mod:`reports.mydata_json`) and as a PDF
(:mod:`reports.mydata_pdf`).

Codes (statuses, kinds, event codes) stay as stored, for machines; ``*_label`` and ``text`` fields are the same in
the reader's language, for people. Nothing here is anyone else's: no staff member, no other complainant of a "me
too" case, no other ticket's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

SCHEMA = "tanggap.mydata/1"
"""The JSON file's ``schema``: changed when its keys change meaning."""


@dataclass(frozen=True)
class Profile:
    """What the bot keeps about the person themselves."""

    name: str
    telegram_id: int | None
    language: str | None  # the /lang choice
    telegram_language: str | None  # the language Telegram reported
    nrp: str | None
    contact: str | None
    first_seen: datetime | None
    notice_version: str | None
    notice_at: datetime | None
    name_corrected_at: datetime | None
    #: The names and contacts they had before (kept so an erasure finds them in old messages too).
    former_names: tuple[str, ...] = ()
    former_contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A confirmation question of the service and the answer given."""

    question_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class FileEntry:
    """A file kept with a ticket: described, not included."""

    name: str | None
    type: str  # photo | document
    mime: str | None
    size: int | None  # bytes of the archived copy (None: not archived yet)
    added_at: datetime | None
    source: str  # intake | complainant | staff
    caption: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the ticket as its complainant reads it."""

    at: datetime
    event: str
    from_status: str | None
    to_status: str
    text: str


@dataclass(frozen=True)
class MessageEntry:
    """A message about the ticket: ``from_you`` (the person to the bureau) or ``to_you``."""

    at: datetime
    direction: str
    text: str
    files: int = 0


@dataclass(frozen=True)
class TicketEntry:
    number: str
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    service_code: str
    service: str
    status: str
    status_label: str
    identity_level: str
    identity_level_label: str
    received_at: datetime
    occurred_on: date | None
    description: str
    answers: tuple[Answer, ...]
    response: str | None
    rating: int | None
    rating_comment: str | None
    rated_at: datetime | None
    files: tuple[FileEntry, ...]
    history: tuple[HistoryEntry, ...]
    messages: tuple[MessageEntry, ...]
    identity_erased_at: datetime | None = None
    files_erased_at: datetime | None = None


@dataclass(frozen=True)
class RequestEntry:
    """A data-subject request the person made (access, correction, erasure)."""

    number: str
    kind: str
    kind_label: str
    status: str  # open | done | refused
    status_label: str
    received_at: datetime
    due_at: datetime
    done_at: datetime | None


@dataclass(frozen=True)
class MyData:
    made_at: datetime
    locale: str
    controller: str  # who keeps the data: the contact of the privacy notice
    notice_version: str  # the notice in force when the copy was made
    profile: Profile
    tickets: tuple[TicketEntry, ...]
    requests: tuple[RequestEntry, ...]
