"""The staff side end to end through the emulator: the SOP path a→g, the other verdicts, a letter recorded by
/intake, and every notification arriving at the complainant in their language."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from tests.e2e.harness import Person, Stack, settle, start_bot, stop_bot, wait_until
from tests.e2e.test_filing import file_complaint, refused_calls

pytestmark = [pytest.mark.e2e, pytest.mark.pairwise]  # long walks: four combinations (tests/conftest.py)
GROUP = -1001234567890
ADMIN, OFFICER, REVIEWER, APPROVER, MONITOR = 9001, 9002, 9003, 9004, 9005
en, idn = Translator().gettext("en"), Translator().gettext("id")


class Staff(Person):
    async def press_in_group(self, label: str) -> None:
        """Press a button on the latest card in the staff group."""
        before = len(self.emu.calls)
        self.emu.press_button(self.id, label, chat_id=GROUP)
        await wait_until(lambda: any(c.method.casefold() == "answercallbackquery" for c in self.emu.calls[before:]))
        await settle(self.emu, Person.db_url)


@pytest.fixture
async def desk(emulator: BotApiEmulator, db_url: str, stack: Stack) -> AsyncIterator[dict[int, Staff]]:
    emulator.add_group(GROUP, "Staf BAPKM")
    task = await start_bot(emulator, db_url, stack, tanggap_admins=str(ADMIN), staff_chat_id=str(GROUP))
    people = {uid: Staff(emulator, uid, name, language="en") for uid, name in (
        (ADMIN, "Admin"), (OFFICER, "Olivia Officer"), (REVIEWER, "Rudi Reviewer"), (APPROVER, "Ani Approver"),
        (MONITOR, "Maya Monitor"))}
    for uid, role in ((OFFICER, "officer"), (REVIEWER, "reviewer"), (APPROVER, "approver"), (MONITOR, "monitor")):
        await people[uid].say("/start")
        reply = await people[ADMIN].say(f"/staff add {uid} {role}")
        assert "is now" in reply[-1].text
    yield people
    await stop_bot(task)


def texts(person: Person) -> str:
    """Everything the person received, text messages and the captions of files (the LK's PDF) alike."""
    return "\n".join(m.body for m in person.inbox)


async def test_the_whole_procedure_from_complaint_to_closed_lk_and_rating(
        emulator: BotApiEmulator, desk: dict[int, Staff]) -> None:
    officer, reviewer, approver, monitor = desk[OFFICER], desk[REVIEWER], desk[APPROVER], desk[MONITOR]
    student = Person(emulator, 5101, "Siti Rahma", language="id")
    await file_complaint(student, "id")  # a. receive

    card = emulator.messages(GROUP)[-1]
    assert "KEL-2026-00001" in card.text and "Siti Rahma" in card.text
    await officer.press_in_group(idn("🙋 Take"))  # b. confirm
    assert "Olivia Officer" in emulator.messages(GROUP)[-1].text and emulator.messages(GROUP)[-1].edits >= 1
    await officer.press_in_group(idn("❗ Nonconformity"))
    assert idn("Your report {number} is now being checked by an officer.").format(number="KEL-2026-00001") \
        in texts(student)

    await officer.say("/lk new KEL-2026-00001")  # c. LK
    await officer.say("The transcript was not issued within the 3 working days of the procedure.")
    await officer.press("SOP PM-BAPKM.AP.1-05 Penerbitan Transkrip Akademik")
    await officer.say("The signing official was away and no deputy was appointed.")
    saved = await officer.press(en("✅ Save"))
    assert any("LK-2026-001" in m.text for m in saved)

    for kind, what in ((en("Correction"), "Issue the transcript of this student today."),  # d. programme
                       (en("Preventive action"), "Appoint a deputy signatory for every official.")):
        await officer.say("/lk action add LK-2026-001")
        await officer.press(kind)
        await officer.say(what)
        await officer.press("Olivia Officer")
        await officer.press(officer.buttons()[0])  # in 3 working days
        added = await officer.press(en("✅ Save"))
        assert "#" in added[-1].text

    await officer.say("/lk LK-2026-001")
    await officer.press(en("📤 Submit for check"))
    assert "LK-2026-001" in texts(reviewer)
    await reviewer.press(en("✔ Checked"))  # checked by the reviewer
    assert "LK-2026-001" in texts(approver)
    assert any(m.kind == "document" for m in approver.inbox)  # the approval request carries the LK's PDF
    await approver.press(en("✔ Approve"))  # approved by the approver

    await officer.say("/lk action done 1 Transcript issued and handed over on 25 November.")  # e. carry out
    await officer.say("/lk action done 2 Deputy signatories appointed by decree 12/2026.")
    assert en("All actions of {number} are done: was the programme effective?").format(number="LK-2026-001") \
        in texts(monitor)

    await monitor.say("/monitor")  # f. monitor
    assert en("LKs waiting for the effectiveness check") in monitor.last.text and "LK-2026-001" in monitor.last.text
    await monitor.press(en("✔ Effective"))
    await monitor.say("Your transcript has been issued; deputies now sign when an official is away.")

    # The closed form comes to the officer from a job after the close's commit: waited for, so it is not taken
    # for the answer to /lk below (it arrived during that step on a loaded CI machine).
    await wait_until(lambda: any(m.kind == "document" and "LK-2026-001" in (m.caption or "") for m in officer.inbox),
                     timeout=60)
    shown = await officer.say("/lk LK-2026-001")  # g. archive: the LK with who checked and approved it
    assert "Rudi Reviewer" in shown[-1].text and "Ani Approver" in shown[-1].text
    resolved = idn("Your complaint {number} has been resolved.\n\n<b>Response:</b> {note}").split("\n")[0]
    assert resolved.format(number="KEL-2026-00001") in texts(student)
    assert "deputies now sign" in texts(student)

    await student.press("5")  # 7a. the complainant rates the outcome
    await student.press(idn("Skip"))
    status = await student.say("/status KEL-2026-00001")
    assert idn("closed") in status[-1].text
    assert refused_calls(emulator) == []


async def test_conforming_verdict_explains_and_a_low_rating_reopens(
        emulator: BotApiEmulator, desk: dict[int, Staff]) -> None:
    officer = desk[OFFICER]
    student = Person(emulator, 5102, "Budi", language="en")
    await file_complaint(student, "en", photo=False)
    await officer.say("/take KEL-2026-00001")
    await officer.say("/conforming KEL-2026-00001 Your request was incomplete: the clearance form was missing.")
    assert "the clearance form was missing" in texts(student)
    asked = await student.press("2")
    assert en("We are sorry. What did not meet your expectation about {subject}? Write it here: it goes to the "
              "officer with the reopened ticket. Or press Skip.").format(subject="KEL-2026-00001") in asked[-1].text
    await student.say("Please look again, I did submit the form.")  # the comment: the alert carries it
    alert = en("⚠️ {number} was reopened: the complainant rated the outcome {score}/5.").format(
        number="KEL-2026-00001", score=2) + "\n" + en("Their comment: {text}").format(
        text="Please look again, I did submit the form.")
    assert alert in texts(officer)
    shown = await officer.say("/show KEL-2026-00001")
    assert en("reopened") in shown[0].text
    assert en("Comment: {text}").format(text="Please look again, I did submit the form.") in shown[0].text
    assert refused_calls(emulator) == []


async def test_rejection_from_the_group_asks_the_reason_privately(
        emulator: BotApiEmulator, desk: dict[int, Staff]) -> None:
    officer = desk[OFFICER]
    student = Person(emulator, 5103, "Rina", language="en")
    await file_complaint(student, "en", photo=False)
    await officer.press_in_group(idn("🚫 Reject…"))
    assert en("Write the reason for rejecting {subject}. It is sent to the complainant.").format(
        subject="KEL-2026-00001") in officer.last.text
    await officer.say("This concerns a private course provider, not the bureau.")
    assert "private course provider" in texts(student)
    assert idn("rejected") in emulator.messages(GROUP)[-1].text


async def test_a_duplicate_follows_the_original_ticket(emulator: BotApiEmulator, desk: dict[int, Staff]) -> None:
    officer = desk[OFFICER]
    first, second = Person(emulator, 5104, "Ana", language="en"), Person(emulator, 5105, "Dodi", language="en")
    await file_complaint(first, "en", photo=False)
    await file_complaint(second, "en", photo=False)
    await officer.say("/duplicate KEL-2026-00002 KEL-2026-00001")
    assert "KEL-2026-00001" in second.last.text
    await officer.say("/take KEL-2026-00001")
    assert en("Your report {number} is now being checked by an officer.").format(number="KEL-2026-00002") \
        in texts(second)


async def test_a_letter_recorded_by_intake_follows_the_same_flow(
        emulator: BotApiEmulator, desk: dict[int, Staff]) -> None:
    officer = desk[OFFICER]
    await officer.say("/intake")
    await officer.press(en("Letter"))
    await officer.say("1234/UN7.5/PP/2026")  # the agenda number
    await officer.press(en("Complaint"))
    await officer.say("legalisir ijazah")
    await officer.say("Bapak Hartono")
    await officer.say("0812-3456-7890")
    await officer.press(en("Named"))  # who may see the name (issue 15)
    await officer.photo("Legalisation was refused although all documents were complete.")
    await officer.press(en("Done"))
    await officer.press(en("Today"))  # received
    await officer.say("2 weeks ago")  # when it happened
    await officer.say("10 days ago")  # the legalisation's questions: when the documents were handed in,
    await officer.press("Diploma and transcript")  # which documents,
    await officer.say("service counter")  # how (typed: words of the button "BAPKM service counter"),
    summary = await officer.say("iya")  # and whether the fee was paid
    assert en("Agenda number: {number}").format(number="1234/UN7.5/PP/2026") in summary[-1].text
    assert "BAPKM service counter" in summary[-1].text and en("Save it as a ticket?") in summary[-1].text
    saved = await officer.press(en("✅ Save"))
    assert "KEL-2026-00001" in saved[-1].text
    assert "Bapak Hartono" in emulator.messages(GROUP)[-1].text
    shown = await officer.say("/show KEL-2026-00001")
    assert "0812-3456-7890" in shown[0].text and en("letter") in shown[0].text
    assert en("Agenda number: {number}").format(number="1234/UN7.5/PP/2026") in shown[0].text
    assert "Have you paid the legalisation fee?\n  → " + en("Yes") in shown[0].text  # the answers, as questions
    assert "BAPKM service counter" in shown[0].text and "fee_paid" not in shown[0].text
    opened = await officer.press(en("📎 {n}").format(n=1))  # the scanned letter, opened from /show
    assert [m.kind for m in opened] == ["photo"] and "Legalisation was refused" in (opened[0].caption or "")
    told = await officer.say("/conforming KEL-2026-00001 The documents lacked the faculty's stamp.")
    assert any("0812-3456-7890" in m.text for m in told)  # no Telegram chat: answer by hand
