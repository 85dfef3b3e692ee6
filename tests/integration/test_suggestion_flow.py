"""A suggestion (saran): received → under review → accepted with a response → improvement programme → closed;
or declined with a reason. Driven through the use cases on a real database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from handlers.i18n import Translator
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk

_ = Translator().gettext("en")
ADMIN, STAFF, STUDENT, REVIEWER, APPROVER = 9001, 9002, 5001, 9003, 9004


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    await desk.say(desk.user(STAFF, "Sari Staff"), "/start")
    for role in ("officer", "monitor"):
        await desk.say(desk.user(ADMIN), f"/staff add {STAFF} {role}")
    for who, role in ((REVIEWER, "reviewer"), (APPROVER, "approver")):  # the SOP's three signatures: three people
        await desk.say(desk.user(who), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {who} {role}")
    await desk.say(desk.user(STUDENT, "Budi"), "/start")
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        assert student is not None
        await uow.persons.set_language(student.id, "en")
        await uow.tickets.add(NewTicket("suggestion", "telegram", student.id, "graduation", None,
                                        "Please stream the graduation ceremony for families abroad.", None, {}, (),
                                        False, "received", NOW))
        await uow.commit()
    return desk


async def status(new_uow: Callable[[], SqlUnitOfWork]) -> str:
    async with new_uow() as uow:
        ticket = await uow.tickets.get_by_number("SAR-2026-00001")
        assert ticket is not None
        return ticket.status


async def test_accepted_suggestion_runs_an_improvement_programme_to_the_end(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    staff = desk.user(STAFF, "Sari Staff")
    told = await desk.payloads(staff, "/take SAR-2026-00001")
    assert await status(new_uow) == "under_review"
    assert any(p["chat_id"] == STUDENT and "being reviewed" in p["text"] for p in told)

    told = await desk.payloads(staff, "/accept SAR-2026-00001 We will stream the next ceremony on YouTube.")
    assert await status(new_uow) == "accepted"
    assert any(p["chat_id"] == STUDENT and "stream the next ceremony" in p["text"] for p in told)

    replies = await desk.say(staff, "/lk new SAR-2026-00001")
    assert "SAR-2026-00001" in replies[0]
    await desk.say(staff, "Ceremonies are not streamed, so families abroad cannot follow them.")
    await desk.say(staff, "SOP Wisuda 2026")
    await desk.say(staff, "No streaming equipment or procedure exists for ceremonies.")
    saved = await desk.press(staff, "ld:summary:save")
    assert any("PRG-2026-001" in text for text in saved[1])

    await desk.say(staff, "/lk action add PRG-2026-001")
    for step in ("ac:kind:preventive", None, "owner", "ac:due:wd10", "ac:summary:save"):
        if step is None:
            await desk.say(staff, "Buy a streaming kit and write the streaming procedure.")
        elif step == "owner":
            await desk.say(staff, "Sari")
        else:
            await desk.press(staff, step)
    async with new_uow() as uow:
        lk = await uow.lks.get_by_number("PRG-2026-001")
        assert lk is not None and lk.kind == "improvement"
        assert len(await uow.lks.actions(lk.id)) == 1
        lk_id = lk.id
    await desk.press(staff, f"lk:submit:{lk_id}")
    await desk.press(desk.user(REVIEWER), f"lk:check:{lk_id}")
    await desk.press(desk.user(APPROVER), f"lk:approve:{lk_id}")
    await desk.say(staff, "/lk action done 1 Streaming kit bought; procedure signed on 1 December.")
    await desk.press(staff, f"lk:eff:{lk_id}")
    told = await desk.payloads(staff, "The December ceremony was streamed live; thank you for the idea.")
    assert await status(new_uow) == "closed"
    assert any(p["chat_id"] == STUDENT and "improvement programme" in p["text"] for p in told)


async def test_declined_suggestion_tells_the_reason(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    staff = desk.user(STAFF, "Sari Staff")
    told = await desk.payloads(staff, "/decline SAR-2026-00001 The venue has no network for streaming.")
    assert await status(new_uow) == "declined"
    assert any(p["chat_id"] == STUDENT and "no network for streaming" in p["text"] for p in told)


async def test_a_complaint_verdict_does_not_apply_to_a_suggestion(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    staff = desk.user(STAFF, "Sari Staff")
    replies = await desk.say(staff, "/nonconformity SAR-2026-00001")
    assert "cannot be done now" in replies[0]
    assert await status(new_uow) == "received"


async def test_staff_input_with_html_is_escaped(desk: Desk) -> None:
    replies = await desk.say(desk.user(STAFF, "Sari Staff"), "/show <b>KEL")
    assert "&lt;B&gt;KEL" in replies[0] and "<b>" not in replies[0]
