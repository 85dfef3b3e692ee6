"""The due-work engine (SOP step f: monitoring that acts): reminders, escalations, digests and the auto-close.

What is due is derived from the state of tickets, LKs and actions at a moment (:mod:`handlers.due.gather`): each
notice has a unique key (``action:42:overdue2:2027-01-15``), the moment it becomes due, and the hours it may go
in (staff: office hours on working days; complainants: 07:00–21:00; digests: from 07:30 on working days). A pass
(:mod:`handlers.due.engine`) issues what is due now, once per key — the key is recorded in ``due_notice`` in the
same transaction as the messages, so a restart, a SIGKILL or a second process never sends it twice — and a
notice whose reason vanished (the action was done) is simply no longer derived. Only the process holding the
sender lease runs passes (``bot/due_runner.py``). Messages go through the outbox as bulk, after people's replies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    """What a notice is; the table in docs/procedure.md says who gets which, and when."""

    OFFICER_DIGEST = "officer_digest"  # tickets past their standard time, to their officer (else all officers)
    CONFIRM_ESCALATION = "confirm_escalation"  # still not confirmed a working day after its deadline: reviewers
    UNREAD = "unread"  # a complainant's message unread for a working day: the handling officer
    OWNER_DIGEST = "owner_digest"  # actions overdue, due today, due within 3 working days: their owner
    OVERDUE_REVIEWER = "overdue_reviewer"  # an action overdue 2 working days: the LK's reviewer
    OVERDUE_APPROVER = "overdue_approver"  # an action overdue 5 working days: the LK's approver
    LK_WAITING = "lk_waiting"  # an LK waiting for its check or approval over 2 working days
    LK_DRAFT = "lk_draft"  # an LK (or a further round's programme) left a draft over 2 working days: its officer
    VERIFY_WAITING = "verify_waiting"  # an effectiveness check waiting over 2 working days: monitors, approvers
    COMPLAINANT_LATE = "complainant_late"  # the step's standard time passed: where it stands, the new date
    RATING_REMINDER = "rating_reminder"  # a response unrated for 5 working days
    AUTO_CLOSE = "auto_close"  # unrated 10 working days after the response: closed, the complainant told
    GROUP_DIGEST = "group_digest"  # the staff group's morning summary
    RECURRENCE_CHECK = "recurrence_check"  # N days after an LK closed as effective: "did it happen again?"
    MONTHLY_RECAP = "monthly_recap"  # the approver's and monitor's recap (issue "So the same nonconformity …")
    DATA_REQUEST_SOON = "data_request_soon"  # an open data-subject request within 24 h of its deadline: the admins
    DATA_REQUEST_OVERDUE = "data_request_overdue"  # an open data-subject request past its 3×24 h: the admins


class Hours(StrEnum):
    """When a notice may go: office hours, the complainants' hours, or the morning digests' hours."""

    STAFF = "staff"
    COMPLAINANT = "complainant"
    DIGEST = "digest"


@dataclass(frozen=True)
class Due:
    """One notice that is, or will be, due: ``ready`` is the moment its reason holds from; it goes at the first
    moment of its ``hours`` from then. ``to`` are person ids (empty for the staff group); ``about`` the ids it
    is about (tickets, actions or LKs, by ``kind``); ``facts`` what the message says, as plain values."""

    key: str
    kind: Kind
    hours: Hours
    ready: datetime
    to: tuple[int, ...] = ()
    about: tuple[int, ...] = ()
    facts: dict[str, object] = field(default_factory=dict)
