"""Finding the service (layanan) a complainant means from what they typed.

Texts are short and informal, in Indonesian or English, with typos and abbreviations ("transkip",
"legalisir ijasah", "krs saya error", "ktm"). Whole-string scorers behave badly here: `token_set_ratio`
gives 100 to any word that happens to be in a long alias, and `partial_ratio` lets "ktm" match inside
any longer word. So matching works word by word:

1. Both the query and every service term (names in both languages and aliases) are normalised
   (accents, case, punctuation, spaces) and split into words; filler words ("saya", "belum", "my")
   are dropped, as are clitics ("transkripnya" -> "transkrip").
2. A query word matches a term word exactly, or with a small edit distance (rapidfuzz `OSA`, which
   counts a transposition as one typo): none for words up to 4 letters ("ktm", "krs", "cuti"), one
   for 5-7 letters, two for longer ones.
3. Words are weighted by how few services use them (IDF), so "ktm" says more than "mahasiswa".
   A term scores by how much of its weight the query covers, scaled down a little when it explains
   only part of the query; a service scores by its best term.
4. The top service is `best` only when it scores high and clearly ahead of the next one.

Everything that does not depend on the query is precomputed once in `ServiceMatcher`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from dialogs.catalogue import Catalogue, Service

CLEAR_SCORE = 0.75
"""A service at least this good (0..1) may be picked without asking."""
CLEAR_MARGIN = 0.15
"""...and only if it leads the next service by at least this much."""
CANDIDATE_SCORE = 0.35
"""Services below this are not offered as candidates at all."""
MAX_CANDIDATES = 3

_EXPLAINED_SHARE = 0.3  # score = term coverage * (0.7 + 0.3 * share of the query the term explains)
_UNKNOWN_WORD_WEIGHT = 1.0  # a query word no service uses

STOPWORDS = frozenset(
    """
    saya aku gue gw sy kami kita anda mau ingin pengen tidak tak gak ga nggak enggak engga belum blm sudah
    udah sdh yang yg di ke dari dan atau untuk utk buat dengan dgn kok ini itu ada apa bagaimana gimana
    kenapa mengapa kapan mana dimana tolong mohon bisa bs harus akan sedang lagi masih juga saja aja sih
    dong deh ya iya min admin pak bu kak halo hai selamat pagi siang sore malam terima kasih sama oleh pada
    dalam karena krn tapi tetapi namun sejak sampai hingga sangat banget sekali lama cara caranya urus
    mengurus proses prosesnya soal masalah tentang mengenai terkait keluhan komplain saran layanan
    pelayanan hal minta meminta pengajuan mengajukan ajukan tanya bertanya nanya info informasi padahal jadi
    i me my mine we our you your the a an of for to in on at and or is are was were be been not no do does
    did have has had can cannot cant could please with about how why when what where it this that still yet
    hi hello thanks thank problem issue help get got want need request service complaint
    """.split()
)
"""Words that never tell services apart."""

_CLITICS = ("nya", "ku", "mu", "lah", "kah")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, without accents or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NON_WORD.sub(" ", stripped.casefold()).split())


def content_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` that can tell services apart (no filler words, no numbers)."""
    return tuple(word for word in normalise(text).split() if word not in STOPWORDS and not word.isdigit())


