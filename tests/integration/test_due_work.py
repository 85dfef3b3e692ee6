"""The due-work engine (issue 12) on a real database with a controlled clock: the ladder of an overdue action across
a weekend and the Christmas holidays, quiet hours, digests, an extension, the auto-close, a notice whose reason
vanished, and each notice once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.emulator.html import parse_html
from handlers.calendar_loader import load_calendar
from handlers.due.engine import ctx_for, run_once
from handlers.due.gather import gather
from handlers.events import payload_buttons
from handlers.formats import day
from handlers.i18n import Translator
from storage.records import NewAction, NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = load_calendar(today=date(2026, 12, 3))  # the holidays package: 24 (cuti bersama), 25 December, 1 January
en = Translator().gettext("en")
id_ = Translator().gettext("id")  # the staff group is written to in the default language
ADMIN, OFFICER, REVIEWER, APPROVER, MONITOR, OWNER, STUDENT = 9001, 9002, 9003, 9004, 9005, 9006, 5001
STAFF = {OFFICER: "officer", REVIEWER: "reviewer", APPROVER: "approver", MONITOR: "monitor", OWNER: "monitor"}


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


GROUP_SUMMARY = ("staff group's daily summary, when there is something to report (a group post, before office hours, "
                 "as planned)")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, moment: datetime) -> datetime:
        self.now = moment.astimezone(UTC)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(wib(2026, 12, 21, 9))  # Monday 21 December 2026


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork], clock: Clock) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}), clock=clock, calendar=CALENDAR)
    for who, role in STAFF.items():
        await desk.say(desk.user(who, f"Staff {who}"), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {who} {role}")
    await desk.say(desk.user(STUDENT, "Siti"), "/start")
    return desk


async def person(desk: Desk, telegram_id: int) -> int:
    async with desk.make_uow() as uow:
        found = await uow.persons.get_by_telegram_id(telegram_id)
        assert found is not None
        return found.id


async def action_due(desk: Desk, due: date, *, lk_status: str = "in_progress") -> tuple[int, int]:
    """An LK prepared by the officer, checked by the reviewer, approved by the approver, with one action of the
    owner due on ``due``."""
    officer, reviewer, approver, owner = [await person(desk, t) for t in (OFFICER, REVIEWER, APPROVER, OWNER)]
    async with desk.make_uow() as uow:
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late transcripts", "No deputy",
                                     officer, desk.deps.clock(), status=lk_status))
        await uow.lks.update(lk.id, checked_by=reviewer, approved_by=approver)
        action = await uow.lks.add_action(NewAction(lk.id, "preventive", "Appoint deputies", owner, due, 1,
                                                    desk.deps.clock()))
        await uow.commit()
        return lk.id, action.id


async def tick(desk: Desk, clock: Clock, moment: datetime) -> list[dict[str, Any]]:
    """Run a pass at ``moment`` and return what it sent."""
    clock.at(moment)
    await run_once(desk.make_uow, desk.deps, clock())
    async with desk.make_uow() as uow:  # what a pass derives is only what was not issued: the keys built in SQL
        derived = [due.key for due in await gather(ctx_for(uow, desk.deps), clock())]  # match the engine's
        assert await uow.due.issued(derived) == set()
    sent = await desk.deliver_due()
    for payload in sent:
        if "text" in payload:
            parse_html(payload["text"])  # what Telegram would refuse ("can't parse entities") fails here
    return sent


def buttons_of(payload: dict[str, Any]) -> list[str]:
    return [button.data for row in payload_buttons(payload) for button in row]


def to(sent: list[dict[str, Any]], chat: int) -> list[str]:
    return [p["text"] for p in sent if p["chat_id"] == chat]


class TestOverdueActionLadder:
    async def test_owner_then_reviewer_then_approver_on_working_days_only(self, desk: Desk, clock: Clock) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))  # Wednesday before Christmas
        assert to(await tick(desk, clock, wib(2026, 12, 22, 7, 0)), OWNER) == []  # before 07:30
        first = await tick(desk, clock, wib(2026, 12, 22, 7, 45))  # due within 3 working days: the digest
        assert len(to(first, OWNER)) == 1 and f"#{action}" in to(first, OWNER)[0]
        assert await tick(desk, clock, wib(2026, 12, 22, 12)) == []  # once a day
        for holiday in (wib(2026, 12, 24, 9), wib(2026, 12, 25, 9), wib(2026, 12, 26, 9), wib(2026, 12, 27, 9)):
            assert await tick(desk, clock, holiday) == []  # cuti bersama, Christmas, the weekend: nothing
        monday = await tick(desk, clock, wib(2026, 12, 28, 8, 30))  # 1 working day overdue: the digest only
        assert len(to(monday, OWNER)) == 1 and to(monday, REVIEWER) == []
        assert "(1 working day late)" in to(monday, OWNER)[0]  # found in a walk: the digest never said how late
        assert "late)" not in to(first, OWNER)[0]
        tuesday = await tick(desk, clock, wib(2026, 12, 29, 8, 30))  # 2 working days: the reviewer
        assert len(to(tuesday, REVIEWER)) == 1 and "Staff 9006" in to(tuesday, REVIEWER)[0]
        assert to(tuesday, APPROVER) == []
        for moment in (wib(2026, 12, 30, 8, 30), wib(2026, 12, 31, 8, 30), wib(2027, 1, 1, 9)):
            assert to(await tick(desk, clock, moment), APPROVER) == []
        escalated = await tick(desk, clock, wib(2027, 1, 4, 8, 5))  # 5 working days (1 January is a holiday)
        overdue = [t for t in to(escalated, APPROVER) if "Monthly recap" not in t]
        assert len(overdue) == 1 and "#" + str(action) in overdue[0]
        # the first working day of January (1 January is a holiday): December's recap goes too
        assert [t for t in to(escalated, APPROVER) if "Monthly recap" in t] == [
            "📊 Monthly recap of December 2026: preparing the PDF…"]

    async def test_staff_notices_wait_for_office_hours(self, desk: Desk, clock: Clock) -> None:
        await action_due(desk, date(2026, 12, 16))
        assert to(await tick(desk, clock, wib(2026, 12, 21, 6, 59)), REVIEWER) == []  # before the office opens
        assert len(to(await tick(desk, clock, wib(2026, 12, 21, 8)), REVIEWER)) == 1

    async def test_a_done_action_is_not_escalated(self, desk: Desk, clock: Clock) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 16))
        async with desk.make_uow() as uow:
            await uow.lks.complete_action(action, by=await person(desk, OWNER), at=clock(), evidence_text="Done")
            await uow.commit()
        assert await tick(desk, clock, wib(2026, 12, 21, 9)) == []

    async def test_each_notice_goes_once_however_many_passes(self, desk: Desk, clock: Clock) -> None:
        await action_due(desk, date(2026, 12, 16))
        first = await tick(desk, clock, wib(2026, 12, 21, 9))
        assert len(first) >= 2
        for _again in range(3):
            assert await tick(desk, clock, wib(2026, 12, 21, 9, 1)) == []


class TestDigests:
    async def test_one_digest_for_many_actions_of_one_owner(self, desk: Desk, clock: Clock) -> None:
        for due in (date(2026, 12, 18), date(2026, 12, 21), date(2026, 12, 22)):
            await action_due(desk, due)
        digest = to(await tick(desk, clock, wib(2026, 12, 21, 7, 40)), OWNER)
        assert len(digest) == 1
        text = digest[0]
        assert en("Overdue") in text and en("Due today") in text
        assert en("Due within {n} working days").format(n=3) in text

    async def test_the_staff_group_gets_a_morning_summary(self, desk: Desk, clock: Clock) -> None:
        await action_due(desk, date(2026, 12, 18))
        sent = await tick(desk, clock, wib(2026, 12, 21, 7, 31))
        group = [p for p in sent if p["chat_id"] < 0]
        assert len(group) == 1 and id_("Actions due today: {n} · overdue: {m}").format(n=0, m=1) in group[0]["text"]

    async def test_the_staff_groups_summary_goes_at_0730_on_working_days_only(self, desk: Desk, clock: Clock) -> None:
        """Issue 12 plans it at 07:30 WIB on working days, before the staff's office hours (08:00): a group post, not
        a personal message. Thursday 24 and Friday 25 December 2026 are holidays (cuti bersama, Christmas)."""
        await action_due(desk, date(2026, 12, 18))  # overdue all week: there is something to report every day

        def group(sent: list[dict[str, Any]]) -> list[str]:
            return [p["text"] for p in sent if p["chat_id"] < 0]

        assert group(await tick(desk, clock, wib(2026, 12, 21, 7, 29))) == []  # Monday, a minute early
        assert len(group(await tick(desk, clock, wib(2026, 12, 21, 7, 30)))) == 1
        assert group(await tick(desk, clock, wib(2026, 12, 21, 8, 0))) == []  # once a day
        assert len(group(await tick(desk, clock, wib(2026, 12, 22, 7, 30)))) == 1  # Tuesday
        for holiday_or_weekend in (24, 25, 26, 27):
            for hour in (7, 8, 12):
                assert group(await tick(desk, clock, wib(2026, 12, holiday_or_weekend, hour, 30))) == []
        assert len(group(await tick(desk, clock, wib(2026, 12, 28, 7, 30)))) == 1  # Monday again


class TestComplainant:
    async def add_ticket(self, desk: Desk, clock: Clock, status: str = "received") -> int:
        async with desk.make_uow() as uow:
            student = await uow.persons.get_by_telegram_id(STUDENT)
            assert student is not None
            ticket = await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                                     "Transkrip belum terbit", None, {}, (), False, status, clock()))
            await uow.commit()
            return ticket.id

    async def test_told_once_when_the_standard_time_passed_in_their_waking_hours(self, desk: Desk,
                                                                                  clock: Clock) -> None:
        await self.add_ticket(desk, clock)  # the first pass gives it its deadline: 3 working days, Thursday 24 …
        await tick(desk, clock, wib(2026, 12, 21, 9))
        assert to(await tick(desk, clock, wib(2026, 12, 29, 6, 30)), STUDENT) == []  # before 07:00
        told = to(await tick(desk, clock, wib(2026, 12, 29, 7, 5)), STUDENT)
        assert len(told) == 1 and "KEL-2026-00001" in told[0]
        assert to(await tick(desk, clock, wib(2026, 12, 30, 9)), STUDENT) == []

    async def test_the_reviewers_escalation_after_a_pause_says_how_late_the_ticket_is(self, desk: Desk,
                                                                                      clock: Clock) -> None:
        """The third walk: after the sandbox's clock jumped, a ticket 17 working days late was escalated as "still
        not confirmed, a working day after its deadline"."""
        import re

        await self.add_ticket(desk, clock)  # due Thursday 24 December (3 working days)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        told = to(await tick(desk, clock, wib(2027, 1, 12, 9)), REVIEWER)  # the next pass, weeks later
        found = [m for t in told for m in re.findall(r"still not confirmed, (\d+) working days? after", t)]
        assert len(found) == 1 and int(found[0]) > 5, told

    async def test_status_shows_the_date_the_late_notice_gave_not_the_passed_deadline(self, desk: Desk,
                                                                                      clock: Clock) -> None:
        """Found in a walk: the notice said "expect it by 4 January", /status still said the passed 28 December."""
        await self.add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        told = to(await tick(desk, clock, wib(2026, 12, 29, 7, 5)), STUDENT)
        async with desk.make_uow() as uow:
            ticket = await uow.tickets.get_by_number("KEL-2026-00001")
            assert ticket is not None and ticket.due_on is not None
            late = [e for e in await uow.tickets.events(ticket.id) if e.code == "late_told"]
        assert len(late) == 1 and late[0].params["from"] == str(ticket.due_on)
        promised = date.fromisoformat(late[0].params["to"])
        assert promised > ticket.due_on and day(promised, "en") in told[0]
        status = (await desk.say(desk.user(STUDENT, "Siti"), "/status KEL-2026-00001"))[0]
        assert en("Next step expected by: {date}").format(date=day(promised, "en")) in status
        assert en("taking longer than the standard time: now expected by {to}").format(to=day(promised, "en")) \
            in status
        shown = (await desk.say(desk.user(OFFICER, "Staff"), "/show KEL-2026-00001"))[0]
        assert en("⏱ late (due {from_}): the complainant was told to expect it by {to}").format(
            from_=day(ticket.due_on, "en"), to=day(promised, "en")) in shown

    async def test_an_unrated_response_is_reminded_then_closed_and_can_still_be_rated(
            self, desk: Desk, clock: Clock) -> None:
        ticket = await self.add_ticket(desk, clock, "resolved")
        async with desk.make_uow() as uow:
            await uow.tickets.update(ticket, resolved_at=clock(), response="Transkrip sudah terbit.")
            await uow.commit()
        reminded = to(await tick(desk, clock, wib(2026, 12, 31, 9)), STUDENT)  # 5 working days later
        assert len(reminded) == 1 and "KEL-2026-00001" in reminded[0]
        closed = to(await tick(desk, clock, wib(2027, 1, 8, 9)), STUDENT)  # 10 working days
        assert len(closed) == 1 and "10" in closed[0]
        async with desk.make_uow() as uow:
            found = await uow.tickets.get(ticket)
            assert found is not None and found.status == "closed"
        _answer, _rated = await desk.press_payloads(desk.user(STUDENT, "Siti"), f"rate:{ticket}:1")
        async with desk.make_uow() as uow:
            found = await uow.tickets.get(ticket)
            assert found is not None and found.status == "reopened"

    async def test_status_offers_the_rating_after_the_auto_close_until_the_settings_days_pass(
            self, desk: Desk, clock: Clock) -> None:
        """Found in a new-user walk: the auto-close's notice said "you can still rate it until …" with the rating
        buttons, /status of the same ticket then showed none."""
        ticket = await self.add_ticket(desk, clock, "resolved")
        async with desk.make_uow() as uow:
            await uow.tickets.update(ticket, resolved_at=clock(), response="Transkrip sudah terbit.")
            await uow.commit()
        student = desk.user(STUDENT, "Siti")
        rating = [f"rate:{ticket}:{n}" for n in range(1, 6)]
        assert buttons_of((await desk.payloads(student, "/status KEL-2026-00001"))[0]) == rating  # answered
        await tick(desk, clock, wib(2026, 12, 31, 9))
        closing = wib(2027, 1, 8, 9)
        closed = [p for p in await tick(desk, clock, closing) if p["chat_id"] == STUDENT]
        assert len(closed) == 1 and buttons_of(closed[0]) == rating  # the auto-close's notice
        days = desk.deps.rating_days_after_close
        clock.at(closing + timedelta(days=days) - timedelta(minutes=1))  # the notice's "until": still rateable
        status = (await desk.payloads(student, "/status KEL-2026-00001"))[0]
        assert en("closed") in status["text"] and buttons_of(status) == rating
        clock.at(closing + timedelta(days=days, minutes=1))
        assert buttons_of((await desk.payloads(student, "/status KEL-2026-00001"))[0]) == []
        answer, _rated = await desk.press_payloads(student, f"rate:{ticket}:4")  # an old button: refused as before
        assert answer is not None and "KEL-2026-00001" in answer


