"""Resolved search filters: what they admit, when the index may lack matches, page buttons' data, the facet index,
and text search narrowed to the tickets a filter admits (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dialogs.search import TicketIndex
from dialogs.search_filters import CALLBACK_LIMIT, Filters, StatusGroup, from_data, reaches_past_index, to_data
from dialogs.ticket_facets import FacetIndex, TicketFacts
from domain.vocabulary import Channel, TicketStatus

DAY = date(2026, 11, 25)
WINDOW = date(2025, 11, 26)  # the index's first whole day


class TestAdmits:
    def test_every_given_filter_must_hold_and_any_value_of_one(self) -> None:
        filters = Filters(statuses=(StatusGroup.OPEN,), services=("transcript", "legalisation"),
                          channels=(Channel.LETTER,), officers=(7, None), since=DAY - timedelta(days=3), until=DAY)
        assert filters.admits("received", "legalisation", "letter", None, DAY)
        assert filters.admits("confirming", "transcript", "letter", 7, DAY - timedelta(days=3))
        assert not filters.admits("closed", "transcript", "letter", 7, DAY)
        assert not filters.admits("received", "student_card", "letter", 7, DAY)
        assert not filters.admits("received", "transcript", "telegram", 7, DAY)
        assert not filters.admits("received", "transcript", "letter", 8, DAY)
        assert not filters.admits("received", "transcript", "letter", 7, DAY - timedelta(days=4))
        assert not filters.admits("received", "transcript", "letter", 7, DAY + timedelta(days=1))

    def test_no_filter_admits_everything_and_is_falsy(self) -> None:
        assert not Filters() and Filters().status_set() is None
        assert Filters().admits("withdrawn", "other", "phone", 3, DAY)


class TestReachesPastIndex:
    @pytest.mark.parametrize("filters", [
        Filters(statuses=(StatusGroup.CONCLUDED,)), Filters(statuses=(TicketStatus.CLOSED, TicketStatus.DECLINED)),
        Filters(since=WINDOW - timedelta(days=1)), Filters(until=date(2025, 1, 31)),
        Filters(statuses=(StatusGroup.OPEN,), since=date(2024, 1, 1)),
    ])
    def test_filters_about_older_or_only_concluded_tickets(self, filters: Filters) -> None:
        assert reaches_past_index(filters, WINDOW)

    @pytest.mark.parametrize("filters", [
        Filters(), Filters(services=("transcript",)), Filters(statuses=(StatusGroup.OPEN,)),
        Filters(statuses=(StatusGroup.UNCONFIRMED,), since=date(2020, 1, 1)),  # waiting tickets are all indexed
        Filters(statuses=(StatusGroup.CONCLUDED,), since=WINDOW),  # inside the index's year
        Filters(since=WINDOW, until=DAY),
    ])
    def test_filters_the_index_answers_alone(self, filters: Filters) -> None:
        assert not reaches_past_index(filters, WINDOW)


class TestPageData:
    def test_a_page_and_its_filters_come_back_as_they_were(self) -> None:
        filters = Filters(statuses=(TicketStatus.CLOSED, StatusGroup.OPEN), services=("legalisation",),
                          channels=(Channel.LETTER, Channel.WALK_IN), officers=(12, None), since=date(2026, 11, 1),
                          until=date(2026, 11, 30))
        data = to_data("sr:", filters, 3)
        assert data is not None and len(data.encode()) <= CALLBACK_LIMIT
        assert from_data(data.removeprefix("sr:")) == (filters, 3)
        assert from_data("0") == (Filters(), 0)

    def test_too_many_filters_give_no_data(self) -> None:
        services = ("active_student_letter", "course_registration", "diploma_supplement")
        assert to_data("sr:", Filters(services=services), 1) is None

    @pytest.mark.parametrize("forged", ["", "x", "²", "1.zzz", "1.s0", "1.s", "1.sffffffff", "1.f20261399",
                                        "1.ofoo", f"1.o{'9' * 30}", "1.s1.s2", "1..s1", "1.c80"])
    def test_forged_data_is_refused(self, forged: str) -> None:
        assert from_data(forged) is None


def facts(status: str = "received", service: str = "transcript", channel: str = "telegram",
          officer: int | None = None, day: date = DAY) -> TicketFacts:
    return TicketFacts(status, service, channel, officer, day)


class TestFacetIndex:
    def test_among_intersects_every_filter(self) -> None:
        facets = FacetIndex()
        facets.add(1, facts())
        facets.add(2, facts(status="closed", day=DAY - timedelta(days=10)))
        facets.add(3, facts(service="legalisation", channel="letter", officer=5))
        facets.add(4, facts(status="reopened", officer=5, day=DAY - timedelta(days=2)))
        assert facets.among(Filters()) is None
        assert facets.among(Filters(statuses=(StatusGroup.OPEN,))) == {1, 3, 4}
        assert facets.among(Filters(statuses=(StatusGroup.OPEN,), officers=(5,))) == {3, 4}
        assert facets.among(Filters(officers=(None,))) == {1, 2}
        assert facets.among(Filters(channels=(Channel.LETTER, Channel.EMAIL))) == {3}
        assert facets.among(Filters(since=DAY - timedelta(days=2))) == {1, 3, 4}
        assert facets.among(Filters(until=DAY - timedelta(days=2))) == {2, 4}
        assert facets.among(Filters(since=DAY - timedelta(days=9), until=DAY - timedelta(days=3))) == set()
        assert facets.among(Filters(services=("student_card",))) == set()

    def test_a_ticket_added_again_is_replaced_and_a_removed_one_is_gone(self) -> None:
        facets = FacetIndex()
        facets.add(1, facts())
        facets.add(1, facts(status="closed", day=DAY - timedelta(days=1)))
        assert facets.among(Filters(statuses=(TicketStatus.RECEIVED,))) == set()
        assert facets.among(Filters(until=DAY - timedelta(days=1))) == {1}
        assert facets.remove(1) and not facets.remove(1)
        assert facets.among(Filters(since=DAY - timedelta(days=5))) == set() and len(facets) == 0


class TestNarrowedSearch:
    def test_a_filter_finds_its_best_matches_even_below_many_better_ones(self) -> None:
        tickets = [(i, f"KEL-2026-{i:05d}", "transkrip belum terbit sudah dua minggu") for i in range(1, 400)]
        tickets.append((400, "KEL-2026-00400", "transkrip rusak di loket"))
        index = TicketIndex(tickets)
        assert 400 not in [tid for tid, _n, _s in index.search("transkrip belum terbit", 10)]
        assert [tid for tid, _n, _s in index.search("transkrip belum terbit", 10, among={400, 999})] == [400]

    def test_a_ticket_number_outside_the_filter_is_not_found(self) -> None:
        index = TicketIndex([(1, "KEL-2026-00001", "ktm hilang"), (2, "KEL-2026-00002", "ktm rusak")])
        assert [tid for tid, _n, _s in index.search("KEL-2026-00001", 5, among={2})] == []
        assert index.search("KEL-2026-00001", 5, among={1})[0][0] == 1

    def test_narrowing_leaves_the_index_unchanged(self) -> None:
        index = TicketIndex([(1, "KEL-2026-00001", "ktm hilang"), (2, "KEL-2026-00002", "ktm rusak")])
        index.search("ktm", 5, among={2})
        assert {tid for tid, _n, _s in index.search("ktm", 5)} == {1, 2}
