"""The monthly recap end to end (issue 14 §4, §5): the real bot, its clock moved to January's first working day
(1 January 2027 is a holiday, the 2nd and 3rd a weekend: Monday the 4th) at 08:00 WIB; the approver and the monitor
each receive one PDF of December in their language; the bot restarts and sends it not again; /recap makes one on
demand. One combination: the schedule and the job are engine-independent (the due-work engine's own e2e runs both)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from bot.emulator.models import SentMessage
from tests.e2e.harness import Stack, settle, start_bot, stop_bot, wait_until
from tests.e2e.test_case_walk import FAST, Staff
from tests.e2e.test_due_work import Office, wib

pytestmark = pytest.mark.e2e
ADMIN, APPROVER, MONITOR, OFFICER = 9301, 9302, 9303, 9304
STACK = Stack("aiogram", "polling")


def pdf_text(emu: BotApiEmulator, message: SentMessage) -> str:
    assert message.kind == "document" and message.file_id is not None
    stored = emu.file(message.file_id)
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(stored.data)).pages)


def documents(person: Staff) -> list[SentMessage]:
    return [m for m in person.inbox if m.kind == "document"]


@dataclass
class Bot:
    """The office, and the bot's task so the test can restart it."""

    office: Office
    url: str
    task: asyncio.Task[None]

    async def restart(self, at: datetime) -> Office:
        """Stop the bot and start a new one on the same database, its clock at ``at``."""
        await stop_bot(self.task)
        clock = AdjustableClock(at)
        self.task = await start_bot(self.office.emu, self.url, STACK, clock=clock, tanggap_admins=str(ADMIN),
                                    due_interval="3600", **FAST)
        return Office(self.office.emu, self.url, clock, self.office.people)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    from tests.e2e import harness

    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100, group_burst=200, group_rate=100)
    await emu.start()
    url = f"sqlite+aiosqlite:///{tmp_path}/recap.db"
    harness.Person.db_url = url
    clock = AdjustableClock(wib(2026, 12, 31, 10))
    task = await start_bot(emu, url, STACK, clock=clock, tanggap_admins=str(ADMIN), due_interval="3600", **FAST)
    people = {uid: Staff(emu, uid, name, language=lang) for uid, name, lang in (
        (ADMIN, "Admin", "en"), (APPROVER, "Ani Approver", "id"), (MONITOR, "Maya Monitor", "en"),
        (OFFICER, "Olivia Officer", "en"))}
    for uid, role in ((APPROVER, "penyetuju"), (MONITOR, "monitor"), (OFFICER, "petugas")):
        await people[uid].say("/start")
        await people[ADMIN].say(f"/staff add {uid} {role}")
    running = Bot(Office(emu, url, clock, people), url, task)
    try:
        yield running
    finally:
        await stop_bot(running.task)
        await emu.stop()
        harness.Person.db_url = None


async def test_the_recap_arrives_once_on_the_first_working_day_also_across_a_restart(
        bot: Bot) -> None:
    desk = bot.office
    approver, monitor, officer = (desk.people[i] for i in (APPROVER, MONITOR, OFFICER))
    await desk.at(wib(2027, 1, 4, 7, 50))  # the first working day, before 08:00
    assert documents(approver) == [] and documents(monitor) == []
    await desk.at(wib(2027, 1, 4, 8, 5))
    await wait_until(lambda: len(documents(approver)) == 1 and len(documents(monitor)) == 1, timeout=120)
    assert "Rekap bulanan Desember 2026" in pdf_text(desk.emu, documents(approver)[0])  # her language
    english = pdf_text(desk.emu, documents(monitor)[0])
    assert "Monthly recap December 2026" in english and "ISO 9001 §9.3.2" in english
    assert any((m.text or "") == "📊 The monthly recap of December 2026 is ready." for m in monitor.inbox)
    assert documents(officer) == []

    # the bot restarts the same morning: the recap is not sent again (nor the next working day)
    restarted = await bot.restart(wib(2027, 1, 4, 10))
    await restarted.at(wib(2027, 1, 4, 10, 30))
    await restarted.at(wib(2027, 1, 6, 10))  # the 5th is a holiday (Isra' Mi'raj)
    await settle(desk.emu, bot.url)
    assert len(documents(approver)) == 1 and len(documents(monitor)) == 1

    await monitor.say("/recap 2026-11")  # on demand
    await wait_until(lambda: len(documents(monitor)) == 2, timeout=120)
    assert "Monthly recap November 2026" in pdf_text(desk.emu, documents(monitor)[1])
    refused = await monitor.say("/recap 2027-01")
    assert "has not ended yet" in (refused[-1].text or "")
