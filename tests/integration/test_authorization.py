"""The authorization matrix: every staff command and every staff button, tried by everyone who must not use it.

The commands and buttons are enumerated from the code (``STAFF_COMMANDS``, ``STAFF_BUTTONS``), so a new one
cannot escape this test. A refusal is polite, identical whether or not the ticket exists, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pytest

from domain.vocabulary import Role
from handlers.commands import STAFF_COMMANDS
from handlers.i18n import Translator
from handlers.staff.buttons import STAFF_BUTTONS
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk

_ = Translator().gettext("en")
NOT_STAFF = _("Sorry, this is only for the bureau's staff.")
WRONG_ROLE = _("Sorry, your role does not allow this.")
ADMIN, OFFICER, REVIEWER, APPROVER, MONITOR, STUDENT = 9001, 9002, 9003, 9004, 9005, 5001
PEOPLE = {OFFICER: Role.OFFICER, REVIEWER: Role.REVIEWER, APPROVER: Role.APPROVER, MONITOR: Role.MONITOR}


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    admin = desk.user(ADMIN, "Admin")
    for telegram_id, role in PEOPLE.items():
        await desk.say(desk.user(telegram_id, role.value.title()), "/start")
        replies = await desk.say(admin, f"/staff add {telegram_id} {role.value}")
        assert "is now" in replies[0]
    await desk.say(desk.user(STUDENT, "Siti"), "/start")
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        officer = await uow.persons.get_by_telegram_id(OFFICER)
        assert student and officer
        await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                        "Transkrip belum terbit", None, {}, (), False, "received", NOW))
        await uow.lks.add(NewLk("nonconformity", "transcript", "SOP 1", "desc", "cause", officer.id, NOW,
                                status="awaiting_check"))
        await uow.commit()
    return desk


async def snapshot(new_uow: Callable[[], SqlUnitOfWork]) -> tuple[object, ...]:
    async with new_uow() as uow:
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        lk = await uow.lks.get_by_number("LK-2026-001")
        staff = await uow.staff.members()
        assert ticket and lk
        return asdict(ticket), asdict(lk), sorted((m.person.id, sorted(m.roles)) for m in staff), \
            await uow.outbox.pending_count()


def refused_commands(roles: frozenset[str]) -> list[str]:
    return [key for key, c in STAFF_COMMANDS.items() if not roles & {r.value for r in c.roles}]


def refused_buttons(roles: frozenset[str]) -> list[str]:
    return [key for key, b in STAFF_BUTTONS.items() if not roles & {r.value for r in b.roles}]


async def test_a_student_is_refused_every_staff_command_and_learns_nothing(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    student = desk.user(STUDENT, "Siti")
    before = await snapshot(new_uow)
    assert len(STAFF_COMMANDS) >= 20
    for key in STAFF_COMMANDS:
        existing = await desk.say(student, f"/{key} KEL-2026-00001 LK-2026-001 reason text")
        missing = await desk.say(student, f"/{key} KEL-2026-09999 LK-2026-999 reason text")
        assert existing == missing == [NOT_STAFF], key
    assert await snapshot(new_uow) == before


async def test_a_student_pressing_forged_staff_buttons_is_refused(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    student = desk.user(STUDENT, "Siti")
    before = await snapshot(new_uow)
    for key in STAFF_BUTTONS:
        for target in ("1", "999"):
            answer, sent = await desk.press(student, f"{key}:{target}")
            assert (answer, sent) == (NOT_STAFF, []), key
    assert await snapshot(new_uow) == before


@pytest.mark.parametrize("telegram_id", [ADMIN, *PEOPLE])
async def test_staff_are_refused_what_their_roles_do_not_allow(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork], telegram_id: int) -> None:
    person = desk.user(telegram_id)
    roles = frozenset({Role.ADMIN.value} if telegram_id == ADMIN else {PEOPLE[telegram_id].value})
    before = await snapshot(new_uow)
    commands, buttons = refused_commands(roles), refused_buttons(roles)
    assert commands or buttons
    for key in commands:
        assert await desk.say(person, f"/{key} KEL-2026-00001 LK-2026-001 text") == [WRONG_ROLE], key
    for key in buttons:
        assert await desk.press(person, f"{key}:1") == (WRONG_ROLE, []), key
    assert await snapshot(new_uow) == before


async def test_the_officer_cannot_check_or_approve_an_lk(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    officer = desk.user(OFFICER)
    for key in ("lk:check", "lk:approve", "lk:eff", "lk:noteff", "lk:return"):
        assert await desk.press(officer, f"{key}:1") == (WRONG_ROLE, []), key


async def test_rights_are_checked_at_the_moment_of_use(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """A removed officer's old card button no longer works."""
    admin, officer = desk.user(ADMIN), desk.user(OFFICER)
    await desk.say(admin, f"/staff remove {OFFICER}")
    assert await desk.press(officer, "tk:take:1") == (NOT_STAFF, [])


async def test_someone_elses_rating_button_is_refused(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    other = desk.user(5002, "Other")
    answer, sent = await desk.press(other, "rate:1:1")
    assert answer == _("This button is no longer active.") and sent == []
