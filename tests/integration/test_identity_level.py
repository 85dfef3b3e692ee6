"""/identity: changing a ticket's identity level after filing (issue 15). The complainant both ways, staff only up;
never once the identity is erased. Each change: one audit row, one history event, the staff group's card written
again, and — when staff raised it — the complainant told in their language."""

from __future__ import annotations

from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.vocabulary import AuditKind, TicketEvent
from handlers.i18n import Translator
from storage.models import TicketRow
from storage.records import NewTicket, TicketRecord
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, STAFF_GROUP, Desk

en = Translator().gettext("en")
ADMIN, OFFICER, REVIEWER, STUDENT, OTHER = 9001, 9002, 9003, 5001, 5002
COMPLAINANT = "Siti Aminah"


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    for telegram_id, role in ((OFFICER, "officer"), (REVIEWER, "reviewer")):
        await desk.say(desk.user(telegram_id, f"Staff {telegram_id}"), "/start")
        await desk.say(desk.user(ADMIN, "Admin"), f"/staff add {telegram_id} {role}")
    await desk.say(student(desk), "/start")
    await desk.say(desk.user(OTHER, "Other"), "/start")
    async with new_uow() as uow:
        person = await uow.persons.get_by_telegram_id(STUDENT)
        assert person is not None
        await uow.persons.set_language(person.id, "id")
        await uow.tickets.add(NewTicket("complaint", "telegram", person.id, "transcript", None,
                                        "Transkrip belum terbit", None, {}, (), False, "received", NOW))
        await uow.commit()
    return desk


def student(desk: Desk) -> Any:
    return desk.user(STUDENT, COMPLAINANT, language="id")


async def ticket(desk: Desk) -> TicketRecord:
    async with desk.make_uow() as uow:
        found = await uow.tickets.get_by_number("KEL-2026-00001")
        assert found is not None
        return found


async def trail(desk: Desk) -> list[tuple[str, dict[str, Any]]]:
    async with desk.make_uow() as uow:
        found = await ticket(desk)
        rows = await uow.audit.listed(ticket_id=found.id)
        # the views are the identity module's (a card named again is one view of the group): the changes here
        return [(r.kind, r.detail) for r in reversed(rows) if r.kind != AuditKind.IDENTITY_VIEW]


async def level_events(desk: Desk) -> list[dict[str, Any]]:
    async with desk.make_uow() as uow:
        found = await ticket(desk)
        return [e.params for e in await uow.tickets.events(found.id) if e.code == TicketEvent.IDENTITY_LEVEL]


def card(payloads: list[dict[str, Any]]) -> str:
    [edit] = [p for p in payloads if p.get("op") == "edit_card" and p["chat_id"] == STAFF_GROUP]
    return str(edit["text"])


class TestTheComplainant:
    async def test_changes_their_own_ticket_either_way_each_change_logged(self, desk: Desk) -> None:
        sent = await desk.payloads(student(desk), "/identity KEL-2026-00001 anonim")
        assert Translator().gettext("id")("anonymous") in card(sent) and COMPLAINANT not in card(sent)
        assert any(p.get("chat_id") == STUDENT and "anonim" in p["text"] for p in sent)
        found = await ticket(desk)
        assert (found.identity_level, found.anonymous) == ("anonymous", True)
        sent = await desk.payloads(student(desk), "/identity kel-2026-00001 named")
        assert COMPLAINANT in card(sent)
        found = await ticket(desk)
        assert (found.identity_level, found.anonymous) == ("named", False)
        assert await trail(desk) == [(AuditKind.IDENTITY_LEVEL, {"from": "named", "to": "anonymous"}),
                                     (AuditKind.IDENTITY_LEVEL, {"from": "anonymous", "to": "named"})]
        assert [(e["from"], e["to"], e["by"]) for e in await level_events(desk)] == [
            ("named", "anonymous", "complainant"), ("anonymous", "named", "complainant")]

    async def test_status_shows_the_level_and_how_to_change_it_and_the_history_the_change(self, desk: Desk) -> None:
        await desk.say(student(desk), "/identity KEL-2026-00001 rahasia")
        [text] = await desk.say(student(desk), "/status KEL-2026-00001")
        id_ = Translator().gettext("id")
        assert id_("🔒 To change who sees your name: /identity {number} {choices}").format(
            number="KEL-2026-00001", choices="nama|anonim") in text
        assert "untuk mengubahnya" not in text  # the level said once, in the "Identity:" line (third walk)
        assert id_("Identity: {identity}").format(identity=id_("confidential — only {readers} see your name").format(
            readers=id_("the officer handling it and the administrator"))) in text
        assert id_("🔒 who may see your identity: {level_from} → {level_to}").format(
            level_from=id_("named"), level_to=id_("confidential")) in text

    async def test_the_same_level_or_an_unknown_word_changes_nothing(self, desk: Desk) -> None:
        [same] = await desk.say(student(desk), "/identity KEL-2026-00001 nama")
        [unknown] = await desk.say(student(desk), "/identity KEL-2026-00001 secret")
        assert "KEL-2026-00001" in same and "secret" in unknown
        assert await trail(desk) == [] and await level_events(desk) == []

    async def test_someone_elses_ticket_or_no_ticket_gets_the_same_answer(self, desk: Desk) -> None:
        other = desk.user(OTHER, "Other")
        [theirs] = await desk.say(other, "/identity KEL-2026-00001 anonymous")
        [missing] = await desk.say(other, "/identity KEL-2026-00099 anonymous")
        assert theirs.replace("00001", "00099") == missing
        assert (await ticket(desk)).identity_level == "named"


