"""A mass case stays fast (issue 14 §1): an LK over a "me too" case of hundreds of complainants closes set-based —
every ticket resolved with one history event, every complainant told once in their language and asked to rate,
and the staff group gets one updated card for the case (its lead's), none for the members, who have no card."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.due.engine import ctx_for
from handlers.errors import Refusal
from handlers.i18n import Translator
from handlers.procedure.fan_out import move_all
from storage.models import TicketCaseRow, TicketRow
from storage.records import NewAction, NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

MONITOR, OFFICER, FIRST = 9005, 9002, 700_000
RESPONSE = "Transkrip kini ditandatangani wakil dekan bila dekan berhalangan."
translator = Translator()
en = translator.gettext("en")


async def lk_over_a_case(new_uow: Callable[[], SqlUnitOfWork], sessions: async_sessionmaker[AsyncSession],
                         complainants: int, *, case: bool = True) -> tuple[int, list[int]]:
    """An LK awaiting verification over ``complainants`` complaints in follow-up with a deadline (every third
    complainant English, the others Indonesian); with ``case``, one "me too" case led by the first ticket, the only
    one with a card. Returns the LK's id and the tickets' ids."""
    async with new_uow() as uow:
        monitor = await uow.persons.ensure_telegram(MONITOR, "Maya", "en")
        await uow.staff.grant(monitor.id, "monitor", by=None, at=NOW)
        officer = await uow.persons.ensure_telegram(OFFICER, "Olivia", "en")
        await uow.staff.grant(officer.id, "officer", by=None, at=NOW)
        ids = []
        for n in range(complainants):
            person = await uow.persons.ensure_telegram(FIRST + n, f"Mahasiswa {n}", "en" if n % 3 == 0 else "id")
            ids.append((await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "transcript", None,
                                                        f"Transkrip saya belum terbit ({n}).", None, {}, (), False,
                                                        "in_followup", NOW))).id)
        await uow.commit()
    async with sessions() as session:
        await session.execute(update(TicketRow).where(TicketRow.id.in_(ids)).values(
            due_step="respond", due_on=date(2026, 12, 2), confirmed_at=NOW))
        if case:
            row = TicketCaseRow(service_code="transcript", lead_ticket_id=ids[0], created_at=NOW)
            session.add(row)
            await session.flush()
            await session.execute(update(TicketRow).where(TicketRow.id.in_(ids)).values(case_id=row.id))
            await session.execute(update(TicketRow).where(TicketRow.id == ids[0]).values(card_message_id=77))
        else:
            for n, ticket_id in enumerate(ids):
                await session.execute(update(TicketRow).where(TicketRow.id == ticket_id).values(
                    card_message_id=100 + n))
        await session.commit()
    async with new_uow() as uow:
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP-AK-01", "Transkrip terlambat",
                                     "Tanda tangan dekan menumpuk", officer.id, NOW - timedelta(days=20),
                                     status="awaiting_verification"))
        await uow.lks.link(lk.id, ids)
        await uow.commit()
    return lk.id, ids


async def close(desk: Desk, lk_id: int) -> list[dict[str, object]]:
    monitor = desk.user(MONITOR, "Maya")
    await desk.press(monitor, f"lk:eff:{lk_id}")
    return await desk.payloads(monitor, RESPONSE)


async def test_a_case_of_hundreds_closes_for_everyone_with_one_card_edit(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession]) -> None:
    complainants = 300
    lk_id, ids = await lk_over_a_case(new_uow, session_factory, complainants)
    sent = await close(Desk(new_uow), lk_id)

    async with new_uow() as uow:
        tickets = await uow.tickets.by_ids(ids)
        events = await uow.tickets.events_of(ids, ["resolved"])
        lk = await uow.lks.get(lk_id)
    assert lk is not None and lk.status == "closed"
    assert {t.status for t in tickets} == {"resolved"}
    assert {(t.response, t.resolved_at, t.due_step, t.due_on, t.rating) for t in tickets} == {
        (RESPONSE, NOW, None, None, None)}  # no deadline left: the staff wait for nothing
    assert Counter(e.ticket_id for e in events) == Counter(ids)  # one event each
    assert {(e.from_status, e.to_status, e.params["by"]) for e in events} == {("in_followup", "resolved", "lk")}

    to = Counter(p["chat_id"] for p in sent)
    assert all(to[FIRST + n] == 2 for n in range(complainants))  # the notice and the rating request, once
    for n, ticket in enumerate(tickets):
        _ = translator.gettext("en" if n % 3 == 0 else "id")
        notice, rating = [p for p in sent if p["chat_id"] == FIRST + n]
        assert notice["text"] == _("Your complaint {number} has been resolved.\n\n<b>Response:</b> {note}").format(
            number=ticket.number, note=RESPONSE)
        assert rating["text"] == _("How satisfied are you with the outcome of {number}? (1 = not at all, 5 = very)"
                                   ).format(number=ticket.number)
    cards = [p for p in sent if p["chat_id"] == STAFF_GROUP]
    assert [(p["op"], p["ticket_id"]) for p in cards] == [("edit_card", ids[0])]  # the case's card, once


async def test_an_lk_of_separate_tickets_still_updates_each_card(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession]) -> None:
    lk_id, ids = await lk_over_a_case(new_uow, session_factory, 3, case=False)
    sent = await close(Desk(new_uow), lk_id)
    cards = [p["ticket_id"] for p in sent if p["chat_id"] == STAFF_GROUP]
    assert sorted(cards) == sorted(ids)  # tickets outside a case keep their own card, brought up to date


async def test_complainants_answered_after_their_correction_hear_the_measures_work_once(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession]) -> None:
    lk_id, ids = await lk_over_a_case(new_uow, session_factory, 40)
    async with session_factory() as session:  # the correction's response reached them already
        await session.execute(update(TicketRow).where(TicketRow.id.in_(ids)).values(
            status="resolved", response="Transkrip sudah terbit.", resolved_at=NOW, due_step=None, due_on=None))
        await session.commit()
    sent = await close(Desk(new_uow), lk_id)
    async with new_uow() as uow:
        tickets = await uow.tickets.by_ids(ids)
        events = await uow.tickets.events_of(ids, ["verified"])
    assert {(t.status, t.response) for t in tickets} == {("resolved", "Transkrip sudah terbit.")}
    assert Counter(e.ticket_id for e in events) == Counter(ids)
    assert {(e.from_status, e.to_status) for e in events} == {("resolved", "resolved")}
    for n, ticket in enumerate(tickets):
        _ = translator.gettext("en" if n % 3 == 0 else "id")
        [told] = [p for p in sent if p["chat_id"] == FIRST + n]
        assert told["text"] == _(
            "The bureau has checked that the measures taken after your complaint {number} work: the nonconformity "
            "behind it is closed. Thank you for reporting it.\n\n<b>Response:</b> {note}").format(
            number=ticket.number, note=RESPONSE)
    assert not [p for p in sent if p["chat_id"] == STAFF_GROUP]  # their cards do not change


async def test_the_response_after_the_correction_reaches_every_member_of_the_case_with_one_card_edit(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession]) -> None:
    complainants = 120
    lk_id, ids = await lk_over_a_case(new_uow, session_factory, complainants)
    async with new_uow() as uow:  # its programme runs, and the correction is done
        officer = await uow.persons.get_by_telegram_id(OFFICER)
        assert officer is not None
        await uow.lks.set_status(lk_id, "in_progress", actor_person_id=officer.id, at=NOW, code="approved")
        action = await uow.lks.add_action(NewAction(lk_id, "correction", "Terbitkan transkrip mereka.", officer.id,
                                                    date(2026, 11, 27), 1, NOW))
        await uow.lks.complete_action(action.id, by=officer.id, at=NOW, evidence_text="Sudah terbit.")
        await uow.commit()
    desk = Desk(new_uow)
    await desk.press(desk.user(OFFICER, "Olivia"), f"lk:respond:{lk_id}")
    sent = await desk.payloads(desk.user(OFFICER, "Olivia"), "Transkrip Anda sudah bisa diambil.")

    async with new_uow() as uow:
        tickets = await uow.tickets.by_ids(ids)
        events = await uow.tickets.events_of(ids, ["resolved"])
        lk = await uow.lks.get(lk_id)
    assert lk is not None and lk.status == "in_progress"  # the LK itself goes on to its effectiveness check
    assert {(t.status, t.response) for t in tickets} == {("resolved", "Transkrip Anda sudah bisa diambil.")}
    assert {(e.ticket_id, e.params["by"]) for e in events} == {(i, "correction") for i in ids}
    assert len(events) == complainants
    assert Counter(p["chat_id"] for p in sent if p["chat_id"] in range(FIRST, FIRST + complainants)) == Counter(
        {FIRST + n: 2 for n in range(complainants)})
    assert [(p["op"], p["ticket_id"]) for p in sent if p["chat_id"] == STAFF_GROUP] == [("edit_card", ids[0])]
    officer_told = [p["text"] for p in sent if p["chat_id"] == OFFICER]
    named = ", ".join(t.number for t in tickets[:10])
    assert officer_told == [en("Sent to the complainants of {numbers}; they may rate it now. {number} goes on to its "
                               "effectiveness check.").format(numbers=named + " and 110 more tickets",
                                                               number="LK-2026-001")]


async def test_a_bulk_move_checks_the_statuses_as_they_are_when_locked(
        new_uow: Callable[[], SqlUnitOfWork], session_factory: async_sessionmaker[AsyncSession]) -> None:
    """Found in review: the moves were checked against the tickets as read earlier; one withdrawn meanwhile was
    moved from withdrawn to resolved, with a history event of that impossible move. Now nothing is written."""
    _lk_id, ids = await lk_over_a_case(new_uow, session_factory, 3, case=False)
    async with new_uow() as uow:
        stale = await uow.tickets.by_ids(ids)
    async with session_factory() as session:
        await session.execute(update(TicketRow).where(TicketRow.id == ids[1]).values(status="withdrawn"))
        await session.commit()
    desk = Desk(new_uow)
    async with new_uow() as uow:
        with pytest.raises(Refusal, match=r"berstatus dicabut"):
            await move_all(ctx_for(uow, desk.deps), stale, "resolved", "resolved")
    async with new_uow() as uow:
        assert [t.status for t in await uow.tickets.by_ids(ids)] == ["in_followup", "withdrawn", "in_followup"]
        for ticket_id in ids:
            assert all(e.to_status != "resolved" for e in await uow.tickets.events(ticket_id))
