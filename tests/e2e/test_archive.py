"""The evidence archive end to end (issue 13 §4): a student's photo, with the phone's location in its EXIF, arrives
through the emulator; the bot fetches it with getFile (a first failure is retried), strips the metadata and keeps
it by its SHA-256; /show lists the hash; after a token change the officer's open button still delivers it."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from storage.archive import ArchiveStore, digest
from storage.database import make_engine, make_session_factory
from storage.records import ArchiveItemRecord
from storage.uow import SqlUnitOfWork
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.harness import Person, Stack, start_bot, stop_bot, wait_until
from tests.e2e.test_case_walk import FAST, Staff

pytestmark = pytest.mark.e2e
GROUP = -1001234567890
ADMIN, OFFICER, STUDENT = 9301, 9302, 5301
en = Translator().gettext("en")
RUNS = [pytest.param((Stack("aiogram", "polling"), "sqlite"), id="aiogram-polling-sqlite"),
        pytest.param((Stack("ptb", "polling"), "postgres"), id="ptb-polling-postgres")]
GPS = {1: "S", 2: (7.0, 16.0, 48.0), 3: "E", 4: (112.0, 47.0, 42.0)}  # the ITS campus, Surabaya


def photo_with_location() -> bytes:
    """A JPEG as a phone makes it: EXIF with the maker, the orientation (turned 90°) and the GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x8825] = GPS  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (180, 40, 40)).save(out, format="JPEG", exif=exif.tobytes(), comment=b"Siti's phone")
    return out.getvalue()


@dataclass
class Desk:
    emu: BotApiEmulator
    url: str
    clock: AdjustableClock
    officer: Staff
    store: ArchiveStore

    async def items(self) -> list[ArchiveItemRecord]:
        engine = make_engine(self.url)
        try:
            async with SqlUnitOfWork(make_session_factory(engine)) as uow:
                found = await uow.archive.for_attachments(range(1, 50))
            return list(found.values())
        finally:
            await engine.dispose()

    async def until(self, condition: Callable[[list[ArchiveItemRecord]], bool], timeout: float = 20.0
                    ) -> list[ArchiveItemRecord]:
        async with asyncio.timeout(timeout):  # the fetcher runs in the bot's task: look at its book now and then
            while True:
                items = await self.items()
                if condition(items):
                    return items
                await asyncio.sleep(0.05)


@pytest.fixture(params=RUNS)
async def desk(request: pytest.FixtureRequest, tmp_path: Path, archive_in_tmp: Path) -> AsyncIterator[Desk]:
    from tests.e2e import harness

    stack, backend = request.param
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100, group_burst=200, group_rate=100)
    await emu.start()
    async with contextlib.AsyncExitStack() as exits:
        url = (await exits.enter_async_context(fresh_postgres()) if backend == "postgres"
               else f"sqlite+aiosqlite:///{tmp_path}/archive.db")
        harness.Person.db_url = url
        emu.add_group(GROUP, "Staf BAPKM")
        clock = AdjustableClock(datetime(2026, 12, 21, 2, 0, tzinfo=UTC))  # Monday, 09:00 WIB
        task = await start_bot(emu, url, stack, clock=clock, tanggap_admins=str(ADMIN), staff_chat_id=str(GROUP),
                               due_interval="3600", **FAST)
        admin, officer = Staff(emu, ADMIN, "Admin", language="en"), Staff(emu, OFFICER, "Olivia Officer", "en")
        await officer.say("/start")
        await admin.say(f"/staff add {OFFICER} officer")
        try:
            yield Desk(emu, url, clock, officer, ArchiveStore(archive_in_tmp))
        finally:
            await stop_bot(task)
            await emu.stop()
            harness.Person.db_url = None


async def file_with_photo(emu: BotApiEmulator, data: bytes) -> None:
    student = Person(emu, STUDENT, "Siti Rahma", language="en")
    steps: list[Callable[[], Awaitable[object]]] = [
        lambda: student.say("/new"), lambda: student.press(en("Complaint")),
        lambda: student.press("Academic transcript"),
        lambda: student._after(lambda: emu.send_photo(STUDENT, caption="Transkrip saya belum terbit.", data=data)),
        lambda: student.press(en("Done")), lambda: student.press(en("Yesterday")), lambda: student.say("01-10-2026"),
        lambda: student.press("Academic portal (myITS Academics)"), lambda: student.press(en("Yes")),
        lambda: student.say("They told me to wait."), lambda: student.press(en("Show my name")),
        lambda: student.press(en("✅ Send")),
    ]
    for step in steps:
        await step()


