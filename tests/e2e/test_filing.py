"""A student files complaints and suggestions through the real bot, over HTTP, against the emulator."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from handlers.privacy.notice import NOTICE_VERSION
from tests.e2e.harness import (
    BotProcess,
    Person,
    Stack,
    count_tickets,
    settle,
    start_bot,
    stop_bot,
    wait_until,
)

pytestmark = pytest.mark.e2e
T = Translator()


def refused_calls(emulator: BotApiEmulator) -> list[object]:
    """Requests Telegram would have refused (4xx): the bot must never send one."""
    return [c for c in emulator.calls if 400 <= c.status < 500 and c.status != 429]


async def file_complaint(student: Person, lang: str, *, photo: bool = True, identity: str = "Show my name") -> str:
    """File a transcript complaint; ``identity``: the identity button's label (English msgid)."""
    _ = T.gettext(lang)
    await student.say("/new")
    await student.press(_("Complaint"))
    await student.press("Penerbitan Transkrip Akademik" if lang == "id" else "Academic transcript")
    if photo:
        replies = await student.photo("Transkrip saya belum terbit padahal sudah dua minggu.")
        if _("No, mine is different") in student.buttons():  # a "me too" offer (an earlier student wrote the same)
            replies = await student.press(_("No, mine is different"))
        assert "1" in replies[-1].text
        await student.press(_("Done"))
    else:
        await student.say("Transkrip saya belum terbit padahal sudah dua minggu.")
        if _("No, mine is different") in student.buttons():
            await student.press(_("No, mine is different"))
        await student.press(_("No attachment"))
    await student.press(_("Yesterday"))
    await student.say("01-10-2026")
    await student.press("Portal akademik (myITS Academics)" if lang == "id" else "Academic portal (myITS Academics)")
    await student.press(_("Yes"))
    await student.say("Petugas bilang harus menunggu." if lang == "id" else "They told me to wait.")
    summary = await student.press(_(identity))
    assert _("Send it?") in summary[-1].text
    ack = await student.press(_("✅ Send"))
    return ack[-1].text


@pytest.mark.pairwise  # × 2 languages: four combinations (tests/conftest.py), each engine, mode and database met
@pytest.mark.parametrize("lang", ["id", "en"])
async def test_student_files_a_complaint_with_a_photo(emulator: BotApiEmulator, bot: object, db_url: str,
                                                      lang: str) -> None:
    _ = T.gettext(lang)
    student = Person(emulator, 5001, "Siti Rahma", language=lang)
    welcome = await student.say("/start")
    assert "Tanggap" in welcome[0].text and _("📝 New complaint or suggestion") in student.buttons()
    ack = await file_complaint(student, lang)
    assert "KEL-2026-00001" in ack
    assert _("The service itself, {service}, normally takes {n} working days ({procedure}).").split("{")[0] in ack
    assert await count_tickets(db_url) == 1
    status = await student.say("/status KEL-2026-00001")
    assert "KEL-2026-00001" in status[-1].text and _("received") in status[-1].text
    mine = await student.say("/my")
    assert "KEL-2026-00001" in mine[-1].text
    assert refused_calls(emulator) == []


@pytest.mark.pairwise
@pytest.mark.parametrize("lang", ["id", "en"])
async def test_student_files_a_suggestion(emulator: BotApiEmulator, bot: object, db_url: str, lang: str) -> None:
    _ = T.gettext(lang)
    student = Person(emulator, 5002, "Budi", language=lang)
    await student.say("/new")
    await student.press(_("Suggestion"))
    await student.press("Yudisium dan Wisuda" if lang == "id" else "Graduation (yudisium and ceremony)")
    await student.say("Mohon wisuda disiarkan langsung untuk keluarga di luar kota.")
    await student.press(_("No attachment"))
    await student.press(_("Stay anonymous"))
    ack = await student.press(_("✅ Send"))
    assert "SAR-2026-00001" in ack[-1].text
    assert refused_calls(emulator) == []


async def test_typo_in_service_name_finds_the_service(emulator: BotApiEmulator, bot: object) -> None:
    _ = T.gettext("id")
    student = Person(emulator, 5003, "Ani")
    await student.say("/new")
    await student.press(_("Complaint"))
    reply = await student.say("transkip")
    assert "Penerbitan Transkrip Akademik" in reply[-1].text


async def test_status_of_someone_elses_ticket_reveals_nothing(emulator: BotApiEmulator, bot: object) -> None:
    owner, other = Person(emulator, 5004, "Owner"), Person(emulator, 5005, "Other")
    await file_complaint(owner, "id", photo=False)
    theirs = await other.say("/status KEL-2026-00001")
    missing = await other.say("/status KEL-2026-00999")
    assert theirs[-1].text == missing[-1].text.replace("00999", "00001")
    assert "Transkrip" not in theirs[-1].text and "Owner" not in theirs[-1].text
    listed = await other.say("/my")
    assert "KEL-2026-00001" not in listed[-1].text


