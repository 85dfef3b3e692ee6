"""What the staff see: anonymity on cards and in /show, /monitor's working-day deadlines, /inbox paging."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from handlers.formats import day
from handlers.i18n import Translator
from storage.records import NewAction, NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk

_ = Translator().gettext("en")
ADMIN, OFFICER, STUDENT = 9001, 9002, 5001


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    await desk.say(desk.user(OFFICER, "Olivia"), "/start")
    await desk.say(desk.user(ADMIN), f"/staff add {OFFICER} officer")
    await desk.say(desk.user(STUDENT, "Siti Rahasia"), "/start")
    return desk


async def add_ticket(new_uow: Callable[[], SqlUnitOfWork], *, anonymous: bool, days_ago: int = 0,
                     service: str = "transcript") -> None:
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        assert student is not None
        await uow.tickets.add(NewTicket("complaint", "telegram", student.id, service, None,
                                        "Transkrip belum terbit", None, {}, (), anonymous, "received",
                                        NOW - timedelta(days=days_ago)))
        await uow.commit()


def sections(report: str) -> dict[str, str]:
    """/monitor's sections by their title (without the count): only those with something in them are shown."""
    found = {}
    for section in report.split("\n\n")[1:]:
        head = section.split("\n", 1)[0]
        if head.startswith("<b>"):
            found[head.removeprefix("<b>").split("</b>", 1)[0]] = section
    return found


async def test_anonymous_ticket_hides_the_complainant_from_staff(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    await add_ticket(new_uow, anonymous=True)
    shown = await desk.say(desk.user(OFFICER, "Olivia"), "/show KEL-2026-00001")
    assert "Siti Rahasia" not in shown[0] and _("anonymous") in shown[0]


async def test_monitor_lists_late_confirmations_and_overdue_actions(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    await add_ticket(new_uow, anonymous=False, days_ago=7)   # received Wed 18 Nov: 3 working days ended Mon 23
    await add_ticket(new_uow, anonymous=False, days_ago=0)   # today: not late
    async with new_uow() as uow:
        officer = await uow.persons.get_by_telegram_id(OFFICER)
        assert officer is not None
        lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "desc", "cause", officer.id, NOW,
                                     status="in_progress"))
        await uow.lks.add_action(NewAction(lk.id, "correction", "Late action", officer.id, date(2026, 11, 20), 1, NOW))
        await uow.lks.add_action(NewAction(lk.id, "preventive", "Soon action", officer.id, date(2026, 11, 27), 1,
                                           NOW))
        await uow.commit()
    report = (await desk.say(desk.user(OFFICER, "Olivia"), "/monitor"))[0]
    overdue, soon, late = list(sections(report).values())  # in the report's order; the empty ones are left out
    assert "Late action" in overdue and "Soon action" not in overdue
    assert "Soon action" in soon
    assert "KEL-2026-00001" in late and "KEL-2026-00002" not in late


async def test_monitor_counts_a_taken_ticket_without_a_verdict_as_unconfirmed(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Found in the issue-12 sandbox walk: a ticket an officer took (confirming) but gave no verdict was 4 working
    days late in the officer's digest and missing from /monitor's late confirmations."""
    await add_ticket(new_uow, anonymous=False, days_ago=7)  # received Wed 18 Nov: due Mon 23, late
    await desk.say(desk.user(OFFICER, "Olivia"), "/take KEL-2026-00001")
    report = (await desk.say(desk.user(OFFICER, "Olivia"), "/monitor"))[0]
    late = sections(report)[_("Tickets not confirmed within their service's standard time")]
    assert late.startswith("<b>" + _("Tickets not confirmed within their service's standard time") + "</b> (1)")
    assert "KEL-2026-00001" in late


async def test_monitor_counts_each_service_s_own_time_to_confirm(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    # Wed 25 Nov; the catalogue gives tuition 5 working days to confirm, the default (transcript) is 3.
    await add_ticket(new_uow, anonymous=False, days_ago=6, service="transcript")  # Thu 19: due Tue 24, late
    await add_ticket(new_uow, anonymous=False, days_ago=6, service="tuition")     # Thu 19: due Thu 26, not late
    await add_ticket(new_uow, anonymous=False, days_ago=8, service="tuition")     # Tue 17: due Tue 24, late
    await add_ticket(new_uow, anonymous=False, days_ago=6, service="other")       # Thu 19: due Tue 24, late
    report = (await desk.say(desk.user(OFFICER, "Olivia"), "/monitor"))[0]
    late = sections(report)[_("Tickets not confirmed within their service's standard time")]
    assert late.startswith("<b>" + _("Tickets not confirmed within their service's standard time") + "</b> (3)")
    assert "KEL-2026-00001" in late and "KEL-2026-00002" not in late
    assert "KEL-2026-00003" in late and "KEL-2026-00004" in late
    received, due = day(date(2026, 11, 17), "en"), day(date(2026, 11, 24), "en")
    assert "KEL-2026-00003 — " + _("received {date}, due {deadline}").format(date=received, deadline=due) in late


async def test_inbox_pages_with_buttons(desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    for _i in range(12):
        await add_ticket(new_uow, anonymous=False)
    async with new_uow() as uow:
        assert await uow.tickets.count_inbox(1) >= 12
    officer = desk.user(OFFICER, "Olivia")
    payloads = await desk.payloads(officer, "/inbox")
    buttons = [data for row in payloads[0]["buttons"] for _t, data in row]
    assert "ib:1" in buttons and "KEL-2026-00011" not in payloads[0]["text"]
    _answer, page = await desk.press(officer, "ib:1")
    assert "KEL-2026-00011" in page[0]


async def test_a_long_monitor_report_arrives_whole_in_several_messages(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Ten sections of fifteen long lines outgrow Telegram's 4,096: the report is split between sections, and the
    last section (owners the bot cannot reach) still arrives."""
    for days in range(20):
        await add_ticket(new_uow, anonymous=False, days_ago=10 + days)
    async with new_uow() as uow:
        officer = await uow.persons.get_by_telegram_id(OFFICER)
        assert officer is not None
        absent = await uow.persons.add_offline("Dosen Tanpa Telegram", None)
        for n in range(20):
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Uraian panjang " * 8 + str(n),
                                         "cause", officer.id, NOW, status="awaiting_check"))
            await uow.lks.add_action(NewAction(lk.id, "correction", "Tindakan yang terlambat " * 5, officer.id,
                                               date(2026, 11, 20), 1, NOW))
            await uow.lks.add_action(NewAction(lk.id, "corrective", "Tindakan tanpa pemilik " * 5, absent.id,
                                               date(2026, 12, 20), 1, NOW))
        await uow.commit()
    messages = await desk.payloads(desk.user(OFFICER, "Olivia"), "/monitor")
    texts = [m["text"] for m in messages]
    assert len(texts) >= 2 and all(len(t) <= 4096 for t in texts)
    assert not any(t.endswith("…") for t in texts)  # nothing cut
    whole = "\n\n".join(texts)
    assert "<b>" + _("Overdue actions") + "</b> (20)" in whole
    assert "<b>" + _("LKs waiting for the check") + "</b> (20)" in whole
    assert "<b>" + _("Actions whose owner the bot cannot reach (never started it, or blocked it)") + "</b> (20)" \
        in texts[-1]


