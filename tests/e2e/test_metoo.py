"""'Me too' end to end (issue 14 §5): three students file similar complaints; the second and third are offered
the first one's case — shown nothing of the first student — and join it; the officer's verdict, the LK, its check
and approval, the correction and the monitor's "effective" reach each of the three, in their own language."""

from __future__ import annotations

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from handlers.notices import NOTICES
from tests.e2e.harness import Person
from tests.e2e.test_case_walk import APPROVER, GROUP, MONITOR, OFFICER, REVIEWER, Staff, fast_emulator, walk
from tests.e2e.test_filing import refused_calls

pytestmark = pytest.mark.e2e
__all__ = ["fast_emulator", "walk"]  # the fixtures this test uses
T = Translator()
FIRST = "Transkrip nilai saya belum terbit padahal sudah menunggu tiga minggu sejak pengajuan di portal."
LATER = "Transkrip nilai belum terbit juga, sudah tiga minggu menunggu sejak pengajuan."


async def file(student: Person, lang: str, text: str, *, join: bool) -> list[str]:
    """File a transcript complaint; ``join``: say yes to the "me too" offer. Returns the offer's text ("" if none)."""
    _ = T.gettext(lang)
    await student.say("/new")
    await student.press(_("Complaint"))
    await student.press("Penerbitan Transkrip Akademik" if lang == "id" else "Academic transcript")
    asked = await student.say(text)
    offer = [m.text for m in asked if _("✅ Yes, this is my case") in [t for row in m.buttons for t, _d in row]]
    if offer:
        await student.press(_("✅ Yes, this is my case") if join else _("No, mine is different"))
    await student.press(_("No attachment"))
    await student.press(_("Yesterday"))
    await student.say("01-11-2026")
    await student.press("Portal akademik (myITS Academics)" if lang == "id" else "Academic portal (myITS Academics)")
    await student.press(_("Yes"))
    await student.press(_("Skip"))
    await student.press(_("Show my name"))
    await student.press(_("✅ Send"))
    return offer


def told(student: Person, lang: str, notice: str, number: str) -> bool:
    """Whether the student read the notice (its first paragraph) about their own ticket, in their language."""
    _ = T.gettext(lang)
    expected = _(NOTICES[notice]).split("\n\n")[0].format(number=number, note="", other="")
    return any(expected in (m.text or "") for m in student.inbox)


async def test_three_students_join_one_case_and_each_is_told_of_every_step(
        walk: tuple[BotApiEmulator, dict[int, Staff]]) -> None:
    emulator, staff = walk
    officer, reviewer, approver, monitor = staff[OFFICER], staff[REVIEWER], staff[APPROVER], staff[MONITOR]
    ana = Person(emulator, 5201, "Ana Wijaya", language="id")
    budi = Person(emulator, 5202, "Budi Santoso", language="id")
    chris = Person(emulator, 5203, "Chris Taylor", language="en")
    people = ((ana, "id", "KEL-2026-00001"), (budi, "id", "KEL-2026-00002"), (chris, "en", "KEL-2026-00003"))

    assert await file(ana, "id", FIRST, join=True) == []  # nothing to offer the first
    offered = await file(budi, "id", LATER, join=True)
    assert offered and T.gettext("id")("{n} person reported something similar about {service} — is yours the same "
                                       "case?").split("{n}")[0] in offered[0]
    offered = await file(chris, "en", LATER, join=True)
    assert "2 people reported something similar about Academic transcript — is yours the same case?" in offered[0]
    for private in ("Ana", "Wijaya", "Budi", "KEL-2026-00001", "KEL-2026-00002", "portal.", "menunggu tiga minggu"):
        assert private not in offered[0], private
    cards = [m for m in emulator.messages(GROUP) if "KEL-2026-0000" in (m.text or "")]
    assert [c.text.split(" · ")[0] for c in cards] == ["KEL-2026-00001"]  # one card: the lead's
    assert "👥 2" in cards[0].text

    idn = T.gettext("id")
    await officer.say("/take KEL-2026-00001")  # b. confirm: the three follow
    await officer.say("/nonconformity KEL-2026-00001")
    for student, lang, number in people:
        assert told(student, lang, "confirming", number), (number, [m.text for m in student.inbox])
        assert told(student, lang, "in_followup", number), number
    await officer.say("/lk new KEL-2026-00001")  # c. LK: it covers the members too
    await officer.say("Transkrip tidak terbit dalam tiga hari kerja sesuai prosedur.")
    await officer.press("SOP PM-BAPKM.AP.1-05 Penerbitan Transkrip Akademik")
    await officer.say("Pejabat penandatangan sedang dinas luar dan tidak ada pengganti.")
    await officer.press(idn("✅ Save"))
    lk = (await officer.say("/lk LK-2026-001"))[0].text
    assert idn("Complainants: {n} (incl. {m} “me too”)").format(n=3, m=2) in lk
    await officer.say("/lk action add LK-2026-001")  # d. programme: one correction
    await officer.press(idn("Correction: fix this case"))
    await officer.say("Terbitkan transkrip ketiga mahasiswa hari ini.")
    await officer.press("Olivia Officer")
    await officer.press(officer.buttons()[0])
    await officer.press(idn("✅ Save"))
    await officer.press(idn("📤 Submit for check"))
    await reviewer.press(T.gettext("en")("✔ Checked"))
    await approver.press(idn("✔ Approve"))
    await officer.press(idn("✅ Mark #{id} done").format(id=1))  # e. carried out, with evidence and the response
    await officer.photo("Tanda terima penyerahan transkrip")
    await officer.say("Transkrip Anda sudah dapat diambil di loket BAPKM.")
    for student, lang, number in people:
        assert told(student, lang, "resolved", number), number
        assert "Transkrip Anda sudah dapat diambil di loket BAPKM." in student.inbox[-2].text + student.last.text
    await monitor.press(T.gettext("en")("✔ Effective"))  # f. monitoring: effective, the LK closes
    await monitor.say("Transcripts issued; a deputy signer appointed.")
    for student, lang, number in people:
        assert told(student, lang, "verified", number), number
    status = (await chris.say("/status KEL-2026-00003"))[-1].text
    assert "Ana" not in status and FIRST not in status
    assert refused_calls(emulator) == []
