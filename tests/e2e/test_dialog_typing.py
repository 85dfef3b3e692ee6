"""A student who types instead of pressing, through the real bot over HTTP against the emulator: typed answers
count as the buttons they name, « Back under "did you mean" shows the full list, an impossible date says what is
wrong, a description over the limit is kept and cut, and an optional question is skipped."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator
from dialogs.long_text import cut
from handlers.i18n import Translator
from tests.e2e.harness import Person
from tests.e2e.test_filing import refused_calls

pytestmark = pytest.mark.e2e
_ = Translator().gettext("id")
SENTENCE = "Transkrip saya belum terbit padahal sudah dua minggu menunggu di loket. "
LONG = (SENTENCE * 45).strip()  # 3239 characters, over the 3000 of a description


async def test_a_student_types_the_answers_instead_of_pressing_buttons(emulator: BotApiEmulator, bot: object,
                                                                       db_url: str) -> None:
    student = Person(emulator, 5301, "Dewi Lestari", language="id")
    await student.say("/new")
    await student.say("keluhan dong")
    await student.say("surat")  # did you mean …?
    assert "Penerbitan Transkrip Akademik" not in student.buttons()
    await student.press(_("« Back"))
    assert "Penerbitan Transkrip Akademik" in student.buttons()  # the full list again
    await student.say("transkrip")

    kept = await student.say(LONG)
    assert _("Your text has {n} characters; please shorten it to {max} or fewer.").format(n=len(LONG), max=3000) \
        in kept[-1].text
    shortened = cut(LONG, 3000)
    assert shortened is not None
    await student.press(_("✂️ Use the first {n} characters").format(n=len(shortened)))
    await student.say("tanpa lampiran")

    wrong = await student.say("31/11/2026")
    assert _("{month} has only {n} days.").format(month="November", n=30) in wrong[-1].text
    await student.say("kemarin")
    await student.say("10 hari lalu")  # the transcript's questions: when it was asked for,
    await student.say("portal")  # how (the start of "Portal akademik (myITS Academics)"),
    await student.say("iya")  # whether the requirements were complete,
    await student.press(_("Skip"))  # and what the staff said: optional
    summary = await student.say("anonim aja")
    assert _("skipped") in summary[-1].text and _("Send it?") in summary[-1].text
    ack = await student.say("kirim")
    assert "KEL-2026-00001" in ack[-1].text

    assert await stored_description(db_url) == shortened  # the cut, at the end of a sentence
    assert refused_calls(emulator) == []


async def stored_description(db_url: str) -> str:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return str((await conn.execute(text("SELECT description FROM ticket"))).scalar_one())
    finally:
        await engine.dispose()
