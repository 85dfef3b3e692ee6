"""Reading what staff type after /search: filters (``key:value``) in any order, with free words.

``/search status:open layanan:legalisir sejak:1-11-2026 transkrip`` reads as status open, service
legalisation, filed since 1 November 2026, text "transkrip". The keys, in English or Indonesian:

- ``status:`` a status (``received``, ``in_followup``, …, or its Indonesian word: ``tercatat``, ``ditinjau``,
  ``dibuka-kembali``, …) or a group: ``open``/``terbuka``/``aktif`` (not concluded), ``closed``/``concluded``/
  ``ditutup``/``selesai`` (concluded), ``unconfirmed``/``belum-dikonfirmasi``; several with commas.
- ``service:``/``layanan:`` a service as a complainant would name it (matched like the intake does), its code,
  or ``other``/``lainnya``.
- ``channel:``/``saluran:`` ``telegram``, ``letter``/``surat``, ``email``/``surel``, ``phone``/``telepon``,
  ``social_media``/``medsos``, ``suggestion_box``/``kotak_saran``, ``walk_in``/``langsung``; several with commas.
- ``officer:``/``petugas:`` ``me``/``saya``, ``none``/``belum`` (nobody yet), a Telegram id, or part of a name.
- ``since:``/``dari:``/``sejak:`` and ``until:``/``sampai:``/``hingga:`` a date as people type it (``1-11-2026``,
  ``2026-11-01``, ``1 Nov``, ``kemarin``), both days included.

A value with spaces is quoted (``officer:"Sari Dewi"``) or joined (``service:surat-aktif``); a date may also
simply go on (``since:1 Nov 2026``: the longest run of words that reads as a date); ``key: value`` with a space
is read too. ``-`` and spaces in status and channel words are read as ``_``. A key given twice adds its values
(dates: refused). An unknown key (``foo:bar``, ``10:30``, a link) is a word. A bad value raises
:class:`BadFilter`, which says which filter and why; the handler words it. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from dialogs.catalogue import Catalogue, Service
from dialogs.dates import parse_user_date
from dialogs.draft import OTHER_SERVICE
from dialogs.matching import match_service, normalise
from dialogs.search_filters import Filters, StatusGroup, StatusTerm
from domain.vocabulary import Channel, TicketStatus


class Key(StrEnum):
    STATUS = "status"
    SERVICE = "service"
    CHANNEL = "channel"
    OFFICER = "officer"
    SINCE = "since"
    UNTIL = "until"


KEYS: dict[str, Key] = {
    "status": Key.STATUS, "service": Key.SERVICE, "layanan": Key.SERVICE, "channel": Key.CHANNEL,
    "saluran": Key.CHANNEL, "officer": Key.OFFICER, "petugas": Key.OFFICER, "since": Key.SINCE, "dari": Key.SINCE,
    "sejak": Key.SINCE, "until": Key.UNTIL, "sampai": Key.UNTIL, "hingga": Key.UNTIL,
}
S, G = TicketStatus, StatusGroup
STATUS_WORDS: dict[str, StatusTerm] = {
    **{status.value: status for status in TicketStatus},
    # groups ("closed" is the group: every concluded ticket, the closed ones among them)
    "open": G.OPEN, "terbuka": G.OPEN, "aktif": G.OPEN, "active": G.OPEN, "berjalan": G.OPEN,
    "closed": G.CONCLUDED, "concluded": G.CONCLUDED, "ditutup": G.CONCLUDED, "tutup": G.CONCLUDED,
    "selesai": G.CONCLUDED, "unconfirmed": G.UNCONFIRMED, "belum_dikonfirmasi": G.UNCONFIRMED,
    "belum_konfirmasi": G.UNCONFIRMED,
    # the statuses in Indonesian, as the Indonesian views name them
    "tercatat": S.RECEIVED, "masuk": S.RECEIVED, "dikonfirmasi": S.CONFIRMING, "konfirmasi": S.CONFIRMING,
    "sedang_dikonfirmasi": S.CONFIRMING, "sesuai": S.CONFORMING, "ditolak": S.REJECTED, "duplikat": S.DUPLICATE,
    "ganda": S.DUPLICATE, "ditindaklanjuti": S.IN_FOLLOWUP, "tindak_lanjut": S.IN_FOLLOWUP,
    "sedang_ditindaklanjuti": S.IN_FOLLOWUP, "followup": S.IN_FOLLOWUP, "selesai_ditangani": S.RESOLVED,
    "ditangani": S.RESOLVED, "dibuka_kembali": S.REOPENED, "dibuka_lagi": S.REOPENED, "ditinjau": S.UNDER_REVIEW,
    "sedang_ditinjau": S.UNDER_REVIEW, "review": S.UNDER_REVIEW, "diterima": S.ACCEPTED,
    "tidak_diterima": S.DECLINED, "ditarik": S.WITHDRAWN, "dicabut": S.WITHDRAWN, "dibatalkan": S.WITHDRAWN,
}
del S, G
C = Channel
CHANNEL_WORDS: dict[str, Channel] = {
    **{channel.value: channel for channel in Channel},
    "tg": C.TELEGRAM, "bot": C.TELEGRAM, "surat": C.LETTER, "e_mail": C.EMAIL, "surel": C.EMAIL, "telepon": C.PHONE,
    "telp": C.PHONE, "telpon": C.PHONE, "call": C.PHONE, "medsos": C.SOCIAL_MEDIA, "sosmed": C.SOCIAL_MEDIA,
    "media_sosial": C.SOCIAL_MEDIA, "kotak_saran": C.SUGGESTION_BOX, "walk_in": C.WALK_IN, "walkin": C.WALK_IN,
    "langsung": C.WALK_IN, "datang_langsung": C.WALK_IN, "in_person": C.WALK_IN,
}
del C
ME_WORDS = frozenset({"me", "myself", "saya", "aku", "sendiri"})
NOBODY_WORDS = frozenset({"none", "nobody", "unassigned", "belum", "kosong", "tidak_ada", "tanpa", "-"})
OTHER_WORDS = frozenset({OTHER_SERVICE, "lainnya", "lain", "lain_lain"})
_T = TypeVar("_T")
MAX_DATE_WORDS = 4
"""A date goes on for at most this many words ("the day before yesterday")."""


class Problem(StrEnum):
    """Why a filter's value was refused."""

    EMPTY = "empty"
    STATUS = "status"  # not a status or a group
    CHANNEL = "channel"
    DATE = "date"
    SERVICE_UNKNOWN = "service_unknown"  # resembles no service
    SERVICE_UNCLEAR = "service_unclear"  # resembles several (``candidates``), or one only weakly
    OFFICER_UNKNOWN = "officer_unknown"  # raised by the handler, which knows the staff
    OFFICER_UNCLEAR = "officer_unclear"
    RANGE = "range"  # since: after until:
    TWICE = "twice"  # a date filter given twice


