"""ORM rows. They never leave ``storage/``: repositories turn them into ``storage.records``.

Schema changes go through an Alembic revision in ``storage/migrations/versions`` as well.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.columns import BigIntPk, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PersonRow(Base):
    """Someone the bot or the staff know: a complainant, or a staff member (``person``)."""

    __tablename__ = "person"
    __table_args__ = (Index(None, "pseudonym", unique=True),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(256))
    language: Mapped[str | None] = mapped_column(String(8))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    nrp: Mapped[str | None] = mapped_column(String(32))
    contact: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=_utcnow)
    #: When Telegram first refused a message because the person blocked the bot; cleared when they write again.
    unreachable_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: When the person first wrote to the bot themselves (None: known only by id, e.g. added with /staff add,
    #: so Telegram refuses the bot's messages to them until they press Start).
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The privacy notice (``/privacy``) the person was last shown: its version (``handlers.privacy.notice``) and when.
    notice_version: Mapped[str | None] = mapped_column(String(16))
    notice_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Set on a person row that stands for someone erased (``/forget``, retention): the pseudonym that replaced their
    #: identity ("P-7f3a9c2e"); name, nrp, contact and Telegram id are gone. ``forgotten_at``: when.
    pseudonym: Mapped[str | None] = mapped_column(String(32))
    forgotten_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: When the person corrected their name with ``/correct``: from then on ``ensure_telegram`` keeps it.
    name_corrected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The names and contacts they had before (``[["name", "Siti Rahma"], ["contact", "0812…"]]``): what an
    #: erasure also looks for in messages sent before a change (migration 0022).
    former: Mapped[list[list[str]] | None] = mapped_column(JSON)


class StaffRoleRow(Base):
    """A role a person holds on the staff side (``officer``, ``reviewer``, ``approver``, ``monitor``, ``admin``)."""

    __tablename__ = "staff_role"
    __table_args__ = (
        CheckConstraint("role IN ('officer', 'reviewer', 'approver', 'monitor', 'admin')", name="role"),
    )

    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)


LATE_UNTOLD = ("due_on IS NOT NULL AND (late_told_on IS NULL OR late_told_on <> due_on OR late_told_step <> "
               "due_step)")
"""A ticket's current deadline whose complainant's "late" notice is not settled (``ix_ticket_late_untold``'s
predicate: a query uses that index only when it says this very text, with no bound parameters)."""
ESCALATION_PENDING = "due_on IS NOT NULL AND (escalated_on IS NULL OR escalated_on <> due_on)"
UNRATED_SINCE = "CASE WHEN rating IS NULL AND status IN ('conforming', 'resolved') THEN resolved_at END"
"""When an unrated concluded ticket was answered (``domain.vocabulary.RATEABLE``, a test keeps them so): the rating
reminder's and the auto-close's read. PostgreSQL, from each column's statistics, guessed that most of the 37,000
concluded tickets were answered before the bound (most tickets were, and were closed since) and read them all."""
LATE_UNTOLD_FLAG = "late_untold"
"""The partial index's predicate, as queries must say it: the computed column :data:`LATE_UNTOLD`."""
ESCALATION_PENDING_FLAG = "escalation_pending"
WITHOUT_DEADLINE = ("due_step IS NULL AND status IN ('accepted', 'confirming', 'in_followup', 'received', 'reopened', "
                    "'under_review')")
"""An active ticket without a deadline yet, to be given one (``ix_ticket_without_deadline``; the statuses are
``domain.vocabulary.ACTIVE``, a test keeps them so)."""
"""A ticket's current deadline whose escalation to the reviewers is not settled — issued, or none to make (a step
other than ``confirm``) — (``ix_ticket_escalation_pending``)."""


