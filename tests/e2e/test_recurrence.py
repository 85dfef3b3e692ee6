"""Recurrence end to end (issue 14 §2): 30 days after an LK closed as effective, each of its complainants is asked in
their language whether the problem happened again; "yes" opens a ticket linked to the LK in the officers' inbox
(its card says "possible recurrence of LK-…") and gives the student its number; "no" is recorded as confirmed
effectiveness. On the due-work test's office (its clock moved forward as with the sandbox's ``/clock``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from handlers.i18n import Translator
from storage.database import make_engine, make_session_factory
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.e2e.harness import Person
from tests.e2e.test_due_work import GROUP, OFFICER, Office, office, wib

pytestmark = pytest.mark.e2e
__all__ = ["office"]  # the fixture, shared with the due-work test
en, idn = Translator().gettext("en"), Translator().gettext("id")
SITI, BUDI = 5301, 5302
CLOSED = wib(2026, 11, 20, 10)  # the LK closed as effective; 30 days later is Sunday 20 December


async def seed_closed_lk(url: str) -> tuple[str, dict[int, str]]:
    """An LK about late transcripts made from Siti's and Budi's complaints, closed as effective at ``CLOSED``."""
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            people = {}
            for telegram_id in (OFFICER, SITI, BUDI):
                found = await uow.persons.get_by_telegram_id(telegram_id)
                assert found is not None
                people[telegram_id] = found.id
            numbers = {}
            ticket_ids = []
            for student in (SITI, BUDI):
                ticket = await uow.tickets.add(NewTicket(
                    "complaint", "telegram", people[student], "transcript", None,
                    "Transkrip saya belum terbit padahal sudah tiga minggu", date(2026, 10, 1), {}, (), False,
                    "closed", CLOSED - timedelta(days=40)))
                numbers[student] = ticket.number
                ticket_ids.append(ticket.id)
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP PM-BAPKM.AP.1-05",
                                         "Transkrip tidak terbit dalam tiga hari kerja", "Tidak ada pejabat pengganti",
                                         people[OFFICER], CLOSED - timedelta(days=35), status="closed"))
            await uow.lks.link(lk.id, ticket_ids)
            await uow.lks.update(lk.id, effective=True, closed_at=CLOSED)
            await uow.commit()
            return lk.number, numbers
    finally:
        await engine.dispose()


async def seed_draft_lk(url: str) -> str:
    """A draft LK the officer is writing about transcripts late again; its number."""
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            officer = await uow.persons.get_by_telegram_id(OFFICER)
            assert officer is not None
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP PM-BAPKM.AP.1-05",
                                         "Transkrip terlambat diterbitkan lagi", "Pejabat pengganti belum ditunjuk",
                                         officer.id, CLOSED + timedelta(days=31)))
            await uow.commit()
            return lk.number
    finally:
        await engine.dispose()


async def answers(url: str) -> dict[str, tuple[str | None, int | None, int | None]]:
    """Each ticket number's answer, the new ticket's id and that ticket's ``recurrence_of_lk``."""
    engine = make_engine(url)
    try:
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            lk = await uow.lks.get_by_number("LK-2026-001")
            assert lk is not None
            found = {}
            for check in await uow.recurrence.of_lk(lk.id):
                ticket = await uow.tickets.get(check.ticket_id)
                new = await uow.tickets.get(check.new_ticket_id) if check.new_ticket_id else None
                assert ticket is not None
                found[ticket.number] = (check.answer, check.new_ticket_id, new.recurrence_of_lk if new else None)
            return found
    finally:
        await engine.dispose()


QUESTION = {"en": "Has the same problem happened again since then?",
            "id": "Apakah masalah yang sama terjadi lagi sejak itu?"}


def asked(person: Person) -> list[str]:
    return [m.text or "" for m in person.inbox if any(q in (m.text or "") for q in QUESTION.values())]


async def test_thirty_days_after_an_effective_lk_yes_opens_a_linked_ticket_and_no_is_recorded(office: Office
                                                                                             ) -> None:
    siti, budi = Person(office.emu, SITI, "Siti", language="en"), Person(office.emu, BUDI, "Budi", language="id")
    await siti.say("/start")
    await budi.say("/start")
    lk, numbers = await seed_closed_lk(office.url)

    await office.at(wib(2026, 12, 21, 6, 45))  # 31 days on, but before the complainants' 07:00
    assert asked(siti) == [] and asked(budi) == []
    await office.at(wib(2026, 12, 21, 7, 10))
    (question,) = asked(siti)
    assert numbers[SITI] in question and lk not in question and "20 November 2026" in question  # no jargon
    assert QUESTION["en"] in question
    (pertanyaan,) = asked(budi)  # in Budi's language
    assert QUESTION["id"] in pertanyaan and "20 November 2026" in pertanyaan

    cards = len(office.inbox(GROUP))
    said = await siti.press(en("Yes, it happened again"))
    reply = said[-1].text or ""
    assert "Your new report KEL-2026-" in reply and lk in reply, reply
    assert en("💬 Reply / add information") in siti.buttons()
    new_cards = office.inbox(GROUP)[cards:]
    assert any(idn("🔁 Possible recurrence of {lk}").format(lk=lk) in card for card in new_cards), new_cards
    await budi.press(idn("No, it did not"))
    assert idn("Thank you! Your answer is recorded: the problem of {number} has not happened again.").format(
        number=numbers[BUDI]) == budi.last.text

    recorded = await answers(office.url)
    lk_id_of_new = recorded[numbers[SITI]][2]
    assert recorded[numbers[SITI]][0] == "yes" and lk_id_of_new is not None
    assert recorded[numbers[BUDI]] == ("no", None, None)

    await office.at(wib(2026, 12, 22, 9))  # asked once
    assert len(asked(siti)) == 1 and len(asked(budi)) == 1

    # The officer writes the new LK and marks it a recurrence of the earlier one: both LKs say so, and it counts.
    new = await seed_draft_lk(office.url)
    officer = office.people[OFFICER]
    await officer.say(f"/lk recurrence {new} {lk}")
    assert idn("{number} is marked a recurrence of {earlier}: the effectiveness of {earlier} counts as failed.").format(
        number=new, earlier=lk) == officer.last.text
    await officer.say(f"/lk {new}")
    assert idn("🔁 Recurrence of {lk}, closed as effective on {date}.").format(
        lk=lk, date="20 November 2026") in (officer.last.text or "")
    await officer.say(f"/lk {lk}")
    assert idn("⚠️ Effectiveness failed: recurred as {numbers}.").format(numbers=new) in (officer.last.text or "")