class TestStaff:
    async def test_an_officer_raises_it_the_card_hides_the_name_and_the_complainant_is_told(self, desk: Desk) -> None:
        officer = desk.user(OFFICER, "Staff 9002")
        sent = await desk.payloads(officer, "/identity KEL-2026-00001 anonymous")
        assert COMPLAINANT not in card(sent)
        id_ = Translator().gettext("id")
        told = [p["text"] for p in sent if p.get("chat_id") == STUDENT]
        assert told == [id_("🔒 The bureau raised the protection of your identity on {number}: it is now {level}. "
                            "{meaning}").format(number="KEL-2026-00001", level=id_("anonymous"),
                                                meaning=id_("No staff member sees who you are; replies still "
                                                            "reach you here."))]
        officer_id = (await desk_person(desk, OFFICER))
        async with desk.make_uow() as uow:
            [row] = await uow.audit.listed(ticket_id=(await ticket(desk)).id)
        assert (row.actor_id, row.detail) == (officer_id, {"from": "named", "to": "anonymous"})
        assert [e["by"] for e in await level_events(desk)] == ["staff"]

    async def test_staff_may_not_lower_it(self, desk: Desk) -> None:
        await desk.say(student(desk), "/identity KEL-2026-00001 anonymous")
        for who in (desk.user(OFFICER, "Staff 9002"), desk.user(ADMIN, "Admin")):
            [text] = await desk.say(who, "/identity KEL-2026-00001 confidential")
            assert unescape(text).startswith(en("Staff may only raise the protection (named → confidential → "
                                                "anonymous); only the complainant can lower it."))
        assert (await ticket(desk)).identity_level == "anonymous" and len(await trail(desk)) == 1

    async def test_an_admin_raises_named_to_confidential(self, desk: Desk) -> None:
        sent = await desk.payloads(desk.user(ADMIN, "Admin"), "/identity KEL-2026-00001 confidential")
        assert (await ticket(desk)).identity_level == "confidential"
        assert card(sent) and any(p.get("chat_id") == STUDENT for p in sent)

    async def test_a_reviewer_may_not_change_it(self, desk: Desk) -> None:
        [text] = await desk.say(desk.user(REVIEWER, "Staff 9003"), "/identity KEL-2026-00001 anonymous")
        assert "no ticket KEL-2026-00001" in text
        assert (await ticket(desk)).identity_level == "named"


async def desk_person(desk: Desk, telegram_id: int) -> int:
    async with desk.make_uow() as uow:
        found = await uow.persons.get_by_telegram_id(telegram_id)
        assert found is not None
        return found.id


async def test_an_erased_identity_cannot_change_for_anyone(
        desk: Desk, session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        await session.execute(update(TicketRow).values(identity_erased_at=NOW))
        await session.commit()
    for who, level in ((student(desk), "anonymous"), (desk.user(OFFICER, "Staff 9002"), "anonymous")):
        [text] = await desk.say(who, f"/identity KEL-2026-00001 {level}")
        assert "KEL-2026-00001" in text
    assert (await ticket(desk)).identity_level == "named" and await trail(desk) == []
    [status] = await desk.say(student(desk), "/status KEL-2026-00001")
    assert "/identity" not in status


async def test_usage_without_arguments(desk: Desk) -> None:
    [text] = await desk.say(desk.user(OTHER, "Other"), "/identity")
    assert unescape(text).startswith(en("Usage: /identity (ticket number) named|confidential|anonymous")[:30])
    [shown] = await desk.say(student(desk), "/identity KEL-2026-00001")
    assert "KEL-2026-00001" in shown and "/identity KEL-2026-00001" in shown


async def test_staff_raising_a_letters_ticket_are_told_its_complainant_has_no_chat(desk: Desk) -> None:
    async with desk.make_uow() as uow:
        writer = await uow.persons.add_offline("Pak Darmo", "0812 0000 1111")
        await uow.tickets.add(NewTicket("complaint", "letter", writer.id, "transcript", None, "Surat keluhan", None,
                                        {}, (), False, "received", NOW))
        await uow.commit()
    sent = await desk.payloads(desk.user(OFFICER, "Staff 9002"), "/identity KEL-2026-00002 anonymous")
    [reply] = [p["text"] for p in sent if p.get("chat_id") == OFFICER]
    assert "The complainant has no Telegram chat" in unescape(reply)
    assert "Pak Darmo" not in card(sent)
