"""The monthly recap (issue 14 §4) on a real database: the due-work engine queues it for each approver and monitor on
the month's first working day from 08:00 WIB, once per person and month; the job makes a PDF whose sections hold
what the database holds; /recap makes one on demand and refuses a bad or future month."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import ConfigError
from bot.recap_cli import write_recap
from bot.settings import Settings
from handlers.calendar_loader import load_calendar
from handlers.due.engine import run_once
from handlers.export_jobs import run_pending
from storage.models import LkRow
from storage.records import NewAction, NewLk
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = load_calendar(today=date(2026, 12, 3))  # 1 January 2027 is a holiday
ADMIN, OFFICER, APPROVER, MONITOR, REVIEWER = 9101, 9102, 9103, 9104, 9105
STAFF = {OFFICER: "officer", APPROVER: "approver", MONITOR: "monitor", REVIEWER: "reviewer"}


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(wib(2026, 12, 21, 9))


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork], clock: Clock) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}), clock=clock, calendar=CALENDAR)
    for who, role in STAFF.items():
        await desk.say(desk.user(who, f"Staff {who}", language="id" if who == MONITOR else "en"), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {who} {role}")
    return desk


async def tick(desk: Desk, clock: Clock, moment: datetime) -> list[dict[str, Any]]:
    clock.now = moment.astimezone(UTC)
    await run_once(desk.make_uow, desk.deps, clock())
    return await desk.deliver_due()


def recaps(sent: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(p["chat_id"], p["text"]) for p in sent if p.get("progress_of")]


class TestTheRecapIsDueOnTheFirstWorkingDay:
    async def test_approver_and_monitor_each_get_one_from_0800_on_the_first_working_day(
            self, desk: Desk, clock: Clock) -> None:
        # 1 January 2027 is a holiday, the 2nd and 3rd a weekend: Monday the 4th is January's first working day
        for moment in (wib(2026, 12, 31, 9), wib(2027, 1, 1, 9), wib(2027, 1, 2, 9), wib(2027, 1, 4, 7, 59)):
            assert recaps(await tick(desk, clock, moment)) == []
        sent = recaps(await tick(desk, clock, wib(2027, 1, 4, 8, 0)))
        assert sorted(sent) == [(APPROVER, "📊 Monthly recap of December 2026: preparing the PDF…"),
                                (MONITOR, "📊 Rekap bulanan Desember 2026: PDF sedang disiapkan…")]
        for moment in (wib(2027, 1, 4, 8, 1), wib(2027, 1, 4, 15), wib(2027, 1, 5, 9)):
            assert recaps(await tick(desk, clock, moment)) == []  # once per person and month

    async def test_due_lists_the_coming_recap_with_its_people(self, desk: Desk, clock: Clock) -> None:
        clock.now = wib(2026, 11, 30, 9).astimezone(UTC)  # Monday; Tuesday 1 December is a working day
        listing = "\n".join(await desk.say(desk.user(APPROVER, "Staff 9103"), "/due"))
        lines = [x for x in listing.splitlines() if "the previous month's recap (PDF)" in x]
        assert sorted(lines) == ["• 08:00 — the previous month's recap (PDF) → Staff 9103",
                                 "• 08:00 — the previous month's recap (PDF) → Staff 9104"]
        assert "1 December 2026" in listing

    async def test_nobody_else_gets_it(self, desk: Desk, clock: Clock) -> None:
        sent = recaps(await tick(desk, clock, wib(2027, 2, 1, 9)))  # Monday 1 February 2027
        assert {chat for chat, _text in sent} == {APPROVER, MONITOR}

    async def test_a_bot_down_that_morning_sends_it_later_but_not_weeks_later(self, desk: Desk, clock: Clock) -> None:
        # the next working day (the 5th is a holiday): caught up
        assert len(recaps(await tick(desk, clock, wib(2027, 1, 6, 10)))) == 2
        # more than 2 working days after February's first: not any more
        assert recaps(await tick(desk, clock, wib(2027, 2, 10, 10))) == []

    async def test_monthly_recap_off_sends_none(self, desk: Desk, clock: Clock) -> None:
        object.__setattr__(desk.deps, "monthly_recap", False)  # MONTHLY_RECAP=false
        assert recaps(await tick(desk, clock, wib(2027, 1, 4, 9))) == []

    async def test_a_new_approver_mid_month_gets_no_old_recap(self, desk: Desk, clock: Clock) -> None:
        assert recaps(await tick(desk, clock, wib(2027, 1, 20, 10))) == []


class TestTheRecapJob:
    async def test_the_pdf_holds_the_months_lks_and_programmes(self, desk: Desk, clock: Clock, engine: AsyncEngine,
                                                              new_uow: Callable[[], SqlUnitOfWork]) -> None:
        clock.now = wib(2026, 11, 10, 10).astimezone(UTC)
        async with new_uow() as uow:
            officer = await uow.persons.get_by_telegram_id(OFFICER)
            assert officer is not None
            earlier = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late transcripts",
                                              "No deputy", officer.id, wib(2026, 3, 2, 10), status="closed"))
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late again", "Deputy left",
                                         officer.id, wib(2026, 11, 10, 10), status="in_progress"))
            await uow.lks.add_action(NewAction(lk.id, "corrective", "Train a second deputy", officer.id,
                                               date(2026, 11, 20), 1, wib(2026, 11, 10, 10)))
            await uow.commit()
        async with engine.begin() as connection:  # marked a recurrence (the recurrence's own use case is elsewhere)
            await connection.execute(update(LkRow).where(LkRow.id == lk.id).values(recurrence_of=earlier.id))
        clock.now = wib(2026, 12, 1, 8, 0).astimezone(UTC)  # Tuesday 1 December: a working day
        sent = recaps(await tick(desk, clock, clock.now))
        assert len(sent) == 2
        assert await run_pending(desk.make_uow, desk.deps) == 2
        files = [p for p in await desk.deliver_due() if p["op"] == "send_file"]
        assert {(f["chat_id"], f["file_name"]) for f in files} == {(APPROVER, "recap-2026-11.pdf"),
                                                                    (MONITOR, "recap-2026-11.pdf")}
        for file in files:
            pdf = PdfReader(io.BytesIO(desk.deps.archive.path(file["sha256"]).read_bytes()))
            text = " ".join((page.extract_text() or "") for page in pdf.pages)
            assert lk.number in text and earlier.number in text and "Train" not in text
            assert ("Monthly recap November 2026" if file["chat_id"] == APPROVER
                    else "Rekap bulanan November 2026") in text
            assert "ISO 9001 §9.3.2" in text


class TestRecapOnDemand:
    async def test_the_previous_month_by_default_and_a_month_asked(self, desk: Desk, clock: Clock) -> None:
        [reply] = await desk.payloads(desk.user(APPROVER), "/recap")
        assert reply["progress_of"] and reply["text"] == "📊 Monthly recap of November 2026: preparing the PDF…"
        [reply] = await desk.payloads(desk.user(REVIEWER), "/recap 10-2026")
        assert reply["text"] == "📊 Monthly recap of October 2026: preparing the PDF…"

    async def test_a_bad_month_and_a_month_not_ended_are_refused_with_an_example(self, desk: Desk) -> None:
        [bad] = await desk.say(desk.user(APPROVER), "/recap november")
        assert "“november” is not a month." in bad and "/recap 2026-11" in bad
        [future] = await desk.say(desk.user(APPROVER), "/recap 2026-12")
        assert "has not ended yet" in future and "/recap 2026-11" in future


class TestRecapOnTheOfficePc:
    async def test_tanggap_recap_writes_the_pdf_into_a_folder_and_refuses_a_bad_month(
            self, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        settings = Settings(database_url=db_url, archive_dir=tmp_path / "archive")
        await write_recap(settings, "2026-10", tmp_path, "en", into_folder=True)
        written = tmp_path / "recap-2026-10.pdf"
        text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(written.read_bytes())).pages)
        assert "Monthly recap October 2026" in text and "No LK was opened this month." in text
        assert "Recap of 2026-10 written to" in capsys.readouterr().out
        with pytest.raises(ConfigError, match="is not a month"):
            await write_recap(settings, "oktober", tmp_path / "x.pdf", "en")
