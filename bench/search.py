"""Ticket search: ``/search`` (words, words with filters, filters only) and ``/similar`` as staff call them,
over 10k and 100k generated tickets.

Tickets (informal Indonesian and English across the catalogue, with typos: ``tests/unit/ticket_texts.py``; most
by Telegram, some by letter, e-mail, …; most handled by one of a few officers) are written straight into a
migrated SQLite file; each request then goes through ``process_update`` like a staff message from Telegram
(its transaction, the update log, the reply in the outbox). The first request builds the process's index; the
others refresh it from the tickets changed since. Filters only: the page straight from the database, and the
« / » buttons. For comparison: a naive ``rapidfuzz.process.extract(query, all_texts, scorer=fuzz.WRatio,
limit=10)`` over every ticket.
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
from sqlalchemy import insert, select

from bench.common import Figure, Size, percentile
from dialogs.catalogue import catalogue_words
from dialogs.search import TicketIndex
from dialogs.stemming import IndonesianStemmer
from domain.vocabulary import Channel
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import ButtonPress, InboundUpdate, IncomingMessage, Reaction, User
from handlers.i18n import Translator
from handlers.processing import process_update
from handlers.staff import search_index
from handlers.turn import Turn
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import OutboxRow, TicketRow
from storage.repositories.tickets import NUMBERING_ZONE, ticket_number
from storage.uow import SqlUnitOfWork
from tests.unit.ticket_texts import SERVICES, ticket_text, typo

OFFICER = 900_001
COLLEAGUES = (900_002, 900_003, 900_004)
SIZES: dict[str, tuple[int, ...]] = {"tiny": (2_000,), "full": (10_000, 100_000)}
REQUESTS = {"tiny": 30, "full": 200}  # of each command per size
NAIVE_REQUESTS = {"tiny": 10, "full": 40}
TARGET_MS = 25.0
FILTERED_TARGET_MS = 50.0
TARGET_SIZE = 100_000
OPEN = ("received", "confirming", "in_followup")
SETTLED = ("resolved", "closed", "conforming", "rejected", "duplicate")
OFFLINE = tuple(c.value for c in Channel if c is not Channel.TELEGRAM)
QUERIES = [
    "transkrip belum terbit", "legalisir ijasah lama", "ukt keringanan belum diverifikasi", "wisuda yudisium jadwal",
    "password myits tidak bisa login", "ktm hilang", "frs error sistem", "cuti akademik ditolak",
    "surat aktif kuliah untuk beasiswa", "daftar ulang sudah bayar", "transcript wrong name", "tuition fee paid",
    "antrean loket panjang", "tanda tangan dekan", "berkas hilang departemen", "graduation visa",
]
FILTERS = [
    "status:open", "layanan:legalisir", "service:transkrip status:open", "channel:surat,email", "officer:me",
    "since:{month_ago}", "status:ditutup since:{month_ago}", "officer:me status:terbuka",
    "service:ktm dari:{month_ago}", "status:unconfirmed", "channel:telepon status:open",
    "status:closed until:{month_ago}",
]
"""What staff put before their words (with words) or alone (filters only); ``{month_ago}`` is a date."""


def generate(count: int, now: datetime, officers: list[int], seed: int = 11) -> list[dict[str, Any]]:
    """Ticket rows: texts across the catalogue, filed over the last year, about one in six still open, one in
    seven by another channel than Telegram, all but the unstarted ones handled by one of ``officers``."""
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
            "number": number, "kind": "complaint", "channel": rnd.choice(OFFLINE) if rnd.random() < 0.15 else
            "telegram", "person_id": None, "service_code": code, "service_other": None, "description": description,
            "occurred_on": None, "answers": {}, "anonymous": False, "status": status, "created_at": created,
            "assigned_to": None if status == "received" else rnd.choice(officers),
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


def filters(count: int, now: datetime) -> list[str]:
    month_ago = (now - timedelta(days=30)).astimezone(NUMBERING_ZONE).strftime("%d-%m-%Y")
    return [FILTERS[i % len(FILTERS)].format(month_ago=month_ago) for i in range(count)]


class _Staff:
    """The officer sending requests through ``process_update``, as from Telegram."""

    def __init__(self, sessions: Any, deps: Deps) -> None:
        self.sessions, self.deps = sessions, deps
        self.user = User(OFFICER, "Bench Officer", language_code="id")
        self.ids = itertools.count(1)
        self.replies: list[int] = []  # outbox ids of the last request's replies

    async def say(self, text: str) -> float:
        return await self._timed(IncomingMessage(OFFICER, self.user, next(self.ids), text))

    async def press(self, data: str) -> float:
        return await self._timed(ButtonPress(OFFICER, self.user, f"cb{next(self.ids)}", data, 1))

    async def _timed(self, event: IncomingMessage | ButtonPress) -> float:
        started = time.perf_counter()
        done = await process_update(InboundUpdate(next(self.ids), event), lambda: SqlUnitOfWork(self.sessions),
                                    self.deps)
        elapsed = (time.perf_counter() - started) * 1000
        self.replies = done.outbox_ids
        return elapsed

    async def last_buttons(self) -> list[str]:
        """The callback data of the buttons of the last request's replies."""
        async with self.sessions() as session:
            payloads = await session.scalars(select(OutboxRow.payload).where(OutboxRow.id.in_(self.replies)))
            return [button[1] for payload in payloads for row in payload.get("buttons") or [] for button in row]