class BadFilter(Exception):
    """A filter's value cannot be used: ``typed`` is the key as written, ``value`` the value."""

    def __init__(self, key: Key, typed: str, value: str, problem: Problem,
                 candidates: tuple[Service, ...] = (), names: tuple[str, ...] = (),
                 span: tuple[date, date] | None = None) -> None:
        super().__init__(f"{typed}:{value} ({problem})")
        self.key, self.typed, self.value, self.problem = key, typed, value, problem
        self.candidates = candidates  # services it might mean
        self.names = names  # officers it might mean
        self.span = span  # since and until, when since is after until


class OfficerKind(StrEnum):
    ME = "me"
    NOBODY = "nobody"
    TELEGRAM_ID = "telegram_id"
    NAME = "name"


@dataclass(frozen=True)
class OfficerRef:
    """An officer as typed, resolved by the handler against the staff: ``text`` is the id or part of a name."""

    kind: OfficerKind
    typed: str  # the key as written, for messages
    text: str = ""


@dataclass(frozen=True)
class SearchQuery:
    """What was understood: the words to look for, the filters, and the officers still to be looked up."""

    words: str = ""
    filters: Filters = field(default_factory=Filters)
    officers: tuple[OfficerRef, ...] = ()

    @property
    def filtered(self) -> bool:
        return bool(self.filters) or bool(self.officers)


_TOKEN = re.compile(r'(?P<key>[^\s:"“”]+):(?:["“”](?P<quoted>[^"“”]*)["“”]?|(?P<value>\S*))|(?P<word>\S+)')


@dataclass
class _Token:
    word: str  # the whole token as typed
    key: Key | None = None
    typed: str = ""
    value: str = ""
    quoted: bool = False


