"""Similar-ticket search: ``/search`` and ``/similar`` as staff call them, over 10k and 100k generated tickets.

Tickets (informal Indonesian and English across the catalogue, with typos: ``tests/unit/ticket_texts.py``) are
written straight into a migrated SQLite file; each request then goes through ``process_update`` like a
staff message from Telegram (its transaction, the update log, the reply in the outbox). The first request
builds the process's index; the others refresh it from the tickets changed since. For comparison: a naive
``rapidfuzz.process.extract(query, all_texts, scorer=fuzz.WRatio, limit=10)`` over every ticket.
"""

from __future__ import annotations

import itertools
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import insert

from bench.common import Figure, Size, percentile
from dialogs.search import TicketIndex
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import InboundUpdate, IncomingMessage, Reaction, User
from handlers.i18n import Translator
from handlers.processing import process_update
from handlers.staff import search as search_handlers
from handlers.turn import Turn
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import TicketRow
from storage.repositories.tickets import NUMBERING_ZONE, ticket_number
from storage.uow import SqlUnitOfWork
from tests.unit.ticket_texts import SERVICES, ticket_text, typo

OFFICER = 900_001
SIZES: dict[str, tuple[int, ...]] = {"tiny": (2_000,), "full": (10_000, 100_000)}
REQUESTS = {"tiny": 30, "full": 200}  # of each command per size
NAIVE_REQUESTS = {"tiny": 10, "full": 40}
TARGET_MS = 25.0
TARGET_SIZE = 100_000
OPEN = ("received", "confirming", "in_followup")
SETTLED = ("resolved", "closed", "conforming", "rejected", "duplicate")
QUERIES = [
    "transkrip belum terbit", "legalisir ijasah lama", "ukt keringanan belum diverifikasi", "wisuda yudisium jadwal",
    "password myits tidak bisa login", "ktm hilang", "frs error sistem", "cuti akademik ditolak",
    "surat aktif kuliah untuk beasiswa", "daftar ulang sudah bayar", "transcript wrong name", "tuition fee paid",
    "antrean loket panjang", "tanda tangan dekan", "berkas hilang departemen", "graduation visa",
]


def generate(count: int, now: datetime, seed: int = 11) -> list[dict[str, Any]]:
    """Ticket rows: texts across the catalogue, filed over the last year, about one in six still open."""
    rnd = random.Random(seed)
    counters: dict[int, itertools.count[int]] = {}
    rows: list[dict[str, Any]] = []
    start = now - timedelta(days=360)
    for i in range(count):
        code, text = ticket_text(rnd)
        description = text[: -len(SERVICES[code][0])].rstrip()  # the service's name comes from the catalogue
        created = start + timedelta(seconds=i * 360 * 86400 / count)
        year = created.astimezone(NUMBERING_ZONE).year
        number = ticket_number("KEL", year, next(counters.setdefault(year, itertools.count(1))))
        status = rnd.choice(OPEN) if rnd.random() < 0.17 else rnd.choice(SETTLED)
        rows.append({
            "number": number, "kind": "complaint", "channel": "telegram", "person_id": None, "service_code": code,
            "service_other": None, "description": description, "occurred_on": None, "answers": {},
            "anonymous": False, "status": status, "created_at": created,
            "updated_at": settled if status in SETTLED and (settled := created + timedelta(days=rnd.randint(0, 20)))
            < now else created,
        })
    return rows


