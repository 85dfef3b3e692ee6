"""The rights of issue 15 §2 on a real database: /mydata gives a person all of their own data and nothing of
anyone else's (the other complainant of their "me too" case, the staff), recorded as an access request and an audit
row; /correct fixes the name or contact and the next update's Telegram name does not undo it; the privacy notice's
version is recorded and a changed notice is shown once more."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from domain.vocabulary import AuditKind
from handlers.events import ButtonPress, InboundUpdate, IncomingMessage
from handlers.export_jobs import run_pending
from handlers.i18n import Translator
from handlers.privacy import notice as privacy
from handlers.processing import process_update
from storage.records import PersonRecord, TicketRecord
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk
from tests.integration.test_metoo import (
    ANA,
    BUDI,
    FIRST,
    NAMES,
    OFFICER,
    SIMILAR,
    file_until_offer,
    finish,
    make_desk,
    student,
    ticket_of,
)
from tests.privacy_scan import file_text, identity_needles, scan_bytes

T = Translator()
en, idn = T.gettext("en"), T.gettext("id")
ANA_WROTE = "Nomor pembayaran saya 778899 untuk transkrip"
ANA_COMMENT = "Terima kasih, penjelasannya jelas sekali"
BUDI_COMMENT = "Budi kecewa sekali dengan layanannya"
OFFICER_SAYS = "Mohon kirim nomor pembayaran Anda."


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    return await make_desk(new_uow)


async def person(desk: Desk, telegram_id: int) -> PersonRecord:
    async with desk.make_uow() as uow:
        found = await uow.persons.get_by_telegram_id(telegram_id)
        assert found is not None
        return found


async def two_in_a_case(desk: Desk) -> tuple[TicketRecord, TicketRecord]:
    """Ana files, Budi joins her case; the officer asks Ana something, she answers, the officer concludes, both
    rate with a comment (Budi's 2 reopens his ticket, which then leaves the case)."""
    await file_until_offer(desk, ANA, FIRST)
    await finish(desk, ANA)
    lead = await ticket_of(desk, ANA)
    await file_until_offer(desk, BUDI, SIMILAR[BUDI])
    await desk.press(student(desk, BUDI), f"in:case:{lead.id}")
    await finish(desk, BUDI)
    member = await ticket_of(desk, BUDI)
    assert member.case_id is not None  # the scene is what we meant: one case
    officer = desk.user(OFFICER, NAMES[OFFICER])
    await desk.say(officer, f"/take {lead.number}")
    await desk.say(officer, f"/reply {lead.number} {OFFICER_SAYS}")
    await desk.say(student(desk, ANA), ANA_WROTE)
    await desk.say(student(desk, ANA), "/cancel")  # the focus on the ticket ends
    await desk.say(officer, f"/conforming {lead.number} Layanan sudah berjalan sesuai prosedurnya.")
    for who, ticket, score, comment in ((ANA, lead, 5, ANA_COMMENT), (BUDI, member, 2, BUDI_COMMENT)):
        await desk.press(student(desk, who), f"rate:{ticket.id}:{score}")
        await desk.say(student(desk, who), comment)
    return await ticket_of(desk, ANA), await ticket_of(desk, BUDI)


async def my_data(desk: Desk, who: int) -> tuple[list[str], dict[str, bytes]]:
    """/mydata, then the job as the export runner runs it: what the person read, and the files by name."""
    said = await desk.say(student(desk, who), "/mydata")
    assert await run_pending(desk.make_uow, desk.deps) == 1
    async with desk.make_uow() as uow:
        queued = [item.payload for item in await uow.outbox.due(desk.deps.clock().replace(year=2100), limit=1000)
                  if item.payload.get("chat_id") == who]
    files = {p["file_name"]: desk.deps.archive.get(p["sha256"]) for p in queued if p["op"] == "send_file"}
    return said + [str(p.get("text") or p.get("caption") or "") for p in queued], files


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class TestMyData:
    async def test_a_copy_holds_all_of_the_persons_data_and_nothing_of_the_other_complainant_or_the_staff(
            self, desk: Desk) -> None:
        lead, member = await two_in_a_case(desk)
        assert member.rating_comment == BUDI_COMMENT  # (rated 2: reopened, it left the case)
        _said, files = await my_data(desk, ANA)
        assert sorted(name.rsplit(".", 1)[1] for name in files) == ["json", "pdf"]
        data = next(b for n, b in files.items() if n.endswith(".json"))
        pdf = next(b for n, b in files.items() if n.endswith(".pdf"))
        others = [*identity_needles(name=NAMES[BUDI], telegram_id=BUDI), SIMILAR[BUDI], BUDI_COMMENT, member.number,
                  NAMES[OFFICER], "Omar"]
        assert scan_bytes(data, others, "json") == []
        assert scan_bytes(pdf, others, "pdf") == []
        copy = json.loads(data.decode("utf-8"))
        assert copy["schema"] == "tanggap.mydata/1" and copy["profile"]["name"] == NAMES[ANA]
        assert [t["number"] for t in copy["tickets"]] == [lead.number]
        ticket = copy["tickets"][0]
        assert ticket["description"] == FIRST and ticket["rating"] == 5 and ticket["rating_comment"] == ANA_COMMENT
        assert {"direction": "from_you", "text": ANA_WROTE} in [
            {k: m[k] for k in ("direction", "text")} for m in ticket["messages"]]
        assert any(m["direction"] == "to_you" and m["text"] == OFFICER_SAYS for m in ticket["messages"])
        # the answer sent with the verdict is a message to them too (the walk: the LK's closing one was in no copy)
        assert any(m["direction"] == "to_you" and m["text"] == "Layanan sudah berjalan sesuai prosedurnya."
                   for m in ticket["messages"])
        assert ticket["history"] and all("officer" not in h for h in ticket["history"])
        text = flat(file_text(pdf))
        for mine in (lead.number, NAMES[ANA], ANA_WROTE, ANA_COMMENT, "778899"):
            assert mine in text, mine

    async def test_the_member_of_a_case_gets_nothing_of_the_lead_complainant(self, desk: Desk) -> None:
        lead, member = await two_in_a_case(desk)
        _said, files = await my_data(desk, BUDI)
        ana = [*identity_needles(name=NAMES[ANA], telegram_id=ANA), FIRST, ANA_WROTE, ANA_COMMENT, lead.number,
               NAMES[OFFICER]]
        for name, body in files.items():
            assert scan_bytes(body, ana, name) == []
        copy = json.loads(next(b for n, b in files.items() if n.endswith(".json")))
        assert [t["number"] for t in copy["tickets"]] == [member.number]
        assert copy["tickets"][0]["rating_comment"] == BUDI_COMMENT

    async def test_the_request_is_registered_done_with_an_audit_row_and_files_named_for_erasure(
            self, desk: Desk) -> None:
        said, files = await my_data(desk, ANA)
        assert any("PDP-2026-0001" in s for s in said)
        me = await person(desk, ANA)
        async with desk.make_uow() as uow:
            (request,) = await uow.data_requests.listed(person_id=me.id)
            audit = await uow.audit.listed(kinds=[AuditKind.MYDATA])
        assert (request.kind, request.status, request.number) == ("access", "done", "PDP-2026-0001")
        assert len(request.detail["files"]) == 2
        assert [(a.actor_id, a.subject_id) for a in audit] == [(me.id, me.id)]
        assert NAMES[ANA] not in json.dumps(audit[0].detail)
        copy = json.loads(next(b for n, b in files.items() if n.endswith(".json")))
        assert copy["requests"][0]["status"] == "done"  # the copy answers it

    async def test_asking_again_while_it_is_prepared_queues_nothing_more(self, desk: Desk) -> None:
        first = await desk.say(student(desk, ANA), "/mydata")
        again = await desk.say(student(desk, ANA), "/mydata")
        assert idn("Your copy is already being prepared: the two files arrive here in a moment.") in again
        assert first != again
        assert await run_pending(desk.make_uow, desk.deps) == 1

    async def test_two_at_the_same_moment_record_one_request_and_one_job(self, desk: Desk) -> None:
        """Review #13 of the last session: on PostgreSQL a double /mydata recorded two requests (both read "no job
        yet" before either wrote one); the person's row is now locked first."""
        who = student(desk, ANA)
        await desk.say(who, "/start")
        twice = [InboundUpdate(950_000 + n, IncomingMessage(ANA, who, 950_000 + n, "/mydata")) for n in range(2)]
        await asyncio.gather(*(process_update(u, desk.make_uow, desk.deps) for u in twice))
        async with desk.make_uow() as uow:
            anna = await uow.persons.get_by_telegram_id(ANA)
            assert anna is not None
            requests = await uow.data_requests.listed(person_id=anna.id)
            jobs = [j for j in await uow.register.unfinished_jobs() if j.requested_by == anna.id]
        assert len(requests) == 1 and len(jobs) == 1


class TestCorrect:
    async def test_a_corrected_name_survives_the_next_update_and_the_staff_read_it(self, desk: Desk) -> None:
        ana = student(desk, ANA)
        await desk.say(ana, "/correct")
        asked = (await desk.press(ana, "cr:f:name"))[1]
        assert idn("Write your name as it should appear on your tickets.") in asked[0]
        confirm = await desk.payloads(ana, "  Ana   Wijayanti ")
        data = [d for p in confirm for row in p.get("buttons") or [] for _t, d in row if d.startswith("cr:ok:")]
        assert len(data) == 1
        _answer, done = await desk.press(ana, data[0])
        assert any("Ana Wijayanti" in s and "PDP-2026-0001" in s for s in done)
        await desk.say(ana, "/my")  # the next update carries the Telegram name "Ana Wijaya" again
        me = await person(desk, ANA)
        assert me.name == "Ana Wijayanti" and me.name_corrected_at is not None
        async with desk.make_uow() as uow:
            (request,) = await uow.data_requests.listed(person_id=me.id)
            (audit,) = await uow.audit.listed(kinds=[AuditKind.CORRECT])
        assert (request.kind, request.status, request.detail) == ("correction", "done", {"fields": ["name"]})
        assert audit.detail["fields"] == ["name"] and "Wijayanti" not in json.dumps(audit.detail)

    async def test_a_correction_edits_the_group_cards_of_named_tickets_only(self, desk: Desk) -> None:
        """Third walk: after /correct both cards of one student (a confidential and an anonymous ticket) were edited
        at the same moment, telling the group they were one person's; they show no name, so they are left."""
        from storage.records import NewTicket
        from tests.integration.desk import NOW, STAFF_GROUP

        async with desk.make_uow() as uow:  # three open tickets of hers, each with a card in the group
            me = await uow.persons.ensure_telegram(ANA, NAMES[ANA])
            made = {}
            for level in ("named", "confidential", "anonymous"):
                t = await uow.tickets.add(NewTicket("complaint", "telegram", me.id, "transcript", None,
                                                    "Transkrip belum terbit.", None, {}, (), False, "received", NOW,
                                                    identity_level=level))
                await uow.tickets.update(t.id, card_message_id=500 + t.id)
                made[level] = t.id
            await uow.commit()
        ana = student(desk, ANA)
        await desk.say(ana, "/correct")
        await desk.press(ana, "cr:f:name")
        confirm = await desk.payloads(ana, "Ana Wijayanti")
        data = next(d for p in confirm for row in p.get("buttons") or [] for _t, d in row if d.startswith("cr:ok:"))
        _answer, done = await desk.press_payloads(ana, data)
        assert [p.get("ticket_id") for p in done if p["chat_id"] == STAFF_GROUP] == [made["named"]]

    async def test_a_confirm_pressed_twice_at_once_records_one_correction(self, desk: Desk) -> None:
        ana = student(desk, ANA)
        await desk.say(ana, "/correct")
        await desk.press(ana, "cr:f:name")
        confirm = await desk.payloads(ana, "Ana Wijayanti")
        [data] = [d for p in confirm for row in p.get("buttons") or [] for _t, d in row if d.startswith("cr:ok:")]
        twice = [InboundUpdate(960_000 + n, ButtonPress(ANA, ana, f"twice{n}", data, 1)) for n in range(2)]
        await asyncio.gather(*(process_update(u, desk.make_uow, desk.deps) for u in twice))
        me = await person(desk, ANA)
        async with desk.make_uow() as uow:
            assert len(await uow.data_requests.listed(person_id=me.id)) == 1
            assert len(await uow.audit.listed(kinds=[AuditKind.CORRECT])) == 1

    async def test_a_corrected_contact_is_kept_but_staff_views_do_not_show_it(self, desk: Desk) -> None:
        """Staff reach a Telegram user through the bot; a named ticket's card is read by the whole group (review)."""
        await file_until_offer(desk, ANA, FIRST)
        await finish(desk, ANA)
        ticket = await ticket_of(desk, ANA)
        ana = student(desk, ANA)
        await desk.press(ana, "cr:f:contact")
        refused = await desk.say(ana, "not a contact")
        assert idn("That does not look like a phone number or an e-mail address. Write it again (for example 0812 "
                   "3456 7890 or nama@example.com), or /cancel.") in refused
        confirm = await desk.payloads(ana, "ana.w@example.ac.id")
        (data,) = [d for p in confirm for row in p.get("buttons") or [] for _t, d in row if d.startswith("cr:ok:")]
        await desk.press(ana, data)
        shown = (await desk.say(desk.user(OFFICER, NAMES[OFFICER]), f"/show {ticket.number}"))[0]
        assert "ana.w@example.ac.id" not in shown and ticket.number in shown
        async with desk.make_uow() as uow:
            kept = await uow.persons.get_by_telegram_id(ANA)
        assert kept is not None and kept.contact == "ana.w@example.ac.id"

    async def test_a_forged_stale_or_foreign_confirm_button_changes_nothing(self, desk: Desk) -> None:
        ana, budi = student(desk, ANA), student(desk, BUDI)
        await desk.press(ana, "cr:f:name")
        first = await desk.payloads(ana, "Ana Pertama")
        (old,) = [d for p in first for row in p.get("buttons") or [] for _t, d in row if d.startswith("cr:ok:")]
        await desk.payloads(ana, "Ana Kedua")  # a new value typed instead of pressing: asked to confirm that one
        answer, _said = await desk.press(ana, old)
        assert answer == idn("This button was for an earlier value: press the newest one.")
        answer, _said = await desk.press(budi, old)  # someone else's button: nothing of Budi's is waiting
        assert answer == idn("This button is no longer active.")
        answer, _said = await desk.press(ana, "cr:ok:000000000000")
        assert answer is not None
        assert (await person(desk, ANA)).name == NAMES[ANA] and (await person(desk, BUDI)).name == NAMES[BUDI]


class TestNotice:
    async def test_the_first_start_shows_the_notice_and_records_its_version(self, desk: Desk) -> None:
        me = await person(desk, ANA)  # make_desk sent /start
        assert me.notice_version == privacy.NOTICE_VERSION and me.notice_at is not None
        again = await desk.say(student(desk, ANA), "/start")
        assert not any("2026-12" in s for s in again)
        assert any(idn("How we handle your data: /privacy.") in s for s in again)
        shown = await desk.say(student(desk, ANA), "/privacy")
        assert idn("🔒 <b>Privacy notice</b> (version {version})").format(version="2026-12") in shown[0]
        assert "24" in shown[0] and "3×24" in shown[0] and "/mydata" in shown[0]

    async def test_a_changed_notice_is_shown_once_at_the_next_new(self, desk: Desk, monkeypatch: Any) -> None:
        monkeypatch.setattr(privacy, "NOTICE_VERSION", "2027-01")
        first = await desk.say(student(desk, ANA), "/new")
        assert idn("Our privacy notice has changed since you last read it:") in first[0]
        assert "2027-01" in first[0]
        await desk.say(student(desk, ANA), "/cancel")
        second = await desk.say(student(desk, ANA), "/new")
        assert not any("2027-01" in s for s in second)
        assert (await person(desk, ANA)).notice_version == "2027-01"
        started = await desk.say(student(desk, BUDI), "/start")  # Budi too, once, at /start
        assert sum(idn("Our privacy notice has changed since you last read it:") in s for s in started) == 1

    async def test_staff_read_the_notice_with_privacy(self, desk: Desk) -> None:
        shown = await desk.say(desk.user(OFFICER, NAMES[OFFICER]), "/privacy")
        assert en("🔒 <b>Privacy notice</b> (version {version})").format(version=privacy.NOTICE_VERSION) in shown[0]
