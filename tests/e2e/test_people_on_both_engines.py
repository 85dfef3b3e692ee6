"""Issue 11 end to end on both engines, beside the whole walk (test_case_walk.py): a problem typed without /new, a
withdrawal, nothing posted into a group, staff who cannot be reached yet, invisible controls in a name."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from tests.e2e import harness
from tests.e2e.harness import Person, Stack, settle, start_bot, stop_bot, wait_until
from tests.e2e.test_filing import refused_calls

pytestmark = pytest.mark.e2e
GROUP, OTHER_GROUP = -1001234567890, -1009876543210
ADMIN, OFFICER = 9001, 9002
en, idn = Translator().gettext("en"), Translator().gettext("id")
FAST = {"send_rate_chat": "50", "send_burst_chat": "50", "send_per_minute_group": "3000"}
ENGINES = [pytest.param(Stack("aiogram", "polling"), id="aiogram-polling"),
           pytest.param(Stack("ptb", "webhook"), id="ptb-webhook")]


async def answer_questions(student: Person, lang: str) -> None:
    """The service's confirmation questions, whatever they are: the first choice, else a date that is also text."""
    _ = Translator().gettext(lang)
    for _question in range(6):
        buttons = student.buttons()
        if _("Show my name") in buttons:
            return
        own = [b for b in buttons if b not in (_("« Back"), _("✖ Cancel"))]
        await (student.press(own[0]) if own else student.say(_("yesterday") if lang == "en" else "kemarin"))
    raise AssertionError(f"the questions did not end: {student.last.text}")


@pytest.fixture(params=ENGINES)
async def office(request: pytest.FixtureRequest, tmp_path: Path
                 ) -> AsyncIterator[tuple[BotApiEmulator, Person, Person]]:
    emu = BotApiEmulator(per_chat_burst=200, per_chat_rate=100, group_burst=200, group_rate=100)
    await emu.start()
    emu.add_group(GROUP, "Staf BAPKM")
    emu.add_group(OTHER_GROUP, "Angkatan 2024")
    url = f"sqlite+aiosqlite:///{tmp_path / 'people.db'}"
    harness.Person.db_url = url
    stack: Stack = request.param
    task = await start_bot(emu, url, Stack(stack.engine, stack.mode), tanggap_admins=str(ADMIN),
                           staff_chat_id=str(GROUP), **FAST)
    admin, officer = Person(emu, ADMIN, "Admin", "en"), Person(emu, OFFICER, "Olivia", "id")
    await officer.say("/start")
    await admin.say(f"/staff add {OFFICER} petugas")
    try:
        yield emu, admin, officer
    finally:
        await stop_bot(task)
        harness.Person.db_url = None
        with contextlib.suppress(Exception):
            await emu.stop()


async def test_a_problem_typed_without_new_is_filed_and_a_ticket_is_withdrawn_with_a_reason(
        office: tuple[BotApiEmulator, Person, Person]) -> None:
    emu, _admin, officer = office
    student = Person(emu, 5201, "Budi", "id")
    typed = "Kartu mahasiswa saya belum jadi padahal sudah sebulan sejak foto."
    offered = await student.say(typed)
    assert idn("Shall I file this as a complaint or a suggestion? What you wrote becomes its description, and I ask "
               "the rest.") in offered[-1].text
    await student.press(idn("📝 File it as a new complaint or suggestion"))
    await student.press(idn("Complaint"))
    files = await student.say("ktm")  # the service, typed: the description is not asked again
    assert idn("Do you have a photo or a PDF as evidence (a screenshot, a receipt, a letter)? Send it now.") \
        in files[-1].text
    await student.press(idn("No attachment"))
    await student.press(idn("Not sure"))
    await answer_questions(student, "id")
    await student.press(idn("Show my name"))
    summary = student.last.text
    assert typed in summary
    ack = await student.press(idn("✅ Send"))
    assert "KEL-2026-00001" in ack[-1].text

    await student.say("/status KEL-2026-00001")
    await student.press(idn("↩ Withdraw it"))
    done = await student.say("Kartunya sudah jadi hari ini.")
    assert idn("{number} is withdrawn. Thank you for letting us know; /new files a new report any time.").format(
        number="KEL-2026-00001") in done[-1].text
    card = emu.messages(GROUP)[-1]
    assert idn("withdrawn") in card.text and card.buttons == []
    shown = await officer.say("/show KEL-2026-00001")
    assert idn("withdrawn by the complainant: {reason}").format(reason="Kartunya sudah jadi hari ini.") \
        in shown[0].text
    assert refused_calls(emu) == []