class TicketRow(Base):
    """A complaint (keluhan, ``KEL-…``) or a suggestion (saran, ``SAR-…``)."""

    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint("kind IN ('complaint', 'suggestion')", name="kind"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint("identity_level IN ('named', 'confidential', 'anonymous')", name="identity_level"),
        Index(None, "person_id", "created_at"),
        Index(None, "status"),
        Index(None, "status", "created_at"),
        Index(None, "assigned_to", "created_at"),
        Index(None, "updated_at"),
        Index(None, "awaiting_complainant_since"),
        Index(None, "unread_since"),
        Index(None, "due_on"),
        Index(None, "status", "due_on", "assigned_to", "due_step", "person_id"),  # due work reads it alone
        Index(None, "status", "unread_since"),
        Index(None, "due_step", "status"),
        Index(None, "status", "resolved_at"),
        Index(None, "service_code", "created_at"),
        Index(None, "channel", "created_at"),
        Index(None, "created_at"),
        Index(None, "assigned_to", "due_on", "id"),  # an officer's late tickets, newest first
        Index(None, "unrated_since", "id"),
        Index("ix_ticket_late_untold", "due_on", "id", sqlite_where=text(LATE_UNTOLD_FLAG),
              postgresql_where=text(LATE_UNTOLD_FLAG)),
        Index("ix_ticket_escalation_pending", "due_on", "id", sqlite_where=text(ESCALATION_PENDING_FLAG),
              postgresql_where=text(ESCALATION_PENDING_FLAG)),
        Index("ix_ticket_without_deadline", "id", sqlite_where=text(WITHOUT_DEADLINE),
              postgresql_where=text(WITHOUT_DEADLINE)),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32), default="telegram", server_default="telegram")
    person_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    service_code: Mapped[str] = mapped_column(String(64))
    service_other: Mapped[str | None] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text)
    occurred_on: Mapped[date | None] = mapped_column(Date)
    answers: Mapped[dict[str, str]] = mapped_column(JSON)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    #: Who may see the complainant's identity (UU PDP, issue 15): ``named`` (staff who handle tickets),
    #: ``confidential`` (only the roles ``CONFIDENTIAL_ROLES`` names, by default admin and the handling officer; never
    #: the staff group, the LK PDF, exports or statistics), ``anonymous`` (no staff at all). ``anonymous`` above is
    #: ``identity_level == 'anonymous'``, written together by the repository.
    identity_level: Mapped[str] = mapped_column(String(16), default="named", server_default="named")
    #: When the complainant's identity was erased from this ticket (``/forget`` or retention): ``person_id`` then
    #: names a pseudonym person; and when its attachments were deleted (retention, ``/forget``).
    identity_erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attachments_erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    assigned_to: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    duplicate_of: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("ticket.id"))
    #: The explanation, reason or final response given to the complainant.
    response: Mapped[str | None] = mapped_column(Text)
    #: The ticket's card in the staff group (Telegram ``message_id``).
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: A letter's agenda number (nomor agenda) when it came by letter.
    agenda_number: Mapped[str | None] = mapped_column(String(64))
    #: Since when the staff wait for the complainant's answer to their message (None: not waiting).
    awaiting_complainant_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Since when a message of the complainant waits to be read by an officer (None: nothing unread).
    unread_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The step of the procedure the ticket waits in (``confirm``: for the officer's verdict; ``respond``: for the
    #: response that concludes it) and its deadline (a WIB date, working days from the service's standard times);
    #: None when the ticket waits for nothing of the staff. ``due_extended``: that deadline was extended (once).
    due_step: Mapped[str | None] = mapped_column(String(16))
    due_on: Mapped[date | None] = mapped_column(Date)
    due_extended: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The due-work engine's watermarks, a cache of ``due_notice`` kept by the engine (``DueRepository.settle``):
    #: the deadline (step and day) whose complainant's "late" notice is settled — issued, or nobody to tell (no
    #: Telegram account) — and the deadline whose escalation is settled (issued, or not a deadline to confirm: none
    #: to make). A deadline that moves no longer
    #: matches its watermark, so nothing has to clear them; the partial indexes hold only the unsettled.
    late_told_step: Mapped[str | None] = mapped_column(String(16))
    late_told_on: Mapped[date | None] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    #: ``LATE_UNTOLD``, ``ESCALATION_PENDING`` and ``UNRATED_SINCE`` as columns the database computes (migration
    #: 0016: stored on PostgreSQL, virtual on SQLite; nothing writes them, so no writer can forget them), read by the
    #: due-work engine through their indexes: PostgreSQL keeps statistics of a column, so it knows how few tickets
    #: are unsettled or unrated; of the expressions it guessed from each column alone (the watermarks are NULL on
    #: every concluded ticket, most tickets were answered long ago) and read tens of thousands. Never read by the
    #: ORM (deferred).
    late_untold: Mapped[bool | None] = mapped_column(Boolean, Computed(LATE_UNTOLD, persisted=True),
                                                     deferred=True)
    escalation_pending: Mapped[bool | None] = mapped_column(Boolean, Computed(ESCALATION_PENDING, persisted=True),
                                                            deferred=True)
    unrated_since: Mapped[datetime | None] = mapped_column(UtcDateTime, Computed(UNRATED_SINCE, persisted=True),
                                                           deferred=True)

    #: The "me too" case the ticket belongs to (None: none), and the closed LK whose nonconformity this ticket
    #: reports as having happened again (opened from a "yes" to the 30-day question, or linked by an officer).
    case_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("ticket_case.id"), index=True)
    recurrence_of_lk: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lk.id"), index=True)

    attachments: Mapped[list[TicketAttachmentRow]] = relationship(
        order_by="TicketAttachmentRow.position", lazy="raise"
    )