async def _add_staff(make_uow: Any, now: datetime) -> list[int]:
    async with make_uow() as uow:
        ids = []
        for telegram_id in (OFFICER, *COLLEAGUES):
            person = await uow.persons.ensure_telegram(telegram_id, f"Officer {telegram_id}", "id")
            await uow.staff.grant(person.id, "officer", by=None, at=now)
            ids.append(person.id)
        await uow.commit()
    return ids


async def one_size(count: int, size: Size, folder: Path) -> list[Figure]:
    now = datetime.now(UTC)
    engine = make_engine(f"sqlite+aiosqlite:///{folder / f'search-{count}.db'}")
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)

        def make_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        rows = generate(count, now, await _add_staff(make_uow, now))
        async with sessions() as session:
            for at in range(0, count, 5_000):
                await session.execute(insert(TicketRow), rows[at: at + 5_000])
            await session.commit()

        catalogue = load_catalogue()
        # as the bootstrap builds it: a fresh stemmer (its memory of words empty) for each size
        deps = Deps(catalogue=catalogue, translator=Translator(), stem=IndonesianStemmer(catalogue_words(catalogue)))
        staff = _Staff(sessions, deps)
        asked = queries(REQUESTS[size])
        narrowed = filters(REQUESTS[size], now)
        first_ms = await staff.say(f"/search {asked[0]}")
        search_ms = [await staff.say(f"/search {q}") for q in asked]
        filtered_ms = [await staff.say(f"/search {f} {q}") for f, q in zip(narrowed, asked, strict=True)]
        only_ms, paging_ms = [], []
        for f in narrowed:
            only_ms.append(await staff.say(f"/search {f}"))
            older = [d for d in await staff.last_buttons() if d.startswith("sr:")]
            if older:
                paging_ms.append(await staff.press(older[-1]))
        rnd = random.Random(3)
        numbers = [rows[rnd.randrange(count)]["number"] for _ in range(REQUESTS[size])]
        similar_ms = [await staff.say(f"/similar {n}") for n in numbers]

        index = await _index_of(make_uow, deps, staff.user)
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
        search_index.forget_indexes()
        await engine.dispose()

    at_target = count >= TARGET_SIZE
    label = f"{count // 1000}k tickets"

    def p95(metric: str, values: list[float], target: float | None, note: str = "") -> Figure:
        value = round(percentile(values, 95), 2)
        aimed = target is not None and at_target
        return Figure("search", f"{metric} p95, {label}", value, "ms", f"<= {target:g} ms" if aimed else "",
                      value <= target if aimed and target is not None else None, note)

    through = "requests through process_update"
    return [
        p95("/search", search_ms, TARGET_MS, f"{len(search_ms)} {through}"),
        p95("/search with filters", filtered_ms, FILTERED_TARGET_MS, f"{len(filtered_ms)} {through}: words after "
            "status:, service:, channel:, officer:, since:/until: (some reaching older tickets)"),
        p95("/search filters only", only_ms, None, f"{len(only_ms)} {through}: the first page and the count, "
            "from SQLite"),
        p95("/search page button", paging_ms, None, f"{len(paging_ms)} presses of « / » (sr:)"),
        p95("/similar", similar_ms, TARGET_MS, f"{len(similar_ms)} {through}"),
        Figure("search", f"first /search (index build), {label}", round(first_ms, 1), "ms",
               note=f"vocabulary {index.vocabulary_size} words, {len(index)} tickets indexed"),
        p95("index.search only", pure_ms, None, "the pure TicketIndex, no database"),
        p95("naive process.extract WRatio", naive_ms, None, f"{len(naive_ms)} queries over all {count} texts"),
    ]


async def _index_of(make_uow: Any, deps: Deps, user: User) -> TicketIndex:
    """The process's cached index (for the pure-index figure), as the handlers see it."""
    async with make_uow() as uow:
        person = await uow.persons.ensure_telegram(user.id, user.full_name, user.language_code)
        turn = Turn(uow, deps, user, person, OFFICER, "id", deps.translator.gettext("id"), Reaction())
        return (await search_index.current(turn)).index


async def run(size: Size) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-search-") as tmp:
        for count in SIZES[size]:
            figures += await one_size(count, size, Path(tmp))
    return figures
