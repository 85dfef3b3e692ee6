"""Monitoring that acts (issue 12), end to end: the real bot on both engines and both databases, its clock moved
forward as in the sandbox's ``/clock``, and what each person reads.

- The ladder of overdue actions across a weekend, cuti bersama and two national holidays (24–27 December 2026,
  1 January 2027): the owner's morning digest (one for several actions), the reviewer two working days after the
  due date, the approver five; staff told only in office hours; an action done before its escalation is not
  escalated (its reason vanished); an action given more time (asked from the digest, granted by the approver)
  leaves the ladder until its new date.
- A ticket nobody confirmed: the complainant told honestly once (in their hours), the officers' digest, the
  reviewer a working day after the deadline; an extension told to the complainant and the approver; the response,
  the rating reminder after 5 working days and the auto-close after 10, after which the complainant still rates.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from storage.database import make_engine, make_session_factory
from storage.records import NewAction, NewLk
from storage.uow import SqlUnitOfWork
from tests.databases import POSTGRES_URL, fresh_postgres
from tests.e2e.harness import Person, Stack, settle, start_bot, stop_bot
from tests.e2e.test_case_walk import FAST, Staff
from tests.e2e.test_filing import file_complaint

pytestmark = pytest.mark.e2e
WIB = ZoneInfo("Asia/Jakarta")
GROUP = -1001234567890
ADMIN, OFFICER, REVIEWER, APPROVER, OWNER, STUDENT = 9101, 9102, 9103, 9104, 9105, 5201
en, idn = Translator().gettext("en"), Translator().gettext("id")
en_n, idn_n = Translator().ngettext("en"), Translator().ngettext("id")
RUNS = [pytest.param((Stack("aiogram", "polling"), "sqlite"), id="aiogram-polling-sqlite"),
        pytest.param((Stack("ptb", "webhook"), "postgres"), id="ptb-webhook-postgres")]


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@dataclass
class Office:
    """The bot with its clock, and the people around it."""

    emu: BotApiEmulator
    url: str
    clock: AdjustableClock
    people: dict[int, Staff]

    async def at(self, moment: datetime) -> None:
        """Move the bot's clock to ``moment`` (as ``/clock`` does), wait for the engine's pass at that time and for
        everything it queued to be delivered."""
        self.clock.advance(moment - self.clock())
        engine = make_engine(self.url)
        uow = SqlUnitOfWork(make_session_factory(engine))
        try:
            for _attempt in range(600):
                async with uow:
                    last = await uow.due.last_pass()
                if last is not None and last.at >= moment:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"the due-work engine made no pass at {moment}; the last: {last}")
            await settle(self.emu, self.url)
            for _attempt in range(600):  # and what was scheduled until then (by the bot's clock, not the real one)
                async with uow:
                    if await uow.outbox.pending_count(now=self.clock()) == 0:
                        break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"messages due by {moment} were not sent")
            await settle(self.emu, self.url)
        finally:
            await engine.dispose()

    def inbox(self, uid: int) -> list[str]:
        return [m.text or "" for m in self.emu.messages(uid)]

    def new(self, uid: int, since: dict[int, int]) -> list[str]:
        """What ``uid`` got since the counts in ``since``."""
        return self.inbox(uid)[since.get(uid, 0):]

    def counts(self) -> dict[int, int]:
        return {uid: len(self.emu.messages(uid)) for uid in (*self.people, STUDENT, GROUP)}


@pytest.fixture(params=RUNS)
async def office(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Office]:
    from tests.e2e import harness

    stack, backend = request.param
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100, group_burst=200, group_rate=100)
    await emu.start()
    async with contextlib.AsyncExitStack() as exits:
        url = (await exits.enter_async_context(fresh_postgres()) if backend == "postgres"
               else f"sqlite+aiosqlite:///{tmp_path}/due.db")
        harness.Person.db_url = url
        emu.add_group(GROUP, "Staf BAPKM")
        clock = AdjustableClock(wib(2026, 12, 21, 6, 30))  # Monday 21 December 2026, before anyone's hours
        task = await start_bot(emu, url, stack, clock=clock, tanggap_admins=str(ADMIN), staff_chat_id=str(GROUP),
                               due_interval="3600", **FAST)
        people = {uid: Staff(emu, uid, name, language=lang) for uid, name, lang in (
            (ADMIN, "Admin", "en"), (OFFICER, "Olivia Officer", "id"), (REVIEWER, "Rudi Reviewer", "en"),
            (APPROVER, "Ani Approver", "id"), (OWNER, "Maya Owner", "en"))}
        for uid, role in ((OFFICER, "petugas"), (REVIEWER, "reviewer"), (APPROVER, "penyetuju"), (OWNER, "monitor")):
            await people[uid].say("/start")
            await people[ADMIN].say(f"/staff add {uid} {role}")
        try:
            yield Office(emu, url, clock, people)
        finally:
            await stop_bot(task)
            await emu.stop()
            harness.Person.db_url = None


async def seed_actions(url: str, due: date) -> tuple[str, list[int]]:
    """An LK in progress (prepared by the officer, checked by the reviewer, approved by the approver) with three
    actions due on ``due``: two of the owner's, one of the officer's. Returns the LK's number and the actions' ids."""
    engine = make_engine(url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        async with uow:
            ids = {}
            for telegram_id in (OFFICER, REVIEWER, APPROVER, OWNER):
                person = await uow.persons.get_by_telegram_id(telegram_id)
                assert person is not None
                ids[telegram_id] = person.id
            now = datetime.now(WIB)
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP PM-BAPKM.AP.1-05",
                                         "Transkrip tidak terbit dalam tiga hari kerja", "Tidak ada pejabat pengganti",
                                         ids[OFFICER], now, status="in_progress"))
            await uow.lks.update(lk.id, checked_by=ids[REVIEWER], approved_by=ids[APPROVER])
            actions = [await uow.lks.add_action(NewAction(lk.id, kind, what, ids[owner], due, 1, now)) for kind, what,
                       owner in (("preventive", "Tunjuk pejabat pengganti penandatangan", OWNER),
                                 ("corrective", "Perbarui SOP penerbitan transkrip", OWNER),
                                 ("correction", "Terbitkan transkrip yang tertunda", OFFICER))]
            await uow.commit()
            return lk.number, [a.id for a in actions]
    finally:
        await engine.dispose()


async def test_an_overdue_action_climbs_from_its_owner_to_the_reviewer_to_the_approver_on_working_days(
        office: Office) -> None:
    lk, (first, second, officers) = await seed_actions(office.url, date(2026, 12, 23))  # a Wednesday
    owner, reviewer, approver, officer = (office.people[i] for i in (OWNER, REVIEWER, APPROVER, OFFICER))

    seen = office.counts()
    await office.at(wib(2026, 12, 21, 7, 10))  # before the digests' 07:30
    assert office.new(OWNER, seen) == [] and office.new(GROUP, seen) == []
    await office.at(wib(2026, 12, 21, 7, 45))
    digest = office.new(OWNER, seen)  # one digest for both actions, due within 3 working days
    assert len(digest) == 1, digest
    assert en("🗓 <b>Your actions</b> — {date}").format(date="21 December 2026").split("<b>")[0] in digest[0]
    assert en_n("Due within {n} working day", "Due within {n} working days", 3).format(n=3) in digest[0]
    assert f"#{first}" in digest[0] and f"#{second}" in digest[0] and f"#{officers}" not in digest[0]
    assert en("⏳ #{id} more time").format(id=first) in owner.buttons()
    assert len(office.new(OFFICER, seen)) == 1  # the officer's own action, in her own digest (Indonesian)
    assert idn_n("Due within {n} working day", "Due within {n} working days", 3).format(n=3) \
        in office.new(OFFICER, seen)[0]
    assert office.new(GROUP, seen) == []  # nothing new, late or waiting yet: no summary of zeros

    asked = await owner.press(en("⏳ #{id} more time").format(id=second))  # one extension, decided by the approver
    assert "30-12-2026" in asked[-1].text  # 5 working days ahead (24, 25 December off)
    await owner.say("8-1-2027 waiting for the faculty senate's decision")
    assert office.new(APPROVER, seen) == []  # a request to decide waits for the office to open at 08:00
    await office.at(wib(2026, 12, 21, 8, 1))
    request = office.new(APPROVER, seen)
    assert len(request) == 1 and "Maya Owner" in request[0] and "8 Januari 2027" in request[0]
    await approver.press(idn("✔ Grant"))
    await settle(office.emu, office.url)
    assert en("✔ More time for action #{id} of {lk} was granted: it is now due {date}.").format(
        id=second, lk=lk, date="8 January 2027") == owner.last.text

    seen = office.counts()
    await office.at(wib(2026, 12, 21, 15))
    assert office.new(OWNER, seen) == []  # one digest a day
    for holiday in (wib(2026, 12, 24, 9), wib(2026, 12, 25, 9), wib(2026, 12, 26, 9), wib(2026, 12, 27, 9)):
        await office.at(holiday)  # cuti bersama, Christmas, the weekend
    assert office.new(OWNER, seen) == [] and office.new(GROUP, seen) == []
    assert len(office.new(OWNER, seen)) == 0

    await officer.press(idn("✅ #{id} done").format(id=officers))  # before any escalation: it never climbs
    await officer.say("Transkrip sudah diterbitkan, nomor surat 123/2026.")

    seen = office.counts()
    await office.at(wib(2026, 12, 28, 7, 50))  # Monday: 1 working day overdue — the owner's digest, nobody else
    assert len(office.new(OWNER, seen)) == 1 and en("Overdue") in office.new(OWNER, seen)[0]
    assert office.new(REVIEWER, seen) == [] and office.new(APPROVER, seen) == []
    group = office.new(GROUP, seen)  # the staff group's morning summary, in the default language
    assert len(group) == 1 and "28 Desember 2026" in group[0]
    assert idn("Actions due today: {n} · overdue: {m}").format(n=0, m=1) in group[0]  # the extended one is not

    seen = office.counts()
    await office.at(wib(2026, 12, 29, 7, 55))  # 2 working days overdue, but the office opens at 08:00
    assert office.new(REVIEWER, seen) == []
    await office.at(wib(2026, 12, 29, 8, 1))
    told = office.new(REVIEWER, seen)  # naming the owner; not the extended action, nor the officer's (done)
    assert len(told) == 1 and "Maya Owner" in told[0] and lk in told[0] and f"#{first}" in told[0], told
    assert office.new(APPROVER, seen) == []

    seen = office.counts()
    for moment in (wib(2026, 12, 30, 9), wib(2026, 12, 31, 9), wib(2027, 1, 1, 9)):  # 1 January: a holiday
        await office.at(moment)
    assert office.new(APPROVER, seen) == []
    await office.at(wib(2027, 1, 4, 8, 5))  # the fifth working day overdue
    # January's first working day: December's recap goes too (tests/e2e/test_recap.py follows it)
    escalated = [t for t in office.new(APPROVER, seen) if t and "Rekap bulanan" not in t]
    assert len(escalated) == 1 and "Maya Owner" in escalated[0] and f"#{first}" in escalated[0]
    digest = office.new(OWNER, seen)[-1]  # the extended action is back among those due soon
    assert en_n("Due within {n} working day", "Due within {n} working days", 3).format(n=3) in digest \
        and f"#{second}" in digest
    assert office.new(REVIEWER, seen) == []  # the reviewer was told once, not every day
    assert not any(f"#{officers}" in t for uid in (REVIEWER, APPROVER) for t in office.inbox(uid))
    assert "Traceback" not in approver.text() + reviewer.text()


async def test_a_late_ticket_is_told_honestly_extended_answered_reminded_and_closed_yet_still_rated(
        office: Office) -> None:
    officer, approver, reviewer = office.people[OFFICER], office.people[APPROVER], office.people[REVIEWER]
    student = Person(office.emu, STUDENT, "Siti Rahma", language="id")
    await office.at(wib(2026, 12, 21, 9))
    await file_complaint(student, "id", photo=False)  # to be confirmed within 3 working days: by 28 December

    seen = office.counts()
    await office.at(wib(2026, 12, 29, 6, 30))  # late, but before the complainants' 07:00
    assert office.new(STUDENT, seen) == []
    await office.at(wib(2026, 12, 29, 7, 5))
    late = office.new(STUDENT, seen)
    assert len(late) == 1 and "KEL-2026-00001" in late[0] and "28 Desember 2026" in late[0]
    assert office.new(OFFICER, seen) == []  # staff wait for the office
    await office.at(wib(2026, 12, 29, 8, 5))
    digest = office.new(OFFICER, seen)
    assert len(digest) == 1 and idn("📋 <b>Tickets past their standard time</b> ({n}):").format(n=1).split("<b>")[0] \
        in digest[0] and "KEL-2026-00001" in digest[0]
    assert office.new(REVIEWER, seen) == []  # the reviewer: a working day after the deadline
    await office.at(wib(2026, 12, 30, 8, 5))
    assert len(office.new(REVIEWER, seen)) == 1 and "KEL-2026-00001" in office.new(REVIEWER, seen)[0]
    await office.at(wib(2026, 12, 30, 9))
    assert len(office.new(STUDENT, seen)) == 1  # told once, not every day

    seen = office.counts()
    done = await officer.say("/extend KEL-2026-00001 8-1-2027 menunggu data dari fakultas")
    await settle(office.emu, office.url)
    assert "8 Januari 2027" in done[-1].text
    assert "menunggu data dari fakultas" in office.new(APPROVER, seen)[-1]
    told = office.new(STUDENT, seen)
    assert len(told) == 1 and "8 Januari 2027" in told[0] and "menunggu data dari fakultas" in told[0]
    refused = await officer.say("/extend KEL-2026-00001 15-1-2027 sekali lagi")
    assert idn("The deadline of {number} was extended once already; it is not extended again.").format(
        number="KEL-2026-00001") in refused[-1].text

    await officer.say("/take KEL-2026-00001")
    await officer.say("/conforming KEL-2026-00001 Transkrip diterbitkan sesuai prosedur pada 30 Desember.")
    await settle(office.emu, office.url)
    assert student.buttons() == ["1", "2", "3", "4", "5"]

    seen = office.counts()
    await office.at(wib(2027, 1, 7, 20))  # 4 working days after the response (5 January is Isra' Mi'raj)
    assert office.new(STUDENT, seen) == []
    await office.at(wib(2027, 1, 8, 7, 1))
    reminded = office.new(STUDENT, seen)
    assert len(reminded) == 1 and "KEL-2026-00001" in reminded[0] and "15 Januari 2027" in reminded[0]

    seen = office.counts()
    await office.at(wib(2027, 1, 15, 21, 30))  # the tenth working day, but after the complainants' 21:00
    assert office.new(STUDENT, seen) == []
    await office.at(wib(2027, 1, 16, 7, 0))  # a Saturday: complainants are told any day
    closed = office.new(STUDENT, seen)
    assert len(closed) == 1 and "KEL-2026-00001" in closed[0] and "10" in closed[0]
    assert student.buttons() == ["1", "2", "3", "4", "5"]
    status = await student.say("/status KEL-2026-00001")
    assert idn("closed without a rating, 10 working days after the response") in "\n".join(m.text or ""
                                                                                        for m in status)
    thanks = await student.press("5")  # still within the period: the rating counts
    assert thanks and "Traceback" not in thanks[-1].text
    engine = make_engine(office.url)
    try:
        async with engine.connect() as conn:
            rating = (await conn.execute(text("SELECT rating FROM ticket WHERE number = 'KEL-2026-00001'"))).scalar()
    finally:
        await engine.dispose()
    assert rating == 5
    assert "Traceback" not in approver.text() + reviewer.text()