def _tokens(text: str) -> list[_Token]:
    found = []
    for match in _TOKEN.finditer(text):
        key = KEYS.get(match["key"].casefold()) if match["key"] else None
        if key is None:
            found.append(_Token(match[0]))
        else:
            quoted = match["quoted"] is not None
            value = match["quoted"] if quoted else match["value"]
            found.append(_Token(match[0], key, match["key"], value.strip(), quoted))
    return found


def parse_query(text: str, *, today: date, catalogue: Catalogue) -> SearchQuery:
    """Read ``text``; raises :class:`BadFilter` for the first filter whose value cannot be used."""
    tokens = _tokens(text)
    words: list[str] = []
    terms: list[StatusTerm] = []
    services: list[str] = []
    channels: list[Channel] = []
    officers: list[OfficerRef] = []
    days: dict[Key, date] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token.key is None:
            words.append(token.word)
            continue
        if not token.value and not token.quoted and i < len(tokens) and tokens[i].key is None:
            token.value, i = tokens[i].word, i + 1  # "status: open"
        if not token.value:
            raise BadFilter(token.key, token.typed, "", Problem.EMPTY)
        if token.key in (Key.SINCE, Key.UNTIL):
            day, i = _date(token, tokens, i, today)
            if token.key in days:
                raise BadFilter(token.key, token.typed, token.value, Problem.TWICE)
            days[token.key] = day
        elif token.key is Key.STATUS:
            terms += _listed(token, STATUS_WORDS, Problem.STATUS)
        elif token.key is Key.CHANNEL:
            channels += _listed(token, CHANNEL_WORDS, Problem.CHANNEL)
        elif token.key is Key.SERVICE:
            services.append(_service(token, catalogue))
        else:
            officers.append(_officer(token))
    since, until = days.get(Key.SINCE), days.get(Key.UNTIL)
    if since is not None and until is not None and since > until:
        raise BadFilter(Key.SINCE, "since", since.isoformat(), Problem.RANGE, span=(since, until))
    filters = Filters(statuses=tuple(dict.fromkeys(terms)), services=tuple(dict.fromkeys(services)),
                      channels=tuple(dict.fromkeys(channels)), since=since, until=until)
    return SearchQuery(" ".join(words), filters, tuple(dict.fromkeys(officers)))


def _word(text: str) -> str:
    return "_".join(normalise(text).split()) if text != "-" else text


def _listed(token: _Token, table: dict[str, _T], problem: Problem) -> list[_T]:
    assert token.key is not None
    found = []
    for part in token.value.split(","):
        if not part.strip():
            continue
        value = table.get(_word(part))
        if value is None:
            raise BadFilter(token.key, token.typed, part.strip(), problem)
        found.append(value)
    if not found:
        raise BadFilter(token.key, token.typed, token.value, Problem.EMPTY)
    return found


def _date(token: _Token, tokens: list[_Token], i: int, today: date) -> tuple[date, int]:
    """The date the value names, extended over the next plain words while that still reads as a date."""
    assert token.key is not None
    best, used = parse_user_date(token.value, today), 0
    if not token.quoted:
        run = [token.value]
        for extra in range(1, MAX_DATE_WORDS):
            if i + extra - 1 >= len(tokens) or tokens[i + extra - 1].key is not None:
                break
            run.append(tokens[i + extra - 1].word)
            day = parse_user_date(" ".join(run), today)
            if day is not None:
                best, used = day, extra
    if best is None:
        raise BadFilter(token.key, token.typed, token.value, Problem.DATE)
    return best, i + used


def _service(token: _Token, catalogue: Catalogue) -> str:
    code = _word(token.value)
    if code in OTHER_WORDS:
        return OTHER_SERVICE
    if catalogue.get(code) is not None:
        return code
    match = match_service(catalogue, token.value.replace("_", " "))
    if match.best is not None:
        return match.best.code
    problem = Problem.SERVICE_UNCLEAR if match.candidates else Problem.SERVICE_UNKNOWN
    raise BadFilter(Key.SERVICE, token.typed, token.value, problem, candidates=match.candidates)


def _officer(token: _Token) -> OfficerRef:
    word = _word(token.value)
    if word in ME_WORDS:
        return OfficerRef(OfficerKind.ME, token.typed)
    if word in NOBODY_WORDS:
        return OfficerRef(OfficerKind.NOBODY, token.typed)
    if word.isascii() and word.isdigit():
        return OfficerRef(OfficerKind.TELEGRAM_ID, token.typed, word)
    return OfficerRef(OfficerKind.NAME, token.typed, normalise(token.value.replace("_", " ")))