def allowed_typos(word: str) -> int:
    """How many typos a word of this length may have and still be that word (OSA distance)."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 7 else 2


def _variants(word: str) -> set[str]:
    """``word`` and ``word`` without a clitic ("ktmku" -> "ktm"), for query words."""
    variants = {word}
    for clitic in _CLITICS:
        if word.endswith(clitic) and len(word) - len(clitic) >= 3:
            variants.add(word[: -len(clitic)])
    return variants


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    """What a text matched: ``best`` when one service is clearly meant, and the plausible ones.

    ``candidates`` lists up to three plausible services, best first (so when ``best`` is set it is
    ``candidates[0]``); it is empty when nothing in the text resembles a service.
    """

    best: Service | None
    candidates: tuple[Service, ...]


@dataclass(frozen=True, slots=True)
class _Term:
    service: int  # index into the catalogue's services
    words: tuple[int, ...]  # indices into the vocabulary
    weight: float  # sum of the words' weights


class ServiceMatcher:
    """Matches texts against one catalogue; build it once and reuse it."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._services = tuple(catalogue)
        vocabulary: dict[str, int] = {}
        raw_terms: list[tuple[int, tuple[int, ...]]] = []
        users: dict[int, set[int]] = {}  # word -> services using it
        for index, service in enumerate(self._services):
            for phrase in _terms_of(service):
                words = tuple(dict.fromkeys(vocabulary.setdefault(w, len(vocabulary)) for w in phrase))
                raw_terms.append((index, words))
                for word in words:
                    users.setdefault(word, set()).add(index)
        count = max(len(self._services), 1)
        self._vocabulary = tuple(vocabulary)
        self._weights = tuple(math.log(1 + count / len(users[i])) for i in range(len(vocabulary)))
        self._terms = tuple(
            _Term(service, words, sum(self._weights[w] for w in words)) for service, words in raw_terms
        )
        terms_by_word: dict[int, list[int]] = {}
        for term_index, term in enumerate(self._terms):
            for word in term.words:
                terms_by_word.setdefault(word, []).append(term_index)
        self._terms_by_word = {word: tuple(terms) for word, terms in terms_by_word.items()}

    def match(self, text: str) -> ServiceMatch:
        ranked = self.rank(text)
        candidates = tuple(service for service, score in ranked[:MAX_CANDIDATES] if score >= CANDIDATE_SCORE)
        if not candidates:
            return ServiceMatch(None, ())
        top = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        clear = top >= CLEAR_SCORE and top - runner_up >= CLEAR_MARGIN
        return ServiceMatch(candidates[0] if clear else None, candidates)

    def rank(self, text: str) -> list[tuple[Service, float]]:
        """Every service the text resembles at all, with its score (0..1), best first."""
        query = content_words(text)
        if not query:
            return []
        # similarity of each query word to each vocabulary word it resembles
        similar = [self._similar_words(word) for word in query]
        query_weights = [
            max((self._weights[v] for v in hits), default=_UNKNOWN_WORD_WEIGHT) for hits in similar
        ]
        query_weight = sum(query_weights)
        touched = {t for hits in similar for v in hits for t in self._terms_by_word[v]}
        best: dict[int, float] = {}
        for term_index in touched:
            term = self._terms[term_index]
            covered = sum(
                self._weights[v] * max((hits.get(v, 0.0) for hits in similar), default=0.0)
                for v in term.words
            )
            explained = sum(
                weight * max((hits.get(v, 0.0) for v in term.words), default=0.0)
                for weight, hits in zip(query_weights, similar, strict=True)
            )
            share = explained / query_weight
            score = covered / term.weight * (1 - _EXPLAINED_SHARE + _EXPLAINED_SHARE * share)
            if score > best.get(term.service, 0.0):
                best[term.service] = score
        order = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [(self._services[index], round(score, 4)) for index, score in order]

    def _similar_words(self, word: str) -> dict[int, float]:
        """Vocabulary words within typo distance of ``word`` (or its clitic-free form), with similarity."""
        hits: dict[int, float] = {}
        for variant in _variants(word):
            found = process.extract(
                variant, self._vocabulary, scorer=OSA.distance, score_cutoff=2, limit=None
            )
            for known, distance, index in found:
                if distance > allowed_typos(known) or distance > allowed_typos(variant):
                    continue
                similarity = 1.0 - distance / max(len(known), len(variant))
                if similarity > hits.get(index, 0.0):
                    hits[index] = similarity
        return hits


def _terms_of(service: Service) -> Iterable[tuple[str, ...]]:
    for phrase in (*service.name.values(), *service.aliases):
        words = content_words(phrase) or tuple(normalise(phrase).split())  # an alias of filler words only
        if words:
            yield words


_matchers: dict[int, tuple[Catalogue, ServiceMatcher]] = {}


def match_service(catalogue: Catalogue, text: str) -> ServiceMatch:
    """Match ``text`` against ``catalogue``, reusing a `ServiceMatcher` built for that catalogue."""
    cached = _matchers.get(id(catalogue))
    if cached is None or cached[0] is not catalogue:
        if len(_matchers) >= 8:
            _matchers.clear()
        cached = (catalogue, ServiceMatcher(catalogue))
        _matchers[id(catalogue)] = cached
    return cached[1].match(text)
