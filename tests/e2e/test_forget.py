"""``/forget`` end to end (issue 15 §2, §5) on two engine combinations: a student erases their identity from a
concluded ticket through the real stack; a confirmation forged by another user — pressed in their own chat or
claiming the student's — and the student's own button pressed again after it was done change nothing and say so;
the staff group's card no longer names the student."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator
from storage.models import DataRequestRow, TicketRow
from tests.e2e.harness import Person, settle, wait_until
from tests.e2e.test_case_walk import GROUP, OFFICER, Staff, fast_emulator, walk
from tests.e2e.test_filing import file_complaint

pytestmark = pytest.mark.e2e
__all__ = ["fast_emulator", "walk"]  # the fixtures this test uses
en = Translator().gettext("en")
BUDI, MALLORY = 5301, 5302
NOT_VALID = en("This confirmation is not valid any more (already used, replaced or not yours): nothing was changed. "
               "/forget starts again.")


async def answered(emulator: BotApiEmulator, update_id: int) -> str | None:
    await wait_until(lambda: emulator.callback(update_id).answered)
    await settle(emulator, Person.db_url)
    return emulator.callback(update_id).answer_text


async def ticket_and_requests(url: str) -> tuple[TicketRow, int]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            ticket = (await connection.execute(select(TicketRow))).one()
            requests = len((await connection.execute(select(DataRequestRow))).all())
    finally:
        await engine.dispose()
    return ticket, requests


async def test_a_student_forgets_a_closed_ticket_and_forged_or_replayed_confirmations_do_nothing(
        walk: tuple[BotApiEmulator, dict[int, Staff]]) -> None:
    emulator, staff = walk
    url = Person.db_url
    assert url is not None
    budi = Person(emulator, BUDI, "Budi Santoso", language="en")
    mallory = Person(emulator, MALLORY, "Mallory", language="en")
    await mallory.say("/start")
    await file_complaint(budi, "en", photo=True)
    officer = staff[OFFICER]
    await officer.say("/take KEL-2026-00001")
    await officer.say("/reject KEL-2026-00001 Di luar lingkup layanan BAPKM.")
    card = next(m for m in emulator.messages(GROUP) if "KEL-2026-00001" in (m.text or ""))
    assert "Budi" in (card.text or "")

    listed = await budi.say("/forget")
    assert en("<b>Concluded</b> (can be erased):").replace("<b>", "").replace("</b>", "") in listed[-1].text
    asked = await budi.press(en("🗑 Erase from all concluded tickets ({n})").format(n=1))
    confirm = asked[-1]
    ok = next(data for row in confirm.buttons for text, data in row if text == en("✅ Yes, erase"))
    assert ok is not None and ok.startswith("fg:ok:")

    own_chat = emulator.press(MALLORY, mallory.inbox[-1].message_id, ok)  # forged in her own chat
    assert await answered(emulator, own_chat) == NOT_VALID
    claimed = emulator.press(MALLORY, confirm.message_id, ok, chat_id=BUDI)  # claiming Budi's chat
    assert await answered(emulator, claimed) == NOT_VALID
    ticket, requests = await ticket_and_requests(url)
    assert ticket.identity_erased_at is None and requests == 0

    done = await budi.press(en("✅ Yes, erase"))
    assert any(en("Kept, anonymised: the cases, their history and their LKs, as evidence of how complaints are "
                  "handled. Your request is recorded as {number}.").format(number="PDP-2026-0001") in (m.text or "")
               for m in done)
    assert any(en("Nothing ties these tickets to you any more, so /status and /my no longer show them.")
               in (m.text or "") for m in done)  # the walk: /status then said "you have no ticket", unexplained
    again = emulator.press(BUDI, confirm.message_id, ok)  # the same button again, after it was done
    assert await answered(emulator, again) == NOT_VALID
    ticket, requests = await ticket_and_requests(url)
    assert ticket.identity_erased_at is not None and ticket.attachments_erased_at is not None and requests == 1
    await wait_until(lambda: "Budi" not in (emulator.messages(GROUP)[card_index(emulator)].text or ""))


def card_index(emulator: BotApiEmulator) -> int:
    return next(i for i, m in enumerate(emulator.messages(GROUP)) if "KEL-2026-00001" in (m.text or ""))
