"""MonitoringRepository: counts and the first rows of what /monitor shows, never the whole list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage.errors import NaiveDatetime
from storage.records import NewAction, NewLk, NewTicket
from storage.uow import SqlUnitOfWork

AT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def new_ticket(person_id: int, created_at: datetime, status: str = "received",
               service: str = "transcript") -> NewTicket:
    return NewTicket("complaint", "telegram", person_id, service, None, "Transkrip belum terbit", None, {}, (),
                     False, status, created_at)


async def staff_member(uow: SqlUnitOfWork) -> int:
    return (await uow.persons.ensure_telegram(9002, "Olivia")).id


async def test_open_actions_due_are_counted_and_the_earliest_come_first_with_their_lk(uow: SqlUnitOfWork) -> None:
    async with uow:
        officer = await staff_member(uow)
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "desc", "cause", officer, AT,
                                     status="in_progress"))
        added = [await uow.lks.add_action(NewAction(lk.id, "correction", f"a{days}", officer,
                                                    TODAY + timedelta(days=days), 1, AT))
                 for days in (3, -5, -1, 0, -20, 9)]
        await uow.lks.complete_action(added[2].id, by=officer, at=AT, evidence_text="done")

        total, first = await uow.monitoring.open_actions_due(first=None, last=TODAY - timedelta(days=1), limit=1)
        assert total == 2  # -20 and -5; -1 is done
        assert [(a.description, owner.number) for a, owner in first] == [("a-20", lk.number)]

        total, soon = await uow.monitoring.open_actions_due(first=TODAY, last=TODAY + timedelta(days=3), limit=15)
        assert total == 2 and [a.description for a, _lk in soon] == ["a0", "a3"]


async def test_tickets_without_a_verdict_before_the_cutoff_are_counted_and_merged_oldest_first(
        uow: SqlUnitOfWork) -> None:
    async with uow:
        person = (await uow.persons.ensure_telegram(5001, "Siti")).id
        statuses = ["received", "reopened", "received", "confirming", "reopened", "in_followup", "received",
                    "received"]
        tickets = [await uow.tickets.add(new_ticket(person, AT - timedelta(days=10 - i), status))
                   for i, status in enumerate(statuses)]
        cutoff = AT - timedelta(days=3)  # tickets 0..6 were filed before it; 3 was taken, 5 has its verdict

        total, first = await uow.monitoring.unconfirmed_tickets(cutoff, limit=3)
        assert total == 6  # taken without a verdict yet (confirming) is not confirmed either
        assert [t.id for t in first] == [tickets[0].id, tickets[1].id, tickets[2].id]

        total, every = await uow.monitoring.unconfirmed_tickets(cutoff, limit=15)
        assert [t.id for t in every] == [tickets[i].id for i in (0, 1, 2, 3, 4, 6)]
        assert await uow.monitoring.unconfirmed_tickets(AT - timedelta(days=30), limit=15) == (0, [])
        with pytest.raises(NaiveDatetime):
            await uow.monitoring.unconfirmed_tickets(cutoff.replace(tzinfo=None), limit=15)


async def test_a_service_with_its_own_cutoff_is_late_by_its_own_time(uow: SqlUnitOfWork) -> None:
    async with uow:
        person = (await uow.persons.ensure_telegram(5001, "Siti")).id
        filed = [("transcript", 9), ("tuition", 9), ("tuition", 6), ("transcript", 6), ("other", 6),
                 ("legalisation", 3), ("legalisation", 1)]
        tickets = [await uow.tickets.add(new_ticket(person, AT - timedelta(days=days), "received", service))
                   for service, days in filed]
        default, tuition, legalisation = AT - timedelta(days=5), AT - timedelta(days=7), AT - timedelta(days=2)
        by_service = {"tuition": tuition, "legalisation": legalisation}

        total, first = await uow.monitoring.unconfirmed_tickets(default, limit=15, by_service=by_service)
        # transcript and other before the default (9 and 6 days), tuition only 9 days ago, legalisation 3 days ago
        assert total == 5
        assert [t.id for t in first] == [tickets[i].id for i in (0, 1, 3, 4, 5)]
        total, head = await uow.monitoring.unconfirmed_tickets(default, limit=2, by_service=by_service)
        assert total == 5 and [t.id for t in head] == [tickets[0].id, tickets[1].id]
        total, same_for_all = await uow.monitoring.unconfirmed_tickets(default, limit=15, by_service={})
        assert total == 5 and [t.id for t in same_for_all] == [tickets[i].id for i in range(5)]
        with pytest.raises(NaiveDatetime):
            await uow.monitoring.unconfirmed_tickets(default, limit=15, by_service={"tuition": tuition.replace(
                tzinfo=None)})


async def test_lks_in_a_status_are_counted_and_the_oldest_come_first(uow: SqlUnitOfWork) -> None:
    async with uow:
        officer = await staff_member(uow)
        made = [await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", f"lk{i}", "cause", officer,
                                        AT - timedelta(days=i), status=status))
                for i, status in enumerate(["awaiting_check", "awaiting_check", "draft", "awaiting_check"])]

        total, first = await uow.monitoring.lks_in_status("awaiting_check", limit=2)
        assert total == 3 and [lk.id for lk in first] == [made[3].id, made[1].id]
        assert await uow.monitoring.lks_in_status("awaiting_approval", limit=15) == (0, [])
