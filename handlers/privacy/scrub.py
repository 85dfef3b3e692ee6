"""Finding a person's identity in free text and replacing it (pure): what the erasure runs over every text that
can hold a name, an NRP, a contact, a Telegram id or a username — descriptions, answers, messages, the outbox.

The name goes whole and in its parts of :data:`MIN_PART` letters or more (a student signs "Budi" as often as "Budi
Santoso"), replaced by the person's pseudonym; the rest by :data:`GONE`. A number (a phone, an NRP, a Telegram id)
is found however it is written: ``0812-3456 7890`` and ``+62 812 3456 7890`` are ``081234567890``. Matching
ignores case; a name is matched as whole words ("Budi" is not in "Budiman", someone else), anything else also inside
a longer string: the erasure must not miss, and a scrubbed number more in an old complaint costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

#: What gives a person away in what they wrote themselves, whoever they are: a phone number (Indonesian, however
#: written), an e-mail address, a long number (an NRP, a NIK, an account), a Telegram @username. Found in the
#: complainant's own texts of the tickets erased, they join that person's needles (:func:`written_identifiers`).
WRITTEN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
                     r"|(?:\+62|(?<!\d)62|(?<!\d)0)[\s.\-]?8(?:[\s.\-]?\d){7,11}(?!\d)"  # phone
                     r"|(?<![\d\w])\d{10,18}(?!\d)"  # NRP, NIK, account
                     r"|(?<![\w@])@[A-Za-z]\w{4,31}")  # @username
MIN_PART = 4
MIN_NEEDLE = 3
MIN_DIGITS = 5
GONE = "[…]"
_SEPARATORS = r"[\s.\-()/]*"


@dataclass(frozen=True)
class Identity:
    """What gives a person away, and the pseudonym their name becomes."""

    pseudonym: str
    name: str | None = None
    nrp: str | None = None
    contact: str | None = None
    telegram_id: int | None = None
    username: str | None = None
    #: Identifiers the person wrote in their own texts (:func:`written_identifiers`).
    written: tuple[str, ...] = ()
    #: Names the person had before (``person.former``: a /correct, a new Telegram name): found as the name is.
    aliases: tuple[str, ...] = ()

    def all_names(self) -> list[str]:
        """The name and the former ones, each once, none that is the pseudonym itself."""
        found = [n.strip() for n in (self.name or "", *self.aliases) if n and n.strip()]
        return [n for n in dict.fromkeys(found) if n != self.pseudonym]

    def needles(self) -> dict[str, str]:
        """Each string to find → what replaces it."""
        found: dict[str, str] = {}
        names = self.all_names()
        for name in names:
            found.setdefault(name, self.pseudonym)
        for name in names:
            for part in name.split():
                if len(part) >= MIN_PART:
                    found.setdefault(part, self.pseudonym)
        if self.username:
            found["@" + self.username.lstrip("@")] = GONE
            found[self.username.lstrip("@")] = GONE
        for value in (self.nrp, self.contact):
            if value and value.strip():
                found[value.strip()] = GONE
        if self.telegram_id is not None:
            found[str(self.telegram_id)] = GONE
        for value in self.written:
            found.setdefault(value.strip(), GONE)
        # as the bot's HTML messages hold it ("Ma&#x27;ruf" for Ma'ruf): the outbox keeps what was sent
        found |= {escape(needle): gone for needle, gone in found.items() if escape(needle) != needle}
        return {needle: gone for needle, gone in found.items() if len(needle) >= MIN_NEEDLE}

    def name_needles(self) -> frozenset[str]:
        """The needles that are the name or a part of it (also HTML-escaped): found as whole words only."""
        names = self.all_names()
        parts = set(names) | {part for name in names for part in name.split() if len(part) >= MIN_PART}
        return frozenset(parts | {escape(part) for part in parts})

    def specific(self) -> list[str]:
        """The needles that name this person and nobody else (not a part of the name: many are called "Budi"):
        what picks, among everyone's messages, those about them."""
        names = self.all_names()
        parts = {part for name in names for part in name.split()} - set(names)
        return [needle for needle in self.needles() if needle not in parts]


#: After a name (or a part of it), up to two capitalised words go with it: a surname the bot never knew ("Budi" on
#: Telegram signs "Budi Santoso").
SURNAMES = r"(?:[ \t]+(?-i:[A-Z][a-z]{2,})){0,2}"


