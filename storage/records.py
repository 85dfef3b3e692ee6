"""Plain frozen records that cross the storage boundary (no ORM row ever leaves ``storage/``).

All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    #: Telegram refused a message because the person blocked the bot (cleared when they write again).
    unreachable: bool = False
    #: The ``language_code`` Telegram last reported; ``language`` (the /lang choice) wins over it.
    telegram_language: str | None = None
    #: The person has written to the bot themselves (False: known by id only, e.g. added with /staff add;
    #: Telegram refuses the bot's messages to them until they press Start).
    started: bool = True
    #: Set by ``ensure_telegram`` when this update is the first since the person blocked the bot or was added
    #: without ever writing to it: messages that could not reach them may be sent again now.
    reachable_again: bool = False
    #: The privacy notice version the person was last shown (None: never); ``pseudonym``: set when this row stands
    #: for someone erased (``/forget``, retention) — name, nrp, contact and Telegram id are gone.
    notice_version: str | None = None
    pseudonym: str | None = None
    #: When the person was first known, was last shown the notice, corrected their name (``/correct``: then the
    #: Telegram name no longer replaces it). Moments, not who the person is: left out of comparisons.
    created_at: datetime | None = field(default=None, compare=False)
    notice_at: datetime | None = field(default=None, compare=False)
    name_corrected_at: datetime | None = field(default=None, compare=False)
    #: When the person was emptied by an erasure (``/forget``, retention): ``name`` is then their pseudonym.
    forgotten_at: datetime | None = field(default=None, compare=False)
    #: The names and contacts they had before, as ``("name" | "contact", value)``: an erasure looks for them too.
    former: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def former_values(self, kind: str) -> tuple[str, ...]:
        return tuple(value for what, value in self.former if what == kind)


@dataclass(frozen=True)
class Attachment:
    """A file kept with a ticket: ``file_type`` is ``photo`` or ``document``; ``source`` says who added it
    (``intake`` when filing, ``complainant`` later, ``staff``); ``id`` is set once stored."""

    file_id: str
    file_type: str
    file_name: str | None = None
    caption: str | None = None
    mime_type: str | None = None
    source: str = "intake"
    added_at: datetime | None = None
    id: int | None = None


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
    #: ``named`` | ``confidential`` | ``anonymous`` (``domain.vocabulary.IdentityLevel``); None: from ``anonymous``.
    identity_level: str | None = None
    #: A letter's agenda number (nomor agenda), for tickets recorded from a letter.
    agenda_number: str | None = None
    #: The closed LK whose nonconformity this ticket reports happened again (the 30-day question's "yes").
    recurrence_of_lk: int | None = None


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
    #: ``named`` | ``confidential`` | ``anonymous`` (``domain.vocabulary.IdentityLevel``)
    identity_level: str = "named"
    #: When the complainant's identity (``/forget``, retention) and the attachments were erased from this ticket.
    identity_erased_at: datetime | None = None
    attachments_erased_at: datetime | None = None
    #: The officer handling it (``None``: in every officer's inbox).
    assigned_to: int | None = None
    #: The earlier ticket this one repeats (verdict ``duplicate``).
    duplicate_of: int | None = None
    #: The "me too" case it belongs to (``ticket_case``), and the closed LK whose nonconformity it reports again.
    case_id: int | None = None
    recurrence_of_lk: int | None = None
    #: The explanation, reason or final response given to the complainant.
    response: str | None = None
    #: The ticket's card in the staff group (Telegram ``message_id``).
    card_message_id: int | None = None
    confirmed_at: datetime | None = None
    resolved_at: datetime | None = None
    #: The complainant's rating of the outcome, 1–5 (SOP 7a).
    rating: int | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
    agenda_number: str | None = None
    #: Since when the staff wait for the complainant's answer (None: not waiting).
    awaiting_complainant_since: datetime | None = None
    #: Since when a message of the complainant waits to be read by an officer (None: nothing unread).
    unread_since: datetime | None = None
    #: The step the ticket waits in (``confirm`` | ``respond``) and its deadline (WIB date); None: nothing waits.
    due_step: str | None = None
    due_on: date | None = None
    due_extended: bool = False


@dataclass(frozen=True)
class TicketEventRecord:
    """One entry of a ticket's history: ``code`` (``domain.vocabulary.TicketEvent``) with its ``params``;
    ``from_status`` is ``None`` for the first one; ``note`` only on events recorded before events had codes."""

    id: int
    ticket_id: int
    at: datetime
    actor_person_id: int | None
    from_status: str | None
    to_status: str
    note: str | None
    code: str = "status"
    params: dict[str, Any] = field(default_factory=dict)


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
    ``attempts`` how many sending attempts have failed so far, ``priority`` its delivery class
    (``domain.delivery.Priority``: 0 reply, 1 notice, 2 bulk)."""

    id: int
    chat_id: int
    payload: dict[str, Any]
    attempts: int
    not_before: datetime
    created_at: datetime
    priority: int = 1


