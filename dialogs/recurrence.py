"""Possible recurrence (kemungkinan berulang): which closed LKs of the same service say much the same as a new
nonconformity — its description or root cause — so the officer can mark the new LK a recurrence of one (ISO 9001
§10.2: "whether similar nonconformities exist"). LKs are few (a service closes a handful a year), so the candidates
are scored here one by one: the share of the new text's stemmed content words found in the earlier LK's, blended
with rapidfuzz ``token_set_ratio`` over the stemmed words (word order and typos matter less). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

from dialogs.search import words
from dialogs.stemming import IDENTITY, Stem

THRESHOLD = 45.0
"""Least score (0–100) at which an earlier LK is listed."""
LISTED = 3
"""Most possible recurrences listed."""


@dataclass(frozen=True)
class EarlierLk:
    """A closed LK of the same service: what it said, and when it closed."""

    lk_id: int
    number: str
    description: str
    root_cause: str
    closed_at: datetime
    effective: bool | None = True


@dataclass(frozen=True)
class Possible:
    """An earlier LK the new text may be a recurrence of, with how alike they are (0–100)."""

    lk: EarlierLk
    score: float


def likeness(new: str, earlier: str, stem: Stem = IDENTITY) -> float:
    """How much ``earlier`` says what ``new`` says (0–100), on stemmed content words."""
    mine, theirs = set(words(new, stem)), set(words(earlier, stem))
    if not mine or not theirs:
        return 0.0
    overlap = len(mine & theirs) / min(len(mine), len(theirs))
    fuzzy = fuzz.token_set_ratio(" ".join(sorted(mine)), " ".join(sorted(theirs))) / 100
    return round(100 * (0.6 * overlap + 0.4 * fuzzy), 1)


def possible_recurrences(texts: Iterable[str], earlier: Iterable[EarlierLk], stem: Stem = IDENTITY,
                         limit: int = LISTED) -> list[Possible]:
    """The earlier LKs whose description or root cause is like one of ``texts`` (the new LK's description and root
    cause, or a ticket's description), best first, newest first on ties."""
    said = [text for text in texts if text and text.strip()]
    found = []
    for lk in earlier:
        score = max((likeness(text, theirs, stem) for text in said for theirs in (lk.description, lk.root_cause)),
                    default=0.0)
        if score >= THRESHOLD:
            found.append(Possible(lk, score))
    found.sort(key=lambda p: (p.score, p.lk.closed_at), reverse=True)
    return found[:limit]


__all__ = ["LISTED", "THRESHOLD", "EarlierLk", "Possible", "likeness", "possible_recurrences"]
