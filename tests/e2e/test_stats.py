"""/stats end to end (issue 14 §5), on two combinations (the figures' SQL is tested on both databases in
tests/integration/test_statistics.py): staff get the charts as photos with the figures in their captions, in their
language; the figures equal what was seeded; bad words get examples; a student cannot ask."""

from __future__ import annotations

import contextlib
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.harness import Person, Stack, start_bot, stop_bot, wait_until
from tests.e2e.test_case_walk import FAST, Staff

pytestmark = pytest.mark.e2e
OFFICER, APPROVER, STUDENT = 9601, 9602, 9603
en, idn = Translator().gettext("en"), Translator().gettext("id")
RUNS = [pytest.param((Stack("aiogram", "polling"), "sqlite"), id="aiogram-polling-sqlite"),
        pytest.param((Stack("ptb", "webhook"), "postgres"), id="ptb-webhook-postgres")]
NOVEMBER = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)  # Tuesday 09:00 WIB
SEEDED = {("transcript", "complaint"): 5, ("transcript", "suggestion"): 2, ("tuition", "complaint"): 3}


@dataclass
class Office:
    emu: BotApiEmulator
    officer: Staff
    approver: Staff
    student: Person


async def seed(url: str) -> None:
    """An officer (English), an approver (Indonesian), and ten November tickets of two services."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            for uid, name, role, language in ((OFFICER, "Olivia Officer", "officer", "en"),
                                              (APPROVER, "Ani Approver", "approver", "id")):
                person = await uow.persons.ensure_telegram(uid, name, language)
                await uow.staff.grant(person.id, role, by=None, at=NOVEMBER)
            n = 0
            for (service, kind), count in SEEDED.items():
                for _ in range(count):
                    n += 1
                    person = await uow.persons.ensure_telegram(5600 + n, f"Mahasiswa {n}", "id")
                    await uow.tickets.add(NewTicket(kind, "telegram", person.id, service, None, f"Keluhan {n}", None,
                                                    {}, (), n % 5 == 0, "received", NOVEMBER))
            await uow.commit()
    finally:
        await engine.dispose()


@pytest.fixture(params=RUNS)
async def office(request: pytest.FixtureRequest, tmp_path: Path, archive_in_tmp: Path) -> AsyncIterator[Office]:
    from tests.e2e import harness

    stack, backend = request.param
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100, group_burst=200, group_rate=100)
    await emu.start()
    async with contextlib.AsyncExitStack() as exits:
        url = (await exits.enter_async_context(fresh_postgres()) if backend == "postgres"
               else f"sqlite+aiosqlite:///{tmp_path}/stats.db")
        await seed(url)
        harness.Person.db_url = url
        task = await start_bot(emu, url, Stack(stack.engine, stack.mode), **FAST)
        try:
            yield Office(emu, Staff(emu, OFFICER, "Olivia Officer", "en"), Staff(emu, APPROVER, "Ani Approver", "id"),
                         Person(emu, STUDENT, "Siti", "id"))
        finally:
            await stop_bot(task)
            await emu.stop()
            harness.Person.db_url = None


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_staff_get_the_charts_with_the_seeded_figures_and_a_student_cannot(office: Office) -> None:
    emu, officer, approver = office.emu, office.officer, office.approver
    answer = await officer.say("/stats 11-2026")
    assert any(en("Preparing the statistics for {scope}… the charts follow in a moment.").split("{")[0]
               in (m.text or "") for m in answer)
    await wait_until(lambda: sum(m.kind == "photo" for m in officer.inbox) >= 4, timeout=90)  # no verdict yet:
    # volume, the time (none confirmed, all past the standard time: late), ageing and channels (the charts without
    # data are left out)
    photos = {(m.caption or "").split("\n")[0]: m for m in officer.inbox if m.kind == "photo"}
    timing = photos[en("Within the standard time")]
    assert en("({n} of them not done yet and already past the standard time: counted as late)").format(n=10) in (
        timing.caption or ""), timing.caption
    volume = photos[en("Tickets per month")]
    complaints, suggestions = 8, 2
    assert en("Received: {total} ({complaints} complaints, {suggestions} suggestions)").format(
        total=10, complaints=complaints, suggestions=suggestions) in (volume.caption or "")
    assert "Academic transcript: 5 complaints, 2 suggestions" in (volume.caption or "")
    ageing = photos[en("Open tickets by age (working days)")]
    assert en("Open: {count}").format(count=10) in (ageing.caption or "")
    channels = photos[en("Channels")]
    assert "Telegram: 10 (100%)" in (channels.caption or "")
    assert en("Anonymous: {count} ({percent})").format(count=2, percent="20%") in (channels.caption or "")
    assert volume.file_id is not None
    assert png_size(emu.file(volume.file_id).data) == (800, 450)

    await approver.say("/stats 2026 transcript")  # in Indonesian, one service
    await wait_until(lambda: any(m.kind == "photo" for m in approver.inbox), timeout=90)
    first = next(m for m in approver.inbox if m.kind == "photo")
    assert (first.caption or "").startswith(idn("Tickets per month"))
    assert idn("Received: {total} ({complaints} complaints, {suggestions} suggestions)").format(
        total=7, complaints=5, suggestions=2) in (first.caption or "")

    wrong = await officer.say("/stats 2026-13")
    assert any(en("“{value}” is not a period: write a month (11-2026), a year (2026) or a range "
                  "(01-09-2026..30-11-2026).").format(value="2026-13") in (m.text or "") for m in wrong)
    nothing = await officer.say("/stats 2020")
    await wait_until(lambda: any((m.text or "").startswith(en("Nothing to show for {scope}").split("{")[0])
                                 for m in officer.inbox), timeout=60)
    assert nothing

    refused = await office.student.say("/stats")
    assert [m.text for m in refused] == [idn("Sorry, this is only for the bureau's staff.")]
    assert not any(m.kind == "photo" for m in office.student.inbox)
