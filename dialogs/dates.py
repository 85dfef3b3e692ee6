"""Dates as students type them (tanggal), in Indonesian or English, and dates as we show them.

`parse_user_date` understands numeric dates (day first, as in Indonesia, or ISO), month names and
abbreviations in both languages, and relative phrases ("kemarin", "2 hari lalu", "last week").
`read_user_date` says, besides, when the numbers name no day at all ("31/11/2026": November has 30 days).
Neither judges whether a date is plausible (e.g. in the future); the caller does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date as _babel_format_date
from babel.dates import format_skeleton, get_month_names

from dialogs.catalogue import primary_language

MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb"), 2),
    **dict.fromkeys(("maret", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "agst", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}
"""Month names and abbreviations, Indonesian and English, lower case."""

_FIXED_DAYS: dict[str, int] = {
    **dict.fromkeys(("hari ini", "today", "sekarang", "tadi"), 0),
    **dict.fromkeys(("kemarin", "kmrn", "kemaren", "yesterday"), 1),
    **dict.fromkeys(("kemarin lusa", "the day before yesterday"), 2),
    **dict.fromkeys(("minggu lalu", "minggu kemarin", "pekan lalu", "last week"), 7),
    **dict.fromkeys(("besok", "tomorrow"), -1),
    "lusa": -2,
    **dict.fromkeys(("minggu depan", "pekan depan", "next week"), -7),
}
"""Phrases for a date a fixed number of days before today (negative: after)."""

_NUMBER_WORDS: dict[str, int] = {
    **dict.fromkeys(("se", "satu", "a", "an", "one"), 1),
    **{word: n for n, word in enumerate(("dua", "tiga", "empat", "lima", "enam", "tujuh"), start=2)},
    **{word: n for n, word in enumerate(("delapan", "sembilan", "sepuluh"), start=8)},
    **{word: n for n, word in enumerate(("two", "three", "four", "five", "six", "seven"), start=2)},
    **{word: n for n, word in enumerate(("eight", "nine", "ten"), start=8)},
}
_UNIT_DAYS = {"hari": 1, "day": 1, "days": 1, "minggu": 7, "pekan": 7, "week": 7, "weeks": 7}

_FILLER = re.compile(
    r"\b(?:tanggal|tgl|tg|pada|on|the|sekitar|kira kira|senin|selasa|rabu|kamis|jumat|jum at|sabtu|minggu"
    r"|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
    r"|pagi|siang|sore|malam|morning|afternoon|evening|night)\b"
)
_RELATIVE = re.compile(
    r"^(?P<count>\d{1,3}|[a-z]+?) ?(?P<unit>hari|minggu|pekan|days?|weeks?)"
    r"(?: yang)? (?:lalu|yang lalu|kemarin|ago|before)$"
)
_AHEAD = re.compile(
    r"^(?:(?:dalam|in) )?(?P<count>\d{1,3}|[a-z]+?) ?(?P<unit>hari|minggu|pekan|days?|weeks?)"
    r"(?: (?:lagi|ke depan|from now|later))?$"
)
_NUMERIC = re.compile(r"^(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})(?:[-/.](?P<c>\d{1,4}))?$")
_DAY_MONTH = re.compile(r"^(?P<day>\d{1,2})(?:st|nd|rd|th)? ?(?P<month>[a-z]+) ?(?P<year>\d{2}|\d{4})?$")
_MONTH_DAY = re.compile(r"^(?P<month>[a-z]+) (?P<day>\d{1,2})(?:st|nd|rd|th)? ?(?P<year>\d{4})?$")


@dataclass(frozen=True)
class ImpossibleDate:
    """Numbers written as a date that name no day: a ``month`` outside 1–12, or a ``day`` the month lacks."""

    day: int
    month: int
    year: int | None = None

    @property
    def month_exists(self) -> bool:
        return 1 <= self.month <= 12

    @property
    def days_in_month(self) -> int:
        """How many days the month has (February without a year: 29, as in a leap year)."""
        if self.month != 2:
            return 30 if self.month in (4, 6, 9, 11) else 31
        year = self.year
        return 29 if year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 28

    def month_name(self, locale: str) -> str:
        """The month in the reader's language; February with its year ("February 2027"), whose length varies."""
        babel_locale = _babel_locale(locale)
        if self.month == 2 and self.year is not None and 1 <= self.year <= 9999:
            named: str = format_skeleton("yMMMM", date(self.year, 2, 1), locale=babel_locale)
            return named
        return str(get_month_names("wide", context="stand-alone", locale=babel_locale)[self.month])


def parse_user_date(text: str, today: date, *, future: bool = False) -> date | None:
    """The date ``text`` names, relative to ``today``; None if it names none or an impossible one.

    A day and month without a year mean the most recent such date not after ``today`` or, with
    ``future`` (a deadline), the such date nearest to ``today``.
    """
    read = read_user_date(text, today, future=future)
    return read if isinstance(read, date) else None


