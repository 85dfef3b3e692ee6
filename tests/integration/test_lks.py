"""LkRepository: nonconformity reports (LK) and improvement programmes, their tickets and history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage.errors import (
    InvalidFieldValue,
    LkNotFound,
    NaiveDatetime,
    TicketNotFound,
    UnknownField,
    UnknownLkKind,
)
from storage.records import LkEventRecord, LkRecord, NewLk, NewTicket
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
LATER = AT + timedelta(days=1)


def new_lk(prepared_by: int, **changes: object) -> NewLk:
    lk = NewLk(
        kind="nonconformity",
        service_code="transcript",
        procedure_ref="SOP Legalisir Transkrip, langkah 3",
        description="Transcripts issued after 15 working days instead of 5.",
        root_cause="Only one signer; no delegation when absent.",
        prepared_by=prepared_by,
        created_at=AT,
    )
    return replace(lk, **changes)  # type: ignore[arg-type]


def new_ticket(day: int) -> NewTicket:
    return NewTicket(
        kind="complaint",
        channel="telegram",
        person_id=None,
        service_code="transcript",
        service_other=None,
        description="Still waiting for my transcript.",
        occurred_on=None,
        answers={},
        attachments=(),
        anonymous=True,
        status="in_followup",
        created_at=AT - timedelta(days=day),
    )


async def staff(uow: SqlUnitOfWork, telegram_id: int = 1) -> int:
    return (await uow.persons.ensure_telegram(telegram_id, f"Staff {telegram_id}")).id


class TestAdd:
    async def test_a_new_lk_is_numbered_kept_as_given_and_starts_its_history(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            officer = await staff(uow)
            lk = await uow.lks.add(new_lk(officer))
            await uow.commit()

        async with uow:
            stored = await uow.lks.get(lk.id)
            events = await uow.lks.events(lk.id)

        assert stored == lk == LkRecord(
            id=lk.id,
            number="LK-2026-001",
            kind="nonconformity",
            service_code="transcript",
            procedure_ref="SOP Legalisir Transkrip, langkah 3",
            description="Transcripts issued after 15 working days instead of 5.",
            root_cause="Only one signer; no delegation when absent.",
            status="draft",
            round=1,
            prepared_by=officer,
            checked_by=None,
            checked_at=None,
            approved_by=None,
            approved_at=None,
            verified_by=None,
            verified_at=None,
            effective=None,
            response=None,
            created_at=AT,
            updated_at=AT,
            closed_at=None,
        )
        assert events == [LkEventRecord(events[0].id, lk.id, AT, officer, None, "draft", None, code="created")]

    async def test_an_improvement_programme_has_its_own_series_and_may_start_in_another_status(
        self, uow: SqlUnitOfWork
    ) -> None:
        async with uow:
            officer = await staff(uow)
            programme = await uow.lks.add(new_lk(officer, kind="improvement", status="approved"))
            lk = await uow.lks.add(new_lk(officer))

        assert (programme.number, programme.status, lk.number) == ("PRG-2026-001", "approved", "LK-2026-001")

    async def test_an_unknown_kind_or_naive_time_is_refused(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            officer = await staff(uow)
            with pytest.raises(UnknownLkKind):
                await uow.lks.add(new_lk(officer, kind="praise"))
            with pytest.raises(NaiveDatetime):
                await uow.lks.add(new_lk(officer, created_at=datetime(2026, 5, 4, 10, 0)))


class TestFind:
    async def test_an_lk_is_found_by_its_number_however_it_is_typed(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk = await uow.lks.add(new_lk(await staff(uow)))
            await uow.commit()

        async with uow:
            assert await uow.lks.get_by_number("LK-2026-001") == lk
            assert await uow.lks.get_by_number(" lk-2026-001  ") == lk
            assert await uow.lks.get_by_number("LK-2026-002") is None
            assert await uow.lks.get(999) is None

    async def test_with_status_lists_lks_in_those_statuses_oldest_first(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            officer = await staff(uow)
            later = await uow.lks.add(new_lk(officer, status="approved", created_at=LATER))
            earlier = await uow.lks.add(new_lk(officer, status="in_progress"))
            await uow.lks.add(new_lk(officer, status="closed"))
            await uow.commit()

        async with uow:
            listed = await uow.lks.with_status({"approved", "in_progress"})
            assert await uow.lks.with_status([]) == []
            assert [lk.id for lk in await uow.lks.with_status("approved")] == [later.id]

        assert [lk.id for lk in listed] == [earlier.id, later.id]


class TestUpdate:
    async def test_signatures_and_content_are_stored_and_returned(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            officer, reviewer, approver, monitor = [await staff(uow, i) for i in (1, 2, 3, 4)]
            lk = await uow.lks.add(new_lk(officer))
            changes = {
                "root_cause": "No delegation rule.",
                "checked_by": reviewer,
                "checked_at": LATER,
                "approved_by": approver,
                "approved_at": LATER,
                "verified_by": monitor,
                "verified_at": LATER,
                "effective": False,
                "round": 2,
                "response": "The signing rule now has a deputy.",
                "closed_at": LATER,
            }
            returned = await uow.lks.update(lk.id, **changes)
            await uow.commit()

        async with uow:
            stored = await uow.lks.get(lk.id)
        assert stored == returned == replace(lk, **changes)  # type: ignore[arg-type]
        assert returned.updated_at == AT  # unchanged unless given

    async def test_only_known_fields_with_fitting_values_can_be_changed(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk = await uow.lks.add(new_lk(await staff(uow)))
            for field in ("status", "number", "kind", "prepared_by", "nonsense"):
                with pytest.raises(UnknownField):
                    await uow.lks.update(lk.id, **{field: "x"})
            with pytest.raises(InvalidFieldValue):
                await uow.lks.update(lk.id, description=None)
            with pytest.raises(NaiveDatetime):
                await uow.lks.update(lk.id, checked_at=datetime(2026, 5, 4, 10, 0))
            with pytest.raises(LkNotFound):
                await uow.lks.update(999, response="x")


class TestSetStatus:
    async def test_a_status_change_is_appended_to_the_history_and_updates_the_lk(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            officer, reviewer = await staff(uow, 1), await staff(uow, 2)
            lk = await uow.lks.add(new_lk(officer))
            event = await uow.lks.set_status(lk.id, "checked", actor_person_id=reviewer, note="OK", at=LATER)
            await uow.lks.set_status(lk.id, "approved", actor_person_id=None, note=None, at=LATER)
            await uow.commit()

        async with uow:
            stored = await uow.lks.get(lk.id)
            history = await uow.lks.events(lk.id)

        assert stored is not None and (stored.status, stored.updated_at) == ("approved", LATER)
        assert [(e.from_status, e.to_status, e.actor_person_id) for e in history] == [
            (None, "draft", officer),
            ("draft", "checked", reviewer),
            ("checked", "approved", None),
        ]
        assert history[1] == event and event.note == "OK"

    async def test_moving_an_unknown_lk_fails(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            with pytest.raises(LkNotFound):
                await uow.lks.set_status(999, "closed", actor_person_id=None, note=None, at=AT)


class TestTickets:
    async def test_linked_tickets_are_listed_oldest_first_and_relinking_is_ignored(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk = await uow.lks.add(new_lk(await staff(uow)))
            newer, older, other = [await uow.tickets.add(new_ticket(day)) for day in (1, 3, 2)]
            assert await uow.lks.link(lk.id, [newer.id, older.id, newer.id]) == 2
            assert await uow.lks.link(lk.id, [older.id]) == 0
            assert await uow.lks.link(lk.id, []) == 0
            await uow.commit()

        async with uow:
            linked = await uow.lks.tickets(lk.id)
        assert linked == [older, newer]
        assert other not in linked

    async def test_a_ticket_knows_the_lks_covering_it(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            officer = await staff(uow)
            first = await uow.lks.add(new_lk(officer))
            second = await uow.lks.add(new_lk(officer, created_at=LATER))
            shared, alone = [await uow.tickets.add(new_ticket(day)) for day in (1, 2)]
            await uow.lks.link(second.id, [shared.id])
            await uow.lks.link(first.id, [shared.id])
            await uow.commit()

        async with uow:
            assert await uow.lks.lks_of_ticket(shared.id) == [first, second]
            assert await uow.lks.lks_of_ticket(alone.id) == []

    async def test_linking_to_an_unknown_lk_or_ticket_fails_and_links_nothing(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            lk = await uow.lks.add(new_lk(await staff(uow)))
            ticket = await uow.tickets.add(new_ticket(1))
            with pytest.raises(LkNotFound):
                await uow.lks.link(999, [ticket.id])
            with pytest.raises(TicketNotFound):
                await uow.lks.link(lk.id, [ticket.id, 999])
            assert await uow.lks.tickets(lk.id) == []
