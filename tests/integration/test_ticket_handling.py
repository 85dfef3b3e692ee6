"""TicketRepository on the staff side: handling fields, the officers' inbox, search corpus, monitoring."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage.errors import InvalidFieldValue, NaiveDatetime, TicketNotFound, UnknownField
from storage.records import NewTicket, TicketRecord
from storage.uow import SqlUnitOfWork

FILED_AT = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
LATER = FILED_AT + timedelta(hours=5)


def new_ticket(day: int = 0, **changes: object) -> NewTicket:
    ticket = NewTicket(
        kind="complaint",
        channel="telegram",
        person_id=None,
        service_code="transcript",
        service_other=None,
        description="My transcript request has waited three weeks.",
        occurred_on=None,
        answers={},
        attachments=(),
        anonymous=True,
        status="received",
        created_at=FILED_AT + timedelta(days=day),
    )
    return replace(ticket, **changes)  # type: ignore[arg-type]


async def officer(uow: SqlUnitOfWork, telegram_id: int) -> int:
    return (await uow.persons.ensure_telegram(telegram_id, f"Officer {telegram_id}")).id


async def filed(uow: SqlUnitOfWork, day: int, status: str, assigned_to: int | None = None, **changes: object) -> int:
    ticket = await uow.tickets.add(new_ticket(day, status=status, **changes))
    if assigned_to is not None:
        await uow.tickets.update(ticket.id, assigned_to=assigned_to)
    return ticket.id


class TestUpdate:
    async def test_handling_fields_are_stored_and_returned(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await officer(uow, 1)
            first = await uow.tickets.add(new_ticket())
            ticket = await uow.tickets.add(new_ticket(1))
            returned = await uow.tickets.update(
                ticket.id,
                assigned_to=rina,
                duplicate_of=first.id,
                response="Already being handled under KEL-2026-00001.",
                card_message_id=5_000_000_123,
                confirmed_at=LATER,
                resolved_at=LATER,
                rating=4,
                rating_comment="Quick, thanks",
                rated_at=LATER,
            )
            await uow.commit()

        async with uow:
            stored = await uow.tickets.get(ticket.id)
        assert stored == returned == replace(
            ticket,
            assigned_to=rina,
            duplicate_of=first.id,
            response="Already being handled under KEL-2026-00001.",
            card_message_id=5_000_000_123,
            confirmed_at=LATER,
            resolved_at=LATER,
            rating=4,
            rating_comment="Quick, thanks",
            rated_at=LATER,
        )
        assert stored.updated_at == ticket.updated_at  # unchanged unless given

    async def test_fields_can_be_cleared_and_updated_at_set_explicitly(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await officer(uow, 1)
            ticket = await uow.tickets.add(new_ticket())
            await uow.tickets.update(ticket.id, assigned_to=rina, rating=5)
            cleared = await uow.tickets.update(ticket.id, assigned_to=None, rating=None, updated_at=LATER)

        assert (cleared.assigned_to, cleared.rating, cleared.updated_at) == (None, None, LATER)

    async def test_the_status_number_and_unknown_names_cannot_be_updated(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            ticket = await uow.tickets.add(new_ticket())
            for field in ("status", "number", "person_id", "colour"):
                with pytest.raises(UnknownField):
                    await uow.tickets.update(ticket.id, **{field: "x"})

    @pytest.mark.parametrize("rating", [0, 6, "5", True, 4.5])
    async def test_a_rating_outside_one_to_five_is_refused(self, uow: SqlUnitOfWork, rating: object) -> None:
        async with uow:
            ticket = await uow.tickets.add(new_ticket())
            with pytest.raises(InvalidFieldValue):
                await uow.tickets.update(ticket.id, rating=rating)

    async def test_times_must_be_aware_datetimes(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            ticket = await uow.tickets.add(new_ticket())
            with pytest.raises(NaiveDatetime):
                await uow.tickets.update(ticket.id, confirmed_at=datetime(2026, 5, 4, 10, 0))
            with pytest.raises(InvalidFieldValue):
                await uow.tickets.update(ticket.id, resolved_at="2026-05-04")
            with pytest.raises(InvalidFieldValue):
                await uow.tickets.update(ticket.id, updated_at=None)

    async def test_updating_an_unknown_ticket_fails(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            with pytest.raises(TicketNotFound):
                await uow.tickets.update(999, response="x")


class TestInbox:
    async def test_an_officer_sees_unassigned_and_own_unfinished_tickets_oldest_first(
        self, uow: SqlUnitOfWork
    ) -> None:
        async with uow:
            rina, budi = await officer(uow, 1), await officer(uow, 2)
            reopened = await filed(uow, 5, "reopened")
            mine = await filed(uow, 1, "confirming", rina)
            unassigned = await filed(uow, 0, "received")
            others = await filed(uow, 2, "in_followup", budi)
            await filed(uow, 3, "closed")
            await filed(uow, 4, "resolved", rina)
            await filed(uow, 6, "conforming")
            suggestion = await filed(uow, 7, "under_review", kind="suggestion")
            mine_in_followup = await filed(uow, 8, "in_followup", rina)
            await uow.commit()

        async with uow:
            rinas = await uow.tickets.inbox(rina, limit=20, offset=0)
            budis = await uow.tickets.inbox(budi, limit=20, offset=0)
            counts = (await uow.tickets.count_inbox(rina), await uow.tickets.count_inbox(budi))

        assert [t.id for t in rinas] == [unassigned, mine, reopened, suggestion, mine_in_followup]
        assert [t.id for t in budis] == [unassigned, others, reopened, suggestion]
        assert counts == (5, 4)

    async def test_the_inbox_pages_with_limit_and_offset(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            rina = await officer(uow, 1)
            ids = [await filed(uow, day, "received") for day in range(5)]
            await uow.commit()

        async with uow:
            pages = [await uow.tickets.inbox(rina, limit=2, offset=offset) for offset in (0, 2, 4, 6)]

        assert [[t.id for t in page] for page in pages] == [ids[0:2], ids[2:4], ids[4:5], []]


class TestSearchCorpus:
    async def test_open_tickets_and_recent_finished_ones_newest_first(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            old_open = await filed(uow, 0, "confirming")
            await filed(uow, 1, "closed")
            recent_closed = await filed(uow, 10, "closed")
            recent_open = await filed(uow, 11, "received")
            await uow.commit()

        async with uow:
            corpus = await uow.tickets.search_corpus(FILED_AT + timedelta(days=10), limit=10)
            limited = await uow.tickets.search_corpus(FILED_AT + timedelta(days=10), limit=2)
            with pytest.raises(NaiveDatetime):
                await uow.tickets.search_corpus(datetime(2026, 5, 1), limit=10)

        assert [t.id for t in corpus] == [recent_open, recent_closed, old_open]
        assert [t.id for t in limited] == [recent_open, recent_closed]


class TestUnconfirmed:
    async def test_received_or_reopened_tickets_filed_before_the_cutoff_oldest_first(
        self, uow: SqlUnitOfWork
    ) -> None:
        async with uow:
            reopened = await filed(uow, 1, "reopened")
            received = await filed(uow, 0, "received")
            await filed(uow, 0, "confirming")
            await filed(uow, 2, "received")  # at the cutoff: not yet late
            await uow.commit()

        async with uow:
            late = await uow.tickets.unconfirmed(FILED_AT + timedelta(days=2))

        assert [t.id for t in late] == [received, reopened]


class TestLookups:
    async def test_by_ids_keeps_the_order_given_and_skips_unknown_ids(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            a, b, c = [await uow.tickets.add(new_ticket(day)) for day in range(3)]
            await uow.commit()

        async with uow:
            found = await uow.tickets.by_ids([c.id, 999, a.id, c.id])
            assert await uow.tickets.by_ids([]) == []

        assert found == [c, a]
        assert b not in found

    async def test_duplicates_of_lists_the_tickets_marked_as_repeating_it(self, uow: SqlUnitOfWork) -> None:
        async with uow:
            original = await uow.tickets.add(new_ticket(0))
            later_copy = await uow.tickets.add(new_ticket(2))
            first_copy = await uow.tickets.add(new_ticket(1))
            await uow.tickets.add(new_ticket(3))
            for copy in (later_copy, first_copy):
                await uow.tickets.update(copy.id, duplicate_of=original.id)
            await uow.commit()

        async with uow:
            copies: list[TicketRecord] = await uow.tickets.duplicates_of(original.id)

        assert [t.id for t in copies] == [first_copy.id, later_copy.id]
        assert all(t.duplicate_of == original.id for t in copies)
