"""Admin's /audit and the role-change rows of the privacy audit trail (issue 15): the listing by ticket, by staff
member and of all, newest first, paged; bad input; never a complainant's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.vocabulary import AuditKind
from handlers.events import payload_buttons
from handlers.i18n import Translator
from storage.models import TicketRow
from storage.records import NewTicket
from storage.repositories.privacy import AuditEntry
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk

_ = Translator().gettext("en")
ADMIN, OFFICER, OTHER_OFFICER, STUDENT = 9001, 9002, 9003, 5001
COMPLAINANT = "Siti Aminah"


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    await desk.say(desk.user(ADMIN, "Admin Agus"), "/start")
    for telegram_id, name in ((OFFICER, "Rina Officer"), (OTHER_OFFICER, "Budi Officer")):
        await desk.say(desk.user(telegram_id, name), "/start")
        await desk.say(desk.user(ADMIN, "Admin Agus"), f"/staff add {telegram_id} officer")
    await desk.say(desk.user(STUDENT, COMPLAINANT), "/start")
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        assert student is not None
        await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                        "Transkrip belum terbit", None, {}, (), False, "received", NOW,
                                        identity_level="confidential"))
        await uow.commit()
    return desk


async def ids(desk: Desk) -> tuple[int, int, int, int, int]:
    """Person ids of the admin, the two officers and the student, and the ticket's id."""
    async with desk.make_uow() as uow:
        people = await uow.persons.find_by_telegram_ids([ADMIN, OFFICER, OTHER_OFFICER, STUDENT])
        ticket = await uow.tickets.get_by_number("KEL-2026-00001")
        assert ticket is not None
        return (people[ADMIN].id, people[OFFICER].id, people[OTHER_OFFICER].id, people[STUDENT].id, ticket.id)


async def add_rows(desk: Desk, *entries: tuple[int, AuditEntry]) -> None:
    """Rows at NOW + minutes."""
    async with desk.make_uow() as uow:
        for minutes, entry in entries:
            await uow.audit.add(NOW + timedelta(minutes=minutes), [entry])
        await uow.commit()


def entry_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


class TestRoleChanges:
    async def test_staff_add_and_remove_write_one_row_per_role_given_or_taken(self, desk: Desk) -> None:
        admin = desk.user(ADMIN, "Admin Agus")
        await desk.say(admin, f"/staff add {OFFICER} officer")  # held already: no row
        await desk.say(admin, f"/staff add {OFFICER} reviewer")
        await desk.say(admin, f"/staff remove {OFFICER}")
        admin_id, officer_id, *_rest = await ids(desk)
        async with desk.make_uow() as uow:
            rows = await uow.audit.listed(actor_id=officer_id)
        assert [(r.kind, r.detail["role"]) for r in reversed(rows)] == [
            (AuditKind.ROLE_GRANTED, "officer"), (AuditKind.ROLE_GRANTED, "reviewer"),
            (AuditKind.ROLE_REVOKED, "officer"), (AuditKind.ROLE_REVOKED, "reviewer")]
        assert {(r.actor_id, r.subject_id) for r in rows} == {(admin_id, officer_id)}

    async def test_a_removed_staff_members_audit_names_both_people_and_the_roles(self, desk: Desk) -> None:
        await desk.say(desk.user(ADMIN, "Admin Agus"), f"/staff remove {OFFICER} officer")
        [text] = await desk.say(desk.user(ADMIN, "Admin Agus"), f"/audit {OFFICER}")
        lines = entry_lines(text)
        assert "Admin Agus took the role officer from Rina Officer" in lines[0]
        assert "Admin Agus gave Rina Officer the role officer" in lines[1]
        assert "TANGGAP_ADMINS" in (await desk.say(desk.user(ADMIN, "Admin Agus"), "/help"))[1]


