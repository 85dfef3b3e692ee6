"""The procedure's state machines: which status a ticket or an LK may move to, and who may move it.

Ticket (keluhan): received → confirming → conforming | rejected | duplicate | in_followup → resolved → closed;
conforming/resolved → reopened (a rating of 1–2) → confirming. Suggestion (saran): received → under_review →
accepted | declined → closed. LK: draft → awaiting_check → awaiting_approval → in_progress →
awaiting_verification → closed, with returns to draft and, when not effective, back to in_progress.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Staff roles of the SOP's header and distribution list."""

    OFFICER = "officer"  # Subbag Registrasi dan Data: receives, confirms, prepares the LK
    REVIEWER = "reviewer"  # Kabag Administrasi Pembelajaran: checks the LK
    APPROVER = "approver"  # Kepala BAPKM: approves the LK and its closure
    MONITOR = "monitor"  # Pemantauan dan Evaluasi: follows programmes, verifies effectiveness
    ADMIN = "admin"  # manages staff and roles


STAFF = frozenset(Role)
OPEN_STATUSES = frozenset({"received", "confirming", "reopened", "under_review", "in_followup", "accepted"})

COMPLAINT_MOVES: dict[str, frozenset[str]] = {
    "received": frozenset({"confirming", "conforming", "rejected", "duplicate", "in_followup"}),
    "confirming": frozenset({"conforming", "rejected", "duplicate", "in_followup"}),
    "reopened": frozenset({"confirming", "conforming", "rejected", "duplicate", "in_followup"}),
    "in_followup": frozenset({"resolved"}),
    "conforming": frozenset({"closed", "reopened"}),
    "resolved": frozenset({"closed", "reopened"}),
}
SUGGESTION_MOVES: dict[str, frozenset[str]] = {
    "received": frozenset({"under_review", "accepted", "declined", "duplicate", "rejected"}),
    "under_review": frozenset({"accepted", "declined", "duplicate", "rejected"}),
    "accepted": frozenset({"closed"}),
    "declined": frozenset({"closed"}),
}


def can_move(kind: str, status: str, to: str) -> bool:
    moves = COMPLAINT_MOVES if kind == "complaint" else SUGGESTION_MOVES
    return to in moves.get(status, frozenset())


class LkStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_CHECK = "awaiting_check"
    AWAITING_APPROVAL = "awaiting_approval"
    IN_PROGRESS = "in_progress"
    AWAITING_VERIFICATION = "awaiting_verification"
    CLOSED = "closed"


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
        LkStatus.IN_PROGRESS: frozenset({Role.MONITOR, Role.APPROVER}),
    },
}


def lk_move_roles(status: str, to: str) -> frozenset[Role]:
    """Who may move an LK from ``status`` to ``to`` (empty: nobody, the move is not allowed)."""
    try:
        return LK_MOVES.get(LkStatus(status), {}).get(LkStatus(to), frozenset())
    except ValueError:
        return frozenset()


ACTION_KINDS = ("correction", "corrective", "preventive")