class TestDeadlinesShown:
    async def test_a_new_ticket_gets_its_deadline_shown_to_staff_and_complainant(self, desk: Desk,
                                                                                   clock: Clock) -> None:
        ticket = await TestComplainant().add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))  # the pass gives a ticket filed without one its deadline
        async with desk.make_uow() as uow:
            found = await uow.tickets.get(ticket)
            assert found is not None and (found.due_step, found.due_on) == ("confirm", date(2026, 12, 28))
        shown = "\n".join(await desk.say(desk.user(OFFICER), "/show KEL-2026-00001"))
        assert en("⏱ Deadline: to {step} by {date}").format(step=en("be confirmed"), date="28 December 2026") in shown
        status = "\n".join(await desk.say(desk.user(STUDENT, "Siti"), "/status KEL-2026-00001"))
        assert en("Next step expected by: {date}").format(date="28 December 2026") in status


class TestDueView:
    async def test_before_any_pass_the_admin_is_warned(self, desk: Desk) -> None:
        text = "\n".join(await desk.say(desk.user(ADMIN), "/due"))
        assert en("⚠ The reminder engine has not run yet: it runs in the process that sends messages.") in text

    async def test_the_week_ahead_by_day_with_names_and_one_summary_per_working_day(self, desk: Desk,
                                                                                       clock: Clock) -> None:
        await action_due(desk, date(2026, 12, 29))
        await tick(desk, clock, wib(2026, 12, 18, 10))  # a Friday: nothing is due yet
        text = "\n".join(await desk.say(desk.user(ADMIN), "/due"))
        assert en("The reminder engine last ran at {time}: {n} notices issued.").format(
            time="18 December 2026, 10:00 WIB", n=0) in text
        assert "Staff 9006" in text  # the owner by name, not by an internal id
        days = [block.split("\n") for block in text.split("\n\n")[2:]]
        for lines in days:  # one staff summary a day at most, and none on the weekend or the holidays
            summaries = [line for line in lines if en(GROUP_SUMMARY)
                         in line]
            assert len(summaries) <= 1, lines
            assert not any(day in lines[0] for day in ("19 December", "20 December", "24 December",
                                                        "25 December")), lines
        assert "23 December 2026" in text and en("action owner's digest") in text
        assert "• 07:30 — " + en(GROUP_SUMMARY) + " → " + en("the staff group") in text
        assert text.endswith(en("ℹ️ Staff are messaged in office hours ({office} WIB, working days). The morning "
                                "digests — the staff group's summary and each action owner's digest — go from "
                                "{digest} on working days, before office hours, as planned. Complainants: "
                                "{complainants}, every day.").format(office="08:00–16:00", digest="07:30",
                                                                    complainants="07:00–21:00"))

    async def test_only_the_roles_that_watch_may_look(self, desk: Desk) -> None:
        assert await desk.say(desk.user(STUDENT, "Siti"), "/due") == [en("Sorry, this is only for the bureau's staff.")]
        assert await desk.say(desk.user(OFFICER), "/due") == [en("Sorry, your role does not allow this.")]
        shown = "\n".join(await desk.say(desk.user(APPROVER), "/due"))
        assert en(GROUP_SUMMARY) in shown


    async def test_notices_to_complainants_name_the_ticket_never_the_person(self, desk: Desk, clock: Clock) -> None:
        """Found in a walk: /due showed an anonymous complainant's name beside "complainant told of the delay"."""
        async with desk.make_uow() as uow:
            student = await uow.persons.get_by_telegram_id(STUDENT)
            assert student is not None
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                            "Transkrip belum terbit", None, {}, (), True, "received", clock()))
            await uow.commit()
        await tick(desk, clock, wib(2026, 12, 24, 9))  # its deadline is set; the delay notice goes on the 29th
        text = "\n".join(await desk.say(desk.user(ADMIN), "/due"))
        assert en("complainant told of the delay") in text
        assert en("the complainant of {number}").format(number="KEL-2026-00001") in text
        assert student.name not in text


