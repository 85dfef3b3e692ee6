"""LkRepository actions: the follow-up programme (correction, corrective, preventive) and its deadlines."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from storage.errors import ActionAlreadyDone, ActionNotFound, LkNotFound, NaiveDatetime, UnknownActionKind
from storage.records import ActionRecord, NewAction, NewLk
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
DONE_AT = AT + timedelta(days=2)
MONDAY = date(2026, 5, 11)


async def an_lk(uow: SqlUnitOfWork, *, status: str = "approved") -> tuple[int, int]:
    """An LK and its officer's person id."""
    officer = (await uow.persons.ensure_telegram(1, "Rina")).id
    lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP 3", "Late.", "One signer.", officer, AT, status))
    return lk.id, officer


def action(lk_id: int, owner: int, **changes: object) -> NewAction:
    new = NewAction(lk_id, "correction", "Issue the transcript today.", owner, MONDAY, 1, AT)
    return replace(new, **changes)  # type: ignore[arg-type]


class TestAddAction:
    async def test_a_new_action_is_open_and_kept_as_given(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            added = await uow.lks.add_action(action(lk_id, owner, kind="preventive"))
            await uow.commit()

        async with uow:
            stored = await uow.lks.get_action(added.id)
            assert await uow.lks.get_action(999) is None

        assert stored == added == ActionRecord(
            id=added.id,
            lk_id=lk_id,
            kind="preventive",
            description="Issue the transcript today.",
            owner_person_id=owner,
            due_on=MONDAY,
            round=1,
            status="open",
            done_at=None,
            done_by=None,
            evidence_text=None,
            evidence_file_id=None,
            evidence_file_type=None,
            created_at=AT,
        )

    async def test_an_unknown_kind_lk_or_naive_time_is_refused(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            with pytest.raises(UnknownActionKind):
                await uow.lks.add_action(action(lk_id, owner, kind="apology"))
            with pytest.raises(LkNotFound):
                await uow.lks.add_action(action(999, owner))
            with pytest.raises(NaiveDatetime):
                await uow.lks.add_action(action(lk_id, owner, created_at=datetime(2026, 5, 4, 10, 0)))

    async def test_actions_are_listed_by_round_in_the_order_added(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            other_lk, _ = await an_lk(uow)
            second_round = await uow.lks.add_action(action(lk_id, owner, round=2))
            correction = await uow.lks.add_action(action(lk_id, owner))
            corrective = await uow.lks.add_action(action(lk_id, owner, kind="corrective", due_on=date(2026, 5, 1)))
            await uow.lks.add_action(action(other_lk, owner))
            await uow.commit()

        async with uow:
            every = await uow.lks.actions(lk_id)
            first = await uow.lks.actions(lk_id, round=1)
            assert await uow.lks.actions(lk_id, round=3) == []

        assert every == [correction, corrective, second_round]
        assert first == [correction, corrective]


class TestCompleteAction:
    async def test_a_completed_action_is_done_with_who_when_and_evidence(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            added = await uow.lks.add_action(action(lk_id, owner))
            done = await uow.lks.complete_action(
                added.id,
                by=owner,
                at=DONE_AT,
                evidence_text="Transcript handed over.",
                evidence_file_id="AgACAgIAAxkBAAIB",
                evidence_file_type="photo",
            )
            await uow.commit()

        async with uow:
            stored = await uow.lks.get_action(added.id)

        assert stored == done == replace(
            added,
            status="done",
            done_at=DONE_AT,
            done_by=owner,
            evidence_text="Transcript handed over.",
            evidence_file_id="AgACAgIAAxkBAAIB",
            evidence_file_type="photo",
        )

    async def test_completing_twice_or_an_unknown_action_fails(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            added = await uow.lks.add_action(action(lk_id, owner))
            first = await uow.lks.complete_action(added.id, by=owner, at=DONE_AT, evidence_text="Done.")
            with pytest.raises(ActionAlreadyDone):
                await uow.lks.complete_action(added.id, by=owner, at=DONE_AT + timedelta(hours=1), evidence_text="!")
            with pytest.raises(ActionNotFound):
                await uow.lks.complete_action(999, by=owner, at=DONE_AT, evidence_text=None)
            with pytest.raises(NaiveDatetime):
                await uow.lks.complete_action(added.id, by=owner, at=datetime(2026, 5, 6, 10, 0), evidence_text="")

            assert await uow.lks.get_action(added.id) == first

    async def test_of_two_simultaneous_completions_exactly_one_succeeds(
        self, uow: SqlUnitOfWork, new_uow: Callable[[], SqlUnitOfWork]
    ) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            added = await uow.lks.add_action(action(lk_id, owner))
            await uow.commit()

        async def complete(evidence: str) -> str:
            async with new_uow() as task_uow:
                try:
                    await task_uow.lks.complete_action(added.id, by=owner, at=DONE_AT, evidence_text=evidence)
                except ActionAlreadyDone:
                    return "refused"
                await asyncio.sleep(0.05)  # hold the lock while the other tries
                await task_uow.commit()
                return evidence

        outcomes = await asyncio.gather(complete("first"), complete("second"))

        async with uow:
            stored = await uow.lks.get_action(added.id)
        assert outcomes.count("refused") == 1 and stored is not None  # either may win; the other is refused
        assert stored.evidence_text == next(o for o in outcomes if o != "refused")


class TestOpenActionsDueBy:
    async def test_open_actions_due_by_the_day_come_with_their_lk_earliest_first(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk_id, owner = await an_lk(uow)
            due_later = await uow.lks.add_action(action(lk_id, owner, due_on=MONDAY))
            overdue = await uow.lks.add_action(action(lk_id, owner, due_on=MONDAY - timedelta(days=7)))
            await uow.lks.add_action(action(lk_id, owner, due_on=MONDAY + timedelta(days=1)))
            finished = await uow.lks.add_action(action(lk_id, owner, due_on=MONDAY - timedelta(days=3)))
            await uow.lks.complete_action(finished.id, by=owner, at=DONE_AT, evidence_text="Done.")
            await uow.commit()

        async with uow:
            due = await uow.lks.open_actions_due_by(MONDAY)
            lk = await uow.lks.get(lk_id)
            assert await uow.lks.open_actions_due_by(MONDAY - timedelta(days=8)) == []

        assert due == [(overdue, lk), (due_later, lk)]
