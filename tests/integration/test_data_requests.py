"""Admin's register of data-subject requests (/requests) and its reminders through the due-work engine (issue 15):
requests made in the bot and added for letters, deadlines of 3×24 hours, overdue ones marked, never a name; the
admins told once within 24 hours of a deadline and once when it passed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.calendar_loader import load_calendar
from handlers.due.engine import forecast, run_once
from handlers.events import payload_buttons
from handlers.i18n import Translator
from storage.models import PersonRow
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk

en = Translator().gettext("en")
WIB = ZoneInfo("Asia/Jakarta")
ADMIN, SECOND_ADMIN, OFFICER, STUDENT, OTHER = 9001, 9008, 9002, 5001, 5002
COMPLAINANT = "Siti Aminah"


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


class Clock:
    def __init__(self) -> None:
        self.now = wib(23, 10).astimezone(UTC)  # Monday 23 November 2026, 10:00 WIB

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork], clock: Clock) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}), clock=clock, calendar=load_calendar(today=date(2026, 11, 1)))
    await desk.say(admin(desk), "/start")
    await desk.say(desk.user(SECOND_ADMIN, "Dewi Admin"), "/start")
    await desk.say(admin(desk), f"/staff add {SECOND_ADMIN} admin")
    await desk.say(desk.user(OFFICER, "Rina Officer"), "/start")
    await desk.say(admin(desk), f"/staff add {OFFICER} officer")
    await desk.say(desk.user(STUDENT, COMPLAINANT), "/start")
    await desk.say(desk.user(OTHER, "Budi Student"), "/start")
    return desk


def admin(desk: Desk) -> Any:
    return desk.user(ADMIN, "Agus Admin")


async def person_id(desk: Desk, telegram_id: int) -> int:
    async with desk.make_uow() as uow:
        found = await uow.persons.get_by_telegram_id(telegram_id)
        assert found is not None
        return found.id


async def record(desk: Desk, telegram_id: int, kind: str, at: datetime, status: str = "open") -> str:
    """A request as /mydata, /correct or /forget record it."""
    pid = await person_id(desk, telegram_id)
    async with desk.make_uow() as uow:
        request = await uow.data_requests.add(pid, kind, at, status=status)
        await uow.commit()
        return request.number


def lines(text: str) -> list[str]:
    return [line for line in unescape(text).splitlines() if line.startswith("• ")]


class TestTheRegister:
    async def test_open_requests_by_deadline_overdue_marked_no_name(self, desk: Desk, clock: Clock) -> None:
        late = await record(desk, STUDENT, "correction", wib(18, 9))  # due Saturday 21 November, 09:00
        soon = await record(desk, OTHER, "access", wib(22, 11))
        await record(desk, STUDENT, "erasure", wib(23, 9), status="done")
        [text] = await desk.say(admin(desk), "/requests")
        listed = lines(text)
        assert [line.split(" · ")[0] for line in listed] == [f"• {late}", f"• {soon}"]
        assert listed[0] == (f"• {late} · correction · Telegram {STUDENT} · received 18 November 2026, 09:00 WIB · "
                             f"due by 21 November 2026, 09:00 WIB · ⚠️ OVERDUE")
        assert listed[1].endswith("due by 25 November 2026, 11:00 WIB · open")
        assert COMPLAINANT not in text and "Budi" not in text

    async def test_all_newest_first_with_what_was_done_at_once(self, desk: Desk) -> None:
        first = await record(desk, STUDENT, "access", wib(20, 9), status="done")
        second = await record(desk, STUDENT, "erasure", wib(23, 9), status="done")
        [text] = await desk.say(admin(desk), "/requests all")
        listed = lines(text)
        assert [line.split(" · ")[0] for line in listed] == [f"• {second}", f"• {first}"]
        assert listed[0].endswith("· done 23 November 2026, 09:00 WIB")
        assert "erasure" in listed[0] and "access (a copy)" in listed[1]

    async def test_an_erased_person_is_shown_by_pseudonym(
            self, desk: Desk, session_factory: async_sessionmaker[AsyncSession]) -> None:
        number = await record(desk, STUDENT, "erasure", wib(23, 9), status="done")
        async with session_factory() as session:
            await session.execute(update(PersonRow).where(PersonRow.telegram_id == STUDENT).values(
                telegram_id=None, name="", pseudonym="P-7F3A"))
            await session.commit()
        [text] = await desk.say(admin(desk), "/requests all")
        assert f"• {number} · erasure · P-7F3A · " in unescape(text) and str(STUDENT) not in text

    async def test_pages_of_twelve(self, desk: Desk) -> None:
        for minute in range(23):
            await record(desk, OTHER, "access", wib(23, 9, minute), status="done")
        [first] = await desk.payloads(admin(desk), "/requests all")
        assert len(lines(first["text"])) == 12 and "PDP-2026-0023" in first["text"]
        [[more]] = payload_buttons(first)
        _answer, [second] = await desk.press_payloads(admin(desk), more.data)
        assert len(lines(second["text"])) == 11 and "PDP-2026-0001" in second["text"]
        assert [b.text for row in payload_buttons(second) for b in row] == [en("« Back")]


class TestAddAndDone:
    async def test_a_letter_is_added_by_telegram_id_and_marked_done(self, desk: Desk, clock: Clock) -> None:
        [added] = await desk.say(admin(desk), f"/requests add {STUDENT} penghapusan letter of 20 November")
        assert unescape(added).startswith(f"Recorded PDP-2026-0001: erasure for Telegram {STUDENT}, due by 26 "
                                          "November 2026, 10:00 WIB.")
        async with desk.make_uow() as uow:
            request = await uow.data_requests.get_by_number("PDP-2026-0001")
        assert request is not None and request.due_at - request.received_at == timedelta(hours=72)
        assert (request.status, request.channel, request.detail["note"]) == ("open", "letter",
                                                                             "letter of 20 November")
        clock.now += timedelta(hours=2)
        [done] = await desk.say(admin(desk), "/requests done pdp-2026-0001 identity erased by hand")
        assert done == en("{number} is done, within its deadline.").format(number="PDP-2026-0001")
        [again] = await desk.say(admin(desk), "/requests done PDP-2026-0001")
        assert unescape(again) == "PDP-2026-0001 is already done."
        async with desk.make_uow() as uow:
            request = await uow.data_requests.get_by_number("PDP-2026-0001")
        assert request is not None and request.done_at == clock.now
        assert request.detail["answer"] == "identity erased by hand"

    async def test_by_the_persons_number_in_the_register_and_late(self, desk: Desk, clock: Clock) -> None:
        pid = await person_id(desk, OTHER)
        [added] = await desk.say(admin(desk), f"/requests add #{pid} access")
        assert "PDP-2026-0001" in added
        clock.now += timedelta(hours=75)
        [text] = await desk.say(admin(desk), "/requests")
        assert "⚠️ OVERDUE" in text
        [done] = await desk.say(admin(desk), "/requests done PDP-2026-0001")
        assert done == "PDP-2026-0001 is done — 3 hours late; the register keeps that."

    async def test_a_person_without_telegram_is_listed_by_their_number_with_what_it_is(self, desk: Desk) -> None:
        """Found in a walk: "#34" in the list explained nothing."""
        async with desk.make_uow() as uow:
            letter = await uow.persons.add_offline("Ibu Sri Wahyuni", None)
            await uow.commit()
        await desk.say(admin(desk), f"/requests add #{letter.id} access by letter")
        [text] = await desk.say(admin(desk), "/requests")
        assert en("person #{id} (no Telegram: a letter, a call)").format(id=letter.id) in text
        assert "Wahyuni" not in text

    @pytest.mark.parametrize(("command", "starts"), [
        ("/requests add", "Usage: /requests [open|all]"),
        ("/requests add 5001", "Usage: /requests [open|all]"),
        ("/requests add 5001 delete", "“delete” is not a kind of request"),
        ("/requests add 777 access", "Nobody with Telegram id 777 ever used the bot"),
        ("/requests add #999 access", "There is no person #999 in the register."),
        ("/requests add budi access", "Give the person's Telegram id"),
        ("/requests done", "Usage: /requests [open|all]"),
        ("/requests done PDP-2026-0042", "There is no request PDP-2026-0042."),
        ("/requests closed", "Usage: /requests [open|all]"),
    ])
    async def test_bad_input_gets_one_clear_line_and_records_nothing(self, desk: Desk, command: str,
                                                                     starts: str) -> None:
        [text] = await desk.say(admin(desk), command)
        assert unescape(text).startswith(starts)
        async with desk.make_uow() as uow:
            assert await uow.data_requests.listed() == []

    async def test_only_admins(self, desk: Desk) -> None:
        refused = en("Sorry, your role does not allow this.")
        officer = desk.user(OFFICER, "Rina Officer")
        for command in ("/requests", "/requests add 5001 access", "/requests done PDP-2026-0001"):
            assert await desk.say(officer, command) == [refused]
        assert await desk.press(officer, "rq:o0") == (refused, [])
        assert await desk.say(desk.user(STUDENT, COMPLAINANT), "/requests") == [
            en("Sorry, this is only for the bureau's staff.")]


class TestReminders:
    async def pass_at(self, desk: Desk, clock: Clock, moment: datetime) -> list[tuple[int, str]]:
        clock.now = moment.astimezone(UTC)
        await run_once(desk.make_uow, desk.deps, clock.now)
        return [(p["chat_id"], p["text"]) for p in await desk.deliver_due() if "📮" in p.get("text", "")]

    async def test_the_admins_are_told_once_within_24_hours_and_once_when_overdue(self, desk: Desk,
                                                                                 clock: Clock) -> None:
        number = await record(desk, STUDENT, "correction", wib(23, 10))  # due Thursday 26 November, 10:00 WIB
        assert await self.pass_at(desk, clock, wib(25, 9, 59)) == []
        async with desk.make_uow() as uow:
            coming = [due.key for _at, due in await forecast(uow, desk.deps)]
        assert "pdp:1:soon" in coming and "pdp:1:overdue" in coming
        soon = await self.pass_at(desk, clock, wib(25, 10, 5))
        assert sorted(chat for chat, _text in soon) == [ADMIN, SECOND_ADMIN]
        assert all(number in text and "due by 26 November 2026, 10:00 WIB" in text for _chat, text in soon)
        assert await self.pass_at(desk, clock, wib(25, 14)) == []
        overdue = await self.pass_at(desk, clock, wib(26, 10, 1))
        assert sorted(chat for chat, _text in overdue) == [ADMIN, SECOND_ADMIN]
        assert all("⚠️" in text and "overdue" in text for _chat, text in overdue)
        assert await self.pass_at(desk, clock, wib(27, 10)) == []

    async def test_an_answered_request_is_not_reminded(self, desk: Desk, clock: Clock) -> None:
        await record(desk, STUDENT, "access", wib(23, 10))
        await desk.say(admin(desk), "/requests done PDP-2026-0001")
        assert await self.pass_at(desk, clock, wib(25, 11)) == []
        assert await self.pass_at(desk, clock, wib(26, 11)) == []

    async def test_a_deadline_on_a_weekend_is_told_when_the_office_opens(self, desk: Desk, clock: Clock) -> None:
        await record(desk, STUDENT, "access", wib(26, 20))  # due Sunday 29 November, 20:00
        assert await self.pass_at(desk, clock, wib(28, 21)) == []  # Saturday: nobody in the office
        soon = await self.pass_at(desk, clock, wib(30, 8, 30))  # Monday: the deadline has passed
        assert soon and all("overdue" in text for _chat, text in soon)