class TestOtherNotices:
    async def test_a_complainants_message_unread_for_a_working_day_reaches_the_officer(self, desk: Desk,
                                                                                       clock: Clock) -> None:
        ticket = await TestComplainant().add_ticket(desk, clock, "confirming")
        async with desk.make_uow() as uow:
            await uow.tickets.update(ticket, assigned_to=await person(desk, OFFICER),
                                     unread_since=wib(2026, 12, 21, 10))
            await uow.commit()
        assert to(await tick(desk, clock, wib(2026, 12, 22, 9, 59)), OFFICER) == []
        told = to(await tick(desk, clock, wib(2026, 12, 22, 10, 5)), OFFICER)
        assert len(told) == 1 and "KEL-2026-00001" in told[0] and "21 December 2026" in told[0]

    async def test_an_lk_waiting_for_its_check_reaches_the_reviewers(self, desk: Desk, clock: Clock) -> None:
        async with desk.make_uow() as uow:
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late transcripts", "No deputy",
                                         await person(desk, OFFICER), wib(2026, 12, 16, 9), status="awaiting_check"))
            await uow.commit()
        assert to(await tick(desk, clock, wib(2026, 12, 18, 9)), REVIEWER) == []
        told = to(await tick(desk, clock, wib(2026, 12, 21, 9)), REVIEWER)
        assert len(told) == 1 and lk.number in told[0] and "16 December 2026" in told[0]

    async def test_an_lk_left_a_draft_reaches_its_officer_once(self, desk: Desk, clock: Clock) -> None:
        """A draft nobody submits stalls the procedure as surely as one nobody checks (a further round's programme
        after "not effective", while reopened complainants wait): after 2 working days its officer hears of it,
        once, and nobody else does; /due names the kind."""
        async with desk.make_uow() as uow:
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late transcripts", "No deputy",
                                         await person(desk, OFFICER), wib(2026, 12, 16, 9), status="draft"))
            await uow.commit()
        assert en("LK draft not submitted, to its officer") in "\n".join(await desk.say(desk.user(ADMIN), "/due"))
        assert to(await tick(desk, clock, wib(2026, 12, 18, 9)), OFFICER) == []
        queued = await tick(desk, clock, wib(2026, 12, 21, 9))
        told = to(queued, OFFICER)
        assert len(told) == 1 and lk.number in told[0] and "16 December 2026" in told[0]
        assert "has been a draft since" in told[0] and "(round 1)" in told[0]
        assert to(queued, REVIEWER) == [] and to(queued, APPROVER) == []
        assert to(await tick(desk, clock, wib(2026, 12, 22, 9)), OFFICER) == []  # once


