"""One complaint carried through by real people, end to end on both engines (issue 11's "done when"): filing, the
officer's question and the student's answer, the LK, the correction and its response, a 2/5 rating with a
comment, the reopening and its second round (planned again, checked and approved before its owner hears of it),
the close — and what each person reads on the way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from tests.e2e.harness import Person, Stack, settle, start_bot, stop_bot, wait_until
from tests.e2e.test_filing import file_complaint, refused_calls

pytestmark = pytest.mark.e2e
GROUP = -1001234567890
ADMIN, OFFICER, REVIEWER, APPROVER, MONITOR = 9001, 9002, 9003, 9004, 9005
en, idn = Translator().gettext("en"), Translator().gettext("id")
FAST = {"send_rate_chat": "50", "send_burst_chat": "50", "send_per_minute_group": "3000"}
"""Telegram's pacing lifted for the walk (the emulator below allows it): this test is about what people read."""
WALKS = [pytest.param((Stack("aiogram", "polling"), "sqlite"), id="aiogram-polling-sqlite"),
         pytest.param((Stack("ptb", "webhook"), "postgres"), id="ptb-webhook-postgres")]


class Staff(Person):
    async def press_in_group(self, label: str) -> None:
        before = len(self.emu.calls)
        self.emu.press_button(self.id, label, chat_id=GROUP)
        await wait_until(lambda: any(c.method.casefold() == "answercallbackquery" for c in self.emu.calls[before:]))
        await settle(self.emu, Person.db_url)

    async def press_earlier(self, label: str) -> None:
        """Press a button of an earlier message (the newest one that has it), as one scrolls up in Telegram."""
        message = next(m for m in reversed(self.inbox) if any(t == label for row in m.buttons for t, _d in row))
        await self._after(lambda: self.emu.press_button(self.id, label, message.message_id))

    def text(self) -> str:
        return "\n".join(m.text or m.caption or "" for m in self.inbox)


@pytest.fixture
async def fast_emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100, group_burst=200, group_rate=100)
    await emu.start()
    yield emu
    await emu.stop()


@pytest.fixture(params=WALKS)
async def walk(request: pytest.FixtureRequest, fast_emulator: BotApiEmulator, tmp_path: object
               ) -> AsyncIterator[tuple[BotApiEmulator, dict[int, Staff]]]:
    import contextlib

    from tests.databases import POSTGRES_URL, fresh_postgres
    from tests.e2e import harness

    stack, backend = request.param
    if backend == "postgres" and not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need TANGGAP_TEST_POSTGRES_URL")
    async with contextlib.AsyncExitStack() as exits:
        url = (await exits.enter_async_context(fresh_postgres()) if backend == "postgres"
               else f"sqlite+aiosqlite:///{tmp_path}/walk.db")
        harness.Person.db_url = url
        emu = fast_emulator
        emu.add_group(GROUP, "Staf BAPKM")
        task = await start_bot(emu, url, Stack(stack.engine, stack.mode), tanggap_admins=str(ADMIN),
                               staff_chat_id=str(GROUP), **FAST)
        people = {uid: Staff(emu, uid, name, language=lang) for uid, name, lang in (
            (ADMIN, "Admin", "en"), (OFFICER, "Olivia Officer", "id"), (REVIEWER, "Rudi Reviewer", "en"),
            (APPROVER, "Ani Approver", "id"), (MONITOR, "Maya Monitor", "en"))}
        for uid, role in ((OFFICER, "petugas"), (REVIEWER, "reviewer"), (APPROVER, "penyetuju"),
                          (MONITOR, "monitor")):
            await people[uid].say("/start")
            await people[ADMIN].say(f"/staff add {uid} {role}")
        try:
            yield emu, people
        finally:
            await stop_bot(task)
            harness.Person.db_url = None