def read_user_date(text: str, today: date, *, future: bool = False) -> date | ImpossibleDate | None:
    """Like :func:`parse_user_date`, but numbers written as a date that name no day ("31/11/2026",
    "15/13/2026") give an :class:`ImpossibleDate` saying which part is wrong; None: not a date at all."""
    cleaned = _normalise(text)
    stripped = _normalise(_FILLER.sub(" ", cleaned))  # "Senin, 25 Nov", "kemarin sore"
    for phrase in (cleaned, stripped):
        days_ago = _days_ago(phrase)
        if days_ago is not None:
            return today - timedelta(days=days_ago)
    fields = _fields(stripped)
    if fields is None:
        return None
    year, month, day = fields
    made = _make(year, month, day, today, future)
    if made is not None:
        return made
    impossible = ImpossibleDate(day, month, year)
    if impossible.month_exists and 1 <= day <= impossible.days_in_month:
        return None  # a real day and month in a year no date can have (0, or past 9999): not a date
    return impossible


def _fields(stripped: str) -> tuple[int | None, int, int] | None:
    """``(year, month, day)`` of a numeric or named date, unchecked; None when the text has no such form."""
    if numeric := _NUMERIC.match(stripped):
        first, month, last = numeric["a"], int(numeric["b"]), numeric["c"]
        if len(first) == 4 and last is not None and len(last) <= 2:  # ISO: year-month-day
            return int(first), month, int(last)
        if len(first) <= 2 and (last is None or len(last) in (2, 4)):  # Indonesian: day-month-year
            return _year(last), month, int(first)
        return None
    named = _DAY_MONTH.match(stripped) or _MONTH_DAY.match(stripped)
    if named and named["month"] in MONTHS:
        return _year(named["year"]), MONTHS[named["month"]], int(named["day"])
    return None


def leading_date(text: str, today: date, *, future: bool = False) -> tuple[date, str] | None:
    """The date that ``text`` begins with (its longest first words that read as one, up to four) and the rest:
    ``"20-12-2026 waiting for the signature"`` → (20 December 2026, "waiting for the signature")."""
    words = text.split()
    for count in range(min(4, len(words)), 0, -1):
        found = parse_user_date(" ".join(words[:count]), today, future=future)
        if found is not None:
            return found, " ".join(words[count:])
    return None


def read_leading_date(text: str, today: date, *, future: bool = False) -> tuple[date | ImpossibleDate, str] | None:
    """Like :func:`leading_date`, but when no first words read as a date, first words that name no day
    ("31-02-2027 waiting") give the :class:`ImpossibleDate` saying what is wrong, with the rest."""
    found = leading_date(text, today, future=future)
    if found is not None:
        return found
    words = text.split()
    for count in range(min(4, len(words)), 0, -1):
        read = read_user_date(" ".join(words[:count]), today, future=future)
        if isinstance(read, ImpossibleDate):
            return read, " ".join(words[count:])
    return None


def format_date(day: date, locale: str) -> str:
    """``day`` written out for people, e.g. "25 November 2026" (day first in English too)."""
    result: str = _babel_format_date(day, format="long", locale=_babel_locale(locale))
    return result


def _babel_locale(locale: str) -> str:
    return "en_GB" if primary_language(locale) == "en" else "id"


def _normalise(text: str) -> str:
    text = text.casefold().replace("'", " ")
    text = re.sub(r"[,;!?]|\.(?!\d)", " ", text)  # keep dots between digits: 25.11.2026
    text = re.sub(r"(?<=\d)\s*([-/.])\s*(?=\d)", r"\1", text)  # "25 - 11 - 2026" -> "25-11-2026"
    return " ".join(text.split())


def _days_ago(phrase: str) -> int | None:
    if phrase in _FIXED_DAYS:
        return _FIXED_DAYS[phrase]
    relative, sign = _RELATIVE.match(phrase), 1
    if relative is None and (phrase.startswith(("dalam ", "in ")) or phrase.endswith((" lagi", " ke depan",
                                                                                      " from now", " later"))):
        relative, sign = _AHEAD.match(phrase), -1  # "3 hari lagi", "in 2 weeks": after today
    if relative is None:
        return None
    count = _count(relative["count"])
    return None if count is None else sign * count * _UNIT_DAYS[relative["unit"]]


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word)


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


def _make(year: int | None, month: int, day: int, today: date, future: bool = False) -> date | None:
    """A valid date, or None; a missing year means the latest such date not after ``today`` (``future``:
    the such date nearest to ``today``, so "10 January" typed in November is next January)."""
    if year is None and future:
        near = (_make(y, month, day, today) for y in range(today.year - 1, today.year + 9))
        found = [candidate for candidate in near if candidate is not None]
        return min(found, key=lambda d: (abs((d - today).days), d < today), default=None)
    if year is None:
        for candidate_year in range(today.year, today.year - 9, -1):  # 29 February: up to 8 years back
            candidate = _make(candidate_year, month, day, today)
            if candidate is not None and candidate <= today:
                return candidate
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