class TestExtensions:
    async def ask(self, desk: Desk, action: int, text: str) -> list[str]:
        """Press ⏳ and answer; what the press and the answer said (a refusal may come at the press)."""
        answer, pressed = await desk.press(desk.user(OWNER), f"ax:{action}")
        return [answer or "", *pressed, *await desk.say(desk.user(OWNER), text)]

    async def test_refused_then_asked_again_then_granted_once(self, desk: Desk, clock: Clock) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        asked = await self.ask(desk, action, "8-1-2027 waiting for the senate")
        assert en("Asked: action #{id} until {date}. An approver decides; you are told here.").format(
            id=action, date="8 January 2027") in asked
        again = await self.ask(desk, action, "15-1-2027 another reason")  # one request waits already
        assert any("is waiting for the approver since" in line for line in again)
        answer, told = await desk.press(desk.user(APPROVER), "xr:1")
        assert answer is None and en("✖ More time for action #{id} of {lk} was refused: it stays due {date}.").format(
            id=action, lk="LK-2026-001", date="23 December 2026") in told
        await self.ask(desk, action, "8-1-2027 the senate meets on the 7th")
        answer, told = await desk.press(desk.user(APPROVER), "xg:2")
        late, _twice = await desk.press(desk.user(APPROVER), "xg:2")  # a second press: decided already
        assert late is not None and en("granted") in late
        async with desk.make_uow() as uow:
            found = await uow.lks.get_action(action)
            assert found is not None and found.due_on == date(2027, 1, 8) and found.extended
        refused = await self.ask(desk, action, "20-1-2027 more")
        assert any("once already" in line for line in refused)
        view = unescape("\n".join(await desk.say(desk.user(OFFICER), "/lk LK-2026-001")))
        assert en("{owner}, due {date}").format(owner="User 9006", date="8 January 2027 " + en(
            "(extended from {date})").format(date="23 December 2026")) in view

    async def test_someone_else_cannot_ask_for_the_owners_action(self, desk: Desk) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        answer, said = await desk.press(desk.user(REVIEWER), f"ax:{action}")  # refused at the press
        assert en("Only the action's owner or an officer can ask for more time.") in unescape(
            "\n".join([answer or "", *said]))
        assert not any(en("Until when does action") in line for line in said)

    async def test_more_time_is_offered_only_while_it_can_be_used_and_an_old_button_says_why_not(
            self, desk: Desk, clock: Clock) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 22))
        more_time = f"ax:{action}"
        first = [p for p in await tick(desk, clock, wib(2026, 12, 21, 7, 45)) if p["chat_id"] == OWNER]
        assert len(first) == 1 and more_time in buttons_of(first[0])
        await self.ask(desk, action, "8-1-2027 waiting for the senate")  # on Monday 21 December
        waiting = [p for p in await tick(desk, clock, wib(2026, 12, 22, 7, 45)) if p["chat_id"] == OWNER]
        assert len(waiting) == 1 and more_time not in buttons_of(waiting[0]) and f"ad:{action}" in buttons_of(
            waiting[0])
        answer, said = await desk.press(desk.user(OWNER), more_time)  # the button of Monday's digest
        shown = unescape("\n".join([answer or "", *said]))
        assert en("A request for more time for action #{id} is waiting for the approver since {date}: you are told "
                  "here when it is decided.").format(id=action, date="21 December 2026") in shown
        assert en("Until when does action") not in shown  # no date or reason asked for nothing
        await desk.press(desk.user(APPROVER), "xg:1")
        answer, said = await desk.press(desk.user(OWNER), more_time)
        assert en("The due date of action #{id} was extended once already, on {date} (from {old} to {new}): it is not "
                  "extended again.").format(id=action, date="22 December 2026", old="22 December 2026",
                                            new="8 January 2027") in unescape("\n".join([answer or "", *said]))
        later = [p for p in await tick(desk, clock, wib(2027, 1, 6, 7, 45)) if p["chat_id"] == OWNER]
        assert len(later) == 1 and more_time not in buttons_of(later[0]) and f"#{action}" in later[0]["text"]

    async def test_the_examples_give_a_date_ahead_of_today(self, desk: Desk) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        _answer, prompt = await desk.press(desk.user(OWNER), f"ax:{action}")
        assert "30-12-2026" in "\n".join(prompt)  # Monday 21 December + 5 working days (24, 25 December off)
        usage = await desk.say(desk.user(OFFICER), "/extend KEL-2026-00001")
        assert "/extend KEL-2026-00042 30-12-2026" in unescape("\n".join(usage))

    @pytest.mark.parametrize(("typed", "wrong"), [
        ("31-02-2027 menunggu", en("{month} has only {n} days.").format(month="February 2027", n=28)),
        ("32-12-2026 x", en("{month} has only {n} days.").format(month="December", n=31)),
        ("kemarin", en("That date has passed. Please give today or a later date.")),
        ("05-01-2027", en("Write the reason after the date: why is more time needed?")),
    ])
    async def test_a_wrong_date_or_a_missing_reason_is_named(self, desk: Desk, clock: Clock, typed: str,
                                                             wrong: str) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        asked = unescape("\n".join(await self.ask(desk, action, typed)))
        assert wrong in asked
        await TestComplainant().add_ticket(desk, clock)
        extend = unescape("\n".join(await desk.say(desk.user(OFFICER), f"/extend KEL-2026-00001 {typed}")))
        assert wrong in extend

    async def test_a_new_date_on_a_holiday_moves_to_the_next_working_day_and_the_answer_says_so(
            self, desk: Desk, clock: Clock) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        asked = await self.ask(desk, action, "05-01-2027 waiting for the senate")  # a holiday in the calendar
        moved = en("{day} is a holiday: due on {date}.").format(day="5 January 2027", date="6 January 2027")
        assert any(moved in line for line in asked)
        async with desk.make_uow() as uow:
            requests = await uow.due.extensions_of(action)
            assert [r.new_due for r in requests] == [date(2027, 1, 6)]
        await TestComplainant().add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        extended = await desk.say(desk.user(OFFICER), "/extend KEL-2026-00001 9-1-2027 waiting for records")
        weekend = en("{day} is not a working day: due on {date}.").format(day="9 January 2027", date="11 January 2027")
        assert any(weekend in line for line in extended)

    async def test_a_date_without_a_reason_or_before_the_due_date_is_refused_and_kept_asking(
            self, desk: Desk) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        bare = await self.ask(desk, action, "8-1-2027")
        assert en("Write the reason after the date: why is more time needed?") in unescape("\n".join(bare))
        nothing = await desk.say(desk.user(OWNER), "soon, the senate meets")
        assert en("Write the new due date first, then the reason, e.g. “{example} waiting for the dean's "
                  "signature”.").format(example="30-12-2026") in unescape("\n".join(nothing))
        earlier = await desk.say(desk.user(OWNER), "22-12-2026 sooner")
        assert en("The new due date must be after the current one ({date}).").format(date="23 December 2026") \
            in "\n".join(earlier)

    async def test_an_officer_extends_a_tickets_deadline_once_and_its_complainant_is_told(
            self, desk: Desk, clock: Clock) -> None:
        await TestComplainant().add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        usage = await desk.say(desk.user(OFFICER), "/extend KEL-2026-00001")
        assert any(line.startswith(en("Usage: /extend").split(":")[0]) for line in usage)
        before = await desk.say(desk.user(OFFICER), "/extend KEL-2026-00001 24-12-2026 earlier than due")
        assert en("The new deadline must be after the current one ({date}).").format(date="28 December 2026") \
            in "\n".join(before)
        payloads = await desk.payloads(desk.user(OFFICER), "/extend KEL-2026-00001 9-1-2027 waiting for records")
        student = [p["text"] for p in payloads if p["chat_id"] == STUDENT]  # Saturday 9 January: Monday the 11th
        assert len(student) == 1 and "11 January 2027" in student[0] and "waiting for records" in student[0]
        assert any(p["text"].startswith(en("The deadline of {number} is now {date}; the complainant and the approvers "
                                           "were told, with the reason.").format(number="KEL-2026-00001",
                                                                                 date="11 January 2027"))
                   for p in payloads if p["chat_id"] == OFFICER)
        assert any(p["chat_id"] == APPROVER for p in payloads)
        again = await desk.say(desk.user(OFFICER), "/extend KEL-2026-00001 15-1-2027 more")
        assert en("The deadline of {number} was extended once already; it is not extended again.").format(
            number="KEL-2026-00001") in "\n".join(again)

    async def test_a_request_made_in_the_evening_reaches_the_approver_when_the_office_opens(
            self, desk: Desk, clock: Clock) -> None:
        _lk, action = await action_due(desk, date(2026, 12, 23))
        clock.at(wib(2026, 12, 23, 20))  # Wednesday evening; Thursday and Friday are holidays
        await desk.press(desk.user(OWNER), f"ax:{action}")
        payloads = await desk.payloads(desk.user(OWNER), "8-1-2027 waiting for the senate")
        assert [p["chat_id"] for p in payloads] == [OWNER]  # the owner's confirmation only, for now
        clock.at(wib(2026, 12, 28, 7, 59))
        assert await desk.deliver_due() == []
        clock.at(wib(2026, 12, 28, 8, 0))
        waiting = await desk.deliver_due()
        assert [p["chat_id"] for p in waiting] == [APPROVER] and "waiting for the senate" in waiting[0]["text"]


