"""The LK's approval trail, round by round (SOP step c–d: prepared / checked / approved).

Each round's follow-up programme is a plan of its own: round 1 is prepared with the LK, a round that follows a
"not effective" verdict is prepared anew, and each is checked by a reviewer and approved by an approver before it
runs. The trail is read from the LK's history by its moves (not by event codes, so LKs recorded before events had
codes read the same); a return voids the round's check and approval until it is signed again. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.vocabulary import LkEvent, LkStatus
from storage.records import LkEventRecord, LkRecord


@dataclass(frozen=True)
class Signed:
    """Who signed one step of a round, and when."""

    person_id: int | None
    at: datetime


@dataclass
class RoundTrail:
    """One round's signatures; ``None``: not (or not yet) signed. ``ran_unapproved``: the round's programme ran
    without its own check and approval (an LK that went into this round before rounds were approved)."""

    round: int
    prepared: Signed | None = None
    checked: Signed | None = None
    approved: Signed | None = None
    ran_unapproved: bool = field(default=False)


def approval_trail(lk: LkRecord, events: Sequence[LkEventRecord]) -> list[RoundTrail]:
    """Rounds 1 … ``lk.round``, oldest first, each with its prepared / checked / approved. Round 1 is prepared by the
    LK's officer (at its last submission, else its creation); a later round by whoever submitted it."""
    rounds = [RoundTrail(1)]
    submitted_first: datetime | None = None
    for event in events:
        now, was, to = rounds[-1], event.from_status, event.to_status
        signed = Signed(event.actor_person_id, event.at)
        if to == LkStatus.AWAITING_CHECK and was == LkStatus.DRAFT:
            now.prepared, now.checked, now.approved = signed, None, None
            if now.round == 1:
                submitted_first = event.at
        elif to == LkStatus.AWAITING_APPROVAL and was == LkStatus.AWAITING_CHECK:
            now.checked = signed
        elif to == LkStatus.IN_PROGRESS and was == LkStatus.AWAITING_APPROVAL:
            now.approved = signed
        elif to == LkStatus.DRAFT and was in (LkStatus.AWAITING_CHECK, LkStatus.AWAITING_APPROVAL):
            now.checked = now.approved = None  # returned: signed again after the next submission
        elif was == LkStatus.AWAITING_VERIFICATION and to in (LkStatus.DRAFT, LkStatus.IN_PROGRESS):
            number = event.params.get("round") if event.code == LkEvent.NOT_EFFECTIVE else None
            rounds.append(RoundTrail(number if isinstance(number, int) else now.round + 1,
                                     ran_unapproved=to == LkStatus.IN_PROGRESS))
    first = rounds[0]
    first.prepared = Signed(lk.prepared_by, submitted_first or lk.created_at)
    if first.checked is None and lk.checked_by is not None and lk.checked_at is not None and len(rounds) == 1:
        first.checked = Signed(lk.checked_by, lk.checked_at)  # a history without its moves (should not happen)
    if first.approved is None and lk.approved_by is not None and lk.approved_at is not None and len(rounds) == 1:
        first.approved = Signed(lk.approved_by, lk.approved_at)
    while rounds[-1].round < lk.round:  # the history is shorter than the LK's round: keep the numbering whole
        rounds.append(RoundTrail(rounds[-1].round + 1))
    return rounds


def current_signers(lk: LkRecord, events: Sequence[LkEventRecord]) -> tuple[int | None, ...]:
    """Who has signed the current round so far (and the LK's officer): one person does not sign a round twice."""
    now = approval_trail(lk, events)[-1]
    return tuple(dict.fromkeys((lk.prepared_by, *(s.person_id for s in (now.prepared, now.checked) if s))))