async def test_monitor_shows_only_sections_with_items_and_one_line_when_nothing_is_late(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Found in a new-user walk: with nothing to report, /monitor was ten headed sections each saying "—"."""
    idn = Translator().gettext("id")
    for reader, tr in ((desk.user(OFFICER, "Olivia", "id"), idn), (desk.user(OFFICER, "Olivia"), _)):
        quiet = await desk.say(reader, "/monitor")
        assert len(quiet) == 1 and quiet[0].startswith(tr("<b>Monitoring</b> — {date}").split("{")[0])
        assert quiet[0].split("\n\n")[1:] == [tr("Nothing is late or waiting. ✅")]
    assert idn("Nothing is late or waiting. ✅") != _("Nothing is late or waiting. ✅")
    await add_ticket(new_uow, anonymous=False, days_ago=7)  # late to confirm: that section, and only that one
    report = (await desk.say(desk.user(OFFICER, "Olivia"), "/monitor"))[0]
    assert list(sections(report)) == [_("Tickets not confirmed within their service's standard time")]
    assert "\n—" not in report and _("Nothing is late or waiting. ✅") not in report


async def test_monitor_lists_tickets_past_the_time_to_respond_oldest_deadline_first(
        desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Found in a new-user walk: the officers' digest and the staff group's summary counted tickets "past the time to
    respond", /monitor had no section for them. Confirmed, no response yet, the deadline passed (Wed 25 Nov)."""
    waiting = [("in_followup", "respond", date(2026, 11, 20), False),  # Fri 20: 3 working days late
               ("accepted", "respond", date(2026, 11, 10), True),      # extended to Tue 10: 11 working days late
               ("in_followup", "respond", date(2026, 11, 25), False),  # due today: not late yet
               ("confirming", "confirm", date(2026, 11, 10), False)]   # late, but to be confirmed, not answered
    async with new_uow() as uow:
        student = await uow.persons.get_by_telegram_id(STUDENT)
        assert student is not None
        for status, step, due, extended in waiting:
            ticket = await uow.tickets.add(NewTicket("complaint", "telegram", student.id, "transcript", None,
                                                     "Transkrip belum terbit", None, {}, (), False, status, NOW))
            await uow.tickets.update(ticket.id, due_step=step, due_on=due, due_extended=extended)
        await uow.commit()
    await add_ticket(new_uow, anonymous=False, days_ago=7)  # KEL-2026-00005, late to be confirmed: the section before
    title = _("Tickets past the time to respond (confirmed, no response yet)")
    report = (await desk.say(desk.user(OFFICER, "Olivia"), "/monitor"))[0]
    unconfirmed = _("Tickets not confirmed within their service's standard time")
    assert list(sections(report)) == [unconfirmed, title]
    assert "KEL-2026-00004" not in sections(report)[unconfirmed]  # filed today: late by its receipt only later
    late = sections(report)[title]
    assert late.split("\n") == [
        f"<b>{title}</b> (2)",
        "• KEL-2026-00002 — " + _("due {date}, {n} working days late").format(
            date=day(date(2026, 11, 10), "en"), n=11) + " " + _("(extended once)"),
        "• KEL-2026-00001 — " + _("due {date}, {n} working days late").format(
            date=day(date(2026, 11, 20), "en"), n=3)]
    idn = Translator().gettext("id")
    in_indonesian = (await desk.say(desk.user(OFFICER, "Olivia", "id"), "/monitor"))[0]
    assert f"<b>{idn(title)}</b> (2)" in in_indonesian and idn(title) != title