@dataclass(frozen=True)
class StaffMember:
    """A person with at least one staff role (``officer``, ``reviewer``, ``approver``, ``monitor``, ``admin``)."""

    person: PersonRecord
    roles: frozenset[str]


@dataclass(frozen=True)
class NewLk:
    """An LK about to be created; ``LkRepository.add`` gives it its number.

    ``kind`` is ``nonconformity`` (Laporan Ketidaksesuaian, ``LK-2026-003``) or ``improvement`` (the
    improvement programme for a suggestion, ``PRG-2026-001``).
    """

    kind: str
    service_code: str
    procedure_ref: str
    description: str
    root_cause: str
    prepared_by: int
    created_at: datetime
    status: str = "draft"


@dataclass(frozen=True)
class LkRecord:
    """A nonconformity report (LK) or improvement programme, with the SOP's prepared/checked/approved
    signatures and the monitor's effectiveness verdict (``effective``: ``None`` until verified)."""

    id: int
    number: str
    kind: str
    service_code: str
    procedure_ref: str
    description: str
    root_cause: str
    status: str
    round: int
    prepared_by: int
    checked_by: int | None
    checked_at: datetime | None
    approved_by: int | None
    approved_at: datetime | None
    verified_by: int | None
    verified_at: datetime | None
    effective: bool | None
    response: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    #: The earlier, closed LK this one is a recurrence of (that one's effectiveness then counts as failed).
    recurrence_of: int | None = None


@dataclass(frozen=True)
class NewAction:
    """An action of an LK's follow-up programme: ``kind`` is ``correction`` (fix this case),
    ``corrective`` (remove the cause) or ``preventive`` (stop it elsewhere). Its owner is a staff member
    (``owner_person_id``) or someone outside the bot (``owner_name`` and ``owner_contact``)."""

    lk_id: int
    kind: str
    description: str
    owner_person_id: int | None
    due_on: date
    round: int
    created_at: datetime
    owner_name: str | None = None
    owner_contact: str | None = None
    added_by: int | None = None


@dataclass(frozen=True)
class ActionRecord:
    """A follow-up action; ``status`` is ``open`` or ``done`` (then with who, when and the evidence)."""

    id: int
    lk_id: int
    kind: str
    description: str
    owner_person_id: int | None
    due_on: date
    round: int
    status: str
    done_at: datetime | None
    done_by: int | None
    evidence_text: str | None
    evidence_file_id: str | None
    evidence_file_type: str | None
    created_at: datetime
    owner_name: str | None = None
    owner_contact: str | None = None
    added_by: int | None = None
    evidence_file_name: str | None = None
    #: The due date was extended once; it is not extended again.
    extended: bool = False


@dataclass(frozen=True)
class LkEventRecord:
    """One entry of an LK's history: ``code`` (``domain.vocabulary.LkEvent``) with its ``params``;
    ``from_status`` is ``None`` for the first one."""

    id: int
    lk_id: int
    at: datetime
    actor_person_id: int | None
    from_status: str | None
    to_status: str
    note: str | None
    code: str = "status"
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnhandledUpdateRecord:
    """A Telegram update set aside because the engine could not read it; ``raw`` is its JSON as it arrived."""

    update_id: int
    received_at: datetime
    engine: str
    error: str
    raw: str


@dataclass(frozen=True)
class ExtensionRequest:
    """An action owner's request for a later due date; ``status`` is ``pending``, ``granted`` or ``refused``."""

    id: int
    action_id: int
    requested_by: int
    old_due: date
    new_due: date
    reason: str
    status: str
    requested_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True)
class DuePass:
    """The due-work engine's latest pass: the moment it was for, the notices it issued and the messages queued."""

    at: datetime
    issued: int
    messages: int


@dataclass(frozen=True)
class ArchiveItemRecord:
    """A file kept (or to be kept) in the archive store: ``status`` ``pending``, ``stored`` (then ``sha256`` names the
    stripped bytes in the store) or ``failed`` (``next_try_at`` None: it will not be tried again by itself)."""

    id: int
    kind: str
    file_id: str | None
    file_type: str | None
    status: str
    attempts: int
    created_at: datetime
    ticket_attachment_id: int | None = None
    lk_action_id: int | None = None
    file_unique_id: str | None = None
    sha256: str | None = None
    size: int | None = None
    mime: str | None = None
    next_try_at: datetime | None = None
    last_error: str | None = None
    stored_at: datetime | None = None
    #: An image stripped of its metadata (True), an image that could not be (False), not an image (None).
    cleaned: bool | None = None

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of the stored copy's SHA-256 ("" until stored): enough to find it, short to read."""
        return (self.sha256 or "")[:12]


@dataclass(frozen=True)
class LkDocumentRecord:
    """A version of an LK's form as issued: its verification ``code``, the ``content_sha256`` it was made from, its
    ``language``; ``archived_sha256``: the closed LK's PDF in the archive (None while the LK is open)."""

    id: int
    lk_id: int
    version: int
    language: str
    code: str
    content_sha256: str
    created_at: datetime
    archived_sha256: str | None = None