async def test_nothing_of_a_ticket_is_posted_into_a_group(office: tuple[BotApiEmulator, Person, Person]) -> None:
    emu, _admin, _officer = office
    student = Person(emu, 5202, "Rina", "id")
    await student.say("Legalisir ijazah saya ditolak padahal berkas lengkap.")
    await student.press(idn("📝 File it as a new complaint or suggestion"))
    before = {chat: len(emu.messages(chat)) for chat in (GROUP, OTHER_GROUP)}
    for chat in (GROUP, OTHER_GROUP):
        for command in ("/show KEL-2026-00001", "/inbox", "/staff list", "/lk list"):
            emu.send_text(OFFICER, command, chat_id=chat)
    await settle(emu, Person.db_url)
    for chat in (GROUP, OTHER_GROUP):
        said = [m.text for m in emu.messages(chat)[before[chat]:]]
        assert said == [idn("Please use this in a private chat with me.")] * 4


async def test_staff_who_cannot_be_reached_get_their_work_when_they_start_and_the_assigner_is_told(
        office: tuple[BotApiEmulator, Person, Person]) -> None:
    emu, admin, _officer = office
    student = Person(emu, 5203, "Dodi", "en")
    await student.say("The transcript I requested three weeks ago is still not ready.")
    await student.press(en("📝 File it as a new complaint or suggestion"))
    await student.press(en("Complaint"))
    await student.say("transcript")
    await student.press(en("No attachment"))
    await student.press(en("Not sure"))
    await answer_questions(student, "en")
    await student.press(en("Show my name"))
    await student.press(en("✅ Send"))

    added = await admin.say("/staff add 7001 officer")  # never wrote to the bot
    assert en("⚠️ They have never written to the bot, so Telegram does not let it write to them yet: ask them to "
              "open the bot and press Start. What waits for them is sent then.") in added[-1].text
    told = await admin.say("/assign KEL-2026-00001 7001")
    assert any(en("⚠️ {name} cannot be reached by the bot yet").split("{")[0] in m.text for m in told)
    newcomer = Person(emu, 7001, "Nina", "en")  # now she opens the bot
    await newcomer.say("/start")
    await wait_until(lambda: any("KEL-2026-00001" in (m.text or "") for m in newcomer.inbox))
    # written while nobody knew her language: in the office's default language, Indonesian
    assert idn("{number} was assigned to you.").format(number="KEL-2026-00001") in [m.text for m in newcomer.inbox]

    emu.block(OFFICER)  # started once, blocked the bot since: Telegram refuses only at delivery
    await admin.say("/assign KEL-2026-00001 9002")
    await wait_until(lambda: any("could not be reached" in (m.text or "") for m in admin.inbox))
    assert en("{number} was assigned to them.").format(number="KEL-2026-00001") in admin.last.text


async def test_invisible_controls_in_a_name_are_neutralised_on_the_card(
        office: tuple[BotApiEmulator, Person, Person]) -> None:
    emu, _admin, _officer = office
    student = Person(emu, 5204, "Ana\u202egnaD\u200b", "id")
    await student.say("KTM saya hilang dan penggantinya belum diproses sejak bulan lalu.")
    await student.press(idn("📝 File it as a new complaint or suggestion"))
    await student.press(idn("Complaint"))
    await student.say("ktm")
    await student.press(idn("No attachment"))
    await student.press(idn("Not sure"))
    await answer_questions(student, "id")
    await student.press(idn("Show my name"))
    await student.press(idn("✅ Send"))
    card = emu.messages(GROUP)[-1].text
    assert "AnagnaD" in card and "\u202e" not in card and "\u200b" not in card
