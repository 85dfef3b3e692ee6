"""Generated documents delivered end to end through the emulator, on both engines (issue 13): ``/export``'s progress
message edited and then the register as an XLSX document; ``/lk pdf``'s form as a PDF; and the approver's approval
request followed by the LK's PDF. The bytes are read back from what the emulator received."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from bot.emulator import BotApiEmulator
from bot.emulator.models import SentMessage
from handlers.i18n import Translator
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.harness import Stack, start_bot, stop_bot, wait_until
from tests.e2e.test_case_walk import FAST, Staff

pytestmark = pytest.mark.e2e
ADMIN, OFFICER, REVIEWER, APPROVER = 9501, 9502, 9503, 9504
en, idn = Translator().gettext("en"), Translator().gettext("id")
RUNS = [pytest.param((Stack("aiogram", "polling"), "sqlite"), id="aiogram-polling-sqlite"),
        pytest.param((Stack("ptb", "webhook"), "postgres"), id="ptb-webhook-postgres")]
NOVEMBER = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
OCTOBER = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
TICKETS = 12  # in November; one more in October, outside the period exported


@dataclass
class Office:
    emu: BotApiEmulator
    officer: Staff
    reviewer: Staff
    approver: Staff


async def seed(url: str) -> None:
    """The staff, 12 November tickets and one October ticket, and LK-2026-001 (awaiting check) on two of them."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            staff = {}
            for uid, name, role, language in ((OFFICER, "Olivia Officer", "officer", "en"),
                                              (REVIEWER, "Rudi Reviewer", "reviewer", "en"),
                                              (APPROVER, "Ani Approver", "approver", "id")):
                staff[role] = person = await uow.persons.ensure_telegram(uid, name, language)
                await uow.staff.grant(person.id, role, by=None, at=NOVEMBER)
            ids = []
            for n in range(TICKETS + 1):
                person = await uow.persons.ensure_telegram(5500 + n, f"Mahasiswa {n}", "id")
                ticket = await uow.tickets.add(NewTicket(
                    "complaint", "telegram", person.id, "transcript", None, f"Transkrip belum terbit ({n})", None,
                    {}, (), False, "in_followup", OCTOBER if n == 0 else NOVEMBER))
                ids.append(ticket.id)
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP PM-BAPKM.AP.1-05",
                                         "Transkrip tidak terbit dalam 3 hari kerja", "Pejabat penandatangan cuti",
                                         staff["officer"].id, NOVEMBER, status="awaiting_check"))
            await uow.lks.link(lk.id, ids[1:3])
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
               else f"sqlite+aiosqlite:///{tmp_path}/documents.db")
        await seed(url)
        harness.Person.db_url = url
        task = await start_bot(emu, url, Stack(stack.engine, stack.mode), tanggap_admins=str(ADMIN), **FAST)
        people = [Staff(emu, uid, name, language) for uid, name, language in (
            (OFFICER, "Olivia Officer", "en"), (REVIEWER, "Rudi Reviewer", "en"), (APPROVER, "Ani Approver", "id"))]
        try:
            yield Office(emu, *people)
        finally:
            await stop_bot(task)
            await emu.stop()
            harness.Person.db_url = None


def pdf_text(emu: BotApiEmulator, message: SentMessage) -> str:
    assert message.kind == "document" and message.file_id is not None
    stored = emu.file(message.file_id)
    assert stored.data.startswith(b"%PDF-") and (stored.file_name or "").endswith(".pdf")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(stored.data)).pages)


async def test_export_edits_its_progress_message_then_delivers_the_register(office: Office) -> None:
    emu, officer = office.emu, office.officer
    answered = await officer.say("/export 2026-11")
    first = en("Preparing the register… {percent} %").format(percent=0)
    # The bot runs on the real clock: on a working morning the officer's digest of the (late) November tickets may
    # arrive beside the answer.
    # (The message may already be edited to its next percentage or to "ready" when read here.)
    heads = (first.split("0 %")[0], en("The register is ready: {tickets}.").split("{")[0])
    [progress] = [m for m in answered if m.kind == "text" and (m.text or "").startswith(heads)]
    assert any(c.method.casefold() == "sendmessage" and c.params.get("text") == first
               and str(c.params.get("chat_id")) == str(OFFICER) for c in emu.calls)  # the progress message
    await wait_until(lambda: any(m.kind == "document" for m in officer.inbox), timeout=60)
    edited = next(m for m in officer.inbox if m.message_id == progress.message_id)
    assert edited.edits >= 1
    assert edited.text == en("The register is ready: {tickets}.").format(tickets=f"{TICKETS} tickets")
    document = next(m for m in officer.inbox if m.kind == "document")
    assert en("Register: {tickets}, {lks}, {actions}.").format(
        tickets=f"{TICKETS} tickets", lks="1 LK", actions="0 actions") == document.caption  # counted in words
    assert document.file_id is not None
    stored = emu.file(document.file_id)
    assert stored.file_name == "register-2026-11.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(stored.data), read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        lks = list(book.worksheets[1].iter_rows(values_only=True))
    finally:
        book.close()
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [f"KEL-2026-{n:05d}" for n in range(2, TICKETS + 2)]  # KEL-2026-00001 is October's
    assert "Mahasiswa 1" in rows[1] and any(cell == "LK-2026-001" for cell in rows[1])
    assert [row[0] for row in lks[1:]] == ["LK-2026-001"]


async def test_lk_pdf_delivers_the_form_with_its_number_and_verification_code(office: Office) -> None:
    sent = await office.officer.say("/lk pdf LK-2026-001 en")
    [document] = [m for m in sent if m.kind == "document"]
    caption = re.fullmatch(r"LK-2026-001, version 1 · verification code (\S+)", document.caption or "")
    assert caption is not None, document.caption
    text = pdf_text(office.emu, document)
    assert "LK-2026-001" in text and caption[1] in text and "KEL-2026-00002" in text
    checked = await office.officer.say(f"/verify {caption[1]}")
    assert "LK-2026-001" in checked[-1].text


async def test_the_approval_request_is_followed_by_the_lk_pdf(office: Office) -> None:
    await office.reviewer.say("/lk LK-2026-001")
    await office.reviewer.press(en("✔ Checked"))
    await wait_until(lambda: any(m.kind == "document" for m in office.approver.inbox), timeout=30)
    inbox = office.approver.inbox
    request = next(i for i, m in enumerate(inbox) if m.kind == "text" and idn(
        "{number} was checked and waits for your approval.").format(number="LK-2026-001") in (m.text or ""))
    document = inbox[request + 1]  # right after the request
    assert document.kind == "document"
    # the same caption as /lk pdf's, in the approver's language (found in a walk: the two differed)
    code = (document.caption or "").rsplit(" ", 1)[-1]
    assert document.caption == idn("{number}, version {version} · verification code {code}").format(
        number="LK-2026-001", version=1, code=code)
    text = pdf_text(office.emu, document)
    assert "LK-2026-001" in text and code in text
    assert "Rudi Reviewer" in text  # the form the approver reads names who checked it
