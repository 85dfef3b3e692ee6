"""Identity levels in the procedure (issue 15), on SQLite and PostgreSQL: the staff intake records the choice, a
named ticket's card is a view of the group's each time it is posted or edited, and a letter's contact told to an
actor who may not see it reads as the level."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.vocabulary import Role
from storage.records import Attachment, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

OFFICER, OTHER, ADMIN = 7101, 7102, 7103


async def staff(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> dict[int, int]:
    async with new_uow() as uow:
        ids = {}
        for telegram_id, name, role in ((OFFICER, "Olivia", Role.OFFICER), (OTHER, "Oscar", Role.OFFICER),
                                        (ADMIN, "Ayu", Role.ADMIN)):
            person = await uow.persons.ensure_telegram(telegram_id, name)
            await uow.staff.grant(person.id, role.value, by=None, at=NOW)
            ids[telegram_id] = person.id
        await uow.commit()
    return ids


async def intake(desk: Desk, level: str) -> list[str]:
    officer = desk.user(OFFICER, "Olivia")
    await desk.say(officer, "/intake")
    for data in ("si:channel:phone", "si:kind:complaint", "si:service:other"):
        await desk.press(officer, data)
    await desk.say(officer, "Bapak Zulkarnain Wibisono")
    await desk.say(officer, "0812-3456-7890")
    await desk.press(officer, f"si:identity:{level}")
    await desk.say(officer, "Legalisir ijazah ditolak padahal dokumen lengkap.")
    await desk.press(officer, "si:files:done")
    await desk.press(officer, "si:received:today")
    await desk.press(officer, "si:when:unknown")
    _answer, said = await desk.press(officer, "si:summary:save")
    return said


async def test_the_staff_intake_records_the_choice_and_the_group_card_follows_it(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    said = await intake(desk, "confidential")
    assert any("KEL-2026-00001" in s for s in said), said
    async with new_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
    assert ticket is not None and ticket.identity_level == "confidential" and not ticket.anonymous
    other = await desk.say(desk.user(OTHER, "Oscar"), "/show KEL-2026-00001")
    assert "Zulkarnain" not in other[0] and "0812" not in other[0] and "confidential" in other[0]
    mine = await desk.say(desk.user(OFFICER, "Olivia"), "/show KEL-2026-00001")  # she took it when recording it
    assert "Zulkarnain" in mine[0] and "0812-3456-7890" in mine[0]
    async with new_uow() as uow:
        views = await uow.audit.listed(ticket_id=ticket.id)
    assert [(v.kind, v.place) for v in views] == [("identity_view", "show")]


async def test_a_named_cards_every_post_and_edit_is_one_view_of_the_group(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    async with new_uow() as uow:
        student = await uow.persons.ensure_telegram(5001, "Siti Rahma")
        await uow.commit()
    payloads = []
    for identity in ("named", "anonymous"):
        async with new_uow() as uow:
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, "x" * 30, None,
                                            {}, (), False, "received", NOW, identity_level=identity))
            await uow.commit()
    for number in ("KEL-2026-00001", "KEL-2026-00002"):
        payloads += await desk.payloads(desk.user(OFFICER, "Olivia"), f"/take {number}")
    cards = [p for p in payloads if p.get("chat_id") == STAFF_GROUP]
    assert len(cards) == 2 and "Siti Rahma" in cards[0]["text"] and "Siti" not in cards[1]["text"]
    async with new_uow() as uow:
        views = await uow.audit.listed(kinds=["identity_view"])
    assert [(v.actor_id, v.place) for v in views] == [(None, "group_card")]


async def test_a_protected_cards_description_masks_the_complainants_own_identifiers(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """The whole group reads the card: "Saya Siti Rahma, 0812…" in a confidential complaint named her there."""
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    said = "Saya Siti Rahma (0812-3456-7890): transkrip belum terbit dua minggu."
    async with new_uow() as uow:
        student = await uow.persons.ensure_telegram(5001, "Siti Rahma")
        for identity in ("confidential", "named"):
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, said, None,
                                            {}, (), False, "received", NOW, identity_level=identity))
        await uow.commit()
    cards = []
    for number in ("KEL-2026-00001", "KEL-2026-00002"):
        cards += [p["text"] for p in await desk.payloads(desk.user(OFFICER, "Olivia"), f"/take {number}")
                  if p.get("chat_id") == STAFF_GROUP]
    assert "Saya […] ([…]): transkrip belum terbit dua minggu." in cards[0] and "Siti" not in cards[0]
    assert said in cards[1]  # a named complainant's words as written
    shown = await desk.say(desk.user(OFFICER, "Olivia"), "/show KEL-2026-00001")  # where it is handled: as written
    assert said in shown[0]
    # another officer, who may not see who filed it: masked as on the card (the walk: a reviewer read the name)
    other = await desk.say(desk.user(OTHER, "Oscar"), "/show KEL-2026-00001")
    assert "Saya […] ([…]): transkrip belum terbit dua minggu." in other[0] and "Siti" not in other[0]
    assert "0812" not in other[0] and said in (await desk.say(desk.user(OTHER, "Oscar"), "/show KEL-2026-00002"))[0]


async def test_a_protected_tickets_file_goes_only_cleaned_under_a_neutral_name(
        new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine) -> None:
    """The archive's copy for a confidential ticket: an image cleaned of its metadata is sent as KEL-…-1.jpg; one it
    could not clean (a HEIC) is not sent at all; for a named ticket the original goes as before."""
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    async with new_uow() as uow:
        student = await uow.persons.ensure_telegram(5001, "Siti Rahma")
        for identity in ("confidential", "named"):
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, "x" * 30, None,
                                            {}, (Attachment("file-" + identity, "document", "KTM_Siti_Rahma.jpg",
                                                            mime_type="image/jpeg"),), False, "received", NOW,
                                            identity_level=identity))
        await uow.commit()
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE archive_item SET status = 'stored', sha256 = :h, mime = 'image/jpeg', "
                                      "cleaned = :yes"), {"h": "ab" * 32, "yes": True})
        ids = dict((await connection.execute(text("SELECT file_id, id FROM ticket_attachment"))).all())
    officer = desk.user(OFFICER, "Olivia")
    _answer, sent = await desk.press_payloads(officer, f"fa:{ids['file-confidential']}")
    assert [(p["op"], p.get("file_name"), p.get("sha256")) for p in sent] == [("send_file", "KEL-2026-00001-1.jpg",
                                                                              "ab" * 32)]
    shown = await desk.say(officer, "/show KEL-2026-00001")
    assert "KTM_Siti_Rahma" not in shown[0] and "KTM_Siti_Rahma" in (await desk.say(officer, "/show KEL-2026-00002"))[0]
    _answer, sent = await desk.press_payloads(officer, f"fa:{ids['file-named']}")
    assert [(p["file_id"], p.get("file_name")) for p in sent] == [("file-named", "KTM_Siti_Rahma.jpg")]

    async with engine.begin() as connection:
        await connection.execute(text("UPDATE archive_item SET cleaned = :no"), {"no": False})
    answer, sent = await desk.press_payloads(officer, f"fa:{ids['file-confidential']}")
    assert sent == [] and answer is not None and "HEIC" in answer and len(answer) <= 190


async def test_a_search_by_a_protected_complainants_identifiers_does_not_find_them_for_others(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Second walk: a reviewer's "/search Siti" listed Siti Rahma's confidential ticket (and "/search Budi" none),
    confirming a guess. The handling officer still finds it; words of the complaint find it for everyone."""
    from handlers.staff import search_index

    search_index.forget_indexes()
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    async with new_uow() as uow:
        student = await uow.persons.ensure_telegram(5001, "Siti Rahma")
        await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                        "Saya Siti Rahma, HP 0812-3456-7890: legalisir ijazah ditolak.", None, {}, (),
                                        False, "received", NOW, identity_level="confidential"))
        await uow.commit()
    olivia, oscar = desk.user(OFFICER, "Olivia"), desk.user(OTHER, "Oscar")
    await desk.say(olivia, "/take KEL-2026-00001")
    for words in ("siti", "Rahma", "0812-3456-7890"):
        assert "KEL-2026-00001" not in (await desk.say(oscar, f"/search {words}"))[0], words
        assert "KEL-2026-00001" in (await desk.say(olivia, f"/search {words}"))[0], words
    assert "KEL-2026-00001" in (await desk.say(oscar, "/search legalisir ijazah"))[0]


