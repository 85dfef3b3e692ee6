"""The privacy notice and /mydata end to end (issue 15 §1–2), through the real engines and the emulator: the first
/start shows the notice, /privacy shows it again, /mydata answers with a progress message and then delivers two
documents — the JSON and the PDF — holding the student's ticket and nothing of another student's."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from handlers.privacy.notice import NOTICE_VERSION
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.harness import Person, Stack, start_bot, stop_bot, wait_until
from tests.e2e.test_case_walk import FAST
from tests.privacy_scan import identity_needles, scan_bytes

pytestmark = pytest.mark.e2e
SARI, BAYU = 5601, 5602
idn = Translator().gettext("id")
RUNS = [pytest.param((Stack("aiogram", "polling"), "sqlite"), id="aiogram-polling-sqlite"),
        pytest.param((Stack("ptb", "webhook"), "postgres"), id="ptb-webhook-postgres")]
FILED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
SARI_TEXT = "Transkrip saya belum terbit sejak tiga minggu"
BAYU_TEXT = "Kartu mahasiswa Bayu hilang dan belum diganti"


@dataclass
class Scene:
    emu: BotApiEmulator
    sari: Person
    numbers: dict[int, str]


async def seed(url: str) -> dict[int, str]:
    """Two students with a ticket each (neither has read the notice yet)."""
    engine = make_engine(url)
    numbers = {}
    try:
        await upgrade(engine)
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            for uid, name, text in ((SARI, "Sari Dewi", SARI_TEXT), (BAYU, "Bayu Pratama", BAYU_TEXT)):
                person = await uow.persons.ensure_telegram(uid, name, "id")
                ticket = await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "transcript", None, text,
                                                         None, {}, (), False, "received", FILED))
                numbers[uid] = ticket.number
            await uow.commit()
    finally:
        await engine.dispose()
    return numbers


@pytest.fixture(params=RUNS)
async def scene(request: pytest.FixtureRequest, tmp_path: Path, archive_in_tmp: Path) -> AsyncIterator[Scene]:
    from tests.e2e import harness

    stack, backend = request.param
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100)
    await emu.start()
    async with contextlib.AsyncExitStack() as exits:
        url = (await exits.enter_async_context(fresh_postgres()) if backend == "postgres"
               else f"sqlite+aiosqlite:///{tmp_path}/rights.db")
        numbers = await seed(url)
        harness.Person.db_url = url
        task = await start_bot(emu, url, Stack(stack.engine, stack.mode), **FAST)
        try:
            yield Scene(emu, Person(emu, SARI, "Sari Dewi", "id"), numbers)
        finally:
            await stop_bot(task)
            await emu.stop()
            harness.Person.db_url = None


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


async def test_start_shows_the_notice_once_and_privacy_shows_it_again(scene: Scene) -> None:
    heading = plain(idn("🔒 <b>Privacy notice</b> (version {version})").format(version=NOTICE_VERSION))
    started = await scene.sari.say("/start")
    notices = [m for m in started if heading in (m.text or "")]
    assert len(notices) == 1
    assert "3×24" in (notices[0].text or "") and "/mydata" in (notices[0].text or "")
    again = await scene.sari.say("/start")
    assert not any(heading in (m.text or "") for m in again)
    assert any(plain(idn("How we handle your data: /privacy.")) in (m.text or "") for m in again)
    shown = await scene.sari.say("/privacy")
    assert heading in (shown[0].text or "")


async def test_mydata_delivers_a_json_and_a_pdf_of_the_students_own_data(scene: Scene) -> None:
    emu, sari = scene.emu, scene.sari
    answered = await sari.say("/mydata")
    assert any("PDP-2026-0001" in (m.text or "") for m in answered)
    await wait_until(lambda: sum(m.kind == "document" for m in sari.inbox) == 2, timeout=60)
    files = {}
    for message in (m for m in sari.inbox if m.kind == "document"):
        assert message.file_id is not None
        stored = emu.file(message.file_id)
        files[(stored.file_name or "").rsplit(".", 1)[-1]] = stored.data
    assert set(files) == {"json", "pdf"}
    copy = json.loads(files["json"].decode("utf-8"))
    assert copy["schema"] == "tanggap.mydata/1" and copy["profile"]["name"] == "Sari Dewi"
    assert [(t["number"], t["description"]) for t in copy["tickets"]] == [(scene.numbers[SARI], SARI_TEXT)]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert scene.numbers[SARI] in text and "Sari Dewi" in text
    bayu = [*identity_needles(name="Bayu Pratama", telegram_id=BAYU), BAYU_TEXT, scene.numbers[BAYU]]
    for kind, data in files.items():
        assert scan_bytes(data, bayu, kind) == []