def queries(count: int, seed: int = 5) -> list[str]:
    """What staff type: the usual phrases, and words of generated complaints (some with a typo)."""
    rnd = random.Random(seed)
    made = []
    for i in range(count):
        if i % 2 == 0:
            made.append(QUERIES[(i // 2) % len(QUERIES)])
            continue
        _code, text = ticket_text(rnd)
        picked = [w for w in text.split() if len(w) > 3]
        chosen = rnd.sample(picked, min(len(picked), rnd.randint(2, 4)))
        if rnd.random() < 0.3:
            chosen[0] = typo(chosen[0], rnd)
        made.append(" ".join(chosen))
    return made


async def _timed(make_uow: Any, deps: Deps, user: User, ids: itertools.count[int], text: str) -> float:
    started = time.perf_counter()
    update = InboundUpdate(next(ids), IncomingMessage(OFFICER, user, next(ids), text))
    await process_update(update, make_uow, deps)
    return (time.perf_counter() - started) * 1000


async def one_size(count: int, size: Size, folder: Path) -> list[Figure]:
    now = datetime.now(UTC)
    engine = make_engine(f"sqlite+aiosqlite:///{folder / f'search-{count}.db'}")
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        rows = generate(count, now)
        async with sessions() as session:
            for at in range(0, count, 5_000):
                await session.execute(insert(TicketRow), rows[at: at + 5_000])
            await session.commit()
        async with SqlUnitOfWork(sessions) as uow:
            officer = await uow.persons.ensure_telegram(OFFICER, "Bench Officer", "id")
            await uow.staff.grant(officer.id, "officer", by=None, at=now)
            await uow.commit()

        def make_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        deps = Deps(catalogue=load_catalogue(), translator=Translator())
        user = User(OFFICER, "Bench Officer", language_code="id")
        ids = itertools.count(1)
        asked = queries(REQUESTS[size])
        first_ms = await _timed(make_uow, deps, user, ids, f"/search {asked[0]}")
        search_ms = [await _timed(make_uow, deps, user, ids, f"/search {q}") for q in asked]
        rnd = random.Random(3)
        numbers = [rows[rnd.randrange(count)]["number"] for _ in range(REQUESTS[size])]
        similar_ms = [await _timed(make_uow, deps, user, ids, f"/similar {n}") for n in numbers]

        index = await _index_of(make_uow, deps, user)
        pure_ms = []
        for q in asked:
            started = time.perf_counter()
            index.search(q, 10)
            pure_ms.append((time.perf_counter() - started) * 1000)

        catalogue = deps.catalogue
        texts = [f"{r['description']} {' '.join(s.name.values()) if (s := catalogue.get(r['service_code'])) else ''}"
                 for r in rows]
        naive_ms = []
        for q in asked[: NAIVE_REQUESTS[size]]:
            started = time.perf_counter()
            process.extract(q, texts, scorer=fuzz.WRatio, limit=10)
            naive_ms.append((time.perf_counter() - started) * 1000)
    finally:
        search_handlers.forget_indexes()
        await engine.dispose()

    at_target = count >= TARGET_SIZE
    label = f"{count // 1000}k tickets"

    def p95(metric: str, values: list[float], target: bool, note: str = "") -> Figure:
        value = round(percentile(values, 95), 2)
        return Figure("search", f"{metric} p95, {label}", value, "ms", f"<= {TARGET_MS:g} ms" if target else "",
                      value <= TARGET_MS if target else None, note)

    return [
        p95("/search", search_ms, at_target, f"{len(search_ms)} requests through process_update"),
        p95("/similar", similar_ms, at_target, f"{len(similar_ms)} requests through process_update"),
        Figure("search", f"first /search (index build), {label}", round(first_ms, 1), "ms",
               note=f"vocabulary {index.vocabulary_size} words, {len(index)} tickets indexed"),
        p95("index.search only", pure_ms, False, "the pure TicketIndex, no database"),
        p95("naive process.extract WRatio", naive_ms, False, f"{len(naive_ms)} queries over all {count} texts"),
    ]


async def _index_of(make_uow: Any, deps: Deps, user: User) -> TicketIndex:
    """The process's cached index (for the pure-index figure), as the handlers see it."""
    async with make_uow() as uow:
        person = await uow.persons.ensure_telegram(user.id, user.full_name, user.language_code)
        turn = Turn(uow, deps, user, person, OFFICER, "id", deps.translator.gettext("id"), Reaction())
        return await search_handlers._index(turn)


async def run(size: Size) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-search-") as tmp:
        for count in SIZES[size]:
            figures += await one_size(count, size, Path(tmp))
    return figures
