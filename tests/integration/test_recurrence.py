"""Recurrence on a real database (SQLite and PostgreSQL): the 30-day question after an LK closes as effective, its
answers (a "yes" files a linked ticket, a second or forged press changes nothing), and the counts statistics read."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pytest
from pypdf import PdfReader

from dialogs.stemming import IndonesianStemmer
from handlers.due.engine import ctx_for
from handlers.due.gather import gather
from handlers.recurrence import RecurrenceAnswer
from storage.archive import ArchiveStore
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk
from tests.integration.test_due_work import (
    ADMIN,
    CALENDAR,
    OFFICER,
    STAFF,
    STUDENT,
    Clock,
    buttons_of,
    person,
    tick,
    to,
    wib,
)

OTHER = 5002
CLOSED = wib(2026, 11, 2, 10)  # Monday 2 November 2026: the LK closes as effective


@pytest.fixture
def clock() -> Clock:
    return Clock(CLOSED)


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork], clock: Clock) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}), clock=clock, calendar=CALENDAR)
    for who, role in STAFF.items():
        await desk.say(desk.user(who, f"Staff {who}"), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {who} {role}")
    await desk.say(desk.user(STUDENT, "Siti"), "/start")
    await desk.say(desk.user(OTHER, "Budi"), "/start")
    return desk


async def closed_lk(desk: Desk, closed_at: datetime, *students: int, effective: bool = True,
                    programme: bool = False) -> tuple[int, list[int]]:
    """An LK about late transcripts made from one complaint of each of ``students``, closed at ``closed_at``
    (``programme``: a suggestion's improvement programme made from suggestions instead)."""
    officer = await person(desk, OFFICER)
    people = [await person(desk, s) for s in students]
    async with desk.make_uow() as uow:
        tickets = [await uow.tickets.add(NewTicket(
            "suggestion" if programme else "complaint", "telegram", p, "transcript", None,
            "Transkrip saya terlambat terbit", date(2026, 9, 1), {}, (), False, "closed",
            closed_at - timedelta(days=40))) for p in people]
        lk = await uow.lks.add(NewLk("improvement" if programme else "nonconformity", "transcript", "SOP",
                                     "Keterlambatan penerbitan transkrip", "Penandatangan cuti", officer,
                                     closed_at - timedelta(days=30), status="closed"))
        await uow.lks.link(lk.id, [t.id for t in tickets])
        await uow.lks.update(lk.id, effective=effective, closed_at=closed_at)
        await uow.commit()
        return lk.id, [t.id for t in tickets]


def question_of(sent: list[dict[str, object]], chat: int) -> dict[str, object]:
    found = [p for p in sent if p["chat_id"] == chat and "happened again" in str(p.get("text", ""))]
    assert len(found) == 1, sent
    return found[0]


class TestThirtyDayQuestion:
    async def test_asked_once_thirty_days_after_the_closure_in_the_complainants_hours(self, desk: Desk,
                                                                                     clock: Clock) -> None:
        lk, (ticket,) = await closed_lk(desk, CLOSED, STUDENT)
        assert to(await tick(desk, clock, wib(2026, 12, 1, 10)), STUDENT) == []  # 29 days
        assert to(await tick(desk, clock, wib(2026, 12, 2, 6)), STUDENT) == []  # 30 days, before 07:00
        sent = await tick(desk, clock, wib(2026, 12, 2, 7, 5))
        question = question_of(sent, STUDENT)
        assert buttons_of(question) == [RecurrenceAnswer(lk, ticket, True).data,
                                        RecurrenceAnswer(lk, ticket, False).data]
        assert "2 November 2026" in str(question["text"]) and "Transkrip saya terlambat terbit" in str(question["text"])
        assert to(await tick(desk, clock, wib(2026, 12, 3, 9)), STUDENT) == []  # once
        async with desk.make_uow() as uow:
            check = await uow.recurrence.get(ticket, lk)
            assert check is not None and check.answer is None

    async def test_due_names_the_question_and_the_complainants_ticket(self, desk: Desk, clock: Clock) -> None:
        _lk, (ticket,) = await closed_lk(desk, CLOSED, STUDENT)
        clock.at(wib(2026, 11, 28, 9))
        async with desk.make_uow() as uow:
            number = (await uow.tickets.get(ticket) or _missing()).number
        said = "\n".join(await desk.say(desk.user(ADMIN), "/due"))
        assert ("07:00 — question to the complainant: did it happen again since the LK closed? → the complainant of "
                f"{number}") in said, said

    async def test_not_asked_about_an_lk_closed_not_effective(self, desk: Desk, clock: Clock) -> None:
        await closed_lk(desk, CLOSED, STUDENT, effective=False)
        assert to(await tick(desk, clock, wib(2026, 12, 2, 9)), STUDENT) == []

    async def test_a_suggestions_programme_is_not_asked_about(self, desk: Desk, clock: Clock) -> None:
        await closed_lk(desk, CLOSED, STUDENT, programme=True)  # found in review: "has the problem happened again?"
        assert to(await tick(desk, clock, wib(2026, 12, 2, 9)), STUDENT) == []  # to a suggestion's author

    async def test_the_setting_moves_the_day(self, desk: Desk, clock: Clock) -> None:
        desk.deps = replace(desk.deps, recurrence_check_days=7)
        await closed_lk(desk, CLOSED, STUDENT)
        assert to(await tick(desk, clock, wib(2026, 11, 8, 20)), STUDENT) == []
        assert len(to(await tick(desk, clock, wib(2026, 11, 9, 9)), STUDENT)) == 1

    async def test_gather_derives_nothing_for_a_question_put(self, desk: Desk, clock: Clock) -> None:
        await closed_lk(desk, CLOSED, STUDENT, OTHER)
        await tick(desk, clock, wib(2026, 12, 2, 9))
        async with desk.make_uow() as uow:
            assert [d for d in await gather(ctx_for(uow, desk.deps), clock()) if "recurrence" in d.key] == []


class TestAnswers:
    async def test_yes_files_a_linked_ticket_for_the_officers_and_no_is_recorded(self, desk: Desk,
                                                                                 clock: Clock) -> None:
        lk, (mine, theirs) = await closed_lk(desk, CLOSED, STUDENT, OTHER)
        await tick(desk, clock, wib(2026, 12, 2, 9))
        _answer, said = await desk.press(desk.user(STUDENT, "Siti"), RecurrenceAnswer(lk, mine, True).data)
        assert any("Your new report KEL-2026-" in s and "LK-2026-" in s for s in said), said
        _answer, said = await desk.press(desk.user(OTHER, "Budi"), RecurrenceAnswer(lk, theirs, False).data)
        assert any("has not happened again" in s for s in said), said
        siti = await person(desk, STUDENT)
        async with desk.make_uow() as uow:
            yes, no = await uow.recurrence.get(mine, lk), await uow.recurrence.get(theirs, lk)
            assert yes is not None and yes.answer == "yes" and yes.new_ticket_id is not None
            assert no is not None and no.answer == "no" and no.new_ticket_id is None
            new = await uow.tickets.get(yes.new_ticket_id)
            assert new is not None and new.recurrence_of_lk == lk and new.status == "received"
            assert new.service_code == "transcript" and new.person_id == siti
            assert new.description.startswith("Terjadi lagi: masalah yang saya laporkan di ")  # the staff's language,
            # though Siti answered in English: it stands in the staff's records and cards (found in a walk)
            card = await uow.lks.get(lk)
            assert card is not None
        shown = await desk.say(desk.user(OFFICER), f"/show {new.number}")
        assert any(f"Possible recurrence of {card.number}" in s for s in shown), shown
        shown = await desk.say(desk.user(OFFICER), f"/lk {card.number}")
        assert any("Asked whether it happened again: 2; yes: 1, no: 1, not answered: 0." in s for s in shown), shown

    async def test_a_second_press_and_another_persons_press_change_nothing(self, desk: Desk, clock: Clock) -> None:
        lk, (mine, _theirs) = await closed_lk(desk, CLOSED, STUDENT, OTHER)
        await tick(desk, clock, wib(2026, 12, 2, 9))
        _answer, said = await desk.press(desk.user(OTHER, "Budi"), RecurrenceAnswer(lk, mine, True).data)
        assert not any("new report" in s for s in said)
        await desk.press(desk.user(STUDENT, "Siti"), RecurrenceAnswer(lk, mine, False).data)
        _answer, said = await desk.press(desk.user(STUDENT, "Siti"), RecurrenceAnswer(lk, mine, True).data)
        assert any("already recorded" in s for s in said), said
        async with desk.make_uow() as uow:
            check = await uow.recurrence.get(mine, lk)
            assert check is not None and check.answer == "no" and check.new_ticket_id is None
            assert await uow.tickets.by_ids([mine + 100, mine + 101]) == []

    async def test_a_press_without_a_question_put_is_refused(self, desk: Desk) -> None:
        lk, (mine,) = await closed_lk(desk, CLOSED, STUDENT)
        _answer, said = await desk.press(desk.user(STUDENT, "Siti"), RecurrenceAnswer(lk, mine, True).data)
        assert not any("new report" in s for s in said)
        async with desk.make_uow() as uow:
            assert await uow.recurrence.get(mine, lk) is None


class TestCounts:
    async def test_closed_effective_recurred_and_answers_in_a_period(self, desk: Desk, clock: Clock) -> None:
        first, (a, b) = await closed_lk(desk, CLOSED, STUDENT, OTHER)
        second, (c,) = await closed_lk(desk, CLOSED + timedelta(days=3), STUDENT)
        await closed_lk(desk, CLOSED + timedelta(days=4), OTHER, effective=False)
        await closed_lk(desk, wib(2026, 10, 1), STUDENT)  # before the period
        await tick(desk, clock, wib(2026, 12, 6, 9))
        await desk.press(desk.user(STUDENT, "Siti"), RecurrenceAnswer(first, a, True).data)
        await desk.press(desk.user(OTHER, "Budi"), RecurrenceAnswer(first, b, False).data)
        await desk.press(desk.user(STUDENT, "Siti"), RecurrenceAnswer(second, c, False).data)
        officer = await person(desk, OFFICER)
        async with desk.make_uow() as uow:
            later = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late again", "-", officer, clock()))
            await uow.lks.update(later.id, recurrence_of=second)
            await uow.commit()
            counts = await uow.recurrence.counts(wib(2026, 11, 1), wib(2026, 12, 1))
        assert (counts.closed_effective, counts.recurred_marked) == (2, 1)
        assert (counts.answered_yes, counts.answered_no) == (1, 1)


async def open_lk(desk: Desk, description: str, at: datetime, service: str = "transcript") -> str:
    """A draft LK written at ``at``; its number."""
    officer = await person(desk, OFFICER)
    async with desk.make_uow() as uow:
        lk = await uow.lks.add(NewLk("nonconformity", service, "SOP", description, "Tidak ada pejabat pengganti",
                                     officer, at))
        await uow.commit()
        return lk.number


async def number_of(desk: Desk, lk_id: int) -> str:
    async with desk.make_uow() as uow:
        lk = await uow.lks.get(lk_id)
        assert lk is not None
        return lk.number


class TestMarkingARecurrence:
    async def test_listed_on_the_draft_marked_by_its_button_and_shown_on_both_lks_and_the_form(
            self, desk: Desk, clock: Clock, tmp_path: Path) -> None:
        desk.deps = replace(desk.deps, archive=ArchiveStore(tmp_path / "archive"), stem=IndonesianStemmer())
        earlier_id, _tickets = await closed_lk(desk, CLOSED, STUDENT)
        earlier = await number_of(desk, earlier_id)
        await closed_lk(desk, CLOSED, OTHER)  # about the same service, but says something else (below)
        async with desk.make_uow() as uow:
            await uow.lks.update(earlier_id + 1, description="Loket tutup lebih awal", root_cause="Jadwal piket")
            await uow.commit()
        clock.at(wib(2026, 12, 10, 9))
        new = await open_lk(desk, "Transkrip terlambat diterbitkan lagi", clock())
        officer = desk.user(OFFICER)
        shown = "\n".join(await desk.say(officer, f"/lk {new}"))
        assert f"Possible recurrence of {earlier}, closed as effective on 2 November 2026" in shown
        assert "Possible recurrence of LK-2026-002" not in shown
        payloads = await desk.payloads(officer, f"/lk {new}")
        buttons = [b for p in payloads for b in buttons_of(p) if b.startswith("lk:rec:")]
        assert len(buttons) == 1
        _answer, said = await desk.press(officer, buttons[0])
        assert any(f"{new} is marked a recurrence of {earlier}" in s for s in said), said
        assert f"Recurrence of {earlier}, closed as effective on 2 November 2026" in "\n".join(
            await desk.say(officer, f"/lk {new}"))
        assert f"Effectiveness failed: recurred as {new}" in "\n".join(await desk.say(officer, f"/lk {earlier}"))
        form = [p for p in await desk.payloads(officer, f"/lk pdf {new} en") if p["op"] == "send_file"]
        text = " ".join(" ".join((page.extract_text() or "").split())
                        for page in PdfReader(io.BytesIO(desk.deps.archive.get(form[0]["sha256"]))).pages)
        assert f"Recurrence of {earlier}" in text
        async with desk.make_uow() as uow:
            events = await uow.lks.events((await uow.lks.get_by_number(new) or _missing()).id)
            assert [e.params for e in events if e.code == "recurrence"] == [{"of": earlier}]
            counts = await uow.recurrence.counts(wib(2026, 11, 1), wib(2026, 12, 1))
            assert counts.recurred_marked == 1

    async def test_refusals_and_unmarking(self, desk: Desk, clock: Clock) -> None:
        earlier = await number_of(desk, (await closed_lk(desk, CLOSED, STUDENT))[0])
        clock.at(wib(2026, 12, 10, 9))
        new = await open_lk(desk, "Transkrip terlambat lagi", clock())
        clock.at(wib(2026, 12, 11, 9))
        later = await open_lk(desk, "KTM hilang", clock(), service="ktm")
        officer = desk.user(OFFICER)
        assert "cannot be a recurrence of itself" in " ".join(await desk.say(officer, f"/lk recurrence {new} {new}"))
        assert f"{later} is not closed yet" in " ".join(await desk.say(officer, f"/lk recurrence {new} {later}"))
        assert "There is no LK LK-2026-999" in " ".join(await desk.say(officer, f"/lk recurrence {new} LK-2026-999"))
        assert "Usage: /lk recurrence" in " ".join(await desk.say(officer, f"/lk recurrence {new}"))
        assert await desk.say(desk.user(STUDENT, "Siti"), f"/lk recurrence {new} {earlier}") != []
        async with desk.make_uow() as uow:
            assert (await uow.lks.get_by_number(new) or _missing()).recurrence_of is None  # a student cannot
        said = " ".join(await desk.say(officer, f"/lk recurrence {later} {earlier}"))
        assert f"{later} is marked a recurrence of {earlier}" in said and "another service" in said
        said = " ".join(await desk.say(officer, f"/lk recurrence {later} none"))
        assert f"{later} is no longer marked a recurrence" in said
        async with desk.make_uow() as uow:
            assert (await uow.lks.get_by_number(later) or _missing()).recurrence_of is None
        assert "can no longer be changed" in " ".join(await desk.say(officer, f"/lk recurrence {earlier} {new}"))
        newer = await number_of(desk, (await closed_lk(desk, wib(2027, 1, 15), OTHER))[0])  # written 16 December
        assert f"{newer} was written after {new}" in " ".join(await desk.say(officer, f"/lk recurrence {new} {newer}"))


def _missing() -> NoReturn:
    raise AssertionError("not found")


class TestListedAtTheVerdict:
    async def test_the_nonconformity_verdict_lists_alike_closed_lks_of_the_service(self, desk: Desk,
                                                                                    clock: Clock) -> None:
        desk.deps = replace(desk.deps, stem=IndonesianStemmer())
        earlier = await number_of(desk, (await closed_lk(desk, CLOSED, STUDENT))[0])
        clock.at(wib(2026, 12, 10, 9))
        siti = await person(desk, STUDENT)
        async with desk.make_uow() as uow:
            alike, other = [await uow.tickets.add(NewTicket(
                "complaint", "telegram", siti, service, None, text, None, {}, (), False, "received", clock()))
                for service, text in (("transcript", "Penerbitan transkrip saya terlambat lagi"),
                                      ("ktm", "Penerbitan KTM saya terlambat"))]
            await uow.commit()
        said = "\n".join(await desk.say(desk.user(OFFICER), f"/nonconformity {alike.number}"))
        assert f"Possible recurrence of {earlier}, closed as effective on 2 November 2026" in said
        assert f"/lk recurrence (the new LK's number) {earlier}" in said
        said = "\n".join(await desk.say(desk.user(OFFICER), f"/nonconformity {other.number}"))
        assert "Possible recurrence" not in said  # another service
