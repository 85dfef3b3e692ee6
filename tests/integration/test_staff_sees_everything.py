"""What the staff see (issue 11 §2, §4, §5): the confirmation questions as questions in the reader's language, the
incident date, attachments to open, the history in the reader's language, Indonesian everywhere for Indonesian
staff, nothing posted into a group, and invisible direction controls neutralised."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

import pytest

from handlers.i18n import Translator
from storage.records import Attachment, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

en, idn = Translator().gettext("en"), Translator().gettext("id")
ADMIN, OFFICER, EN_OFFICER, STUDENT = 9001, 9002, 9003, 5001
ANSWERS = {"submitted_on": "2026-11-02", "channel": "portal", "requirements_complete": "yes",
           "staff_response": "Tunggu saja"}


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    await desk.say(desk.user(OFFICER, "Olivia", "id"), "/start")
    await desk.say(desk.user(EN_OFFICER, "Edward", "en"), "/start")
    await desk.say(desk.user(ADMIN), f"/staff add {OFFICER} petugas")
    await desk.say(desk.user(ADMIN), f"/staff add {EN_OFFICER} officer")
    await desk.say(desk.user(STUDENT, "Siti Rahma", "en"), "/start")
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        assert student is not None
        files = (Attachment("photo-1", "photo", None, caption="Layar portal"),
                 Attachment("pdf-1", "document", "bukti.pdf", caption="Bukti bayar", mime_type="application/pdf"))
        await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                        "Transkrip saya belum terbit.", date(2026, 11, 20), ANSWERS, files, False,
                                        "received", NOW))
        await uow.commit()
    return desk


async def test_answers_are_questions_and_answers_in_the_readers_language_with_the_incident_date(desk: Desk) -> None:
    indonesian = (await desk.say(desk.user(OFFICER, "Olivia", "id"), "/show KEL-2026-00001"))[0]
    english = (await desk.say(desk.user(EN_OFFICER, "Edward", "en"), "/show KEL-2026-00001"))[0]
    assert "Kapan Anda mengajukan permohonan transkrip?" in indonesian and "2 November 2026" in indonesian
    assert "Portal akademik (myITS Academics)" in indonesian and idn("Yes") in indonesian
    assert "When did you submit your transcript request?" in english and "Academic portal" in english
    assert "submitted_on" not in indonesian + english and "requirements_complete" not in indonesian + english
    assert idn("Incident date: {date}").format(date="20 November 2026") in indonesian
    assert en("Incident date: {date}").format(date="20 November 2026") in english


async def test_attachments_say_what_they_are_and_open_from_show(desk: Desk) -> None:
    officer = desk.user(EN_OFFICER, "Edward", "en")
    shown = await desk.payloads(officer, "/show KEL-2026-00001")
    text = shown[0]["text"]
    assert "📎 1. " + en("Photo") + " — Layar portal" in text
    assert "📎 2. " + en("PDF") + " “bukti.pdf” — Bukti bayar" in text
    opens = [data for row in shown[0]["buttons"] for _t, data in row if data.startswith("fa:")]
    assert len(opens) == 2 and not any(p["op"] == "send_file" for p in shown)  # sent only when asked
    _answer, sent = await desk.press_payloads(officer, opens[1])
    assert [(p["op"], p["file_id"], p["chat_id"]) for p in sent] == [("send_file", "pdf-1", EN_OFFICER)]
    assert "Bukti bayar" in sent[0]["caption"]


async def test_the_history_is_written_in_each_readers_language(desk: Desk) -> None:
    await desk.say(desk.user(OFFICER, "Olivia", "id"), "/take KEL-2026-00001")
    await desk.say(desk.user(OFFICER, "Olivia", "id"), "/reply KEL-2026-00001 Mohon tunggu dua hari lagi.")
    student = (await desk.say(desk.user(STUDENT, "Siti Rahma", "en"), "/status KEL-2026-00001"))[0]
    assert en("an officer is checking it") in student and idn("an officer is checking it") not in student
    assert en("💬 officer: {text}").format(text="Mohon tunggu dua hari lagi.") in student  # their words as written
    assert "Olivia" not in student  # who handles it inside the bureau is not the complainant's business
    staff = (await desk.say(desk.user(OFFICER, "Olivia", "id"), "/show KEL-2026-00001"))[0]
    assert idn("taken by {officer}").format(officer="Olivia") in staff
    assert idn("💬 to the complainant: {text}").format(text="Mohon tunggu dua hari lagi.") in staff


async def test_indonesian_staff_read_indonesian_roles_usage_and_dates(desk: Desk) -> None:
    officer = desk.user(OFFICER, "Olivia", "id")
    start = (await desk.say(officer, "/start"))[0]
    welcome = idn("Welcome, {name}. You work in <b>Tanggap</b> as: {roles}.").format(name="Olivia",
                                                                                   roles=idn("officer"))
    assert start == welcome + "\n\n" + idn("New tickets appear as cards in the staff group and in your inbox; the "
                                           "steps that wait for you come to this chat with their buttons.") + " " \
        + idn("/help lists your commands.")
    await desk.say(desk.user(9004, "Rudi", "id"), "/start")
    await desk.say(desk.user(ADMIN), "/staff add 9004 reviewer")
    reviewer = (await desk.say(desk.user(9004, "Rudi", "id"), "/start"))[0]  # found in a walk: "your inbox"
    assert "inbox" not in reviewer and idn("The steps that wait for you (checks, approvals, actions, effectiveness "
                                           "checks) come to this chat with their buttons; new tickets appear as cards "
                                           "in the staff group.") in reviewer
    helped = await desk.say(officer, "/help")
    assert escape(idn("/show <number>")) in helped[1] and "number" not in helped[1]
    assert idn("<b>Staff commands</b> (your roles: {roles})").format(roles=idn("officer")) in helped[1]
    monitor = (await desk.say(officer, "/monitor"))[0]
    assert "2026-" not in monitor


async def test_roles_are_accepted_in_both_languages_and_an_unknown_role_is_explained(desk: Desk) -> None:
    admin = desk.user(ADMIN)
    await desk.say(desk.user(7001, "Rudi"), "/start")
    assert en("{who} is now {role}.").format(who="Rudi (7001)", role=en("reviewer")) in \
        (await desk.say(admin, "/staff add 7001 pemeriksa"))[0]
    refused = (await desk.say(admin, "/staff add 7001 bos"))[0]
    assert "bos" in refused and en("reviewer") in refused


async def test_a_staff_command_in_a_group_reveals_nothing_there(desk: Desk) -> None:
    officer = desk.user(OFFICER, "Olivia", "id")
    for command in ("/show KEL-2026-00001", "/inbox", "/staff list", "/monitor", "/lk list", "/search transkrip"):
        for group in (STAFF_GROUP, -100777):
            said = await desk.payloads(officer, command, chat_id=group)
            assert [p["text"] for p in said] == [idn("Please use this in a private chat with me.")], command


async def test_a_show_button_pressed_in_the_staff_group_answers_in_private(desk: Desk) -> None:
    officer = desk.user(OFFICER, "Olivia", "id")
    async with desk.make_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        assert ticket is not None
    answer, sent = await desk.press_payloads(officer, f"sh:{ticket.id}", chat_id=STAFF_GROUP)
    assert answer == idn("I sent it to you in our private chat.")  # a view: nothing to answer
    assert {p["chat_id"] for p in sent} == {OFFICER}
    foreign, sent = await desk.press_payloads(officer, f"tk:take:{ticket.id}", chat_id=-100777)
    assert foreign == idn("Please use this in a private chat with me.") and sent == []


async def test_direction_and_zero_width_controls_are_neutralised_in_staff_views(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    await desk.say(desk.user(5002, "Ev\u202eil\u200b Name"), "/start")
    async with new_uow() as uow:
        person = await uow.persons.get_by_telegram_id(5002)
        assert person is not None
        await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "transcript", None,
                                        "Nomor \u2066KEL-2026-00001\u2069 terbalik\u200f", None, {}, (), False,
                                        "received", NOW))
        await uow.commit()
    shown = (await desk.say(desk.user(OFFICER, "Olivia", "id"), "/show KEL-2026-00002"))[0]
    assert "Evil Name" in shown and "Nomor KEL-2026-00001 terbalik" in shown
    assert not any(ch in shown for ch in "\u202e\u200b\u2066\u2069\u200f")