async def test_a_photo_is_archived_without_its_location_after_a_failed_fetch_and_show_lists_its_hash(
        desk: Desk) -> None:
    desk.emu.fail_next("getFile", 502)  # Telegram has a bad moment when the bot first fetches the photo
    await file_with_photo(desk.emu, photo_with_location())
    failed = await desk.until(lambda items: len(items) == 1 and items[0].status == "failed")
    assert failed[0].next_try_at is not None and failed[0].attempts == 1 and "Bad Gateway" in (failed[0].last_error
                                                                                                or "")
    desk.clock.advance(timedelta(minutes=1))  # the retry is due: the fetcher tries again
    [item] = await desk.until(lambda items: len(items) == 1 and items[0].status == "stored")
    kept = desk.store.get(item.sha256 or "")  # checked against its name
    assert digest(kept) == item.sha256 and item.size == len(kept) and item.file_unique_id
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG" and image.size == (32, 64)  # the orientation applied, then dropped
    assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in kept and b"Siti's phone" not in kept
    assert [c.status for c in desk.emu.calls if c.method == "getFile"] == [502, 200]

    shown = await desk.officer.say("/show KEL-2026-00001")
    assert (item.sha256 or "")[:12] in shown[0].text and en("archived {hash}").split("{")[0] in shown[0].text
    opened = await desk.officer.press(en("📎 {n}").format(n=1))  # Telegram still has it: sent by its file id
    assert [m.kind for m in opened] == ["photo"]


async def test_after_a_token_change_the_open_button_delivers_the_archived_copy(desk: Desk) -> None:
    await file_with_photo(desk.emu, photo_with_location())
    [item] = await desk.until(lambda items: len(items) == 1 and items[0].status == "stored")
    await desk.officer.say("/show KEL-2026-00001")
    desk.emu.forget_files()  # a new bot token: Telegram's file ids of the old one are gone
    opened = await desk.officer.press(en("📎 {n}").format(n=1))
    assert [m.kind for m in opened] == ["photo"]
    assert digest(desk.emu.file_content(opened[0].file_id or "")) == item.sha256


async def test_a_confidential_tickets_files_reach_the_staff_only_without_metadata_under_a_neutral_name(
        desk: Desk) -> None:
    """Review #4 of issue 15, the case privacy.md cites: an "anonymous" report given away by its evidence photo. A
    JPEG sent as a document keeps its EXIF (where it was taken, the phone) and its own name ("KTM_Siti_Rahma.jpg");
    for a confidential ticket the staff get neither — only the archive's stripped copy, named after the ticket."""
    emu, officer = desk.emu, desk.officer
    emu.fail_next("getFile", 502)  # the first fetch fails: the file is not archived yet when the officer asks
    student = Person(emu, STUDENT, "Siti Rahma", language="en")
    for step in ("/new", en("Complaint"), "Academic transcript"):
        await (student.say(step) if step.startswith("/") else student.press(step))
    await student._after(lambda: emu.send_document(STUDENT, "KTM_Siti_Rahma.jpg", "image/jpeg",
                                                   caption="Transkrip saya belum terbit.", data=photo_with_location()))
    for label in (en("Done"), en("Yesterday")):
        await student.press(label)
    await student.say("01-10-2026")
    for label in ("Academic portal (myITS Academics)", en("Yes")):
        await student.press(label)
    await student.say("They told me to wait.")
    await student.press(en("Keep it confidential"))
    await student.press(en("✅ Send"))
    await desk.until(lambda items: len(items) == 1 and items[0].status == "failed")

    await officer.say("/take KEL-2026-00001")
    shown = (await officer.say("/show KEL-2026-00001"))[0].text or ""
    assert "KTM_Siti_Rahma" not in shown and "Siti Rahma" in shown  # the handling officer may see who; not the file
    before = len(officer.inbox)
    emu.press_button(OFFICER, en("📎 {n}").format(n=1))
    await wait_until(lambda: any(c.method == "answerCallbackQuery" and "archived" in str(c.params.get("text"))
                                 for c in emu.calls))
    assert len(officer.inbox) == before  # nothing sent: Telegram's original is never the fallback here

    desk.clock.advance(timedelta(minutes=1))  # the retry: archived, stripped
    [item] = await desk.until(lambda items: len(items) == 1 and items[0].status == "stored")
    opened = await officer.press(en("📎 {n}").format(n=1))
    assert [(m.kind, emu.file(m.file_id or "").file_name) for m in opened] == [("document", "KEL-2026-00001-1.jpg")]
    sent = emu.file_content(opened[0].file_id or "")
    assert digest(sent) == item.sha256 and b"PhoneMaker" not in sent and not Image.open(io.BytesIO(sent)).getexif()

    # a later file from the complainant: the officer is told and opens it from /show; the original is not forwarded
    await student._after(lambda: emu.send_document(STUDENT, "Bukti_Siti_Rahma.jpg", "image/jpeg",
                                                   data=photo_with_location()))
    assert "KEL-2026-00001" in student.buttons()[0]  # "which of your open tickets?"
    await student.press(student.buttons()[0])
    await wait_until(lambda: any("📎" in (m.text or "") and "KEL-2026-00001" in (m.text or "")
                                 for m in officer.inbox[before:]))
    files = [emu.file(m.file_id) for m in officer.inbox if m.file_id]
    assert len(files) == 1  # the one opened from /show
    assert all((f.file_name or "").startswith("KEL-2026-00001") and b"PhoneMaker" not in f.data for f in files)
