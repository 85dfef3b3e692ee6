"""The words of SOP PM-BAPKM.AP.1-24 as the software stores them: each defined once, used by every layer.

Values are the strings stored in the database, so a ``StrEnum`` member compares equal to the stored text
(``TicketStatus.RECEIVED == "received"``). Sets of statuses are named for what they mean to the procedure.
"""

from __future__ import annotations

from enum import StrEnum


class TicketKind(StrEnum):
    """A complaint (keluhan, ``KEL-…``) or a suggestion (saran, ``SAR-…``)."""

    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"


class TicketStatus(StrEnum):
    """Where a ticket stands. Complaint: received → confirming → conforming | rejected | duplicate | in_followup →
    resolved → closed; conforming/resolved → reopened. Suggestion: received → under_review → accepted | declined →
    closed. Any active ticket may be withdrawn by its complainant."""

    RECEIVED = "received"
    CONFIRMING = "confirming"
    CONFORMING = "conforming"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    IN_FOLLOWUP = "in_followup"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


S = TicketStatus
#: Not concluded yet: the complainant may still add information or withdraw, and the case is followed.
ACTIVE: frozenset[TicketStatus] = frozenset({S.RECEIVED, S.CONFIRMING, S.REOPENED, S.UNDER_REVIEW, S.IN_FOLLOWUP,
                                             S.ACCEPTED})
#: Waiting for an officer: the officers' inbox and the search corpus of open tickets.
INBOX: frozenset[TicketStatus] = frozenset({S.RECEIVED, S.CONFIRMING, S.REOPENED, S.UNDER_REVIEW, S.IN_FOLLOWUP})
#: No officer has started confirming them yet (the search filter "belum dikonfirmasi").
UNCONFIRMED: tuple[TicketStatus, ...] = (S.RECEIVED, S.REOPENED)
#: No verdict yet, whether or not an officer took it (confirming, a suggestion under review): what monitoring and
#: the staff group's summary count as not yet confirmed — exactly the statuses whose deadline is to be confirmed.
NO_VERDICT: tuple[TicketStatus, ...] = (S.RECEIVED, S.CONFIRMING, S.REOPENED, S.UNDER_REVIEW)
#: A complaint linked to an LK that waits for the LK's answer to its complainant: in follow-up, or reopened after
#: the complainant rated an earlier answer low (the LK's next round answers it).
AWAITING_ANSWER: frozenset[TicketStatus] = frozenset({S.IN_FOLLOWUP, S.REOPENED})
#: A conclusion the complainant is asked to rate (SOP 7a).
RATEABLE: frozenset[TicketStatus] = frozenset({S.CONFORMING, S.RESOLVED})
#: Confirmed and ready to be covered by an LK (complaints) or a programme (suggestions).
LINKABLE: dict[TicketKind, TicketStatus] = {TicketKind.COMPLAINT: S.IN_FOLLOWUP, TicketKind.SUGGESTION: S.ACCEPTED}
del S


class Role(StrEnum):
    """Staff roles of the SOP's header and distribution list."""

    OFFICER = "officer"  # petugas, Subbag Registrasi dan Data: receives, confirms, prepares the LK
    REVIEWER = "reviewer"  # pemeriksa, Kabag Administrasi Pembelajaran: checks the LK
    APPROVER = "approver"  # penyetuju, Kepala BAPKM: approves the LK and its closure
    MONITOR = "monitor"  # pemantau, Pemantauan dan Evaluasi: follows programmes, verifies effectiveness
    ADMIN = "admin"  # manages staff and roles


STAFF: frozenset[Role] = frozenset(Role)
#: Role names as Indonesian staff write them (``/staff add 123 petugas``).
ROLE_WORDS: dict[str, Role] = {
    **{role.value: role for role in Role},
    "petugas": Role.OFFICER, "pemeriksa": Role.REVIEWER, "penyetuju": Role.APPROVER, "pemantau": Role.MONITOR,
    "administrator": Role.ADMIN,
}


class IdentityLevel(StrEnum):
    """Who may see a complainant's identity on one ticket (UU PDP; SP4N-LAPOR!'s confidential and anonymous)."""

    NAMED = "named"  # the staff who handle tickets
    CONFIDENTIAL = "confidential"  # only the roles CONFIDENTIAL_ROLES names (default: admin, the handling officer)
    ANONYMOUS = "anonymous"  # no staff at all; replies still reach the complainant through the bot


class AuditKind(StrEnum):
    """What a row of the privacy audit trail (``audit_log``) records."""

    IDENTITY_VIEW = "identity_view"  # a complainant's identity shown to a staff member (or the staff group)
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    IDENTITY_LEVEL = "identity_level"  # a ticket's identity level changed: detail {"from": …, "to": …}
    FORGET = "forget"  # an erasure (/forget): detail {"tickets": [...]}
    RETENTION = "retention"  # what a retention pass erased: detail {"identities": n, "attachments": n}
    CORRECT = "correct"  # a correction (/correct): detail {"fields": [...]}
    MYDATA = "mydata"  # a copy of a person's data given (/mydata)
    BREACH_NOTICE = "breach_notice"  # a breach notice queued to the subject (tanggap privacy notify): detail {"breach"}
    BREACH_LIST = "breach_list"  # whom a breach affects was listed (tanggap privacy affected): detail {breach, people}