async def test_the_same_update_delivered_twice_gives_one_ticket(emulator: BotApiEmulator, bot: object,
                                                                db_url: str) -> None:
    _ = T.gettext("id")
    student = Person(emulator, 5006, "Dewi")
    await student.say("/new")
    await student.press(_("Suggestion"))
    await student.press(_("Other"))
    await student.say("Tolong tambah kursi di ruang tunggu BAPKM.")
    await student.press(_("No attachment"))
    await student.press(_("Stay anonymous"))
    before = len(student.inbox)
    send_update = emulator.press_button(student.id, _("✅ Send"))
    await emulator.wait_for_message(student.id, after=before)
    await settle(emulator, Person.db_url)
    emulator.redeliver(send_update)
    await settle(emulator, Person.db_url)
    await asyncio.sleep(0.5)
    assert await count_tickets(db_url) == 1
    acks = [m for m in student.inbox if "SAR-2026-" in m.text]
    assert len(acks) == 1


async def test_bot_killed_mid_dialog_continues_after_restart(emulator: BotApiEmulator, db_url: str,
                                                             tmp_path: Path, stack: Stack) -> None:
    _ = T.gettext("id")
    process = BotProcess(emulator, db_url, tmp_path / "bot.log", stack)
    process.start()
    try:
        await process.started()
        student = Person(emulator, 5007, "Rina")
        await student.say("/new")
        await student.press(_("Complaint"))
        await student.press("Kartu Tanda Mahasiswa (KTM)")
        process.kill()
        before = len(student.inbox)
        emulator.send_text(student.id, "KTM saya belum jadi padahal sudah sebulan.")
        process.start()
        await process.started()  # the restart's own bound: a cold start, slow on a loaded machine
        reply = await emulator.wait_for_message(student.id, after=before, timeout=30)
        await settle(emulator, Person.db_url)
        assert _("Do you have a photo or a PDF as evidence (a screenshot, a receipt, a letter)? Send it now.") \
            in reply.text
    finally:
        out = process.stop()
        assert "Traceback" not in out, out


async def test_one_users_queued_updates_are_handled_in_order(emulator: BotApiEmulator, db_url: str,
                                                             stack: Stack) -> None:
    """Updates that piled up while the bot was down arrive together; the dialog sees them in order."""
    _ = T.gettext("id")
    student = Person(emulator, 5008, "Tono")
    other = Person(emulator, 5009, "Sari")
    for text in ("/new", "keluhan", "transkip", "Transkrip saya belum terbit padahal sudah dua minggu."):
        emulator.send_text(student.id, text)
        emulator.send_text(other.id, "/help")
    task = await start_bot(emulator, db_url, stack)
    try:
        await emulator.wait_for_message(student.id, after=3, timeout=15)
        await settle(emulator, Person.db_url)
        texts = [m.text for m in student.inbox]
        assert len(texts) == 5  # first the privacy notice: Tono never read it (no /start)
        assert _("🔒 <b>Privacy notice</b> (version {version})").format(version=NOTICE_VERSION).replace(
            "<b>", "").replace("</b>", "") in texts[0]
        assert "Penerbitan Transkrip Akademik" in texts[3]
        assert _("Do you have a photo or a PDF as evidence (a screenshot, a receipt, a letter)? Send it now.") \
            in texts[4]
        assert len(other.inbox) == 4
    finally:
        await stop_bot(task)


@pytest.mark.parametrize("engine", ["aiogram", "ptb"])
async def test_a_second_poller_with_the_same_token_crashes_nobody(emulator: BotApiEmulator, db_url: str,
                                                                  tmp_path: Path, engine: str) -> None:
    """Telegram answers 409 to one of two pollers; both keep running, and each update is handled once."""
    first = BotProcess(emulator, db_url, tmp_path / "first.log", Stack(engine, "polling"))
    second = BotProcess(emulator, db_url, tmp_path / "second.log", Stack(engine, "polling"))
    first.start()
    second.start()
    try:
        # two processes import, migrate (one waits for the other) and start: up to a minute on a loaded two-core machine
        await wait_until(lambda: sum(c.method.casefold() == "getupdates" for c in emulator.calls) >= 4, timeout=60)
        student = Person(emulator, 5010, "Dua")
        await student.say("/start")
        await asyncio.sleep(2)  # both keep polling meanwhile
        assert len(student.inbox) == 2  # the welcome and the privacy notice, once: one process took the update
        assert first.proc is not None and first.proc.poll() is None
        assert second.proc is not None and second.proc.poll() is None
    finally:
        logs = first.stop() + second.stop()
    assert "Traceback" not in logs, logs
    assert "409 Conflict" in logs
