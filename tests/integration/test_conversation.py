"""A case as a conversation (issue 11 §1): the complainant answers the officer and adds to the case, a message
written outside any dialog is never lost, a ticket is withdrawn with a reason, and the comment given with a rating
reaches the officer, /show and the LK. Driven through ``process_update`` on a real database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.events import FileRef
from handlers.i18n import Translator
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

en, idn = Translator().gettext("en"), Translator().gettext("id")
ADMIN, OFFICER, STUDENT = 9001, 9002, 5001


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork], clock: Clock) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}), clock=clock)
    await desk.say(desk.user(OFFICER, "Olivia", "id"), "/start")
    await desk.say(desk.user(ADMIN), f"/staff add {OFFICER} petugas")
    await desk.say(desk.user(STUDENT, "Siti Rahma"), "/start")
    return desk


async def add_ticket(new_uow: Callable[[], SqlUnitOfWork], status: str = "received", *, telegram_id: int = STUDENT,
                     kind: str = "complaint", answers: dict[str, str] | None = None) -> int:
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(telegram_id)
        assert student is not None
        ticket = await uow.tickets.add(NewTicket(kind, "telegram", student.id, "transcript", None,
                                                 "Transkrip saya belum terbit.", None, answers or {}, (), False,
                                                 status, NOW))
        await uow.commit()
        return ticket.id


def to(payloads: list[dict[str, Any]], chat: int) -> list[str]:
    return [p.get("text") or p.get("caption") or "" for p in payloads if p["chat_id"] == chat]


def buttons(payloads: list[dict[str, Any]], chat: int) -> list[str]:
    return [data for p in payloads if p["chat_id"] == chat for row in p.get("buttons") or [] for _t, data in row]


class TestAnsweringTheOfficer:
    async def test_after_an_officers_message_the_answer_goes_to_the_ticket_and_the_officer_reads_it_at_once(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        ticket_id = await add_ticket(new_uow)
        officer, student = desk.user(OFFICER, "Olivia", "id"), desk.user(STUDENT, "Siti Rahma")
        await desk.say(officer, "/take KEL-2026-00001")
        asked = await desk.payloads(officer, "/reply KEL-2026-00001 Mohon kirim nomor pembayaran Anda.")
        assert f"cv:add:{ticket_id}" in buttons(asked, STUDENT)  # the notice's own "Reply / add information"

        answered = await desk.payloads(student, "Nomor pembayarannya 12345")
        assert en("✅ Added to {number} and passed to {who}. What you send in the next {minutes} minutes is added "
                  "too; /cancel to stop.").format(number="KEL-2026-00001", who=en("the officer handling it"),
                                                  minutes=30) in to(answered, STUDENT)
        told = to(answered, OFFICER)
        assert idn("💬 {who} wrote about {number}:").format(who="Siti Rahma", number="KEL-2026-00001") in told[0]
        assert "Nomor pembayarannya 12345" in told[0]
        assert f"tk:reply:{ticket_id}" in buttons(answered, OFFICER)

        photo = FileRef("photo-receipt", "photo")
        more = await desk.payloads(student, "Ini foto kuitansinya", file=photo)  # still the same case: added too
        assert [p["op"] for p in more if p["chat_id"] == OFFICER] == ["send", "send_file"]

        shown = (await desk.say(officer, "/show KEL-2026-00001"))[0]
        assert "Nomor pembayarannya 12345" in shown and "Ini foto kuitansinya" in shown
        assert idn("(added by the complainant)") in shown
        again = (await desk.say(officer, "/show KEL-2026-00001"))[0]  # read once: no longer marked unread
        assert idn("💬 The complainant wrote; not read yet.") not in again

    async def test_the_reply_button_on_status_adds_a_pdf_and_an_unassigned_ticket_goes_to_the_staff_group(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        ticket_id = await add_ticket(new_uow)
        student = desk.user(STUDENT, "Siti Rahma")
        status = await desk.payloads(student, "/status KEL-2026-00001")
        assert {f"cv:add:{ticket_id}", f"cv:wd:{ticket_id}"} <= set(buttons(status, STUDENT))
        _answer, asked = await desk.press_payloads(student, f"cv:add:{ticket_id}")
        assert en("Write what you want to add to {subject}: a message, a photo or a PDF. The officer handling it is "
                  "told at once.").format(subject="KEL-2026-00001") in to(asked, STUDENT)[0]
        pdf = FileRef("pdf-letter", "document", "surat.pdf", "application/pdf")
        added = await desk.payloads(student, "Surat pengantar dari fakultas", file=pdf)
        group = to(added, STAFF_GROUP)
        assert len(group) == 1 and "Surat pengantar dari fakultas" in group[0]
        assert f"tk:take:{ticket_id}" in buttons(added, STAFF_GROUP)

    async def test_with_several_open_tickets_a_loose_message_waits_until_the_student_says_where(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        first, second = await add_ticket(new_uow), await add_ticket(new_uow)
        student = desk.user(STUDENT, "Siti Rahma")
        held = await desk.payloads(student, "Saya sudah mengirim ulang formulirnya kemarin.")
        assert en("Is this about one of your open tickets? Choose where it belongs; nothing is sent until you "
                  "do.") in to(held, STUDENT)
        assert {f"cv:to:{first}", f"cv:to:{second}", "cv:new", "cv:drop"} <= set(buttons(held, STUDENT))
        _answer, placed = await desk.press_payloads(student, f"cv:to:{second}")
        assert any("KEL-2026-00002" in text for text in to(placed, STUDENT))
        async with desk.make_uow() as uow:
            events = await uow.tickets.events(second)
            assert events[-1].params["text"] == "Saya sudah mengirim ulang formulirnya kemarin."
            assert all(e.code != "complainant_message" for e in await uow.tickets.events(first))

    async def test_with_a_protected_ticket_among_several_each_message_is_asked_about(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine) -> None:
        """The third walk: an answer meant for the anonymous ticket went to the confidential one, the focus of the
        previous 30 minutes, tying the two together for every staff member."""
        confidential, anonymous = await add_ticket(new_uow), await add_ticket(new_uow)
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE ticket SET identity_level = 'anonymous' WHERE id = :id"),
                                     {"id": anonymous})
            await connection.execute(text("UPDATE ticket SET identity_level = 'confidential' WHERE id = :id"),
                                     {"id": confidential})
        student = desk.user(STUDENT, "Siti Rahma")
        await desk.payloads(student, "Ijazah saya sudah saya legalisir ulang.")
        _answer, placed = await desk.press_payloads(student, f"cv:to:{confidential}")
        assert en("✅ Added to {number} and passed to {who}. You have other open tickets, so I will ask where your "
                  "next message belongs.").format(number="KEL-2026-00001", who=en("the staff")) in to(placed, STUDENT)
        asked = await desk.payloads(student, "KTM lama sudah saya serahkan.")
        assert {f"cv:to:{confidential}", f"cv:to:{anonymous}"} <= set(buttons(asked, STUDENT))
        async with desk.make_uow() as uow:
            said = [e.params.get("text") for e in await uow.tickets.events(confidential)]
        assert "KTM lama sudah saya serahkan." not in said

    async def test_someone_elses_reply_button_reveals_nothing(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        ticket_id = await add_ticket(new_uow)
        stranger = desk.user(5099, "Orang Lain")
        await desk.say(stranger, "/start")
        answer, _told = await desk.press_payloads(stranger, f"cv:add:{ticket_id}")
        unknown, _told = await desk.press_payloads(stranger, "cv:add:999999")
        assert answer == unknown == en("This button is no longer active.")


class TestWithdrawing:
    async def test_a_withdrawal_needs_a_reason_and_is_recorded_and_shown_to_the_officer(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        ticket_id = await add_ticket(new_uow)
        officer, student = desk.user(OFFICER, "Olivia", "id"), desk.user(STUDENT, "Siti Rahma")
        await desk.say(officer, "/take KEL-2026-00001")
        await desk.press_payloads(student, f"cv:wd:{ticket_id}")
        refused = await desk.say(student, "ok")
        assert refused == [en("Please write at least {n} characters.").format(n=5)]
        done = await desk.payloads(student, "Transkripnya sudah terbit hari ini.")
        assert en("{number} is withdrawn. Thank you for letting us know; /new files a new report any time.").format(
            number="KEL-2026-00001") in to(done, STUDENT)
        reason = "Transkripnya sudah terbit hari ini."
        assert idn("↩ {who} withdrew {number}.\nReason: {reason}").format(
            who="Siti Rahma", number="KEL-2026-00001", reason=reason) in to(done, OFFICER)
        shown = (await desk.say(officer, "/show KEL-2026-00001"))[0]
        assert idn("withdrawn by the complainant: {reason}").format(reason="Transkripnya sudah terbit hari ini.") \
            in shown
        again = (await desk.say(student, "/status KEL-2026-00001"))[0]
        assert en("Status: {status}").format(status=en("withdrawn")) in again
        assert en("withdrawn by you: {reason}").format(reason="Transkripnya sudah terbit hari ini.") in again


class TestRatingComment:
    async def test_a_low_ratings_alert_carries_the_comment_which_shows_in_show_and_the_lk(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        ticket_id = await add_ticket(new_uow, "conforming")
        officer, student = desk.user(OFFICER, "Olivia", "id"), desk.user(STUDENT, "Siti Rahma")
        async with desk.make_uow() as uow:
            person = await uow.persons.get_by_telegram_id(OFFICER)
            assert person is not None
            await uow.tickets.update(ticket_id, assigned_to=person.id)
            await uow.commit()
        _answer, rated = await desk.press_payloads(student, f"rate:{ticket_id}:2")
        assert to(rated, OFFICER) == []  # the alert waits for the comment
        commented = await desk.payloads(student, "Petugas tidak membaca lampiran saya.")
        alert = to(commented, OFFICER)
        assert len(alert) == 1 and "Petugas tidak membaca lampiran saya." in alert[0]
        assert idn("⚠️ {number} was reopened: the complainant rated the outcome {score}/5.").format(
            number="KEL-2026-00001", score=2) in alert[0]
        shown = (await desk.say(officer, "/show KEL-2026-00001"))[0]
        assert idn("Comment: {text}").format(text="Petugas tidak membaca lampiran saya.") in shown
        assert await desk.deliver_due() == []  # the scheduled alert without a comment was cancelled

    async def test_without_a_comment_the_alert_goes_after_ten_minutes(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], clock: Clock) -> None:
        ticket_id = await add_ticket(new_uow, "resolved")
        async with desk.make_uow() as uow:
            person = await uow.persons.get_by_telegram_id(OFFICER)
            assert person is not None
            await uow.tickets.update(ticket_id, assigned_to=person.id)
            await uow.commit()
        await desk.press_payloads(desk.user(STUDENT, "Siti Rahma"), f"rate:{ticket_id}:1")
        assert await desk.deliver_due() == []
        clock.now = NOW + timedelta(minutes=11)
        late = await desk.deliver_due()
        assert [p["chat_id"] for p in late] == [OFFICER]
        assert idn("⚠️ {number} was reopened: the complainant rated the outcome {score}/5.").format(
            number="KEL-2026-00001", score=1) == late[0]["text"]


class TestTypingWithoutNew:
    async def test_a_problem_typed_without_new_is_offered_and_becomes_the_description(self, desk: Desk) -> None:
        newcomer = desk.user(5050, "Budi", "id")
        await desk.say(newcomer, "/start")
        typed = "KTM saya hilang dan pengajuan gantinya belum diproses sejak sebulan."
        offered = await desk.payloads(newcomer, typed)
        assert idn("Shall I file this as a complaint or a suggestion? What you wrote becomes its description, and "
                   "I ask the rest.") in to(offered, 5050)
        _answer, started = await desk.press_payloads(newcomer, "cv:new")
        assert idn("To file what you wrote, answer a few questions; it is kept as the description (✖ Cancel "
                   "discards it).") in to(started, 5050)[0]
        async with desk.make_uow() as uow:
            record = await uow.dialogs.get(5050)
            assert record is not None and record.dialog == "intake" and record.data["description"] == typed

    async def test_a_greeting_is_not_held_but_answered_with_the_menu(self, desk: Desk) -> None:
        newcomer = desk.user(5051, "Ani", "en")
        await desk.say(newcomer, "/start")
        said = await desk.payloads(newcomer, "halo")
        assert to(said, 5051) == [en("To file a complaint or a suggestion, use /new. /help lists what I can do.")]
        async with desk.make_uow() as uow:
            assert await uow.dialogs.get(5051) is None

    async def test_a_photo_sent_without_new_is_kept_when_filed(self, desk: Desk) -> None:
        newcomer = desk.user(5052, "Rina", "en")
        await desk.say(newcomer, "/start")
        await desk.payloads(newcomer, "", file=FileRef("photo-x", "photo"))
        await desk.press_payloads(newcomer, "cv:new")
        async with desk.make_uow() as uow:
            record = await uow.dialogs.get(5052)
            assert record is not None and [f["file_id"] for f in record.data["files"]] == ["photo-x"]

    async def test_a_held_message_can_be_dropped(self, desk: Desk) -> None:
        newcomer = desk.user(5053, "Dodi", "en")
        await desk.say(newcomer, "/start")
        await desk.say(newcomer, "The library card machine is broken again today.")
        _answer, dropped = await desk.press_payloads(newcomer, "cv:drop")
        assert to(dropped, 5053) == [en("OK, I did not send it.")]
        async with desk.make_uow() as uow:
            assert await uow.dialogs.get(5053) is None