def _pattern(needle: str, *, name: bool = False, whole: bool = False, masking: bool = False) -> str:
    """The regex of one needle. ``name``: a whole word ("Budi" is not in "Budiman", someone else), with up to two
    capitalised words after it. ``masking`` (:mod:`handlers.privacy.mask`: text that stays readable) is narrower
    than the erasure, which must not miss: a part of a name only as written, capitalised ("Indah", not "indah" the
    word; the whole name in any case), a surname only after the whole name (``whole``), and a number never inside a
    longer one ("Rp 55.555.550" keeps a Telegram id 55555 it holds)."""
    if name:
        if masking and whole:
            return r"(?<!\w)" + re.escape(needle) + SURNAMES + r"(?!\w)"
        if masking:
            return r"(?<!\w)(?-i:" + re.escape(needle) + r")(?!\w)"
        return r"(?<!\w)" + re.escape(needle) + SURNAMES + r"(?!\w)"
    digits = re.sub(r"\D", "", needle)
    if len(digits) >= MIN_DIGITS and len(digits) >= len(needle.replace(" ", "")) - 2:  # a number: however written
        if digits.startswith("62") and len(digits) > 8:
            digits = "0" + digits[2:]
        if digits.startswith("0") and len(digits) > 8:  # 0812… is also written +62 812…
            head = r"(?:\+?62|0)" + _SEPARATORS
            found = head + _SEPARATORS.join(re.escape(d) for d in digits[1:])
        else:
            found = _SEPARATORS.join(re.escape(d) for d in digits)
        return r"(?<![\d.])" + found + r"(?![\d]|[.,]\d)" if masking else found
    return re.escape(needle)


def _digits_key(needle: str) -> str:
    """What a number needle's digits are found by in a text's digits ("081234567890" also as "+62 812…": the part
    after the leading 0 or 62); "" for a needle that is no number."""
    digits = re.sub(r"\D", "", needle)
    if len(digits) < MIN_DIGITS or len(digits) < len(needle.replace(" ", "")) - 2:
        return ""
    if digits.startswith("62") and len(digits) > 8:
        return digits[2:]
    return digits[1:] if digits.startswith("0") and len(digits) > 8 else digits


def _with_digits(needles: list[str]) -> list[str]:
    found = list(needles) + [re.sub(r"\D", "", n) for n in needles if len(re.sub(r"\D", "", n)) >= MIN_DIGITS]
    return list(dict.fromkeys(found))


def written_identifiers(texts: Iterable[str]) -> tuple[str, ...]:
    """The phone numbers, e-mail addresses, long numbers and @usernames in ``texts``, each once."""
    return tuple(dict.fromkeys(m.group(0).strip() for text in texts if text for m in WRITTEN.finditer(text)))


class Scrubber:
    """Replaces the identities given in text and in JSON values (their strings, keys left alone)."""

    def __init__(self, identities: Iterable[Identity], *, masking: bool = False) -> None:
        found: dict[str, tuple[str, str]] = {}  # needle folded -> (needle, replacement)
        patterns: list[tuple[str, str]] = []
        self._specific: list[str] = []
        for identity in identities:
            names = identity.name_needles()
            whole = {form for name in identity.all_names() for form in (name, escape(name))}
            for needle, gone in identity.needles().items():
                if needle.casefold() not in found:
                    found[needle.casefold()] = (needle, gone)
                    patterns.append((needle, _pattern(needle, name=needle in names, whole=needle in whole,
                                                      masking=masking)))
            self._specific += identity.specific()
        patterns.sort(key=lambda item: -len(item[0]))  # the whole name before its parts
        self._needles = [n for n, _p in patterns]
        self._patterns = [p for _n, p in patterns]
        self._replacements = [found[n.casefold()][1] for n in self._needles]
        self._folded = [n.casefold() for n in self._needles]
        self._digits = [(i, _digits_key(n)) for i, n in enumerate(self._needles) if _digits_key(n)]
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        self._any = bool(patterns)

    @property
    def needles(self) -> list[str]:
        """Every string looked for, as written (a number also in its digits alone): what a pre-filter in SQL may
        search for; a row it passes is then scrubbed here, however the number is written in it."""
        return _with_digits(self._needles)

    @property
    def specific(self) -> list[str]:
        """:attr:`needles` without the parts of names: what picks the rows about these people among everyone's."""
        return _with_digits(self._specific)

    def __bool__(self) -> bool:
        return self._any

    def text(self, text: str) -> str:
        """One regex pass over the text with the needles it may hold (found first by plain substring search, a
        number by its digits: a thousand people's needles cost a thousand ``in`` checks, not a thousand-way
        regex at every character)."""
        if not self._any or not text:
            return text
        folded = text.casefold()
        present = {i for i, needle in enumerate(self._folded) if needle in folded}
        if self._digits:
            digits = re.sub(r"\D", "", text)
            present |= {i for i, key in self._digits if key in digits}
        if not present:
            return text
        chosen = tuple(sorted(present))
        pattern = self._compiled.get(chosen)
        if pattern is None:  # each alternative its own group, in order: the group that matched says the replacement
            pattern = re.compile("|".join(f"({self._patterns[i]})" for i in chosen), re.IGNORECASE)
            self._compiled[chosen] = pattern
        return pattern.sub(lambda m: self._replacements[chosen[(m.lastindex or 1) - 1]], text)

    def value(self, value: Any) -> Any:
        """A JSON value with every string scrubbed (the same object when nothing changed)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            changed = {key: self.value(item) for key, item in value.items()}
            return value if all(changed[k] is value[k] for k in value) else changed
        if isinstance(value, list):
            items = [self.value(item) for item in value]
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        return value

    def mentions(self, text: str) -> bool:
        return bool(text) and self.text(text) != text