async def test_lists_mask_a_protected_complainants_identifiers_for_whoever_may_not_see_them(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Third walk: /search, /similar and /inbox showed "Saya Siti Rahma, NRP 5025211001…" in the line of a
    confidential and of an anonymous ticket (while /show masked it), and /similar listed the anonymous ticket beside
    the confidential one of the same student."""
    from handlers.staff import search_index

    search_index.forget_indexes()
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    async with new_uow() as uow:
        student = await uow.persons.ensure_telegram(5001, "Siti Rahma")
        for level, text in (("confidential", "Saya Siti Rahma, NRP 5025211001: legalisir ijazah ditolak."),
                            ("anonymous", "Nama saya Siti Rahma (NRP 5025211001), legalisir KTM ditolak.")):
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, text, None, {},
                                            (), False, "received", NOW, identity_level=level))
        await uow.commit()
    olivia, oscar = desk.user(OFFICER, "Olivia"), desk.user(OTHER, "Oscar")
    await desk.say(olivia, "/take KEL-2026-00001")
    await desk.say(olivia, "/take KEL-2026-00002")
    found = (await desk.say(oscar, "/search legalisir ditolak"))[0]
    assert "KEL-2026-00001" in found and "KEL-2026-00002" in found and "Siti" not in found and "5025211001" not in found
    inbox = (await desk.say(olivia, "/inbox"))[0]  # the handling officer: the confidential one as written only
    assert "Saya Siti Rahma, NRP 5025211001" in inbox and "Nama saya Siti" not in inbox and "Nama saya […]" in inbox
    assert "KEL-2026-00002" not in "\n".join(await desk.say(oscar, "/similar KEL-2026-00001"))


async def test_a_letters_contact_reaches_only_an_actor_who_may_see_it(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    await intake(desk, "anonymous")
    told = await desk.say(desk.user(OFFICER, "Olivia"), "/conforming KEL-2026-00001 Dokumen belum distempel.")
    assert any("KEL-2026-00001" in t and "anonymous" in t for t in told) and not any("0812" in t for t in told)
    async with new_uow() as uow:
        assert await uow.audit.listed(kinds=["identity_view"]) == []


async def test_what_a_protected_complainant_writes_is_not_shown_in_the_group(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """The walk: a confidential complainant added "my name is Budi Santoso, NRP …" before anyone took the ticket, and
    the whole group read it. A named one's message is shown there as before."""
    desk = Desk(new_uow)
    await staff(desk, new_uow)
    budi = desk.user(5002, "Budi Santoso", language="en")
    async with new_uow() as uow:
        student = await uow.persons.ensure_telegram(5002, "Budi Santoso")
        await uow.commit()
    for identity in ("confidential", "named"):
        async with new_uow() as uow:
            await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None, "x" * 30, None,
                                            {}, (), False, "received", NOW, identity_level=identity))
            await uow.commit()
    posts = []
    for number in ("KEL-2026-00001", "KEL-2026-00002"):
        await desk.press(budi, f"cv:add:{(await _ticket_id(new_uow, number))}")
        posts += [p for p in await desk.payloads(budi, "Tambahan: nama saya Budi Santoso, NRP 5025219999")
                  if p.get("chat_id") == STAFF_GROUP]
    assert len(posts) == 2
    assert "KEL-2026-00001" in posts[0]["text"] and "5025219999" not in posts[0]["text"]
    assert "Budi" not in posts[0]["text"] and "📄" in posts[0]["text"]
    assert "KEL-2026-00002" in posts[1]["text"] and "5025219999" in posts[1]["text"]


async def _ticket_id(new_uow: Callable[[], SqlUnitOfWork], number: str) -> int:
    async with new_uow() as uow:
        ticket = await uow.tickets.get_by_number(number)
    assert ticket is not None
    return ticket.id