async def test_one_complaint_carried_through_by_every_person_it_touches(
        walk: tuple[BotApiEmulator, dict[int, Staff]]) -> None:
    emulator, staff = walk
    officer, reviewer, approver, monitor = staff[OFFICER], staff[REVIEWER], staff[APPROVER], staff[MONITOR]
    student = Person(emulator, 5101, "Siti Rahma", language="id")
    await file_complaint(student, "id")  # a. receive
    await officer.press_in_group(idn("🙋 Take"))  # b. confirm

    asked = await officer.say("/reply KEL-2026-00001 Mohon kirim nomor pembayaran Anda.")
    assert idn("Sent to the complainant of {number}. Their answer comes to you here.").format(
        number="KEL-2026-00001") in asked[-1].text
    assert idn("💬 Reply / add information") in student.buttons()
    await student.say("Nomor pembayarannya 12345, dibayar 1 Oktober.")  # just typing back: it reaches the officer
    assert "Nomor pembayarannya 12345" in officer.last.text
    assert idn("💬 {who} wrote about {number}:").format(who="Siti Rahma", number="KEL-2026-00001") \
        in officer.last.text

    shown = await officer.say("/show KEL-2026-00001")
    assert "Kapan Anda mengajukan permohonan transkrip?" in shown[0].text and "1 Oktober 2026" in shown[0].text
    assert "Nomor pembayarannya 12345" in shown[0].text
    opened = await officer.press(idn("📎 {n}").format(n=1))
    assert [m.kind for m in opened] == ["photo"]

    await officer.say("/nonconformity KEL-2026-00001")
    await officer.say("/lk new KEL-2026-00001")  # c. LK
    await officer.say("Transkrip tidak terbit dalam tiga hari kerja sesuai prosedur.")
    await officer.press("SOP PM-BAPKM.AP.1-05 Penerbitan Transkrip Akademik")
    await officer.say("Pejabat penandatangan sedang dinas luar dan tidak ada pengganti.")
    await officer.press(idn("✅ Save"))
    refused = await officer.say("/lk submit LK-2026-001")
    assert idn("{number} cannot be submitted yet: it has no follow-up programme. Add its actions with /lk action "
               "add {number} (or the ➕ Add action button), then submit it.").format(number="LK-2026-001") \
        == refused[-1].text
    for kind, what, owner in ((idn("Correction: fix this case"), "Terbitkan transkrip mahasiswa ini hari ini.",
                               "Olivia Officer"),
                              (idn("Preventive action: stop it elsewhere"),
                               "Tunjuk pejabat pengganti untuk setiap penandatangan.", "Rudi Reviewer")):
        await officer.say("/lk action add LK-2026-001")  # d. programme
        await officer.press(kind)
        await officer.say(what)
        await officer.press(owner)
        await officer.press(officer.buttons()[0])
        await officer.press(idn("✅ Save"))
    await officer.press(idn("📤 Submit for check"))
    await reviewer.press(en("✔ Checked"))
    await approver.press(idn("✔ Approve"))

    await officer.press(idn("✅ Mark #{id} done").format(id=1))  # e. the correction, with evidence
    await officer.photo("Tanda terima penyerahan transkrip")
    asked = officer.last.text
    assert idn("The corrections of {subject} are done. Write the response to its complainants: what was fixed. They "
               "get it now and may rate it; the effectiveness check goes on.").format(subject="LK-2026-001") in asked
    await officer.say("Transkrip Anda sudah dapat diambil di loket BAPKM.")
    resolved = idn("Your complaint {number} has been resolved.\n\n<b>Response:</b> {note}").format(
        number="KEL-2026-00001", note="Transkrip Anda sudah dapat diambil di loket BAPKM.")
    assert resolved in [m.html for m in student.inbox]

    await student.press("2")  # 7a: not satisfied, with a comment
    await student.say("Transkripnya ada, tetapi nilainya masih salah satu mata kuliah.")
    assert idn("Their comment: {text}").format(text="Transkripnya ada, tetapi nilainya masih salah satu mata "
                                                   "kuliah.") in officer.text()
    await officer.say("/nonconformity KEL-2026-00001")  # the reopened case confirmed again

    await reviewer.press_earlier(en("✅ Mark #{id} done").format(id=2))  # the owner's notice of action #2
    await reviewer.say("Surat keputusan pejabat pengganti nomor 12/2026.")
    assert en("All actions of {number} are done: was the programme effective?").format(number="LK-2026-001") \
        in monitor.text()
    await monitor.press(en("✖ Not effective"))  # f. monitoring: a second round
    await monitor.say("Nilai mahasiswa masih salah; koreksi belum lengkap.")
    assert "Nilai mahasiswa masih salah" in officer.last.text
    await officer.press(idn("➕ Add action"))  # d. again: round 2's programme is a new plan
    await officer.press(idn("Correction: fix this case"))
    await officer.say("Perbaiki nilai mata kuliah yang salah di transkrip.")
    await officer.press("Maya Monitor")
    await officer.press(officer.buttons()[0])
    await officer.press(idn("✅ Save"))
    yours = en("You own action #{id} of {number}, due {due}: {text}").split("{due}")[0].format(
        id=3, number="LK-2026-001")
    assert yours not in monitor.text()  # a draft: its owner is told once it is approved
    refused = await officer.say("/lk action done 3 Nilai diperbaiki dan transkrip dicetak ulang.")
    assert idn("{number} is not running its programme yet (it must be approved first).").format(
        number="LK-2026-001") == refused[-1].text
    await officer.press(idn("📤 Submit for check"))
    assert en("The programme of round {round} of {number} (the previous one was not effective) waits for your "
              "check.").format(round=2, number="LK-2026-001") in reviewer.text()
    forms = len([m for m in approver.inbox if m.kind == "document"])
    await reviewer.press(en("✔ Checked"))
    assert idn("The programme of round {round} of {number} was checked and waits for your approval.").format(
        round=2, number="LK-2026-001") in approver.text()
    assert len([m for m in approver.inbox if m.kind == "document"]) == forms + 1  # the form comes with it
    assert yours not in monitor.text()
    await approver.press(idn("✔ Approve"))
    assert yours in monitor.text()  # approved: the programme runs, its owner is told
    await officer.say("/lk action done 3 Nilai diperbaiki dan transkrip dicetak ulang.")
    await officer.say("Nilai Anda sudah diperbaiki dan transkrip baru dapat diambil.")
    await student.press("5")
    await student.press(idn("Skip"))
    await monitor.press(en("✔ Effective"))
    await monitor.say("Transcript corrected; deputies appointed.")
    # the closed form follows the closing answer, made after the commit by its job (handlers.lk_form_jobs)
    await wait_until(lambda: any(m.kind == "document" and (m.caption or "").startswith("LK-2026-001, ")
                                 for m in monitor.inbox), timeout=30)

    lk = (await officer.say("/lk LK-2026-001"))[0].text  # g. archive: everything on the LK
    for round_ in (1, 2):  # each round's programme has its own signatures
        signed = lk[lk.index(idn("Round {n}:").format(n=round_)):][:300]
        assert idn("Checked by: {name}").format(name="Rudi Reviewer") in signed, signed
        assert idn("Approved by: {name}").format(name="Ani Approver") in signed, signed
    for expected in ("Rudi Reviewer", "Ani Approver", idn("round {n}").format(n=2),
                     "Nilai mahasiswa masih salah", "Tanda terima penyerahan transkrip", "KEL-2026-00001: 2/5",
                     "nilainya masih salah satu mata kuliah", "KEL-2026-00001: 5/5"):
        assert expected in lk, expected
    status = (await student.say("/status KEL-2026-00001"))[-1].text
    assert idn("closed") in status and "Olivia" not in status
    assert refused_calls(emulator) == []
