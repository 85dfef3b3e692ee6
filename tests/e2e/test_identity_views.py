"""Identity levels end to end (issue 15 §1, §5): a confidential and an anonymous complaint taken through the
procedure by the staff — the group's cards, /show by each role, messages both ways, /inbox, /search, an LK and its
form, the register export and /stats — then every message, edit and document the bot delivered is read: the
confidential complainant's name reaches only their own chat, the administrator and the handling officer; the
anonymous one's only their own. And each staff message that showed a name is one identity_view row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.emulator import BotApiEmulator
from storage.models import AuditLogRow, TicketRow
from tests.e2e.harness import Person, wait_until
from tests.e2e.test_case_walk import ADMIN, APPROVER, GROUP, MONITOR, OFFICER, REVIEWER, Staff, fast_emulator, idn, walk
from tests.e2e.test_filing import file_complaint, refused_calls
from tests.privacy_scan import file_text, identity_needles, scan_bytes

pytestmark = pytest.mark.e2e
__all__ = ["fast_emulator", "walk"]
ZUL, KARTIKA = 5301, 5302
NAMES = {ZUL: "Zulkarnain Wibisono", KARTIKA: "Kartika Sumarni"}
ALLOWED = {ZUL: {ZUL, ADMIN, OFFICER}, KARTIKA: {KARTIKA}}
"""Who may read each complainant's name: the confidential one's, themselves, the administrator and the handling
officer (CONFIDENTIAL_ROLES' default); the anonymous one's, nobody but themselves."""
TEXT_METHODS = frozenset({"sendmessage", "editmessagetext", "editmessagecaption", "senddocument", "sendphoto"})


def delivered(emulator: BotApiEmulator, chats: list[int]) -> Iterator[tuple[int, str, bytes | None]]:
    """Every text the bot got accepted (each send and each edit: a card edited ten times was read ten times) and
    every document's bytes, as (chat, what, bytes)."""
    for call in emulator.calls:
        if call.method.casefold() in TEXT_METHODS and call.status == 200:
            said = call.params.get("text") or call.params.get("caption") or ""
            yield int(call.params["chat_id"]), str(said), None
    for chat in chats:
        for message in emulator.messages(chat):
            if message.kind == "document" and message.file_id:
                yield chat, message.caption or "", emulator.file_content(message.file_id)


async def test_a_confidential_and_an_anonymous_name_reach_only_those_allowed(
        walk: tuple[BotApiEmulator, dict[int, Staff]]) -> None:
    emulator, staff = walk
    admin, officer, reviewer = staff[ADMIN], staff[OFFICER], staff[REVIEWER]
    zul = Person(emulator, ZUL, NAMES[ZUL], language="id")
    kartika = Person(emulator, KARTIKA, NAMES[KARTIKA], language="en")
    await file_complaint(zul, "id", photo=False, identity="Keep it confidential")
    await file_complaint(kartika, "en", photo=False, identity="Stay anonymous")
    status = (await zul.say("/status KEL-2026-00001"))[-1].text
    assert idn("confidential — only {readers} see your name").format(
        readers=idn("the officer handling it and the administrator")) in status

    cards = [m.text or "" for m in emulator.messages(GROUP)]
    assert any("KEL-2026-00001" in c and idn("From: {who}").format(who=idn("confidential")) in c for c in cards)
    assert any("KEL-2026-00002" in c and idn("From: {who}").format(who=idn("anonymous")) in c for c in cards)

    await officer.say("/take KEL-2026-00001")
    assert NAMES[ZUL] in (await officer.say("/show KEL-2026-00001"))[0].text  # the handling officer
    assert NAMES[ZUL] in (await admin.say("/show KEL-2026-00001"))[0].text  # the administrator
    hidden = (await reviewer.say("/show KEL-2026-00001"))[0].text
    assert "Zulkarnain" not in hidden and "confidential" in hidden
    await officer.say("/reply KEL-2026-00001 Mohon kirim nomor pembayaran Anda.")
    await zul.say("Nomor pembayarannya 12345, dibayar 1 Oktober.")
    told = idn("💬 {who} wrote about {number}:").format(who=NAMES[ZUL] + " 🔒", number="KEL-2026-00001")
    assert told in officer.last.text

    await officer.say("/take KEL-2026-00002")
    await officer.say("/reply KEL-2026-00002 Mohon kirim nomor pembayaran Anda.")
    await kartika.say("The payment number is 54321.")
    assert idn("💬 {who} wrote about {number}:").format(who=idn("the complainant (anonymous)"),
                                                          number="KEL-2026-00002") in officer.last.text
    for person in (officer, admin, reviewer):
        assert "Kartika" not in ((await person.say("/show KEL-2026-00002"))[0].text or "")
    await officer.say("/inbox")
    await officer.say("/search transkrip")

    await officer.say("/nonconformity KEL-2026-00001")  # an LK over both, and its form
    await officer.say("/nonconformity KEL-2026-00002")
    await officer.say("/lk new KEL-2026-00001 KEL-2026-00002")
    await officer.say("Transkrip tidak terbit dalam tiga hari kerja sesuai prosedur.")
    await officer.press("SOP PM-BAPKM.AP.1-05 Penerbitan Transkrip Akademik")
    await officer.say("Pejabat penandatangan sedang dinas luar dan tidak ada pengganti.")
    await officer.press(idn("✅ Save"))
    for person, command in ((officer, "/lk pdf LK-2026-001"), (reviewer, "/lk pdf LK-2026-001 en"),
                            (admin, "/export"), (admin, "/stats")):
        await a_file_for(person, command)
    register = [m for m in admin.inbox if m.kind == "document"][-1]
    rows = file_text(emulator.file_content(register.file_id or ""))
    assert "KEL-2026-00001" in rows and "Confidential" in rows and "Anonymous" in rows  # the admin reads English

    chats = [GROUP, ZUL, KARTIKA, *staff]
    shown_to_staff = documents = 0
    for chat, text, data in delivered(emulator, chats):
        documents += data is not None
        for complainant in (ZUL, KARTIKA):
            needles = identity_needles(name=NAMES[complainant])
            hits = scan_bytes(data, needles, f"document in {chat}") if data is not None else []
            hits += scan_bytes(text.encode(), needles, f"message in {chat}")
            if hits:
                assert chat in ALLOWED[complainant], (chat, hits)
                if chat != complainant:
                    shown_to_staff += 1
    assert documents >= 3  # the LK's form twice and the register, read too
    assert shown_to_staff == 3  # /show by the officer and the admin, the officer told of Zulkarnain's answer

    engine = create_async_engine(str(Person.db_url))
    try:
        async with engine.connect() as connection:
            views = (await connection.execute(
                select(AuditLogRow.actor_id, AuditLogRow.place, TicketRow.number)
                .join(TicketRow, TicketRow.id == AuditLogRow.ticket_id)
                .where(AuditLogRow.kind == "identity_view").order_by(AuditLogRow.id))).all()
            admin_id = await _person_id(connection, ADMIN)
            officer_id = await _person_id(connection, OFFICER)
    finally:
        await engine.dispose()
    assert len(views) == shown_to_staff
    assert [tuple(r) for r in views] == [(officer_id, "show", "KEL-2026-00001"), (admin_id, "show", "KEL-2026-00001"),
                                        (officer_id, "notice", "KEL-2026-00001")]
    assert refused_calls(emulator) == []
    assert {APPROVER, MONITOR} <= set(staff)


async def a_file_for(person: Person, command: str) -> None:
    """Send the command and wait for the document or photo it makes (jobs run after the update's commit)."""
    before = len(person.inbox)
    await person.say(command)
    await wait_until(lambda: any(m.kind in ("document", "photo") for m in person.inbox[before:]), timeout=90)


async def _person_id(connection: object, telegram_id: int) -> int:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from storage.models import PersonRow

    assert isinstance(connection, AsyncConnection)
    return int((await connection.execute(select(PersonRow.id).where(PersonRow.telegram_id == telegram_id)))
               .scalar_one())