@dataclass(frozen=True)
class RegisterFilter:
    """Which tickets (by when received) and LKs (by when opened) an export holds: ``start`` ≤ t < ``end`` (UTC;
    None: open-ended), and one service's code (None: all)."""

    start: datetime | None = None
    end: datetime | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class RegisterTicket:
    """A ticket as the register shows it: the ticket's columns the register uses (not a whole
    :class:`TicketRecord`: 100,000 of those cost seconds of reading), its complainant's name (None unless the
    ticket is named; a protected one's identity is read only into ``mask``, never shown), its officer's name, its
    verdict (the status its last verdict set, None before one) and when, and its LK numbers."""

    id: int
    number: str
    kind: str
    channel: str
    service_code: str | None
    service_other: str | None
    description: str
    anonymous: bool
    status: str
    created_at: datetime
    updated_at: datetime
    confirmed_at: datetime | None
    resolved_at: datetime | None
    rating: int | None
    rating_comment: str | None
    rated_at: datetime | None
    complainant: str | None
    officer: str | None
    verdict: str | None
    verdict_at: datetime | None
    lk_numbers: tuple[str, ...]
    #: ``named`` | ``confidential`` | ``anonymous``: the name (``complainant``) is read for a named ticket only.
    identity_level: str = "named"
    #: A protected (confidential or anonymous, not erased) ticket's complainant: what masks them in the description
    #: and the comment, never shown (``handlers.privacy.mask``).
    mask: Masking | None = None


@dataclass(frozen=True)
class Masking:
    """Who a protected complainant is, to be masked in their texts: never itself shown. ``former``: the names and
    contacts they had before (``person.former``), as on :class:`PersonRecord`."""

    name: str | None
    nrp: str | None
    contact: str | None
    telegram_id: int | None
    former: tuple[tuple[str, str], ...] = ()

    def former_values(self, kind: str) -> tuple[str, ...]:
        return tuple(value for what, value in self.former if what == kind)


@dataclass(frozen=True)
class RegisterLk:
    lk: LkRecord
    ticket_numbers: tuple[str, ...]


@dataclass(frozen=True)
class RegisterAction:
    action: ActionRecord
    lk_number: str
    owner: str | None


@dataclass(frozen=True)
class ExportJob:
    """A register export asked for with ``/export`` (see ``storage.models.ExportJobRow``)."""

    id: int
    requested_by: int
    chat_id: int
    locale: str
    filters: dict[str, Any]
    status: str
    progress: int
    message_id: int | None
    file_sha256: str | None
    file_name: str | None
    error: str | None
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class DueTicket:
    """What the due-work engine reads of a ticket to derive its notices: a few columns, not the whole record (a
    pass reads thousands of them, most already noticed)."""

    id: int
    number: str
    person_id: int | None
    assigned_to: int | None
    service_code: str
    status: str
    due_step: str | None
    due_on: date | None
    unread_since: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True)
class DueAction:
    """An open action as the due-work engine reads it, with what it needs of its LK (who prepared, checked and
    approved it, and whether it is closed)."""

    id: int
    due_on: date
    owner_person_id: int | None
    lk_status: str
    prepared_by: int
    checked_by: int | None
    approved_by: int | None


@dataclass(frozen=True)
class DueLk:
    """An LK waiting for someone, as the due-work engine reads it."""

    id: int
    status: str
    updated_at: datetime
    prepared_by: int | None = None  # its officer: a draft waits for them


@dataclass(frozen=True)
class CaseRecord:
    """A "me too" case (kasus bersama): tickets of several complainants about one nonconformity, led by the
    first; ``summary`` is the only text of it another complainant ever sees. ``size`` counts every ticket in it,
    the lead included, when read with one (0 when not counted)."""

    id: int
    service_code: str
    lead_ticket_id: int
    summary: str | None
    summary_by: int | None
    summary_at: datetime | None
    created_at: datetime
    size: int = 0


@dataclass(frozen=True)
class CaseCandidate:
    """A ticket found while a student files, as the "me too" offer needs it: the case it is in (``lead_id``: its
    lead, or the ticket itself when in none) and that lead's status, complainant and day filed, and the case's
    public summary. Read in one statement for all the hits."""

    ticket_id: int
    person_id: int | None
    lead_id: int
    lead_person_id: int | None
    lead_status: str
    lead_service: str
    lead_created_at: datetime
    case_id: int | None
    summary: str | None


@dataclass(frozen=True)
class AuditRecord:
    """One row of the privacy audit trail (``audit_log``): see ``storage.models.AuditLogRow``."""

    id: int
    at: datetime
    kind: str
    actor_id: int | None
    ticket_id: int | None
    subject_id: int | None
    place: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class DataRequestRecord:
    """A data-subject request in the register (``data_request``): see ``storage.models.DataRequestRow``."""

    id: int
    number: str
    person_id: int
    kind: str
    channel: str
    status: str
    received_at: datetime
    due_at: datetime
    done_at: datetime | None
    detail: dict[str, Any]