class TestListing:
    async def test_a_ticket_lists_who_was_shown_its_complainant_when_and_where_newest_first(self, desk: Desk) -> None:
        _admin, officer, other, student, ticket = await ids(desk)
        await add_rows(desk, (1, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=officer, ticket_id=ticket, place="show")),
                       (2, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=None, ticket_id=ticket, place="group_card")),
                       (3, AuditEntry(AuditKind.IDENTITY_LEVEL, actor_id=student, ticket_id=ticket,
                                      detail={"from": "named", "to": "confidential"})),
                       (4, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=other, ticket_id=ticket, place="lk_pdf")))
        [text] = await desk.say(desk.user(ADMIN, "Admin Agus"), "/audit kel-2026-00001")
        assert "Audit of KEL-2026-00001" in text and "identity now: confidential" in text
        assert entry_lines(text) == [
            "• 25 November 2026, 10:04 WIB — Budi Officer was shown the complainant of KEL-2026-00001 on an LK "
            "form (PDF)",
            "• 25 November 2026, 10:03 WIB — KEL-2026-00001: identity named → confidential, by the complainant",
            "• 25 November 2026, 10:02 WIB — the staff group was shown the complainant of KEL-2026-00001 on the "
            "staff group's card",
            "• 25 November 2026, 10:01 WIB — Rina Officer was shown the complainant of KEL-2026-00001 in the "
            "ticket in full (/show)",
        ]

    async def test_a_staff_member_lists_only_their_own_views_and_role_changes(self, desk: Desk) -> None:
        _admin, officer, other, _student, ticket = await ids(desk)
        await add_rows(desk, (1, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=officer, ticket_id=ticket,
                                            place="group_card")),
                       (2, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=other, ticket_id=ticket, place="show")),
                       (3, AuditEntry(AuditKind.IDENTITY_LEVEL, actor_id=officer, ticket_id=ticket,
                                      detail={"from": "confidential", "to": "anonymous"})))
        [text] = await desk.say(desk.user(ADMIN, "Admin Agus"), f"/audit {OFFICER}")
        lines = entry_lines(text)
        assert "Audit of Rina Officer" in text
        assert "KEL-2026-00001: identity confidential → anonymous, by Rina Officer" in lines[0]
        assert "Rina Officer was shown the complainant of KEL-2026-00001 on the staff group's card" in lines[1]
        assert "the role officer" in lines[2] and len(lines) == 3
        assert "Budi" not in text

    async def test_alone_it_lists_the_latest_entries_of_all(self, desk: Desk) -> None:
        _admin, officer, _other, _student, ticket = await ids(desk)
        await add_rows(desk, (30, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=officer, ticket_id=ticket,
                                             place="export")),
                       (31, AuditEntry(AuditKind.MYDATA, actor_id=None)))
        [text] = await desk.say(desk.user(ADMIN, "Admin Agus"), "/audit")
        lines = entry_lines(text)
        assert "a person was given a copy of their data (/mydata)" in lines[0]
        assert "Rina Officer was shown the complainant of KEL-2026-00001 in a register export" in lines[1]
        assert sum("gave" in line for line in lines) == 2  # the two officers added by the admin

    async def test_pages_of_twenty_with_older_and_newer_buttons(self, desk: Desk) -> None:
        _admin, officer, _other, _student, ticket = await ids(desk)
        await add_rows(desk, *((m, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=officer, ticket_id=ticket,
                                              place="show")) for m in range(25)))
        [first] = await desk.payloads(desk.user(ADMIN, "Admin Agus"), "/audit KEL-2026-00001")
        assert len(entry_lines(first["text"])) == 20 and "10:24 WIB" in entry_lines(first["text"])[0]
        assert len(first["text"]) < 4096  # one message: nothing cut
        [[older]] = payload_buttons(first)
        assert older.text == _("Older »")
        _answer, [second] = await desk.press_payloads(desk.user(ADMIN, "Admin Agus"), older.data)
        lines = entry_lines(second["text"])
        assert len(lines) == 5 and "10:04 WIB" in lines[0] and "10:00 WIB" in lines[-1]
        assert [b.text for row in payload_buttons(second) for b in row] == [_("« Newer")]
        assert entry_lines((await desk.say(desk.user(ADMIN, "Admin Agus"), "/audit KEL-2026-00001 1"))[0]) == lines

    async def test_no_listing_ever_shows_the_complainants_name_or_telegram_id(self, desk: Desk) -> None:
        _admin, officer, _other, student, ticket = await ids(desk)
        await add_rows(desk, (1, AuditEntry(AuditKind.IDENTITY_VIEW, actor_id=officer, ticket_id=ticket,
                                            place="group_card")),
                       (2, AuditEntry(AuditKind.IDENTITY_LEVEL, actor_id=student, ticket_id=ticket,
                                      detail={"from": "confidential", "to": "anonymous"})),
                       (3, AuditEntry(AuditKind.CORRECT, actor_id=student, ticket_id=ticket,
                                      detail={"fields": ["name"]})),
                       (4, AuditEntry(AuditKind.FORGET, actor_id=student, detail={"tickets": [ticket]})),
                       (5, AuditEntry(AuditKind.MYDATA, actor_id=student)),
                       (6, AuditEntry("breach_notice", subject_id=student, detail={"breach": "leak-2026-12"})))
        texts = []
        for command in ("/audit", "/audit KEL-2026-00001", f"/audit {OFFICER}"):
            texts += await desk.say(desk.user(ADMIN, "Admin Agus"), command)
        assert texts and all(COMPLAINANT not in t and "Siti" not in t and str(STUDENT) not in t for t in texts)
        assert "the complainant corrected: name" in texts[0]
        assert "a person erased their identity (/forget) from tickets, how many: 1" in texts[0]
        assert "a breach notice was queued to a person: leak-2026-12" in texts[0]

    async def test_an_erased_tickets_audit_says_when_it_was_erased(
            self, desk: Desk, session_factory: async_sessionmaker[AsyncSession]) -> None:
        async with session_factory() as session:
            await session.execute(update(TicketRow).values(identity_erased_at=NOW + timedelta(days=1)))
            await session.commit()
        [text] = await desk.say(desk.user(ADMIN, "Admin Agus"), "/audit KEL-2026-00001")
        assert "The complainant's identity was erased on 26 November 2026, 10:00 WIB." in text
        assert _("No entries.") in text