class TestOfficerDigest:
    async def test_the_digest_of_late_tickets_is_html_telegram_accepts(self, desk: Desk, clock: Clock) -> None:
        """The digest's hint names the /extend command's arguments in angle brackets: they must reach Telegram as
        text, not as tags it refuses (found by the SIGKILL test: every officer digest failed)."""
        async with desk.make_uow() as uow:
            student = await uow.persons.get_by_telegram_id(STUDENT)
            assert student is not None
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, "Belum terbit",
                                            None, {}, (), False, "received", clock()))
            await uow.commit()
        await tick(desk, clock, wib(2026, 12, 21, 9))  # its deadline: 3 working days
        digest = to(await tick(desk, clock, wib(2026, 12, 29, 9)), OFFICER)
        assert len(digest) == 1
        text, _entities = parse_html(digest[0], strict_entities=True)  # raises, as Telegram refuses, on a bad tag
        assert "/extend <number> <date> <reason>" in text and "KEL-2026-00001" in text


class TestABrokenNotice:
    async def test_one_notice_whose_message_fails_does_not_hold_up_the_others(
            self, desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
        """A bug in one notice's message (here: the owner's digest) rolls back only that notice: the reviewer's
        escalation of the same pass goes, and the digest is tried again by the next pass."""
        from handlers.due import Kind, messages

        await action_due(desk, date(2026, 12, 16))

        async def broken(ctx: Any, due: Any) -> int:
            raise RuntimeError("a bug in the digest")

        monkeypatch.setitem(messages.SENDERS, Kind.OWNER_DIGEST, broken)
        sent = await tick(desk, clock, wib(2026, 12, 21, 9))
        assert to(sent, OWNER) == [] and len(to(sent, REVIEWER)) == 1
        assert "digest:owner:" in caplog.text and "could not be issued" in caplog.text
        monkeypatch.undo()
        again = await tick(desk, clock, wib(2026, 12, 21, 9, 1))
        assert len(to(again, OWNER)) == 1 and to(again, REVIEWER) == []


class TestNewlyLateBeyondTheWindow:
    async def test_a_ticket_late_today_is_told_however_many_older_ones_are_late(
            self, desk: Desk, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
        """More stale late tickets than a pass reads of a kind (``LIMIT``, made 3 here) and one that becomes late
        today: its complainant and its officer are told (the engine read the oldest ``LIMIT`` and never saw it)."""
        async with desk.make_uow() as uow:
            student = await uow.persons.get_by_telegram_id(STUDENT)
            assert student is not None
            for n in range(5):
                await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                                f"Lama {n}", None, {}, (), False, "received", clock()))
            await uow.commit()
        await tick(desk, clock, wib(2026, 12, 21, 9))  # their deadline: 3 working days
        assert len(to(await tick(desk, clock, wib(2026, 12, 29, 9)), STUDENT)) == 5  # each told once
        monkeypatch.setattr("handlers.due.gather.LIMIT", 3)
        async with desk.make_uow() as uow:
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, "Baru", None,
                                            {}, (), False, "received", clock()))
            await uow.commit()
        await tick(desk, clock, wib(2026, 12, 29, 10))  # its deadline: 3 working days (1 January a holiday)
        sent = await tick(desk, clock, wib(2027, 1, 6, 9))  # the first working day after it (5 January is a holiday)
        told = to(sent, STUDENT)
        assert len(told) == 1 and "KEL-2026-00006" in told[0]
        digest = to(sent, OFFICER)
        assert len(digest) == 1 and "KEL-2026-00006" in digest[0] and "(6)" in digest[0]
        assert to(await tick(desk, clock, wib(2027, 1, 6, 11)), STUDENT) == []