class DataRequestKind(StrEnum):
    """A data-subject request in the register (``data_request``)."""

    ACCESS = "access"  # /mydata
    CORRECTION = "correction"  # /correct
    ERASURE = "erasure"  # /forget


class Channel(StrEnum):
    """How a ticket reached the bureau (SOP step a)."""

    TELEGRAM = "telegram"
    LETTER = "letter"
    EMAIL = "email"
    PHONE = "phone"
    SOCIAL_MEDIA = "social_media"
    SUGGESTION_BOX = "suggestion_box"
    WALK_IN = "walk_in"


#: The channels an officer records with /intake (everything but the bot itself).
OFFLINE_CHANNELS: tuple[Channel, ...] = tuple(c for c in Channel if c is not Channel.TELEGRAM)


class LkKind(StrEnum):
    """A nonconformity report (Laporan Ketidaksesuaian, ``LK-…``) or an improvement programme (``PRG-…``)."""

    NONCONFORMITY = "nonconformity"
    IMPROVEMENT = "improvement"


class LkStatus(StrEnum):
    """draft → awaiting_check → awaiting_approval → in_progress → awaiting_verification → closed; a return goes
    back to draft, "not effective" back to draft with the next round (``round`` + 1): the new round's programme is
    drafted, checked and approved like the first before it runs."""

    DRAFT = "draft"
    AWAITING_CHECK = "awaiting_check"
    AWAITING_APPROVAL = "awaiting_approval"
    IN_PROGRESS = "in_progress"
    AWAITING_VERIFICATION = "awaiting_verification"
    CLOSED = "closed"


class ActionKind(StrEnum):
    """Koreksi (fix this case), tindakan perbaikan/korektif (remove the cause), tindakan pencegahan (stop it
    elsewhere)."""

    CORRECTION = "correction"
    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


ASSIGNERS = frozenset({Role.OFFICER, Role.REVIEWER, Role.ADMIN})
"""Who may hand a ticket to an officer: officers, the reviewers (a late ticket is escalated to them) and admins —
by /assign and by the 👤 Assign… button alike."""


class TicketEvent(StrEnum):
    """What happened to a ticket, as its history stores it (with parameters; rendered in the reader's language)."""

    FILED = "filed"  # {channel}
    TAKEN = "taken"  # {officer: person id}
    ASSIGNED = "assigned"  # {officer: person id}
    VERDICT = "verdict"  # {text?}: the new status is the verdict (conforming, rejected, in_followup, ...)
    DUPLICATE = "duplicate"  # {of: ticket number}
    STAFF_MESSAGE = "staff_message"  # {text}: an officer wrote to the complainant
    COMPLAINANT_MESSAGE = "complainant_message"  # {text?, files}: the complainant added information
    LINKED = "linked"  # {lk: LK number}
    JOINED = "joined"  # {of: the lead's number, by: "offer" | "officer"}: it follows a "me too" case from now on
    LEFT_CASE = "left_case"  # {of: the lead's number, why: "detached" | "reopened" | "withdrawn" | "lead_left"}
    RESOLVED = "resolved"  # {text, by: "correction" | "lk"}
    VERIFIED = "verified"  # {lk}: the LK covering it was verified effective
    RATED = "rated"  # {score}
    RATING_COMMENT = "rating_comment"  # {text}
    REOPENED = "reopened"  # {score}
    CLOSED = "closed"  # {reason: "rated" | "programme"}
    WITHDRAWN = "withdrawn"  # {reason}
    EXTENDED = "extended"  # {step, from, to, reason}: the current deadline moved, once
    LATE_TOLD = "late_told"  # {step, from, to}: the step's time passed; the complainant was given a new date ``to``
    IDENTITY_LEVEL = "identity_level"  # {from, to, by: "complainant" | "staff"}: who may see the complainant changed
    STATUS = "status"  # a move recorded before events had codes; ``note`` holds its old text


class LkEvent(StrEnum):
    """What happened to an LK, as its history stores it."""

    CREATED = "created"
    SUBMITTED = "submitted"
    CHECKED = "checked"
    APPROVED = "approved"
    RETURNED = "returned"  # {note}
    ALL_DONE = "all_done"  # every action of the round is done: effectiveness check due
    NOT_EFFECTIVE = "not_effective"  # {reason, round}: the next round, a draft (in_progress before 2026-12)
    CLOSED = "closed"  # {response}
    EDITED = "edited"  # {field, before}: a draft's description, root cause or procedure reference rewritten
    EXTENSION_GRANTED = "extension_granted"  # {action, from, to, reason}
    EXTENSION_REFUSED = "extension_refused"  # {action, from, to, reason}
    RECURRENCE = "recurrence"  # {of: the earlier LK's number, or None when unmarked}
    STATUS = "status"  # recorded before events had codes
