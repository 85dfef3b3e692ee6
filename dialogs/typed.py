"""Typed answers that mean a button: "keluhan dong" at Complaint / Suggestion, "tanpa lampiran" at No attachment.

People type what a button says instead of pressing it, with filler words around it ("dong", "aja", "please"),
in other case, with a typo, or only its first words ("portal" for "Portal akademik (myITS Academics)").
:func:`match_button` finds the one button such a text means; the dialog engine asks it only after a step's own
check refused the text, and only among that step's own buttons (never « Back / ✖ Cancel).

Tiers, from the surest: the whole label (or the button's value, e.g. ``complaint``); the start of a label; words
that are all in one label; the same with a typo per word (rapidfuzz OSA) or a close whole-text match
(rapidfuzz ``ratio``). The first tier that matches anything decides: one button is the answer, two or more
are ambiguous (no answer, so the step keeps its own message).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from dialogs.matching import allowed_typos, normalise

FILLERS = frozenset(
    """
    dong donk deh sih aja ajah saja kok nih tuh lah yah kak kakak min admin mas mbak pak bu bang
    tolong mohon please pls plz kindly just ok oke okay
    saya aku sy gw gue i my mau ingin pengen pilih choose want yang yg the
    """.split()
)
"""Words around an answer that do not change it (Indonesian and English); never a word a button is made of."""
CLOSE_RATIO = 85
"""rapidfuzz ``ratio`` (0–100) at which a whole typed text counts as a label with typos."""
MIN_FUZZY = 4
"""Texts shorter than this (letters and digits) match only exactly: "ya" must not be "yes" by chance."""


def core_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` that carry the answer: normalised (case, accents, punctuation), fillers dropped."""
    return tuple(word for word in normalise(text).split() if word not in FILLERS)


def core_text(text: str) -> str:
    """:func:`core_words` joined by single spaces: what a step compares with its accepted words."""
    return " ".join(core_words(text))


def match_button(text: str, buttons: Sequence[tuple[str, str]]) -> str | None:
    """The value of the one button of ``buttons`` (label, value) that ``text`` means; None when none or several."""
    typed = core_words(text)
    if not typed:
        return None
    options = [(value, core_words(label) or tuple(normalise(label).split()), _value_words(value))
               for label, value in buttons]
    tiers = (_whole, _start, _words, _close) if sum(len(word) for word in typed) >= MIN_FUZZY else (_whole, _start)
    for tier in tiers:
        hits = {value for value, label, named in options if tier(typed, label, named)}
        if hits:
            return hits.pop() if len(hits) == 1 else None
    return None


def _value_words(value: str) -> tuple[str, ...]:
    """A button value as words ("re_registration" -> "re registration"); none for ids ("12"), never typed."""
    return () if value.isdigit() else tuple(normalise(value).split())


def _whole(typed: tuple[str, ...], label: tuple[str, ...], named: tuple[str, ...]) -> bool:
    return typed in (label, named)


def _start(typed: tuple[str, ...], label: tuple[str, ...], named: tuple[str, ...]) -> bool:
    return len(typed) < len(label) and label[: len(typed)] == typed


def _words(typed: tuple[str, ...], label: tuple[str, ...], named: tuple[str, ...]) -> bool:
    return set(typed) <= set(label)


def _close(typed: tuple[str, ...], label: tuple[str, ...], named: tuple[str, ...]) -> bool:
    if fuzz.ratio(" ".join(typed), " ".join(label)) >= CLOSE_RATIO:
        return True
    return all(any(_same_word(word, known) for known in label) for word in typed)


def _same_word(word: str, known: str) -> bool:
    return OSA.distance(word, known) <= min(allowed_typos(word), allowed_typos(known))