def group(sent: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [p for p in sent if p["chat_id"] < 0]


def pressed(payload: dict[str, Any]) -> list[str]:
    return [data for row in payload.get("buttons") or [] for _label, data in row]


class TestFoundInTheSandboxWalk:
    """What a new user met walking the sandbox (issue 12's walk): each case as it was seen."""

    async def test_a_ticket_filed_after_the_mornings_summary_is_new_in_the_next_one(self, desk: Desk,
                                                                                     clock: Clock) -> None:
        clock.at(wib(2026, 12, 17, 9))
        await action_due(desk, date(2026, 12, 16))  # something to report every morning
        assert len(group(await tick(desk, clock, wib(2026, 12, 18, 7, 31)))) == 1  # Friday's summary
        clock.at(wib(2026, 12, 18, 9, 1))
        await TestComplainant().add_ticket(desk, clock)  # filed after it, on Friday
        monday = group(await tick(desk, clock, wib(2026, 12, 21, 7, 31)))
        assert len(monday) == 1 and id_("New since the last summary: {n}").format(n=1) in monday[0]["text"]
        tuesday = group(await tick(desk, clock, wib(2026, 12, 22, 10)))  # a late pass: counted once only
        assert id_("New since the last summary: {n}").format(n=0) in tuesday[0]["text"]

    async def test_without_an_earlier_summary_new_means_the_last_24_hours(self, desk: Desk, clock: Clock) -> None:
        clock.at(wib(2026, 12, 20, 7))
        await TestComplainant().add_ticket(desk, clock)  # Sunday 07:00: over a day before the summary
        clock.at(wib(2026, 12, 21, 6))
        await TestComplainant().add_ticket(desk, clock)  # Monday 06:00
        monday = group(await tick(desk, clock, wib(2026, 12, 21, 7, 31)))
        assert id_("New since the last summary: {n}").format(n=1) in monday[0]["text"]

    async def test_a_taken_but_unconfirmed_ticket_counts_as_unconfirmed_and_each_is_listed(
            self, desk: Desk, clock: Clock) -> None:
        clock.at(wib(2026, 12, 14, 9))
        taken = await TestComplainant().add_ticket(desk, clock, "received")
        await tick(desk, clock, wib(2026, 12, 14, 9, 1))  # its deadline: 17 December
        await desk.say(desk.user(OFFICER), "/take KEL-2026-00001")  # confirming: taken, no verdict yet
        clock.at(wib(2026, 12, 18, 9))
        reopened = await TestComplainant().add_ticket(desk, clock, "reopened")
        summary = group(await tick(desk, clock, wib(2026, 12, 21, 7, 31)))
        assert len(summary) == 1
        text = summary[0]["text"]
        assert id_("Not yet confirmed: {n} (past their standard time: {late})").format(n=2, late=1) in text
        assert {f"sh:{taken}", f"sh:{reopened}"} <= set(pressed(summary[0]))

    async def test_no_owner_digest_or_escalation_before_the_programme_runs(self, desk: Desk, clock: Clock) -> None:
        for status in ("draft", "awaiting_check", "awaiting_approval"):
            await action_due(desk, date(2026, 12, 10), lk_status=status)
        sent = await tick(desk, clock, wib(2026, 12, 21, 9))
        assert to(sent, OWNER) == [] and to(sent, REVIEWER) == [] and to(sent, APPROVER) == []
        await action_due(desk, date(2026, 12, 10))  # in progress: the owner, the reviewer and the approver
        running = await tick(desk, clock, wib(2026, 12, 21, 9, 5))
        assert len(to(running, OWNER)) == 1 and len(to(running, REVIEWER)) == 1 and len(to(running, APPROVER)) == 1

    @pytest.mark.parametrize("step", ["verdict", "reply", "take"])
    async def test_a_staff_step_after_the_complainants_message_marks_it_read(self, desk: Desk, clock: Clock,
                                                                             step: str) -> None:
        ticket = await TestComplainant().add_ticket(desk, clock, "received")
        if step != "take":
            await desk.say(desk.user(OFFICER), "/take KEL-2026-00001")
        await desk.press(desk.user(STUDENT, "Siti"), f"cv:add:{ticket}")
        await desk.say(desk.user(STUDENT, "Siti"), "The office says it was sent to the dean")
        async with desk.make_uow() as uow:
            found = await uow.tickets.get(ticket)
            assert found is not None and found.unread_since is not None
        if step == "verdict":
            await desk.press(desk.user(OFFICER), f"tk:nc:{ticket}")
        elif step == "reply":
            await desk.press(desk.user(OFFICER), f"tk:reply:{ticket}")
            await desk.say(desk.user(OFFICER), "Thank you, we are asking the dean")
        else:
            await desk.say(desk.user(OFFICER), "/take KEL-2026-00001")
        async with desk.make_uow() as uow:
            found = await uow.tickets.get(ticket)
            assert found is not None and found.unread_since is None
        told = to(await tick(desk, clock, wib(2026, 12, 22, 10)), OFFICER)
        assert not any("unread" in text for text in told)

    async def test_one_working_day_late_is_said_in_the_singular(self, desk: Desk, clock: Clock) -> None:
        await TestComplainant().add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))  # its deadline: 28 December
        digest = to(await tick(desk, clock, wib(2026, 12, 29, 9)), OFFICER)  # one working day past it
        assert len(digest) == 1 and "(1 working day late)" in digest[0], digest

    async def test_an_extended_deadline_is_the_date_we_gave_not_the_standard_time(self, desk: Desk,
                                                                                   clock: Clock) -> None:
        await TestComplainant().add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        await desk.say(desk.user(OFFICER), "/extend KEL-2026-00001 8-1-2027 waiting for the records office")
        told = to(await tick(desk, clock, wib(2027, 1, 12, 9)), STUDENT)
        assert len(told) == 1 and "8 January 2027" in told[0]
        assert "the date we gave you" in told[0] and "standard time" not in told[0]


