"""The procedure's state machines: which status a ticket or an LK may move to, and who may move it.

Ticket (keluhan): received → confirming → conforming | rejected | duplicate | in_followup → resolved → closed;
conforming/resolved → reopened (a rating of 1–2) → confirming, or, when its LK is still open, → resolved by the
answer of the LK's next round. Suggestion (saran): received → under_review →
accepted | declined → closed. The complainant may withdraw any active ticket. LK: draft → awaiting_check →
awaiting_approval → in_progress → awaiting_verification → closed, with returns to draft and, when not effective,
back to draft for the next round (round + 1): its programme is checked and approved like the first. LKs that went
into a further round before this rule (in_progress, round ≥ 2) simply continue. The words themselves are defined
once in :mod:`domain.vocabulary`.
"""

from __future__ import annotations

from domain.vocabulary import ACTIVE, LkStatus, Role, TicketKind, TicketStatus

S = TicketStatus
_VERDICTS = frozenset({S.CONFORMING, S.REJECTED, S.DUPLICATE, S.IN_FOLLOWUP})
COMPLAINT_MOVES: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.CONFIRMING, *_VERDICTS, S.WITHDRAWN}),
    S.CONFIRMING: _VERDICTS | {S.WITHDRAWN},
    S.REOPENED: frozenset({S.CONFIRMING, *_VERDICTS, S.WITHDRAWN, S.RESOLVED}),  # resolved: by its LK's next answer
    S.IN_FOLLOWUP: frozenset({S.RESOLVED, S.WITHDRAWN}),
    S.CONFORMING: frozenset({S.CLOSED, S.REOPENED}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),  # only a ticket closed unrated, rated 1–2 within the time the setting allows
}
SUGGESTION_MOVES: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.UNDER_REVIEW, S.ACCEPTED, S.DECLINED, S.DUPLICATE, S.REJECTED, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.ACCEPTED, S.DECLINED, S.DUPLICATE, S.REJECTED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.CLOSED, S.WITHDRAWN}),
    S.DECLINED: frozenset({S.CLOSED}),
}
del S


def can_move(kind: str, status: str, to: str) -> bool:
    moves = COMPLAINT_MOVES if kind == TicketKind.COMPLAINT else SUGGESTION_MOVES
    return to in moves.get(status, frozenset())


def is_active(status: str) -> bool:
    """Not concluded: the complainant may add information or withdraw it."""
    return status in ACTIVE


LK_MOVES: dict[LkStatus, dict[LkStatus, frozenset[Role]]] = {
    LkStatus.DRAFT: {LkStatus.AWAITING_CHECK: frozenset({Role.OFFICER})},
    LkStatus.AWAITING_CHECK: {
        LkStatus.AWAITING_APPROVAL: frozenset({Role.REVIEWER}),
        LkStatus.DRAFT: frozenset({Role.REVIEWER}),
    },
    LkStatus.AWAITING_APPROVAL: {
        LkStatus.IN_PROGRESS: frozenset({Role.APPROVER}),
        LkStatus.DRAFT: frozenset({Role.APPROVER}),
    },
    LkStatus.IN_PROGRESS: {LkStatus.AWAITING_VERIFICATION: frozenset({Role.OFFICER})},
    LkStatus.AWAITING_VERIFICATION: {
        LkStatus.CLOSED: frozenset({Role.MONITOR, Role.APPROVER}),
        LkStatus.DRAFT: frozenset({Role.MONITOR, Role.APPROVER}),  # not effective: the next round's draft
    },
}


def lk_move_roles(status: str, to: str) -> frozenset[Role]:
    """Who may move an LK from ``status`` to ``to`` (empty: nobody, the move is not allowed)."""
    try:
        return LK_MOVES.get(LkStatus(status), {}).get(LkStatus(to), frozenset())
    except ValueError:
        return frozenset()