class TestBadInput:
    @pytest.mark.parametrize(("args", "answer"), [
        ("KEL-2026-09999", "There is no ticket KEL-2026-09999."),
        ("hello", "“hello” is neither a ticket number nor a Telegram id."),
        (str(STUDENT), f"{STUDENT} is not a staff member, and never was one (/staff list shows the staff)."),
        ("777", "777 is not a staff member, and never was one (/staff list shows the staff)."),
        ("KEL-2026-00001 a b", "Usage: /audit [ticket number|staff member's Telegram id]"),
    ])
    async def test_one_clear_line(self, desk: Desk, args: str, answer: str) -> None:
        [text] = await desk.say(desk.user(ADMIN, "Admin Agus"), f"/audit {args}")
        assert unescape(text).startswith(answer)

    @pytest.mark.parametrize("data", ["au:zz", "au:t999.0", "au:s999.0", "au:a.x", "au:t.1"])
    async def test_a_forged_page_button_does_nothing_and_says_so(self, desk: Desk, data: str) -> None:
        answer, sent = await desk.press(desk.user(ADMIN, "Admin Agus"), data)
        assert sent == [] and answer in (_("This button is no longer active."), _("That ticket no longer exists."))

    async def test_an_officer_may_not_audit(self, desk: Desk) -> None:
        officer, refused = desk.user(OFFICER, "Rina Officer"), _("Sorry, your role does not allow this.")
        assert await desk.say(officer, "/audit") == [refused]
        assert await desk.press(officer, "au:a.0") == (refused, [])