class TestWatermarks:
    """A late ticket whose notices were settled is not read again each pass (the steady pass at a million tickets
    read ~60,000 of them): its watermark names the deadline settled, a moved deadline is read again, and the keys in
    ``due_notice`` stay the source of truth (watermarks missing after the upgrade are set from them)."""

    async def add_ticket(self, desk: Desk, clock: Clock, *, offline: bool = False) -> int:
        async with desk.make_uow() as uow:
            if offline:  # a letter: the complainant never started the bot
                person = await uow.persons.add_offline("Pak Budi", "budi@example.org")
            else:
                found = await uow.persons.get_by_telegram_id(STUDENT)
                assert found is not None
                person = found
            ticket = await uow.tickets.add(NewTicket("complaint", "letter" if offline else "telegram", person.id,
                                                     "transcript", None, "Transkrip belum terbit", None, {}, (),
                                                     False, "received", clock()))
            await uow.commit()
            return ticket.id

    async def marks(self, session_factory: async_sessionmaker[AsyncSession], ticket: int) -> tuple[Any, ...]:
        async with session_factory() as session:
            row = (await session.execute(text(
                "SELECT due_step, due_on, late_told_step, late_told_on, escalated_on FROM ticket WHERE id = :id"),
                {"id": ticket})).one()
        return tuple(date.fromisoformat(v) if isinstance(v, str) and v[:2] == "20" else v for v in row)

    async def test_a_settled_deadline_is_not_read_again_and_a_moved_one_is(
            self, desk: Desk, clock: Clock, session_factory: async_sessionmaker[AsyncSession]) -> None:
        ticket = await self.add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))  # its deadline: 3 working days
        first = await tick(desk, clock, wib(2027, 1, 6, 9))  # told, and escalated to the reviewers
        assert len(to(first, STUDENT)) == 1 and len(to(first, REVIEWER)) == 1
        step, due_on, told_step, told_on, escalated_on = await self.marks(session_factory, ticket)
        assert (told_step, told_on, escalated_on) == (step, due_on, due_on)
        async with desk.make_uow() as uow:
            assert await uow.due.late_unnoticed(date(2027, 1, 7), 10) == []
            assert await uow.due.escalations_unnoticed(date(2027, 1, 7), 10) == []
            await uow.tickets.update(ticket, due_on=date(2027, 1, 8), due_extended=True)  # the deadline moves
            await uow.commit()
        assert to(await tick(desk, clock, wib(2027, 1, 8, 9)), STUDENT) == []  # not late yet
        again = await tick(desk, clock, wib(2027, 1, 11, 9))
        assert len(to(again, STUDENT)) == 1 and to(again, REVIEWER) == []  # the reviewers a working day later
        assert len(to(await tick(desk, clock, wib(2027, 1, 13, 9)), REVIEWER)) == 1
        assert await self.marks(session_factory, ticket) == (step, date(2027, 1, 8), step, date(2027, 1, 8),
                                                              date(2027, 1, 8))

    async def test_a_complainant_the_bot_cannot_reach_is_settled_without_a_notice(
            self, desk: Desk, clock: Clock, session_factory: async_sessionmaker[AsyncSession]) -> None:
        ticket = await self.add_ticket(desk, clock, offline=True)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        await tick(desk, clock, wib(2027, 1, 6, 9))
        _step, due_on, _told_step, told_on, _escalated = await self.marks(session_factory, ticket)
        assert told_on == due_on
        async with desk.make_uow() as uow:
            assert await uow.due.issued([f"ticket:{ticket}:late:confirm:{due_on}"]) == set()

    async def test_watermarks_missing_after_the_upgrade_are_set_from_the_issued_keys(
            self, desk: Desk, clock: Clock, session_factory: async_sessionmaker[AsyncSession]) -> None:
        ticket = await self.add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        await tick(desk, clock, wib(2027, 1, 6, 9))
        settled = await self.marks(session_factory, ticket)
        async with session_factory() as session:  # as migration 0015 leaves the tickets told before it
            await session.execute(text("UPDATE ticket SET late_told_step = NULL, late_told_on = NULL, "
                                       "escalated_on = NULL"))
            await session.commit()
        sent = await tick(desk, clock, wib(2027, 1, 6, 10))
        assert to(sent, STUDENT) == [] and to(sent, REVIEWER) == []
        assert await self.marks(session_factory, ticket) == settled

    async def test_the_late_reads_use_the_partial_indexes(self, desk: Desk, clock: Clock, engine: AsyncEngine
                                                          ) -> None:
        """The indexes hold only the unsettled; a query uses one only when it states its predicate as the very
        text of the index (the computed column, no bound parameter), which is easy to lose in a refactoring. On
        PostgreSQL sequential scans are turned off for these few rows: this proves the predicate matches, not that
        the planner chooses the index at a million tickets — that rests on the flag columns' statistics (migration
        0016), checked with EXPLAIN ANALYZE at full size (docs/benchmarks.md §8)."""
        seen: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            if "late_untold" in statement or "escalation_pending" in statement:
                seen.append((statement, parameters))

        await self.add_ticket(desk, clock)
        await tick(desk, clock, wib(2026, 12, 21, 9))
        event.listen(engine.sync_engine, "before_cursor_execute", capture)
        try:
            await tick(desk, clock, wib(2027, 1, 6, 9))
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", capture)
        assert len({statement for statement, _p in seen}) == 4  # the two late reads and the two that settle
        postgres = engine.dialect.name == "postgresql"
        async with engine.connect() as connection:
            if postgres:  # a few rows: without this PostgreSQL reads the table, which says nothing
                await connection.exec_driver_sql("SET enable_seqscan = off")
            for statement, parameters in seen:
                plan = [str(row) for row in await connection.exec_driver_sql(
                    ("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + statement, parameters)]
                wanted = "late_untold" if "late_untold" in statement else "escalation_pending"
                assert any(f"ix_ticket_{wanted}" in line for line in plan), (statement, plan)

    def test_unrated_since_names_the_rateable_statuses(self) -> None:
        from domain.vocabulary import RATEABLE
        from storage.models import UNRATED_SINCE

        assert "status IN (" + ", ".join(f"'{s}'" for s in sorted(RATEABLE)) + ")" in UNRATED_SINCE

    def test_the_partial_index_of_tickets_without_a_deadline_names_the_active_statuses(self) -> None:
        from domain.vocabulary import ACTIVE
        from storage.models import WITHOUT_DEADLINE

        assert WITHOUT_DEADLINE.endswith("status IN (" + ", ".join(f"'{s}'" for s in sorted(ACTIVE)) + ")")
