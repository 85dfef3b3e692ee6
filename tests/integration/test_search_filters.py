"""/search with filters on a real database: which tickets come back, in which order, with what header, paging,
and the one-line answers to bad filters; every list says each ticket's age."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from handlers.i18n import Translator
from storage.records import NewTicket
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk

_ = Translator().gettext("en")
ADMIN, SARI, BUDI, REVIEWER = 9001, 9002, 9003, 9004
NAMES = {SARI: "Sari Dewi", BUDI: "Budi Santoso", REVIEWER: "Rina Reviewer"}
NUMBER = re.compile(r"<b>((?:KEL|SAR)-\d{4}-\d{5})</b>")


@pytest.fixture
async def desk(new_uow: Callable[[], SqlUnitOfWork]) -> Desk:
    desk = Desk(new_uow, admins=frozenset({ADMIN}))
    for telegram_id, role in ((SARI, "officer"), (BUDI, "officer"), (REVIEWER, "reviewer")):
        await desk.say(desk.user(telegram_id, NAMES[telegram_id]), "/start")
        await desk.say(desk.user(ADMIN), f"/staff add {telegram_id} {role}")
    return desk


async def file(new_uow: Callable[[], SqlUnitOfWork], text: str = "transkrip belum terbit", *,
               service: str = "transcript", channel: str = "telegram", status: str = "received",
               at: datetime = NOW, officer: int | None = None) -> str:
    """A ticket straight into the database (``officer``: the Telegram id of the officer handling it)."""
    async with new_uow() as uow:
        ticket = await uow.tickets.add(NewTicket("complaint", channel, None, service, None, text, None, {}, (),
                                                 False, status, at))
        if officer is not None:
            person = await uow.persons.get_by_telegram_id(officer)
            assert person is not None
            await uow.tickets.update(ticket.id, assigned_to=person.id)
        await uow.commit()
    return ticket.number


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


async def ask(desk: Desk, text: str, who: int = SARI) -> str:
    replies = await desk.say(desk.user(who, NAMES[who]), text)
    assert len(replies) == 1, replies
    return replies[0]


def wib(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


class TestFiltersOnly:
    async def test_matching_tickets_come_newest_first_with_their_count_and_the_filters_understood(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        older = await file(new_uow, "legalisir ditolak", service="legalisation", at=NOW - timedelta(days=3))
        await file(new_uow, "legalisir selesai", service="legalisation", status="closed")
        await file(new_uow, "transkrip belum terbit", service="transcript")
        newer = await file(new_uow, "legalisir lagi", service="legalisation", status="reopened",
                           at=NOW - timedelta(days=1))
        await file(new_uow, "legalisir batal", service="legalisation", status="withdrawn")

        shown = await ask(desk, "/search status:open service:legalisir")

        assert numbers(shown) == [newer, older]
        header, count = shown.split("\n")[:2]
        assert header == "🔎 " + " · ".join([_("Status: {statuses}").format(statuses=_("open")), _(
            "Service: {services}").format(services="Legalisation of diplomas and transcripts")])
        assert count == _("{total} tickets, newest first (page {page} of {pages}):").format(total=2, page=1, pages=1)

    async def test_indonesian_filters_find_what_the_english_ones_find(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        wanted = await file(new_uow, service="legalisation", channel="letter")
        await file(new_uow, service="legalisation", channel="email")
        await file(new_uow, service="legalisation", channel="letter", status="closed")
        await file(new_uow, service="transcript", channel="letter")

        english = await ask(desk, "/search status:open service:legalisation channel:letter")
        indonesian = await ask(desk, "/search status:terbuka layanan:legalisir saluran:surat")

        assert numbers(english) == numbers(indonesian) == [wanted]

    async def test_since_and_until_are_whole_days_in_wib(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        await file(new_uow, at=wib(2026, 10, 31, 23, 30))
        first = await file(new_uow, at=wib(2026, 11, 1, 0, 30))
        last = await file(new_uow, at=wib(2026, 11, 20, 23, 59))
        await file(new_uow, at=wib(2026, 11, 21, 0, 1))

        assert numbers(await ask(desk, "/search since:01-11-2026 until:20-11-2026")) == [last, first]
        assert numbers(await ask(desk, "/search dari:1 Nov sampai:2026-11-20")) == [last, first]
        assert _("since {date}").format(date="1 November 2026") in await ask(desk, "/search since:2026-11-01")

    async def test_status_groups(self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        received = await file(new_uow, status="received", at=NOW - timedelta(hours=4))
        reopened = await file(new_uow, status="reopened", at=NOW - timedelta(hours=3))
        confirming = await file(new_uow, status="confirming", at=NOW - timedelta(hours=2))
        closed = await file(new_uow, status="closed", at=NOW - timedelta(hours=1))
        rejected = await file(new_uow, status="rejected")

        assert numbers(await ask(desk, "/search status:unconfirmed")) == [reopened, received]
        assert numbers(await ask(desk, "/search status:ditutup")) == [rejected, closed]
        assert numbers(await ask(desk, "/search status:open")) == [confirming, reopened, received]
        assert numbers(await ask(desk, "/search status:dibuka-kembali,ditolak")) == [rejected, reopened]


class TestOfficer:
    async def test_me_a_name_an_id_or_nobody(self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        sari = await file(new_uow, officer=SARI, at=NOW - timedelta(hours=2))
        budi = await file(new_uow, officer=BUDI, at=NOW - timedelta(hours=1))
        nobody = await file(new_uow)

        assert numbers(await ask(desk, "/search officer:me")) == [sari]
        assert numbers(await ask(desk, "/search petugas:saya", who=BUDI)) == [budi]
        assert numbers(await ask(desk, "/search officer:budi")) == [budi]
        assert numbers(await ask(desk, f"/search officer:{BUDI}")) == [budi]
        assert numbers(await ask(desk, "/search officer:none")) == [nobody]
        assert numbers(await ask(desk, "/search officer:me officer:belum")) == [nobody, sari]
        assert _("Officer: {officers}").format(officers="Budi Santoso") in await ask(desk, "/search officer:budi")

    async def test_an_unclear_or_unknown_officer_is_explained(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        await desk.say(desk.user(9005, "Budi Hartono"), "/start")
        await desk.say(desk.user(ADMIN), "/staff add 9005 officer")

        unclear = await ask(desk, "/search officer:budi")
        assert unclear.startswith("officer: “budi” could be ") and "Budi Santoso (9003)" in unclear
        assert "Budi Hartono (9005)" in unclear
        assert "nobody on the staff" in await ask(desk, "/search officer:zzz")
        assert "nobody on the staff" in await ask(desk, "/search officer:424242")


class TestWithWords:
    async def test_fuzzy_matches_are_narrowed_to_the_tickets_the_filters_admit(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        letter = await file(new_uow, "transkrip saya belum terbit", channel="letter")
        await file(new_uow, "transkrip saya belum terbit", channel="telegram")
        closed = await file(new_uow, "transkrip saya belum terbit", status="closed")
        await file(new_uow, "ktm hilang", service="student_card", channel="letter")

        assert numbers(await ask(desk, "/search channel:surat transkrip belum terbit")) == [letter]
        assert numbers(await ask(desk, "/search transkip belum terbit status:closed")) == [closed]
        shown = await ask(desk, "/search status:open transkrip saluran:surat")
        assert shown.split("\n")[0] == "🔎 " + " · ".join([
            _("Status: {statuses}").format(statuses=_("open")), _("Channel: {channels}").format(channels=_(
                "letter")), "“transkrip”"])

    async def test_concluded_tickets_older_than_a_year_are_searched_when_the_filters_ask_for_them(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        old = await file(new_uow, "legalisir ijazah ditolak", service="legalisation", status="closed",
                         at=NOW - timedelta(days=500))
        recent = await file(new_uow, "legalisir ijazah ditolak", service="legalisation", status="closed",
                            at=NOW - timedelta(days=5))
        old_open = await file(new_uow, "legalisir ijazah ditolak", service="legalisation",
                              at=NOW - timedelta(days=600))

        assert set(numbers(await ask(desk, "/search legalisir ijazah"))) == {recent, old_open}  # the index only
        assert set(numbers(await ask(desk, "/search status:closed legalisir ijazah"))) == {old, recent}
        assert numbers(await ask(desk, "/search until:31-12-2025 status:closed legalisir")) == [old]
        assert set(numbers(await ask(desk, "/search since:2025-01-01 legalisir"))) == {old, recent, old_open}

    async def test_an_unknown_key_is_searched_as_words(self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]
                                                       ) -> None:
        await file(new_uow, "ktm hilang")
        shown = await ask(desk, "/search foo:bar")
        assert shown == "🔎 “foo:bar”\n" + _("Nothing found.")


class TestBadFilters:
    @pytest.mark.parametrize(("typed", "answer"), [
        ("/search since:31/13/2026 transkrip", "since: “31/13/2026” is not a date; write it like 01-11-2026"),
        ("/search sampai:kemarinnya", "sampai: “kemarinnya” is not a date; write it like 01-11-2026"),
        ("/search status:opne", "status: “opne” is not a status; write open, closed, unconfirmed or one of: "
                                "received, confirming, conforming, rejected, duplicate, in_followup, resolved, "
                                "closed, reopened, under_review, accepted, declined, withdrawn"),
        ("/search channel:fax", "channel: “fax” is not a channel; write one of: telegram, letter, email, phone, "
                                "social_media, suggestion_box, walk_in"),
        ("/search status:", "status: needs a value, e.g. status:open"),
        ("/search dari:20-11-2026 sampai:1-11-2026", "since: 20 November 2026 is after until: 1 November 2026, so "
                                                     "nothing can match"),
        ("/search since:kemarin since:1-11-2026", "since: is given twice; give one date"),
    ])
    async def test_one_clear_line_naming_the_filter_and_what_it_accepts(
            self, desk: Desk, typed: str, answer: str) -> None:
        assert await desk.say(desk.user(SARI, NAMES[SARI]), typed) == [answer]

    async def test_an_unclear_or_unknown_service_lists_what_it_could_be(self, desk: Desk) -> None:
        unclear = await ask(desk, "/search layanan:ijazah")
        assert unclear.startswith("layanan: “ijazah” could be ")
        assert "Legalisation of diplomas and transcripts (legalisation)" in unclear
        unknown = await ask(desk, "/search service:xyzzy")
        assert unknown.startswith("service: “xyzzy” is not a service I know") and "student_card" in unknown

    async def test_nothing_to_search_gets_the_usage(self, desk: Desk) -> None:
        assert "Filters: status:" in await ask(desk, "/search ab")


class TestPaging:
    async def test_pages_of_ten_whose_buttons_keep_the_filters(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        wanted = [await file(new_uow, service="legalisation", at=NOW - timedelta(hours=30 - i)) for i in range(23)]
        await file(new_uow, service="legalisation", status="closed")
        await file(new_uow, service="transcript")
        newest = wanted[::-1]
        reviewer = desk.user(REVIEWER, NAMES[REVIEWER])

        first = (await desk.payloads(reviewer, "/search status:open service:legalisir"))[0]
        assert numbers(first["text"]) == newest[:10]
        assert _("{total} tickets, newest first (page {page} of {pages}):").format(
            total=23, page=1, pages=3) in first["text"]
        nav = {label: data for row in first["buttons"] for label, data in row if data.startswith("sr:")}
        assert list(nav) == [_("Older »")]

        second = (await desk.press_payloads(reviewer, nav[_("Older »")]))[1][0]
        assert numbers(second["text"]) == newest[10:20] and "page 2 of 3" in second["text"]
        assert second["text"].startswith("🔎 " + _("Status: {statuses}").format(statuses=_("open")))
        nav = {label: data for row in second["buttons"] for label, data in row if data.startswith("sr:")}
        assert list(nav) == [_("« Newer"), _("Older »")]

        last = (await desk.press_payloads(reviewer, nav[_("Older »")]))[1][0]
        assert numbers(last["text"]) == newest[20:]
        assert [label for row in last["buttons"] for label, data in row if data.startswith("sr:")] == [_("« Newer")]
        again = (await desk.press_payloads(reviewer, nav[_("« Newer")]))[1][0]
        assert numbers(again["text"]) == newest[:10]
        _answer, past = await desk.press(reviewer, nav[_("Older »")].replace("sr:2.", "sr:9."))
        assert numbers(past[0]) == newest[20:]  # past the last page: the last page

    async def test_a_forged_page_button_is_answered_not_crashed(self, desk: Desk) -> None:
        answer, replies = await desk.press(desk.user(SARI, NAMES[SARI]), "sr:1.zzz")
        assert answer == _("That list is out of date; search again.") and replies == []


class TestAges:
    async def test_every_list_says_how_old_each_ticket_is(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        first = await file(new_uow, "ktm hilang di loket", at=NOW - timedelta(days=7))  # Wed 18 Nov: 5 working days
        await file(new_uow, "ktm hilang di rektorat")
        age = _("{n} working days").format(n=5)

        assert age in await ask(desk, "/search ktm hilang")
        assert age in await ask(desk, "/search status:open")
        similar = await ask(desk, f"/similar {first.replace('00001', '00002')}")
        assert first in similar and age in similar
        assert _("today") in await ask(desk, f"/similar {first}")