class TicketCaseRow(Base):
    """Tickets of several complainants about one nonconformity of one service (kasus bersama, "me too"): the first
    ticket leads it; the others joined it while filing or were attached by an officer. ``summary`` is the public
    summary an officer wrote, the only text of the case another complainant ever sees."""

    __tablename__ = "ticket_case"
    __table_args__ = (
        Index(None, "lead_ticket_id", unique=True),
        Index(None, "service_code", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    service_code: Mapped[str] = mapped_column(String(64))
    lead_ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ticket.id", use_alter=True))
    summary: Mapped[str | None] = mapped_column(Text)
    summary_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    summary_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RecurrenceCheckRow(Base):
    """The 30-day question "did it happen again?" put to one complainant (through their ticket) about one LK closed
    as effective, and the answer: ``yes`` opens ``new_ticket_id`` for the officer; ``no`` confirms the LK's
    effectiveness; None: not answered (yet)."""

    __tablename__ = "recurrence_check"
    __table_args__ = (
        CheckConstraint("answer IN ('yes', 'no')", name="answer"),
        Index(None, "lk_id", "answer"),
    )

    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ticket.id"), primary_key=True)
    lk_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lk.id"), primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(String(8))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    new_ticket_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("ticket.id"))


class TicketAttachmentRow(Base):
    """A photo or document kept with a ticket (Telegram ``file_id``): sent when filing (``source`` ``intake``),
    added later by the complainant (``complainant``), or recorded by an officer (``staff``)."""

    __tablename__ = "ticket_attachment"
    __table_args__ = (
        CheckConstraint("file_type IN ('photo', 'document')", name="file_type"),
        Index(None, "ticket_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ticket.id"))
    file_id: Mapped[str] = mapped_column(String(256))
    file_type: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str | None] = mapped_column(String(256))
    position: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16), default="intake", server_default="intake")
    added_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TicketEventRow(Base):
    """One entry of a ticket's append-only history (riwayat): what happened (``code`` and ``params``, see
    ``domain.vocabulary.TicketEvent``), who did it, when, and the status before and after. ``note`` is only
    the free text of events recorded before events had codes."""

    __tablename__ = "ticket_event"
    __table_args__ = (Index(None, "ticket_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ticket.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_person_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(32), default="status", server_default="status")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class NumberCounterRow(Base):
    """The last number handed out in a series (``KEL``, ``SAR``, ``LK``, ``PRG``) for one year."""

    __tablename__ = "number_counter"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer)


class DialogStateRow(Base):
    """Where a chat is in a conversation, so a restart or another bot process can carry on."""

    __tablename__ = "dialog_state"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger)
    dialog: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessedUpdateRow(Base):
    """A Telegram ``update_id`` already handled (updates are processed at most once)."""

    __tablename__ = "processed_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class OutboxRow(Base):
    """A message waiting to be sent to Telegram, written in the same transaction as its cause."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed', 'cancelled')", name="status"),
        CheckConstraint("priority IN (0, 1, 2)", name="priority"),
        Index(None, "status", "not_before", "id"),
        Index(None, "chat_id", "status"),
        Index(None, "key"),
        Index(None, "status", "chat_id", "priority", "id"),
        Index(None, "op", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: ``payload["op"]`` (``send``, ``send_file``…), written with the row: an erasure finds the file messages by its
    #: index instead of reading every message's JSON (migration 0023).
    op: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: A scheduled message (sent at ``not_before``, not in order with the chat's others) that a later change may
    #: cancel by this key before it goes out, e.g. ``reopen-alert:42``.
    key: Mapped[str | None] = mapped_column(String(64))
    #: The delivery class (``domain.delivery.Priority``: 0 reply, 1 notice, 2 bulk): the notifier sends by it first,
    #: then by id, so a reply never waits behind a fan-out.
    priority: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")


class LkRow(Base):
    """A nonconformity report (Laporan Ketidaksesuaian, ``LK-…``) or, with kind ``improvement``, the
    improvement programme for a suggestion (``PRG-…``)."""

    __tablename__ = "lk"
    __table_args__ = (
        CheckConstraint("kind IN ('nonconformity', 'improvement')", name="kind"),
        Index(None, "status"),
        Index(None, "status", "created_at"),
        Index(None, "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    service_code: Mapped[str] = mapped_column(String(64))
    procedure_ref: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    prepared_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    checked_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    verified_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    effective: Mapped[bool | None] = mapped_column(Boolean)
    response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The earlier, closed LK this one is a recurrence of (that one's effectiveness then counts as failed).
    recurrence_of: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lk.id"), index=True)


class LkTicketRow(Base):
    """A confirmed ticket an LK was made from (one LK may cover several tickets)."""

    __tablename__ = "lk_ticket"
    __table_args__ = (Index(None, "ticket_id"),)

    lk_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lk.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ticket.id"), primary_key=True)


class LkActionRow(Base):
    """One action of an LK's follow-up programme (tindakan): correction, corrective or preventive."""

    __tablename__ = "lk_action"
    __table_args__ = (
        CheckConstraint("kind IN ('correction', 'corrective', 'preventive')", name="kind"),
        CheckConstraint("status IN ('open', 'done')", name="status"),
        Index(None, "status", "due_on", "lk_id", "owner_person_id"),  # due work reads open actions due alone
        Index(None, "lk_id", "round"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    lk_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lk.id"))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    #: The staff member who owns it; None for an owner outside the bot (``owner_name``, ``owner_contact``).
    owner_person_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    owner_name: Mapped[str | None] = mapped_column(String(256))
    owner_contact: Mapped[str | None] = mapped_column(String(256))
    #: Who added the action (told when its owner cannot be reached).
    added_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    due_on: Mapped[date] = mapped_column(Date)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    evidence_text: Mapped[str | None] = mapped_column(Text)
    evidence_file_id: Mapped[str | None] = mapped_column(String(256))
    evidence_file_type: Mapped[str | None] = mapped_column(String(16))
    evidence_file_name: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: The due date was extended once (by the approver, on the owner's request): it is not extended again.
    extended: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class LkEventRow(Base):
    """One entry of an LK's append-only history: what happened (``code``, ``params``: see
    ``domain.vocabulary.LkEvent``), who, when, from, to; ``note`` only for events recorded before codes."""

    __tablename__ = "lk_event"
    __table_args__ = (Index(None, "lk_id", "at"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    lk_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lk.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_person_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str] = mapped_column(String(32), default="status", server_default="status")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class UnhandledUpdateRow(Base):
    """A Telegram update the engine could not read (a field of an unexpected type, a malformed object), set aside
    for inspection (``unhandled_update``). It is recorded as processed in the same transaction, so it is confirmed
    to Telegram and never blocks the updates after it; ``raw`` is its JSON as it arrived."""

    __tablename__ = "unhandled_update"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    engine: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)


class DueNoticeRow(Base):
    """A notice the due-work engine issued (a reminder, an escalation, a digest, an auto-close), by its unique
    ``key`` (e.g. ``action:42:overdue2:2027-01-15``): each goes out once, across restarts and processes."""

    __tablename__ = "due_notice"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DuePassRow(Base):
    """The due-work engine's last pass (one row): the moment it was for and what it issued. ``/due`` shows it, so
    an admin sees the engine is alive; tests wait for it after moving the clock."""

    __tablename__ = "due_pass"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    issued: Mapped[int] = mapped_column(Integer)
    messages: Mapped[int] = mapped_column(Integer)


class ExtensionRequestRow(Base):
    """An action owner's request for a later due date (one per action), granted or refused by an approver."""

    __tablename__ = "extension_request"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'granted', 'refused')", name="status"),
        Index(None, "action_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lk_action.id"))
    requested_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    old_due: Mapped[date] = mapped_column(Date)
    new_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ArchiveItemRow(Base):
    """A file to keep in the archive store (SOP step g): a ticket's attachment, an action's evidence, or a document
    the bot made. Written ``pending`` in the transaction that records the file; the fetcher (``bot/archiving.py``)
    downloads it with ``getFile``, strips an image's metadata, stores it by ``sha256`` and marks it ``stored``;
    a failed fetch is ``failed`` with ``next_try_at`` (None: Telegram will never give it, e.g. over 20 MB)."""

    __tablename__ = "archive_item"
    __table_args__ = (
        CheckConstraint("kind IN ('ticket_attachment', 'action_evidence', 'document')", name="kind"),
        CheckConstraint("status IN ('pending', 'stored', 'failed')", name="status"),
        Index(None, "status", "next_try_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    file_id: Mapped[str | None] = mapped_column(String(256))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    file_type: Mapped[str | None] = mapped_column(String(16))
    #: What it archives: one item per attachment and per action (its latest evidence).
    ticket_attachment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("ticket_attachment.id"),
                                                              unique=True)
    lk_action_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("lk_action.id"), unique=True)
    #: Of the stored bytes (after stripping); None until fetched.
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    mime: Mapped[str | None] = mapped_column(String(128))
    #: An image cleaned of its metadata (True), one that could not be (False: kept as it came), else None.
    cleaned: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stored_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LkDocumentRow(Base):
    """A version of an LK's form as issued (``lk_document``): the verification code printed on it, the hash of the
    content it was made from, its language, and — once the LK is closed — the SHA-256 of its PDF in the archive,
    which never changes after. ``version`` counts the LK's content changes (1, 2, …); both languages of one content
    share the version, each with its own code."""

    __tablename__ = "lk_document"
    __table_args__ = (
        Index(None, "lk_id", "version", "language", unique=True),
        Index(None, "code", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    lk_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("lk.id"))
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(16))
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    archived_sha256: Mapped[str | None] = mapped_column(String(64))


class ExportJobRow(Base):
    """A register export asked for with ``/export`` (``export_job``): who asked, the filters, how far it got, and the
    archived file it made. Run by the process holding the sender lease; a job left ``running`` by a process that
    stopped is taken up again from the start by the next holder (``attempts`` counts the starts)."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index(None, "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    requested_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    locale: Mapped[str] = mapped_column(String(8))
    #: ``{"from": "2026-11-01" | None, "to": … | None, "service": code | None, "format": "xlsx" | "csv"}``
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    #: The progress message in the chat (Telegram ``message_id``), known once it was sent; it is edited as we go.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditLogRow(Base):
    """The privacy audit trail (``audit_log``, issue 15), read by admin's ``/audit``.

    - ``identity_view``: a complainant's identity shown to staff; ``actor_id`` the staff member (None: the staff
      group), ``place`` where (``card``, ``show``, ``notice``, ``export``, ``lk_pdf``, …);
    - ``role_granted`` / ``role_revoked``: ``subject_id`` the staff member, ``actor_id`` who changed it;
    - ``identity_level``: a ticket's level changed, ``detail`` ``{"from": …, "to": …}``;
    - ``forget``, ``retention``, ``correct``, ``mydata``: what the privacy machinery did.

    Ids only, never a name: the trail itself holds no identity."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index(None, "ticket_id", "at"),
        Index(None, "actor_id", "at"),
        Index(None, "kind", "at"),
        Index(None, "at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    ticket_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("ticket.id"))
    subject_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("person.id"))
    place: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DataRequestRow(Base):
    """The register of data-subject requests (``data_request``, UU PDP): access (``/mydata``), correction
    (``/correct``), erasure (``/forget``); each is answered within 3×24 hours (``due_at``). ``number``:
    ``PDP-2026-0001``. ``detail``: what was done (tickets, fields), ids and field names only."""

    __tablename__ = "data_request"
    __table_args__ = (
        CheckConstraint("kind IN ('access', 'correction', 'erasure')", name="kind"),
        CheckConstraint("status IN ('open', 'done', 'refused')", name="status"),
        Index(None, "status", "due_at"),
        Index(None, "person_id", "received_at"),
        Index(None, "received_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32), default="telegram")
    status: Mapped[str] = mapped_column(String(16), default="open")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
