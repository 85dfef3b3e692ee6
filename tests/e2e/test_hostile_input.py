"""Hostile and odd input gets a clear reply, never a crash, and never a request Telegram would refuse."""

from __future__ import annotations

import asyncio

import pytest

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from tests.e2e.harness import Person, settle
from tests.e2e.test_filing import refused_calls

pytestmark = pytest.mark.e2e
_ = Translator().gettext("en")


async def start_description(student: Person) -> None:
    await student.say("/new")
    await student.press(_("Complaint"))
    await student.press("Academic transcript")


async def test_very_long_message_is_refused_with_its_length(emulator: BotApiEmulator, bot: object) -> None:
    student = Person(emulator, 6001, "Long", language="en")
    await start_description(student)
    reply = await student.say("panjang " * 600)
    assert "4800" in reply[-1].text or "4799" in reply[-1].text
    assert refused_calls(emulator) == []


async def test_html_and_script_are_shown_as_text(emulator: BotApiEmulator, bot: object) -> None:
    student = Person(emulator, 6002, "<b>Hacker</b> & co", language="en")
    await student.say("/new")
    await student.press(_("Suggestion"))
    await student.press(_("Other"))
    await student.say("<b>&<script>alert('x')</script> the counter was closed")
    await student.press(_("No attachment"))
    summary = await student.press(_("Show my name"))
    assert "<b>&<script>alert('x')</script> the counter was closed" in summary[-1].text  # literally, as text
    assert "<b>Hacker</b> & co" in summary[-1].text
    assert refused_calls(emulator) == []


async def test_emoji_and_unknown_command_and_empty_text(emulator: BotApiEmulator, bot: object) -> None:
    student = Person(emulator, 6003, "Emoji 😀", language="en")
    reply = await student.say("😀🎓🔥")
    assert "/new" in reply[-1].text
    reply = await student.say("/frobnicate now")
    assert "/frobnicate" in reply[-1].text and "/help" in reply[-1].text
    reply = await student.say("")
    assert _("I received an empty message.") in reply[0].text
    assert refused_calls(emulator) == []


async def test_button_of_an_old_message_is_answered_not_obeyed(emulator: BotApiEmulator, bot: object) -> None:
    student = Person(emulator, 6004, "Old", language="en")
    await student.say("/new")
    first = student.last
    await student.press(_("Complaint"))
    await student.say("/cancel")
    before = len(emulator.calls)
    emulator.press(student.id, first.message_id, "in:kind:suggestion")
    await settle(emulator, Person.db_url)
    await asyncio.sleep(0.3)
    answers = [c for c in emulator.calls[before:] if c.method.casefold() == "answercallbackquery"]
    assert answers and answers[-1].params.get("text") == _("This button is no longer active.")
    assert _("Is this a <b>complaint</b>").replace("<b>", "") not in student.last.text
    reply = await student.say("/status")
    assert _("You have no tickets yet.").split(".")[0] in reply[-1].text


async def test_forged_button_data_is_refused(emulator: BotApiEmulator, bot: object) -> None:
    student = Person(emulator, 6005, "Forger", language="en")
    await student.say("/start")
    before = len(emulator.calls)
    welcome = student.inbox[-2]  # the welcome, with its buttons (the privacy notice follows it, without)
    emulator.press(student.id, welcome.message_id, "st:KEL-2026-00001")
    emulator.press(student.id, welcome.message_id, "x" * 64)
    await settle(emulator, Person.db_url)
    await asyncio.sleep(0.3)
    replies = [m.text for m in student.inbox]
    assert any(_("You have no ticket {number}. /my lists yours.").format(number="KEL-2026-00001") == t
               for t in replies)
    assert any(c.method.casefold() == "answercallbackquery" for c in emulator.calls[before:])
    assert refused_calls(emulator) == []
