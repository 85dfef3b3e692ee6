"""The LK's approval trail per round (issue 13, SOP c–d): each round's programme is prepared, checked and approved
on its own; a return voids the round's check and approval; an LK that went into a further round before rounds
were approved shows that round unsigned, and says so; LKs recorded before events had codes read the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.vocabulary import LkEvent, LkStatus
from handlers.lk_trail import Signed, approval_trail, current_signers
from storage.records import LkEventRecord, LkRecord

T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
OFFICER, REVIEWER, APPROVER, MONITOR, OFFICER2, REVIEWER2 = 1, 2, 3, 4, 5, 6
S = LkStatus


def lk(round: int = 1, **changes: object) -> LkRecord:
    fields: dict[str, object] = dict(
        id=1, number="LK-2026-001", kind="nonconformity", service_code="transcript", procedure_ref="SOP 3.2",
        description="Late transcript.", root_cause="No deputy.", status=S.DRAFT, round=round, prepared_by=OFFICER,
        checked_by=None, checked_at=None, approved_by=None, approved_at=None, verified_by=None, verified_at=None,
        effective=None, response=None, created_at=T0, updated_at=T0, closed_at=None)
    fields.update(changes)
    return LkRecord(**fields)  # type: ignore[arg-type]


def history(*moves: tuple[int | None, str | None, str, str]) -> list[LkEventRecord]:
    """(actor, from, to, code) per event, an hour apart."""
    return [LkEventRecord(i, 1, T0 + timedelta(hours=i), actor, was, to, None, code,
                          {"round": 2} if code == LkEvent.NOT_EFFECTIVE else {})
            for i, (actor, was, to, code) in enumerate(moves)]


FIRST_ROUND = (
    (OFFICER, None, S.DRAFT, LkEvent.CREATED), (OFFICER, S.DRAFT, S.AWAITING_CHECK, LkEvent.SUBMITTED),
    (REVIEWER, S.AWAITING_CHECK, S.AWAITING_APPROVAL, LkEvent.CHECKED),
    (APPROVER, S.AWAITING_APPROVAL, S.IN_PROGRESS, LkEvent.APPROVED),
    (OFFICER, S.IN_PROGRESS, S.AWAITING_VERIFICATION, LkEvent.ALL_DONE),
)


def at(hour: int) -> datetime:
    return T0 + timedelta(hours=hour)


class TestApprovalTrail:
    def test_each_round_keeps_its_own_prepared_checked_and_approved(self) -> None:
        events = history(*FIRST_ROUND, (MONITOR, S.AWAITING_VERIFICATION, S.DRAFT, LkEvent.NOT_EFFECTIVE),
                         (OFFICER2, S.DRAFT, S.AWAITING_CHECK, LkEvent.SUBMITTED),
                         (REVIEWER2, S.AWAITING_CHECK, S.AWAITING_APPROVAL, LkEvent.CHECKED),
                         (APPROVER, S.AWAITING_APPROVAL, S.IN_PROGRESS, LkEvent.APPROVED))
        first, second = approval_trail(lk(2), events)
        assert (first.round, first.prepared, first.checked, first.approved) == (
            1, Signed(OFFICER, at(1)), Signed(REVIEWER, at(2)), Signed(APPROVER, at(3)))
        assert (second.round, second.prepared, second.checked, second.approved) == (
            2, Signed(OFFICER2, at(6)), Signed(REVIEWER2, at(7)), Signed(APPROVER, at(8)))
        assert not first.ran_unapproved and not second.ran_unapproved

    def test_a_new_round_waits_unsigned_until_it_is_submitted_checked_and_approved(self) -> None:
        events = history(*FIRST_ROUND, (MONITOR, S.AWAITING_VERIFICATION, S.DRAFT, LkEvent.NOT_EFFECTIVE))
        first, second = approval_trail(lk(2), events)
        assert first.approved == Signed(APPROVER, at(3))
        assert (second.prepared, second.checked, second.approved) == (None, None, None)
        assert current_signers(lk(2), events) == (OFFICER,)

    def test_a_return_voids_the_rounds_check_until_it_is_signed_again(self) -> None:
        events = history(*FIRST_ROUND, (MONITOR, S.AWAITING_VERIFICATION, S.DRAFT, LkEvent.NOT_EFFECTIVE),
                         (OFFICER2, S.DRAFT, S.AWAITING_CHECK, LkEvent.SUBMITTED),
                         (REVIEWER2, S.AWAITING_CHECK, S.AWAITING_APPROVAL, LkEvent.CHECKED),
                         (APPROVER, S.AWAITING_APPROVAL, S.DRAFT, LkEvent.RETURNED))
        second = approval_trail(lk(2), events)[1]
        assert (second.prepared, second.checked, second.approved) == (Signed(OFFICER2, at(6)), None, None)
        assert current_signers(lk(2), events) == (OFFICER, OFFICER2)

    def test_a_round_begun_under_the_old_rule_ran_unapproved_and_says_so(self) -> None:
        events = history(*FIRST_ROUND, (MONITOR, S.AWAITING_VERIFICATION, S.IN_PROGRESS, LkEvent.NOT_EFFECTIVE))
        first, second = approval_trail(lk(2, checked_by=REVIEWER, checked_at=at(2)), events)
        assert first.checked == Signed(REVIEWER, at(2)) and first.approved == Signed(APPROVER, at(3))
        assert second.ran_unapproved and (second.prepared, second.checked, second.approved) == (None, None, None)

    def test_moves_recorded_before_events_had_codes_read_the_same(self) -> None:
        coded = history(*FIRST_ROUND)
        plain = [LkEventRecord(e.id, e.lk_id, e.at, e.actor_person_id, e.from_status, e.to_status, "moved")
                 for e in coded]
        assert approval_trail(lk(), plain) == approval_trail(lk(), coded)

    def test_round_one_is_prepared_by_the_lks_officer_when_it_was_submitted(self) -> None:
        only = approval_trail(lk(), history((OFFICER, None, S.DRAFT, LkEvent.CREATED),
                                            (OFFICER2, S.DRAFT, S.AWAITING_CHECK, LkEvent.SUBMITTED)))
        assert [(r.round, r.prepared) for r in only] == [(1, Signed(OFFICER, at(1)))]
        assert approval_trail(lk(), [])[0].prepared == Signed(OFFICER, T0)  # a draft: its creation
