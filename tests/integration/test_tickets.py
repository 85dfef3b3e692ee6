"""TicketRepository: filing, finding and moving tickets, with their attachments and history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from storage.errors import NaiveDatetime, TicketNotFound, UnknownTicketKind
from storage.records import Attachment, NewTicket, TicketEventRecord
from storage.uow import SqlUnitOfWork

FILED_AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


def new_ticket(person_id: int | None, **changes: object) -> NewTicket:
    ticket = NewTicket(
        kind="complaint",
        channel="telegram",
        person_id=person_id,
        service_code="transcript",
        service_other=None,
        description="My transcript request has waited three weeks.",
        occurred_on=date(2026, 4, 10),
        answers={"step": "submission", "standard_time_passed": "yes"},
        attachments=(
            Attachment("photo-file-id", "photo"),
            Attachment("pdf-file-id", "document", "receipt.pdf"),
        ),
        anonymous=False,
        status="received",
        created_at=FILED_AT,
    )
    return replace(ticket, **changes)  # type: ignore[arg-type]


async def make_person(uow: SqlUnitOfWork, telegram_id: int = 42) -> int:
    person = await uow.persons.ensure_telegram(telegram_id, "Siti")
    return person.id


class TestAdd:
    async def test_a_filed_complaint_gets_a_number_and_keeps_everything_it_was_given(
        self, uow: SqlUnitOfWork
    ) -> None:
        async with uow:
            person_id = await make_person(uow)
            ticket = await uow.tickets.add(new_ticket(person_id))
            await uow.commit()

        assert ticket.number == "KEL-2026-00001"
        async with uow:
            stored = await uow.tickets.get(ticket.id)
        assert stored == ticket
        assert [replace(a, id=None) for a in stored.attachments] == [
            Attachment("photo-file-id", "photo", None, added_at=FILED_AT),
            Attachment("pdf-file-id", "document", "receipt.pdf", added_at=FILED_AT),
        ]
        assert stored.answers == {"step": "submission", "standard_time_passed": "yes"}
        assert stored.occurred_on == date(2026, 4, 10)
        assert (stored.created_at, stored.updated_at) == (FILED_AT, FILED_AT)
        assert (stored.kind, stored.channel, stored.status, stored.anonymous) == (
            "complaint",
            "telegram",
            "received",
            False,
        )

    async def test_a_suggestion_is_numbered_in_its_own_series(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            complaint = await uow.tickets.add(new_ticket(None))
            suggestion = await uow.tickets.add(new_ticket(None, kind="suggestion", status="under_review"))
            second = await uow.tickets.add(new_ticket(None))
            await uow.commit()

        assert [complaint.number, suggestion.number, second.number] == [
            "KEL-2026-00001",
            "SAR-2026-00001",
            "KEL-2026-00002",
        ]

    async def test_filing_writes_the_first_history_event(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            person_id = await make_person(uow)
            ticket = await uow.tickets.add(new_ticket(person_id))
            await uow.commit()
            events = await uow.tickets.events(ticket.id)

        assert events == [
            TicketEventRecord(
                id=events[0].id,
                ticket_id=ticket.id,
                at=FILED_AT,
                actor_person_id=person_id,
                from_status=None,
                to_status="received",
                note=None,
                code="filed",
                params={"channel": "telegram"},
            )
        ]

    async def test_a_ticket_recorded_by_staff_may_have_no_person_and_no_attachments(
        self, uow: SqlUnitOfWork
    ) -> None:
        async with uow:
            ticket = await uow.tickets.add(
                new_ticket(None, channel="letter", attachments=(), occurred_on=None, anonymous=True)
            )
            await uow.commit()

        assert (ticket.person_id, ticket.channel, ticket.attachments, ticket.anonymous) == (
            None,
            "letter",
            (),
            True,
        )

    async def test_an_unknown_kind_is_refused(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            with pytest.raises(UnknownTicketKind):
                await uow.tickets.add(new_ticket(None, kind="praise"))

    async def test_a_naive_filing_time_is_refused(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            with pytest.raises(NaiveDatetime):
                await uow.tickets.add(new_ticket(None, created_at=datetime(2026, 5, 4, 10, 0)))


class TestFind:
    async def test_a_ticket_is_found_by_its_number_however_it_is_typed(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            ticket = await uow.tickets.add(new_ticket(None))
            await uow.commit()

        async with uow:
            assert await uow.tickets.get_by_number("KEL-2026-00001") == ticket
            assert await uow.tickets.get_by_number("  kel-2026-00001 ") == ticket
            assert await uow.tickets.get_by_number("KEL-2026-00002") is None

    async def test_a_persons_tickets_are_listed_newest_first_and_only_theirs(
        self, uow: SqlUnitOfWork
    ) -> None:
        async with uow:
            siti = await make_person(uow, 1)
            budi = await make_person(uow, 2)
            for day in range(3):
                await uow.tickets.add(new_ticket(siti, created_at=FILED_AT + timedelta(days=day)))
            await uow.tickets.add(new_ticket(budi))
            await uow.commit()

        async with uow:
            listed = await uow.tickets.list_for_person(siti)
            limited = await uow.tickets.list_for_person(siti, limit=2)

        assert [t.number for t in listed] == ["KEL-2026-00003", "KEL-2026-00002", "KEL-2026-00001"]
        assert [t.number for t in limited] == ["KEL-2026-00003", "KEL-2026-00002"]
        assert all(t.attachments for t in listed)

    async def test_unknown_ticket_id_gives_none(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            assert await uow.tickets.get(999) is None


class TestSetStatus:
    async def test_a_status_change_is_appended_to_the_history_and_updates_the_ticket(
        self, uow: SqlUnitOfWork
    ) -> None:
        later = FILED_AT + timedelta(hours=2)
        async with uow:
            person_id = await make_person(uow)
            officer_id = await make_person(uow, 99)
            ticket = await uow.tickets.add(new_ticket(person_id))
            event = await uow.tickets.set_status(
                ticket.id,
                "confirming",
                actor_person_id=officer_id,
                note="checking with the faculty",
                at=later,
            )
            await uow.tickets.set_status(
                ticket.id, "in_followup", actor_person_id=officer_id, note=None, at=later
            )
            await uow.commit()

        async with uow:
            stored = await uow.tickets.get(ticket.id)
            history = await uow.tickets.events(ticket.id)

        assert stored is not None
        assert (stored.status, stored.created_at, stored.updated_at) == ("in_followup", FILED_AT, later)
        assert [(e.from_status, e.to_status, e.actor_person_id) for e in history] == [
            (None, "received", person_id),
            ("received", "confirming", officer_id),
            ("confirming", "in_followup", officer_id),
        ]
        assert history[1] == event
        assert event.note == "checking with the faculty"

    async def test_moving_an_unknown_ticket_fails(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            with pytest.raises(TicketNotFound):
                await uow.tickets.set_status(999, "closed", actor_person_id=None, note=None, at=FILED_AT)
