"""Finding tickets (pencarian tiket) by what they say, for staff: search and "similar tickets".

Texts are informal Indonesian or English with typos ("transkip", "ijasah"), so search works on words:

1. Every text is normalised like ``dialogs.matching`` (case, accents, punctuation), filler words are dropped
   and the clitics -nya / -ku are cut ("transkripnya" -> "transkrip"), the same for tickets and queries.
2. An inverted index maps each word to the tickets using it. A query word is expanded to the vocabulary
   words within its typo budget (rapidfuzz ``process.extract`` with OSA distance: none up to 4 letters,
   one up to 7, two beyond), looking only at words of a similar length that share the first or the last
   letter, so the cost does not grow with the whole vocabulary.
3. Candidates are the tickets of the rarest query words (rare words say most), narrowed by intersection
   when even those are too many; each scores by how much of the query's weight (IDF) it covers.
4. The best few hundred are re-ranked with ``fuzz.token_set_ratio`` over their normalised texts (word order
   does not matter), through ``process.extract(..., processor=None)`` over that candidate set only.

``add`` and ``remove`` keep the index current as tickets are filed or deleted. Pure: no I/O.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dialogs.matching import STOPWORDS as SERVICE_STOPWORDS
from dialogs.matching import normalise
from dialogs.stemming import IDENTITY, Stem

Ticket = tuple[int, str, str]  # (ticket_id, number, text)
Hit = tuple[int, str, float]  # (ticket_id, number, score 0..100)

STOPWORDS = SERVICE_STOPWORDS | frozenset(
    """
    telah para tersebut agar supaya setelah sebelum seperti bahwa jika kalau maka lalu kemudian hanya semua
    setiap tiap beberapa banyak sedikit lebih kurang baru pun nya ku mu
    there they them he she his her its from by as but so if than then also very just because since after
    before until again already only will would should been being am into out up over more some any all
    which who whom these those there their theirs our ours us let lets
    """.split()
)
"""Words that never tell tickets apart (the service matcher's filler words and a few more)."""

_CLITICS = (("nya", 3), ("ku", 3))  # suffix, shortest stem kept
_CLITIC_ENDINGS = tuple(clitic for clitic, _stem in _CLITICS)
_NON_WORD = re.compile(r"[\W_]+")
MAX_QUERY_WORDS = 12
MAX_EXPANSIONS = 8
POOL = 3000
"""Most candidates scored by coverage."""
RERANK = 200
"""Most candidates re-ranked with token_set_ratio."""
_COVERAGE_SHARE = 0.7  # score = 100 * (0.7 * weighted coverage + 0.3 * token_set_ratio / 100)


def words(text: str, stem: Stem = IDENTITY) -> list[str]:
    """The content words of ``text`` in order: normalised, without filler words, clitics cut, then each reduced to
    its root by ``stem`` (:mod:`dialogs.stemming`: "dilegalisir" -> "legalisir"; the index and queries alike)."""
    if not text.isascii():  # the common ASCII case needs no accent stripping (``matching.normalise`` does it)
        text = normalise(text)
    found = []
    for word in _NON_WORD.sub(" ", text.casefold()).split():
        if word.endswith(_CLITIC_ENDINGS):
            for clitic, shortest in _CLITICS:
                if word.endswith(clitic) and len(word) - len(clitic) >= shortest:
                    word = word[: -len(clitic)]
                    break
        if len(word) >= 2 and word not in STOPWORDS:
            word = stem(word)
            if len(word) >= 2 and word not in STOPWORDS:
                found.append(word)
    return found


def allowed_typos(word: str) -> int:
    return 0 if len(word) <= 4 else 1 if len(word) <= 7 else 2


@dataclass
class _Group:
    """One query word: the vocabulary words it stands for (best first), their tickets and its weight."""

    expansions: list[tuple[str, float]]
    tickets: set[int]
    weight: float = 0.0


class TicketIndex:
    """Tickets by the words they use; build once from ``(ticket_id, number, text)``, then ``add`` / ``remove``.
    ``stem`` reduces every word, of tickets and queries alike, to its root (default: none)."""

    def __init__(self, tickets: Iterable[Ticket] = (), stem: Stem = IDENTITY) -> None:
        self._stem = stem
        self._numbers: dict[int, str] = {}
        self._by_number: dict[str, int] = {}  # upper-case number -> ticket id
        self._texts: dict[int, str] = {}  # the ticket's content words, joined
        self._words: dict[int, tuple[str, ...]] = {}  # distinct words (a tuple: not tracked by the gc)
        self._postings: dict[str, set[int]] = {}  # word -> tickets using it
        self._by_first: dict[tuple[int, str], set[str]] = {}  # (length, first letter) -> words
        self._by_last: dict[tuple[int, str], set[str]] = {}  # (length, last letter) -> words
        for ticket in tickets:
            self.add(ticket)

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._numbers

    @property
    def vocabulary_size(self) -> int:
        return len(self._postings)

    # --- keeping it current ------------------------------------------------------------------------------
    def add(self, ticket: Ticket) -> None:
        """Index a ticket (again: a ticket already indexed is replaced)."""
        ticket_id, number, text = ticket
        if ticket_id in self._numbers:
            self.remove(ticket_id)
        found = words(text, self._stem)
        self._numbers[ticket_id] = number
        self._by_number[number.upper()] = ticket_id
        self._texts[ticket_id] = " ".join(found)
        self._words[ticket_id] = tuple(dict.fromkeys(found))
        for word in self._words[ticket_id]:
            users = self._postings.get(word)
            if users is None:
                users = self._postings[word] = set()
                self._by_first.setdefault((len(word), word[0]), set()).add(word)
                self._by_last.setdefault((len(word), word[-1]), set()).add(word)
            users.add(ticket_id)

    def remove(self, ticket_id: int) -> bool:
        """Forget a ticket; False if it was not indexed."""
        number = self._numbers.pop(ticket_id, None)
        if number is None:
            return False
        if self._by_number.get(number.upper()) == ticket_id:
            del self._by_number[number.upper()]
        del self._texts[ticket_id]
        for word in self._words.pop(ticket_id):
            users = self._postings[word]
            users.discard(ticket_id)
            if not users:
                del self._postings[word]
                self._by_first[(len(word), word[0])].discard(word)
                self._by_last[(len(word), word[-1])].discard(word)
        return True

    # --- asking ------------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, among: AbstractSet[int] | None = None) -> list[Hit]:
        """The tickets best matching ``query``, best first; a ticket number finds that ticket first.

        ``among``: only these tickets may be found (e.g. those a filter admits). They are chosen before ranking,
        so a filter that admits few tickets still gets the best of those; words weigh as over the whole index.
        """
        exact = self._by_number.get(" ".join(query.split()).upper())
        if among is not None and exact not in among:
            exact = None
        terms = list(dict.fromkeys(words(query, self._stem)))[:MAX_QUERY_WORDS]
        groups = [self._expand(term) for term in terms]
        matched = [g for g in groups if g.tickets]
        hits = self._rank(matched, " ".join(terms), unmatched=len(groups) - len(matched), limit=limit, among=among)
        if exact is not None:
            hits = [(exact, self._numbers[exact], 100.0), *[h for h in hits if h[0] != exact]][:limit]
        return hits

    def similar(self, ticket_id: int, limit: int = 5) -> list[Hit]:
        """Other tickets saying much the same as ``ticket_id`` (its rarer words weigh most); [] if unknown."""
        own = self._words.get(ticket_id)
        if own is None:
            return []
        shared = [w for w in own if len(self._postings[w]) > 1]
        shared.sort(key=lambda w: (len(self._postings[w]), w))
        groups = [_Group([(w, 1.0)], self._postings[w]) for w in shared[:MAX_QUERY_WORDS]]
        return self._rank(groups, self._texts[ticket_id], unmatched=0, limit=limit, exclude=ticket_id)

    # --- how -----------------------------------------------------------------------------------------------
    def _expand(self, term: str) -> _Group:
        """The vocabulary words within ``term``'s typo budget, with their similarity (1.0: the word itself)."""
        found: dict[str, float] = {term: 1.0} if term in self._postings else {}
        budget = allowed_typos(term)
        for length in range(len(term) - budget, len(term) + budget + 1) if budget else ():
            for bucket in (self._by_first.get((length, term[0])), self._by_last.get((length, term[-1]))):
                if not bucket:
                    continue
                for word, distance, _ in process.extract(term, bucket, scorer=OSA.distance,
                                                         score_cutoff=budget, limit=None):
                    if distance <= allowed_typos(word):
                        found[word] = max(found.get(word, 0.0), 1 - distance / max(len(word), len(term)))
        best = sorted(found.items(), key=lambda kv: (-kv[1], -len(self._postings[kv[0]]), kv[0]))
        best = best[:MAX_EXPANSIONS]
        if len(best) == 1:  # the index's own set: never changed by ranking, which only reads it
            return _Group(best, self._postings[best[0][0]])
        return _Group(best, set().union(*(self._postings[w] for w, _ in best)))

    def _rank(self, groups: list[_Group], text: str, *, unmatched: int, limit: int, exclude: int | None = None,
              among: AbstractSet[int] | None = None) -> list[Hit]:
        if not groups or limit <= 0:
            return []
        total = len(self._numbers)
        for group in groups:
            group.weight = math.log(1 + total / len(group.tickets))
        weights = [g.weight for g in groups]
        denominator = sum(weights) + unmatched * sum(weights) / len(weights)
        if among is not None:  # a new set for each group: a group may hold the index's own set
            for group in groups:
                group.tickets = group.tickets & among
            groups = [g for g in groups if g.tickets]
            if not groups:
                return []
        groups.sort(key=lambda g: len(g.tickets))
        pool = self._pool(groups, exclude)
        coverage = dict.fromkeys(pool, 0.0)
        for group in groups:
            remaining = group.tickets & pool
            for word, similarity in group.expansions:
                if not remaining:
                    break
                hit = remaining & self._postings[word]
                remaining -= hit
                for ticket_id in hit:
                    coverage[ticket_id] += group.weight * similarity
        ordered = sorted(zip(coverage.values(), coverage, strict=True), reverse=True)[:RERANK]  # newest first on ties
        choices = {ticket_id: self._texts[ticket_id] for _, ticket_id in ordered}
        fuzzy = {key: score for _, score, key in process.extract(
            text, choices, scorer=fuzz.token_set_ratio, processor=None, limit=None)}
        scored = [
            (ticket_id, round(100 * (_COVERAGE_SHARE * covered / denominator
                                     + (1 - _COVERAGE_SHARE) * fuzzy.get(ticket_id, 0.0) / 100), 1))
            for covered, ticket_id in ordered
        ]
        scored.sort(key=lambda hit: (hit[1], hit[0]), reverse=True)
        return [(ticket_id, self._numbers[ticket_id], score) for ticket_id, score in scored[:limit]]

    @staticmethod
    def _pool(groups: list[_Group], exclude: int | None) -> set[int]:
        """The candidates: all tickets of the rarest words while they fit in ``POOL``, then the newest tickets
        having all of the remaining (common) words, or as many of them as leaves enough candidates."""
        pool: set[int] = set()
        rest = list(groups)
        while rest and len(pool) + len(rest[0].tickets) <= POOL:
            pool |= rest.pop(0).tickets
        if rest and len(pool) < RERANK:
            extra = rest[0].tickets - pool
            for group in rest[1:]:
                narrowed = extra & group.tickets
                if len(narrowed) < RERANK:
                    break
                extra = narrowed
            room = POOL - len(pool)
            pool |= extra if len(extra) <= room else set(sorted(extra)[-room:])
        if exclude is not None:
            pool.discard(exclude)
        return pool


__all__ = ["STOPWORDS", "Hit", "Ticket", "TicketIndex", "allowed_typos", "words"]
