"""The LK's moves (dialogs/workflow.py): "not effective" starts the next round as a draft, so its programme goes
through the check and the approval again; an LK already in progress in a later round still reaches its check."""

from __future__ import annotations

from dialogs.workflow import LK_MOVES, lk_move_roles
from domain.vocabulary import LkStatus, Role

S = LkStatus


class TestLkMoves:
    def test_not_effective_goes_back_to_a_draft_for_the_monitor_or_the_approver(self) -> None:
        assert lk_move_roles(S.AWAITING_VERIFICATION, S.DRAFT) == {Role.MONITOR, Role.APPROVER}

    def test_not_effective_no_longer_runs_the_next_round_unchecked(self) -> None:
        assert lk_move_roles(S.AWAITING_VERIFICATION, S.IN_PROGRESS) == frozenset()
        assert lk_move_roles(S.DRAFT, S.IN_PROGRESS) == frozenset()

    def test_only_the_approval_starts_a_programme(self) -> None:
        starts = {(was, role) for was, moves in LK_MOVES.items() for to, roles in moves.items()
                  if to == S.IN_PROGRESS for role in roles}
        assert starts == {(S.AWAITING_APPROVAL, Role.APPROVER)}

    def test_a_programme_in_progress_in_any_round_still_reaches_its_effectiveness_check(self) -> None:
        assert lk_move_roles(S.IN_PROGRESS, S.AWAITING_VERIFICATION) == {Role.OFFICER}

    def test_an_unknown_status_moves_nowhere(self) -> None:
        assert lk_move_roles("archived", S.DRAFT) == frozenset()
