"""'Me too' cases (issue 14 §1) on a real database: the offer while filing shows nothing of the others, joining
links the ticket, the officer's steps on the lead reach every member (set-based) and every complainant in their
language, an LK covers the members, a member reopening alone leaves the case, and /case attach|detach|summary."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.records import NewTicket, TicketRecord
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

ADMIN, OFFICER, OFFICER2 = 9001, 9002, 9007
ANA, BUDI, CHRIS = 5001, 5002, 5003  # Ana and Budi read Indonesian, Chris English
NAMES = {ANA: "Ana Wijaya", BUDI: "Budi Santoso", CHRIS: "Chris Taylor", OFFICER: "Olivia", OFFICER2: "Omar"}
LANG = {ANA: "id", BUDI: "id", CHRIS: "en"}
FIRST = "Transkrip nilai saya belum terbit padahal sudah menunggu tiga minggu sejak pengajuan di portal"
SIMILAR = {BUDI: "Transkrip nilai belum terbit juga, sudah tiga minggu menunggu sejak pengajuan",
           CHRIS: "Transkrip nilai saya belum terbit, sudah tiga minggu menunggu. Please help!"}


def student(desk: Desk, who: int) -> Any:
    return desk.user(who, NAMES[who], LANG[who])


async def make_desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    for who in (OFFICER, OFFICER2):
        await desk.say(desk.user(who, NAMES[who]), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {who} officer")
    for who in (ANA, BUDI, CHRIS):
        await desk.say(student(desk, who), "/start")
    return desk


async def file_until_offer(desk: Desk, who: int, text: str) -> list[dict[str, Any]]:
    user = student(desk, who)
    await desk.say(user, "/new")
    await desk.press(user, "in:kind:complaint")
    await desk.press(user, "in:service:transcript")
    return await desk.payloads(user, text)


async def finish(desk: Desk, who: int) -> list[str]:
    user = student(desk, who)
    await desk.press(user, "in:files:done")
    await desk.press(user, "in:when:yesterday")
    await desk.say(user, "01-11-2026")
    await desk.press(user, "in:q1:portal")
    await desk.press(user, "in:q2:yes")
    await desk.press(user, "in:q3:skip")
    await desk.press(user, "in:anonymity:named")
    _answer, said = await desk.press(user, "in:summary:send")
    return said


async def ticket_of(desk: Desk, who: int) -> TicketRecord:
    async with desk.make_uow() as uow:
        person = await uow.persons.get_by_telegram_id(who)
        assert person is not None
        return (await uow.tickets.list_for_person(person.id))[0]


def buttons(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(text, data) for row in payload.get("buttons") or [] for text, data in row]


def to(payloads: list[dict[str, Any]], chat: int) -> list[str]:
    return [p.get("text", "") for p in payloads if p.get("chat_id") == chat]


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    return await make_desk(new_uow)


async def three_in_a_case(desk: Desk) -> tuple[TicketRecord, TicketRecord, TicketRecord]:
    said = await file_until_offer(desk, ANA, FIRST)
    assert not any(b for p in said for b in buttons(p) if b[1].startswith("in:case:")), "nothing to offer yet"
    await finish(desk, ANA)
    lead = await ticket_of(desk, ANA)
    for who in (BUDI, CHRIS):
        offer = (await file_until_offer(desk, who, SIMILAR[who]))[-1]
        assert f"in:case:{lead.id}" in [b[1] for b in buttons(offer)]
        await desk.press(student(desk, who), f"in:case:{lead.id}")
        ack = await finish(desk, who)
        assert any("👥" in text for text in ack)
    return await ticket_of(desk, ANA), await ticket_of(desk, BUDI), await ticket_of(desk, CHRIS)


class TestOfferWhileFiling:
    async def test_the_offer_shows_neither_the_first_text_nor_its_name_nor_its_number(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        lead = await ticket_of(desk, ANA)
        offer = (await file_until_offer(desk, CHRIS, SIMILAR[CHRIS]))[-1]
        text = offer["text"]
        assert "1 person reported something similar about Academic transcript" in text
        assert "is yours the same case?" in text
        for private in (FIRST, "menunggu tiga minggu sejak pengajuan di portal", "Ana", "Wijaya", lead.number):
            assert private not in text
        labels = [b[0] for b in buttons(offer)]
        assert "✅ Yes, this is my case" in labels and "No, mine is different" in labels

    async def test_the_case_summary_staff_wrote_is_what_is_shown(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        lead = await ticket_of(desk, ANA)
        said = await desk.say(desk.user(OFFICER, NAMES[OFFICER]), f"/case summary {lead.number} Transcripts "
                                                                   "requested in November are late")
        assert any("Transcripts requested in November are late" in s for s in said)
        offer = (await file_until_offer(desk, CHRIS, SIMILAR[CHRIS]))[-1]
        assert "Transcripts requested in November are late" in offer["text"]

    async def test_a_different_complaint_is_offered_nothing(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        said = await file_until_offer(desk, CHRIS, "The counter clerk was rude when I asked about my grades")
        assert not any(b for p in said for b in buttons(p) if b[1].startswith("in:case:"))

    async def test_no_mine_is_different_files_it_on_its_own(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        await file_until_offer(desk, CHRIS, SIMILAR[CHRIS])
        await desk.press(student(desk, CHRIS), "in:case:no")
        await finish(desk, CHRIS)
        mine = await ticket_of(desk, CHRIS)
        assert mine.case_id is None and mine.due_step == "confirm"


class TestJoiningAndFollowing:
    async def test_members_follow_the_lead_and_every_complainant_is_told_in_their_language(self,
                                                                                         desk: Desk) -> None:
        lead, budi, chris = await three_in_a_case(desk)
        assert budi.case_id == chris.case_id == lead.case_id is not None
        assert budi.due_step is None and chris.due_on is None and budi.number != lead.number
        assert budi.description == SIMILAR[BUDI]  # each keeps their own text
        officer = desk.user(OFFICER, NAMES[OFFICER])
        sent = await desk.payloads(officer, f"/take {lead.number}")
        assert any(budi.number in t and "sedang diperiksa" in t for t in to(sent, BUDI))
        assert any(chris.number in t and "now being checked" in t for t in to(sent, CHRIS))
        sent = await desk.payloads(officer, f"/nonconformity {lead.number}")
        assert any(chris.number in t and "did not follow its procedure" in t for t in to(sent, CHRIS))
        assert any(budi.number in t for t in to(sent, BUDI)) and any(lead.number in t for t in to(sent, ANA))
        async with desk.make_uow() as uow:
            moved = await uow.tickets.by_ids([budi.id, chris.id])
        assert {t.status for t in moved} == {"in_followup"} and {t.due_step for t in moved} == {None}
        assert {t.assigned_to for t in moved} == {lead.assigned_to or moved[0].assigned_to}

    async def test_an_lk_of_the_lead_covers_its_members_and_staff_see_the_count(self, desk: Desk) -> None:
        lead, budi, chris = await three_in_a_case(desk)
        officer = desk.user(OFFICER, NAMES[OFFICER])
        await desk.say(officer, f"/take {lead.number}")
        await desk.say(officer, f"/nonconformity {lead.number}")
        await desk.say(officer, f"/lk new {lead.number}")
        await desk.say(officer, "Transcripts were not issued within three working days.")
        await desk.press(officer, "ld:procedure:service")
        await desk.say(officer, "The signing official was away and no deputy was appointed.")
        await desk.press(officer, "ld:summary:save")
        async with desk.make_uow() as uow:
            lks = await uow.lks.lks_of_ticket(chris.id)
            assert [lk.number for lk in lks] == ["LK-2026-001"]
        shown = "\n".join(await desk.say(officer, "/lk LK-2026-001"))
        assert "Complainants: 3 (incl. 2 “me too”)" in shown and budi.number not in shown
        form = next(p for p in await desk.payloads(officer, "/lk pdf LK-2026-001 en") if p["op"] == "send_file")
        pages = PdfReader(io.BytesIO(desk.deps.archive.get(form["sha256"]))).pages
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
        # the third walk: "Complainants Complainants: 3 …", and "complaint" alone on the "me too" tickets
        assert "3 (incl. 2" in text and "Complainants: 3" not in text and text.count("same case") == 2, text
        shown = "\n".join(await desk.say(officer, f"/show {lead.number}"))
        assert budi.number in shown and chris.number in shown and "Me too: 2 joined" in shown
        inbox = "\n".join(await desk.say(officer, "/inbox metoo"))
        assert "👥 2 me too" in inbox and budi.number not in inbox

    async def test_the_group_card_is_the_leads_only_with_the_count(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        lead = await ticket_of(desk, ANA)
        await file_until_offer(desk, CHRIS, SIMILAR[CHRIS])
        await desk.press(student(desk, CHRIS), f"in:case:{lead.id}")
        user = student(desk, CHRIS)
        for step in ("in:files:done", "in:when:yesterday"):
            await desk.press(user, step)
        await desk.say(user, "01-11-2026")
        for step in ("in:q1:portal", "in:q2:yes", "in:q3:skip", "in:anonymity:named"):
            await desk.press(user, step)
        _answer, sent = await desk.press_payloads(user, "in:summary:send")
        cards = [p for p in sent if p.get("chat_id") == STAFF_GROUP]
        assert len(cards) == 1 and lead.number in cards[0]["text"]
        assert "👥 1 ikut melapor" in cards[0]["text"]  # the group reads the default language

    async def test_a_member_reopening_alone_leaves_the_case_and_drags_nobody(self, desk: Desk) -> None:
        lead, budi, chris = await three_in_a_case(desk)
        officer = desk.user(OFFICER, NAMES[OFFICER])
        await desk.say(officer, f"/take {lead.number}")
        await desk.say(officer, f"/conforming {lead.number} The transcript office followed its procedure.")
        await desk.press(student(desk, CHRIS), f"rate:{chris.id}:1")
        async with desk.make_uow() as uow:
            after = {t.id: t for t in await uow.tickets.by_ids([lead.id, budi.id, chris.id])}
        assert after[chris.id].status == "reopened" and after[chris.id].case_id is None
        assert after[chris.id].due_step == "confirm"
        assert after[lead.id].status == after[budi.id].status == "conforming"
        assert after[budi.id].case_id == lead.case_id


    async def test_a_lead_withdrawing_hands_the_case_to_its_oldest_member(self, desk: Desk) -> None:
        lead, budi, chris = await three_in_a_case(desk)
        await desk.say(desk.user(OFFICER, NAMES[OFFICER]), f"/take {lead.number}")
        await desk.press_payloads(student(desk, ANA), f"cv:wd:{lead.id}")
        sent = await desk.payloads(student(desk, ANA), "Transkrip saya sudah terbit hari ini.")
        async with desk.make_uow() as uow:
            after = {t.id: t for t in await uow.tickets.by_ids([lead.id, budi.id, chris.id])}
            case = await uow.cases.get(budi.case_id or 0)
        assert after[lead.id].status == "withdrawn" and after[lead.id].case_id is None
        assert case is not None and case.lead_ticket_id == budi.id and case.size == 2
        assert after[budi.id].status == after[chris.id].status == "confirming"  # not dragged along
        assert after[budi.id].due_step == "confirm" and after[chris.id].due_step is None
        cards = [p for p in sent if p.get("chat_id") == STAFF_GROUP]
        assert any(budi.number in c["text"] and "👥 1" in c["text"] for c in cards)


class TestOfficerCommands:
    async def test_attach_detach_and_their_refusals(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        await file_until_offer(desk, CHRIS, SIMILAR[CHRIS])
        await desk.press(student(desk, CHRIS), "in:case:no")
        await finish(desk, CHRIS)
        lead, chris = await ticket_of(desk, ANA), await ticket_of(desk, CHRIS)
        officer = desk.user(OFFICER, NAMES[OFFICER])
        said = "\n".join(await desk.say(officer, f"/case attach {chris.number} {chris.number}"))
        assert "cannot join its own case" in said
        said = "\n".join(await desk.say(officer, f"/case attach KEL-2026-09999 {lead.number}"))
        assert "There is no ticket KEL-2026-09999" in said
        sent = await desk.payloads(officer, f"/case attach {chris.number} {lead.number}")
        assert any("now follows a case other people reported too" in t for t in to(sent, CHRIS))
        assert any(f"follows the case of {lead.number}" in t for t in to(sent, OFFICER))
        said = "\n".join(await desk.say(officer, f"/case attach {chris.number} {lead.number}"))
        assert "already follows the case" in said
        said = "\n".join(await desk.say(officer, f"/case detach {lead.number}"))
        assert "leads its case" in said
        sent = await desk.payloads(officer, f"/case detach {chris.number}")
        assert any("handled on its own" in t for t in to(sent, CHRIS))
        chris = await ticket_of(desk, CHRIS)
        assert chris.case_id is None and chris.due_step == "confirm"

    async def test_another_service_and_a_concluded_ticket_are_refused(self, desk: Desk) -> None:
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        lead = await ticket_of(desk, ANA)
        async with desk.make_uow() as uow:
            person = await uow.persons.get_by_telegram_id(CHRIS)
            assert person is not None
            other = await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "legalisation", None,
                                                    "Legalisir ijazah lama sekali", None, {}, (), False,
                                                    "received", NOW))
            done = await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "transcript", None,
                                                   "Transkrip lama sekali", None, {}, (), False, "closed", NOW))
            await uow.commit()
        officer = desk.user(OFFICER, NAMES[OFFICER])
        assert "another service" in "\n".join(await desk.say(officer, f"/case attach {other.number} {lead.number}"))
        assert "concluded" in "\n".join(await desk.say(officer, f"/case attach {done.number} {lead.number}"))


async def test_following_takes_the_same_statements_for_3_and_60_members(new_uow: Callable[[], SqlUnitOfWork],
                                                                      engine: AsyncEngine) -> None:
    """Set-based: moving a case's members is a fixed number of statements, whatever their number."""
    counts = []
    for size in (3, 60):
        async with new_uow() as uow:
            person = await uow.persons.add_offline(f"P{size}", None)
            tickets = [await uow.tickets.add(NewTicket("complaint", "letter", person.id, "transcript", None,
                                                       f"text {i}", None, {}, (), False, "received", NOW))
                       for i in range(size + 1)]
            case = await uow.cases.start(tickets[0], NOW)
            for member in tickets[1:]:
                await uow.cases.join(member.id, case.id, NOW)
            await uow.commit()
        statements: list[str] = []

        def seen(conn: object, cursor: object, statement: str, *args: object,
                 statements: list[str] = statements) -> None:
            statements.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        try:
            async with new_uow() as uow:
                moved = await uow.cases.follow(case.id, tickets[0].id, "confirming", actor_person_id=None,
                                               at=NOW + timedelta(minutes=1), code="taken", params={"officer": 1})
                await uow.commit()
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", seen)
        assert len(moved) == size
        counts.append(len([s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))]))
        async with new_uow() as uow:
            events = await uow.tickets.events(tickets[-1].id)
            assert events[-1].code == "taken" and events[-1].to_status == "confirming"
            assert (await uow.tickets.get(tickets[-1].id)).status == "confirming"  # type: ignore[union-attr]
    assert counts[0] == counts[1]
