"""/search with filters end to end through the emulator: a page of the matching tickets with their ages, the
« / » buttons taking Telegram's 64-byte callback data and paging on both engines, a bad filter answered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from storage.database import make_engine, make_session_factory
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.e2e.harness import Person, Stack, start_bot, stop_bot
from tests.e2e.test_filing import refused_calls

pytestmark = pytest.mark.e2e
ADMIN, OFFICER = 9001, 9002
en = Translator().gettext("en")


async def add_tickets(db_url: str) -> list[str]:
    """Twelve open legalisation tickets filed an hour apart (their numbers, oldest first), and two that
    the filters leave out."""
    engine = make_engine(db_url)
    try:
        sessions = make_session_factory(engine)
        now = datetime.now(UTC)
        async with SqlUnitOfWork(sessions) as uow:
            numbers = []
            for hours in range(12, 0, -1):
                ticket = await uow.tickets.add(NewTicket("complaint", "letter", None, "legalisation", None,
                                                         f"legalisir ijazah ditolak ({hours})", None, {}, (), False,
                                                         "received", now - timedelta(hours=hours)))
                numbers.append(ticket.number)
            for service, status in (("legalisation", "closed"), ("transcript", "received")):
                await uow.tickets.add(NewTicket("complaint", "letter", None, service, None, "lain", None, {}, (),
                                                False, status, now))
            await uow.commit()
        return numbers
    finally:
        await engine.dispose()


async def test_filters_page_through_the_matching_tickets(
        emulator: BotApiEmulator, db_url: str, stack: Stack) -> None:
    task = await start_bot(emulator, db_url, stack, tanggap_admins=str(ADMIN))
    try:
        admin, officer = Person(emulator, ADMIN, "Admin", "en"), Person(emulator, OFFICER, "Olivia Officer", "en")
        await officer.say("/start")
        await admin.say(f"/staff add {OFFICER} officer")
        numbers = await add_tickets(db_url)

        first = (await officer.say("/search status:terbuka layanan:legalisir saluran:surat"))[-1]
        assert en("{total} tickets, newest first (page {page} of {pages}):").format(total=12, page=1, pages=2) \
            in first.text
        assert all(n in first.text for n in numbers[2:]) and numbers[1] not in first.text
        listed = [line for line in first.text.split("\n") if line.startswith("KEL-")]
        assert len(listed) == 10 and all(en("today") in line or "working day" in line for line in listed)
        assert officer.buttons()[-1] == en("Older »")

        second = (await officer.press(en("Older »")))[-1]
        assert "page 2 of 2" in second.text and numbers[0] in second.text and numbers[1] in second.text
        assert officer.buttons()[-1] == en("« Newer")

        refused = (await officer.say("/search since:31/13/2026"))[-1]
        assert refused.text == "since: “31/13/2026” is not a date; write it like 01-11-2026"
        assert refused_calls(emulator) == []
    finally:
        await stop_bot(task)
