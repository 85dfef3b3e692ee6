"""What the Indonesian stemmer costs search: the pure :class:`dialogs.search.TicketIndex` built and queried over the
same generated tickets without a stemmer and with one (a fresh :class:`dialogs.stemming.IndonesianStemmer`, its
memory of words empty, as after a restart), alternating, so both see the same machine load. ``bench.search``
measures the whole /search request (with the stemmer, as the bootstrap builds it); this one isolates the change.
"""

from __future__ import annotations

import gc
import random
import statistics
import time

from bench.common import Figure, Size, percentile
from bench.search import QUERIES
from dialogs.catalogue import catalogue_words
from dialogs.search import TicketIndex
from dialogs.stemming import IDENTITY, IndonesianStemmer, Stem
from handlers.catalogue_loader import load_catalogue
from tests.unit.ticket_texts import ticket_text

SIZES = {"tiny": 2_000, "full": 100_000}
ROUNDS = {"tiny": 1, "full": 3}
REPEAT = {"tiny": 1, "full": 10}  # times each query is asked per round


async def run(size: Size) -> list[Figure]:
    count = SIZES[size]
    rnd = random.Random(11)
    tickets = [(i, f"KEL-2026-{i:05d}", ticket_text(rnd)[1]) for i in range(count)]
    catalogue = load_catalogue()
    builds: dict[str, list[float]] = {"plain": [], "stemmed": []}
    queries: dict[str, list[float]] = {"plain": [], "stemmed": []}
    vocabulary: dict[str, int] = {}
    for _round in range(ROUNDS[size]):
        for name in ("plain", "stemmed"):
            stem: Stem = IDENTITY if name == "plain" else IndonesianStemmer(catalogue_words(catalogue))
            gc.collect()
            started = time.perf_counter()
            index = TicketIndex(tickets, stem)
            builds[name].append((time.perf_counter() - started) * 1000)
            vocabulary[name] = index.vocabulary_size
            for query in QUERIES * REPEAT[size]:
                started = time.perf_counter()
                index.search(query, 10)
                queries[name].append((time.perf_counter() - started) * 1000)
    note = f"{count} tickets, {ROUNDS[size]} alternating rounds"
    figures = []
    for name in ("plain", "stemmed"):
        figures += [
            Figure("stemming", f"index build, {name} (median)", round(statistics.median(builds[name]), 1), "ms",
                   note=note),
            Figure("stemming", f"index.search p95, {name}", round(percentile(queries[name], 95), 2), "ms", note=note),
            Figure("stemming", f"vocabulary, {name}", vocabulary[name], "words", note=note),
        ]
    ratio = statistics.median(builds["stemmed"]) / max(statistics.median(builds["plain"]), 1e-9)
    figures.append(Figure("stemming", "index build, stemmed / plain", round(ratio, 2), "x", note=note))
    return figures
