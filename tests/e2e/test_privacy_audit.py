"""The privacy audit trail and the register of data-subject requests end to end (issue 15), on one engine: an officer
raises a complaint's protection (the complainant is told, in Indonesian), the admin reads /audit of the ticket and of
the officer — never the complainant's name — records a request that came by letter, lists the register and marks the
request done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from storage.database import make_engine, make_session_factory
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.e2e import harness
from tests.e2e.harness import Person, Stack, start_bot, stop_bot

pytestmark = pytest.mark.e2e
ADMIN, OFFICER, STUDENT = 9901, 9902, 5901
COMPLAINANT = "Sinta Rahmawati"
en, idn = Translator().gettext("en"), Translator().gettext("id")


@pytest.fixture
async def running(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[str]:
    """The bot on aiogram by polling, on a SQLite file; the admin named in TANGGAP_ADMINS."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"
    harness.Person.db_url = url
    task = await start_bot(emulator, url, Stack("aiogram", "polling"), tanggap_admins=str(ADMIN))
    try:
        yield url
    finally:
        await stop_bot(task)
        harness.Person.db_url = None


async def seed_ticket(url: str) -> str:
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            student = await uow.persons.get_by_telegram_id(STUDENT)
            assert student is not None
            ticket = await uow.tickets.add(NewTicket(
                "complaint", "telegram", student.id, "transcript", None,
                "Transkrip saya belum terbit; petugas loket bernama Pak X menolak berkas saya.", None, {}, (), False,
                "received", datetime.now(UTC)))
            await uow.commit()
            return ticket.number
    finally:
        await engine.dispose()


async def test_an_admin_reads_the_audit_and_keeps_the_register(emulator: BotApiEmulator, running: str) -> None:
    admin = Person(emulator, ADMIN, "Agus Admin", language="en")
    officer = Person(emulator, OFFICER, "Olivia Officer", language="en")
    student = Person(emulator, STUDENT, COMPLAINANT, language="id")
    for person in (admin, officer, student):
        await person.say("/start")
    await admin.say(f"/staff add {OFFICER} officer")
    number = await seed_ticket(running)

    raised = await officer.say(f"/identity {number} anonymous")
    assert f"{number} is now anonymous" in raised[-1].text
    told = [m.text for m in student.inbox if number in (m.text or "") and "🔒" in (m.text or "")]
    assert told == [idn("🔒 The bureau raised the protection of your identity on {number}: it is now {level}. "
                        "{meaning}").format(number=number, level=idn("anonymous"),
                                            meaning=idn("No staff member sees who you are; replies still reach "
                                                        "you here."))]
    status = (await student.say(f"/status {number}"))[-1].text
    assert f"/identity {number}" in status

    audit = (await admin.say(f"/audit {number}"))[-1].text
    assert f"{number}: identity named → anonymous, by Olivia Officer" in audit
    of_officer = (await admin.say(f"/audit {OFFICER}"))[-1].text
    assert "Agus Admin gave Olivia Officer the role officer" in of_officer
    latest = (await admin.say("/audit"))[-1].text
    for text in (audit, of_officer, latest):
        assert "Sinta" not in text and str(STUDENT) not in text

    added = (await admin.say(f"/requests add {STUDENT} erasure surat tertanggal 3 Desember"))[-1].text
    assert added.startswith("Recorded PDP-2026-0001: erasure for Telegram 5901, due by ")
    register = (await admin.say("/requests"))[-1].text
    assert "PDP-2026-0001 · erasure · Telegram 5901 · received " in register and " · open" in register
    assert "Sinta" not in register
    done = (await admin.say("/requests done PDP-2026-0001 identitas dihapus"))[-1].text
    assert done == "PDP-2026-0001 is done, within its deadline."
    assert "done" in (await admin.say("/requests all"))[-1].text
    refused = (await officer.say("/audit"))[-1].text
    assert refused == en("Sorry, your role does not allow this.")
