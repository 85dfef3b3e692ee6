"""Reading /search's filters: each filter in English and Indonesian, bad values, filters mixed with words (pure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from dialogs.catalogue import Catalogue
from dialogs.search_filters import StatusGroup
from dialogs.search_query import BadFilter, Key, OfficerKind, OfficerRef, Problem, SearchQuery, parse_query
from domain.vocabulary import Channel, TicketStatus

TODAY = date(2026, 11, 25)  # a Wednesday


Read = Callable[[str], SearchQuery]


@pytest.fixture
def read(catalogue: Catalogue) -> Read:
    def read(text: str) -> SearchQuery:
        return parse_query(text, today=TODAY, catalogue=catalogue)
    return read


def refused(read: Read, text: str) -> BadFilter:
    with pytest.raises(BadFilter) as caught:
        read(text)
    return caught.value


class TestStatus:
    @pytest.mark.parametrize(("typed", "term"), [
        ("status:open", StatusGroup.OPEN), ("status:terbuka", StatusGroup.OPEN), ("status:aktif", StatusGroup.OPEN),
        ("status:closed", StatusGroup.CONCLUDED), ("status:ditutup", StatusGroup.CONCLUDED),
        ("status:concluded", StatusGroup.CONCLUDED), ("status:selesai", StatusGroup.CONCLUDED),
        ("status:unconfirmed", StatusGroup.UNCONFIRMED), ("status:belum-dikonfirmasi", StatusGroup.UNCONFIRMED),
        ("status:reopened", TicketStatus.REOPENED), ("status:dibuka-kembali", TicketStatus.REOPENED),
        ("status:in_followup", TicketStatus.IN_FOLLOWUP), ("status:in-followup", TicketStatus.IN_FOLLOWUP),
        ("status:ditindaklanjuti", TicketStatus.IN_FOLLOWUP), ("status:tercatat", TicketStatus.RECEIVED),
        ("status:ditinjau", TicketStatus.UNDER_REVIEW), ("status:diterima", TicketStatus.ACCEPTED),
        ("status:tidak-diterima", TicketStatus.DECLINED), ("STATUS:Withdrawn", TicketStatus.WITHDRAWN),
    ])
    def test_a_status_or_group_in_either_language(self, read: Read, typed: str, term: object) -> None:
        assert read(typed).filters.statuses == (term,)

    def test_every_status_code_is_understood(self, read: Read) -> None:
        for status in TicketStatus:
            expected = StatusGroup.CONCLUDED if status is TicketStatus.CLOSED else status
            assert read(f"status:{status.value}").filters.statuses == (expected,)

    def test_groups_stand_for_their_statuses(self, read: Read) -> None:
        assert read("status:open").filters.status_set() == frozenset({
            TicketStatus.RECEIVED, TicketStatus.CONFIRMING, TicketStatus.REOPENED, TicketStatus.UNDER_REVIEW,
            TicketStatus.IN_FOLLOWUP, TicketStatus.ACCEPTED})
        closed = read("status:closed").filters.status_set()
        assert closed is not None and TicketStatus.CLOSED in closed and TicketStatus.RECEIVED not in closed
        assert read("status:unconfirmed").filters.status_set() == frozenset({TicketStatus.RECEIVED,
                                                                             TicketStatus.REOPENED})

    def test_several_with_commas_or_repeated(self, read: Read) -> None:
        assert read("status:reopened,ditolak").filters.statuses == (TicketStatus.REOPENED, TicketStatus.REJECTED)
        assert read("status:open status:open").filters.statuses == (StatusGroup.OPEN,)

    def test_a_space_after_the_colon_is_read(self, read: Read) -> None:
        query = read("status: open transkrip")
        assert query.filters.statuses == (StatusGroup.OPEN,) and query.words == "transkrip"

    def test_an_unknown_status_names_the_filter_and_the_value(self, read: Read) -> None:
        problem = refused(read, "transkrip status:opne")
        assert (problem.key, problem.typed, problem.value, problem.problem) == (
            Key.STATUS, "status", "opne", Problem.STATUS)
        assert refused(read, "status:open,nope").value == "nope"

    def test_an_empty_value_is_refused(self, read: Read) -> None:
        assert refused(read, "status:").problem is Problem.EMPTY
        assert refused(read, 'status:"" transkrip').problem is Problem.EMPTY
        assert refused(read, "status: service:ktm").problem is Problem.EMPTY


class TestService:
    @pytest.mark.parametrize(("typed", "code"), [
        ("service:legalisir", "legalisation"), ("layanan:legalisir", "legalisation"), ("service:ktm", "student_card"),
        ("service:transcript", "transcript"), ("service:active_student_letter", "active_student_letter"),
        ("layanan:surat-aktif", "active_student_letter"), ('service:"surat aktif"', "active_student_letter"),
        ("layanan:ukt", "tuition"), ("service:lainnya", "other"), ("service:other", "other"),
    ])
    def test_named_as_a_complainant_would_or_by_code(self, read: Read, typed: str, code: str) -> None:
        assert read(typed).filters.services == (code,)

    def test_an_unclear_name_lists_the_candidates(self, read: Read) -> None:
        problem = refused(read, "service:ijazah")
        assert problem.problem is Problem.SERVICE_UNCLEAR
        assert "legalisation" in [s.code for s in problem.candidates]

    def test_an_unknown_name_is_refused(self, read: Read) -> None:
        problem = refused(read, "layanan:xyzzy")
        assert (problem.typed, problem.value, problem.problem) == ("layanan", "xyzzy", Problem.SERVICE_UNKNOWN)


class TestChannel:
    @pytest.mark.parametrize(("typed", "channel"), [
        ("channel:telegram", Channel.TELEGRAM), ("channel:letter", Channel.LETTER), ("saluran:surat", Channel.LETTER),
        ("channel:email", Channel.EMAIL), ("channel:e-mail", Channel.EMAIL), ("channel:phone", Channel.PHONE),
        ("saluran:telepon", Channel.PHONE), ("channel:social_media", Channel.SOCIAL_MEDIA),
        ("channel:medsos", Channel.SOCIAL_MEDIA), ("channel:suggestion_box", Channel.SUGGESTION_BOX),
        ("channel:kotak_saran", Channel.SUGGESTION_BOX), ("channel:kotak-saran", Channel.SUGGESTION_BOX),
        ("channel:walk_in", Channel.WALK_IN), ("channel:langsung", Channel.WALK_IN),
    ])
    def test_each_channel_in_either_language(self, read: Read, typed: str, channel: Channel) -> None:
        assert read(typed).filters.channels == (channel,)

    def test_several_and_unknown(self, read: Read) -> None:
        assert read("channel:surat,medsos").filters.channels == (Channel.LETTER, Channel.SOCIAL_MEDIA)
        problem = refused(read, "channel:fax")
        assert (problem.key, problem.value, problem.problem) == (Key.CHANNEL, "fax", Problem.CHANNEL)


class TestOfficer:
    @pytest.mark.parametrize(("typed", "ref"), [
        ("officer:me", OfficerRef(OfficerKind.ME, "officer")), ("petugas:saya", OfficerRef(OfficerKind.ME, "petugas")),
        ("officer:none", OfficerRef(OfficerKind.NOBODY, "officer")),
        ("petugas:belum", OfficerRef(OfficerKind.NOBODY, "petugas")),
        ("officer:123456", OfficerRef(OfficerKind.TELEGRAM_ID, "officer", "123456")),
        ("officer:Sári", OfficerRef(OfficerKind.NAME, "officer", "sari")),
        ('officer:"Sari Dewi"', OfficerRef(OfficerKind.NAME, "officer", "sari dewi")),
        ("officer:sari_dewi", OfficerRef(OfficerKind.NAME, "officer", "sari dewi")),
    ])
    def test_me_nobody_an_id_or_a_name(self, read: Read, typed: str, ref: OfficerRef) -> None:
        query = read(typed)
        assert query.officers == (ref,) and query.filtered and not query.filters


class TestDates:
    @pytest.mark.parametrize(("typed", "since"), [
        ("since:2026-11-01", date(2026, 11, 1)), ("since:01-11-2026", date(2026, 11, 1)),
        ("dari:1/11/2026", date(2026, 11, 1)), ("sejak:kemarin", date(2026, 11, 24)),
        ("since:yesterday", date(2026, 11, 24)), ('since:"1 Nov"', date(2026, 11, 1)),
        ("since:1 Nov", date(2026, 11, 1)), ("since:1 Nov 2025", date(2025, 11, 1)),
        ("dari:2 minggu lalu", date(2026, 11, 11)), ("since:1 Des", date(2025, 12, 1)),
    ])
    def test_since_as_people_type_dates(self, read: Read, typed: str, since: date) -> None:
        query = read(typed)
        assert query.filters.since == since and query.words == ""

    def test_until_in_either_language(self, read: Read) -> None:
        assert read("until:30-11-2026").filters.until == date(2026, 11, 30)
        assert read("sampai:kemarin").filters.until == date(2026, 11, 24)
        assert read("hingga:2026-11-20").filters.until == date(2026, 11, 20)

    def test_a_date_takes_only_the_words_that_make_it_a_date(self, read: Read) -> None:
        query = read("since:1 Nov transkrip belum terbit until:20 Nov 2026 ktm")
        assert (query.filters.since, query.filters.until) == (date(2026, 11, 1), date(2026, 11, 20))
        assert query.words == "transkrip belum terbit ktm"

    def test_a_bad_date_names_the_filter_and_the_value(self, read: Read) -> None:
        problem = refused(read, "since:31/13/2026")
        assert (problem.key, problem.typed, problem.value, problem.problem) == (
            Key.SINCE, "since", "31/13/2026", Problem.DATE)
        assert refused(read, "sampai:besok-lusa").typed == "sampai"
        assert refused(read, "since:3 transkrip").value == "3"

    def test_since_after_until_is_refused(self, read: Read) -> None:
        problem = refused(read, "since:20-11-2026 until:01-11-2026")
        assert problem.problem is Problem.RANGE and problem.span == (date(2026, 11, 20), date(2026, 11, 1))

    def test_a_date_filter_given_twice_is_refused(self, read: Read) -> None:
        assert refused(read, "since:01-11-2026 dari:kemarin").problem is Problem.TWICE


class TestWords:
    def test_filters_in_any_order_among_words(self, read: Read) -> None:
        query = read("transkrip status:open belum service:legalisir terbit since:2026-11-01")
        assert query.words == "transkrip belum terbit"
        assert query.filters.statuses == (StatusGroup.OPEN,) and query.filters.services == ("legalisation",)
        assert query.filters.since == date(2026, 11, 1)

    def test_an_unknown_key_is_a_word(self, read: Read) -> None:
        query = read("foo:bar jam 10:30 https://its.ac.id KEL-2026-00001")
        assert query.words == "foo:bar jam 10:30 https://its.ac.id KEL-2026-00001" and not query.filtered

    def test_words_only(self, read: Read) -> None:
        query = read("  transkrip   belum terbit ")
        assert query.words == "transkrip belum terbit" and not query.filtered
