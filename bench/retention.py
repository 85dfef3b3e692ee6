"""Retention (issue 15 §3): passes of ``handlers.privacy.retention.run`` over the monitoring benchmark's data.

The data are :func:`bench.monitor.tables` (full: 100,000 tickets over three years, 20,000 persons; tiny: 3,000
tickets) as a desk that has run retention all along holds them: concluded tickets past the identity period
(``RETENTION_IDENTITY_MONTHS``, 24) erased when they fell due (``identity_erased_at``, ``updated_at`` moved to the
erasure), those past the attachment period (12) without attachments, one ticket in twenty of the rest with one. To
that come, as after the upgrade that brings retention: the backlog of what is due (:data:`DUE_BATCHES` batches of
20 concluded tickets untouched for 25 months, each of its own complainant — a name, an NRP and a phone in the
description, a Telegram chat — and as many untouched for 13 months with two attachments each) and a delivered outbox
(full: 80,000 messages in the last 30 days and 20,000 older, one in ten naming a complainant due).

At a fixed moment the passes run, each timed: the first ones (the first after the upgrade) delete 5,000 old messages
(``OUTBOX_KEEP_DAYS``, 30) and erase a batch; then full batches with the outbox pruned (p50, max); then a student's
``/my`` (through ``process_update``) is timed idle and during the remaining full-batch passes (ratio of p95); then
passes with nothing due (p50/p95): first in the two days after an erasure (the pass sweeps the delivered messages
to emptied persons' chats), then later (the steady state: most passes).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bench.common import Figure, Size, percentile
from bench.monitor import BACKENDS, NOW, PERSON_COLUMNS, TICKET_COLUMNS, Batch, Scale, loaded, tables
from bench.monitor import SCALES as MONITOR_SCALES
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import InboundUpdate, IncomingMessage, User
from handlers.i18n import Translator
from handlers.privacy.erasure import CONCLUDED
from handlers.privacy.retention import BATCH, PRUNE, months_before
from handlers.privacy.retention import run as retention_pass
from handlers.processing import process_update
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.models import OutboxRow, PersonRow
from storage.uow import SqlUnitOfWork

NAME = "retention"
NOTHING_TARGET_MS = 50.0
RATIO_TARGET = 1.5
STUDENT_TELEGRAM_ID = 7001
KEEP_DAYS = 30
FIRST = ("Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Joko", "Wahyu", "Lestari", "Hendra", "Indah",
         "Bayu", "Ratna", "Fajar", "Nurul", "Yusuf", "Ayu", "Rizky", "Sari")
LAST = ("Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kusuma", "Nugroho", "Setiawan", "Permana", "Wibowo",
        "Halim", "Susanto", "Gunawan", "Rahayu", "Lubis")
OUTBOX_COLUMNS = ("id", "chat_id", "payload", "op", "status", "attempts", "not_before", "created_at", "sent_at",
                  "priority")
ATTACHMENT_COLUMNS = ("id", "ticket_id", "file_id", "file_type", "file_name", "position", "caption", "added_at")
TICKET_EXTRA = ("identity_erased_at", "attachments_erased_at")


@dataclass(frozen=True)
class RetentionScale:
    data: Scale
    recent_messages: int  # delivered in the last KEEP_DAYS days
    old_messages: int  # delivered before: what the first passes prune
    timed_batches: int  # full-batch passes after the outbox is pruned
    reply_batches: int  # full-batch passes a student's reply is timed during
    idle_replies: int
    nothing_passes: int

    @property
    def prune_passes(self) -> int:
        return max(1, math.ceil(self.old_messages / PRUNE))

    @property
    def due_batches(self) -> int:
        return self.prune_passes + self.timed_batches + self.reply_batches


SCALES = {
    "tiny": RetentionScale(MONITOR_SCALES["tiny"], 1_500, 2_500, 2, 2, 10, 8),
    "full": RetentionScale(Scale(tickets=100_000, lks=2_000, actions=5_000, persons=20_000, calls=0), 80_000, 20_000,
                           5, 5, 40, 60),
}


def _concluded_as_kept(row: tuple[Any, ...], identity_cut: datetime, files_cut: datetime, rng: random.Random
                       ) -> tuple[tuple[Any, ...], bool]:
    """A monitor ticket as retention left it; and whether it keeps an attachment."""
    at = TICKET_COLUMNS.index("updated_at")
    status, updated = row[TICKET_COLUMNS.index("status")], row[at]
    concluded = status in CONCLUDED
    if concluded and updated < identity_cut:
        erased = min(NOW - timedelta(days=1), updated + (NOW - identity_cut))
        return (*row[:at], erased, *row[at + 1:], erased, updated + (NOW - files_cut)), False
    if concluded and updated < files_cut:
        return (*row, None, updated + (NOW - files_cut)), False
    return (*row, None, None), rng.random() < 0.05


def _data(rs: RetentionScale) -> Callable[[Scale, random.Random], Iterator[Batch]]:
    def data(scale: Scale, rng: random.Random) -> Iterator[Batch]:
        identity_cut, files_cut = months_before(NOW, 24), months_before(NOW, 12)
        attachments: list[tuple[Any, ...]] = []

        def attach(ticket_id: int, count: int, at: datetime) -> None:
            for position in range(count):
                attachments.append((len(attachments) + 1, ticket_id, f"file-{ticket_id}-{position}", "photo",
                                    f"bukti-{ticket_id}-{position}.jpg", position, "Bukti pembayaran", at))

        for table, columns, rows in tables(scale, rng):
            if table != "ticket":
                yield table, columns, rows
                continue
            kept = []
            for row in rows:
                ticket, attached = _concluded_as_kept(row, identity_cut, files_cut, rng)
                kept.append(ticket)
                if attached:
                    attach(ticket[0], 1, ticket[TICKET_COLUMNS.index("created_at")])
            yield table, (*columns, *TICKET_EXTRA), kept
        due = BATCH * rs.due_batches
        names = [f"{first} {last}" for last, first in itertools.product(LAST, FIRST)][:due]
        assert len(names) == due, "more batches than names"
        person0, ticket0 = scale.persons + 2, scale.tickets + 1
        chats = [800_000_000 + i for i in range(due)]
        yield "person", PERSON_COLUMNS, [(person0 + i, chats[i], name, NOW - timedelta(days=800), NOW - timedelta(
            days=800)) for i, name in enumerate(names)]
        due_tickets = []
        for i, name in enumerate(names):  # identities due: 25 months untouched
            created = NOW - timedelta(days=790) + timedelta(minutes=i)
            due_tickets.append((ticket0 + i, f"RET-2024-{i + 1:05d}", "complaint", "telegram", person0 + i,
                                "transcript", f"Saya {name}, NRP 50252{i:05d}, HP 0812{i:08d}: transkrip belum keluar",
                                "{}", False, "closed", created, created + timedelta(days=30), created + timedelta(
                                    days=1), created + timedelta(days=10), None, None, None))
        for i in range(due):  # attachments due: 13 months untouched
            created, ticket_id = NOW - timedelta(days=420) + timedelta(minutes=i), ticket0 + due + i
            due_tickets.append((ticket_id, f"RET-2025-{i + 1:05d}", "complaint", "telegram",
                                rng.randint(2, scale.persons + 1), "registration", f"Berkas {i}: bukti terlampir",
                                "{}", False, "closed", created, created + timedelta(days=15), created + timedelta(
                                    days=1), created + timedelta(days=10), None, None, None))
            attach(ticket_id, 2, created)
        yield "ticket", (*TICKET_COLUMNS, *TICKET_EXTRA), due_tickets
        yield "ticket_attachment", ATTACHMENT_COLUMNS, attachments
        yield "outbox", OUTBOX_COLUMNS, _outbox(rs, rng, names, chats)
    return data


def _outbox(rs: RetentionScale, rng: random.Random, names: list[str], chats: list[int]) -> list[tuple[Any, ...]]:
    rows = []
    total = rs.recent_messages + rs.old_messages
    for i in range(total):
        age = (timedelta(days=KEEP_DAYS) * (i / rs.recent_messages) if i < rs.recent_messages
               else timedelta(days=KEEP_DAYS + 1 + 400 * (i - rs.recent_messages) / max(1, rs.old_messages)))
        at = NOW - age
        if rng.random() < 0.1:
            who = rng.randrange(len(names))
            chat, text = chats[who], f"Keluhan atas nama <b>{names[who]}</b> telah kami terima dan sedang diproses."
        else:
            chat, text = 100_000 + rng.randrange(20_000), f"Terima kasih. Tiket KEL-2026-{i % 99_999:05d} diperbarui."
        payload = json.dumps({"op": "send", "chat_id": chat, "text": text, "buttons": []})
        rows.append((i + 1, chat, payload, "send", "sent" if rng.random() < 0.98 else "failed", 1, at, at,
                     at + timedelta(seconds=1), 1))
    return rows


@dataclass
class Timings:
    first: list[float] = field(default_factory=list)  # passes that also prune
    pruned: list[int] = field(default_factory=list)
    batch: list[float] = field(default_factory=list)
    nothing_swept: list[float] = field(default_factory=list)
    nothing: list[float] = field(default_factory=list)
    idle_reply: list[float] = field(default_factory=list)
    busy_reply: list[float] = field(default_factory=list)
    erased: int = 0
    attachments: int = 0
    outbox_left: int = 0


async def _timed(url: str, rs: RetentionScale, folder: Path) -> Timings:
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)

        def make_uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(factory)

        deps = Deps(catalogue=load_catalogue(), translator=Translator(), clock=lambda: NOW,
                    archive=ArchiveStore(folder / "archive"))
        ids = itertools.count(time.time_ns() // 1000)
        student = User(STUDENT_TELEGRAM_ID, "Siti", language_code="id")
        old = (OutboxRow.status.in_(["sent", "cancelled"]), OutboxRow.not_before < NOW - timedelta(days=KEEP_DAYS))

        async def say(text: str) -> float:
            update_ = InboundUpdate(next(ids), IncomingMessage(student.id, student, next(ids), text))
            started = time.perf_counter()
            await process_update(update_, make_uow, deps)
            return (time.perf_counter() - started) * 1000

        async def one_pass(now: datetime = NOW) -> float:
            started = time.perf_counter()
            done = await retention_pass(make_uow, deps, now)
            t.erased, t.attachments = t.erased + done.identities, t.attachments + done.attachments
            return (time.perf_counter() - started) * 1000

        async def count(*where: Any) -> int:
            async with engine.connect() as connection:
                return int(await connection.scalar(select(func.count()).select_from(OutboxRow).where(*where)) or 0)

        t = Timings()
        await say("/start")
        for _ in range(rs.prune_passes):
            before = await count(*old)
            t.first.append(await one_pass())
            t.pruned.append(before - await count(*old))
        for _ in range(rs.timed_batches):
            t.batch.append(await one_pass())
        for _ in range(rs.idle_replies):
            t.idle_reply.append(await say("/my"))
            await asyncio.sleep(0.01)
        for _ in range(rs.reply_batches):
            busy = asyncio.create_task(one_pass())
            await asyncio.sleep(0.005)
            while not busy.done():
                t.busy_reply.append(await say("/my"))
                await asyncio.sleep(0.005)
            await busy
        for _ in range(rs.nothing_passes):
            t.nothing_swept.append(await one_pass())
        async with engine.begin() as connection:  # three days later: no one was emptied in the last two days
            await connection.execute(update(PersonRow).where(PersonRow.forgotten_at.is_not(None)).values(
                forgotten_at=NOW - timedelta(days=3)))
        for _ in range(rs.nothing_passes):
            t.nothing.append(await one_pass())
        t.outbox_left = await count()
        return t
    finally:
        await engine.dispose()


def _figures(backend: str, size: Size, rs: RetentionScale, generation: float, t: Timings) -> list[Figure]:
    d = rs.data
    where = (f"{backend}, {d.tickets:,} tickets, {rs.recent_messages + rs.old_messages:,} delivered messages "
             f"({rs.old_messages:,} older than {KEEP_DAYS} days) ({size})")
    idle, busy = percentile(t.idle_reply, 95), percentile(t.busy_reply, 95)
    ratio = busy / idle if idle else 0.0
    nothing = percentile(t.nothing, 95)
    batch = f"{BATCH} identities + {BATCH} tickets' attachments ({2 * BATCH})"
    return [
        Figure(NAME, f"pass, nothing due, p50, {backend} (ms)", round(percentile(t.nothing, 50), 2), "ms",
               note=f"{where}; {len(t.nothing)} passes"),
        Figure(NAME, f"pass, nothing due, p95, {backend} (ms)", round(nothing, 2), "ms",
               f"<= {NOTHING_TARGET_MS:g} ms", nothing <= NOTHING_TARGET_MS, f"{where}; the steady state"),
        Figure(NAME, f"pass, nothing due, within 2 days of an erasure, p95, {backend} (ms)",
               round(percentile(t.nothing_swept, 95), 2), "ms",
               note=f"{where}; the pass sweeps delivered messages to emptied persons' chats"),
        Figure(NAME, f"pass, full batch due, p50, {backend} (ms)", round(percentile(t.batch, 50), 1), "ms",
               note=f"{where}; {batch}, outbox pruned to {KEEP_DAYS} days; {len(t.batch)} passes"),
        Figure(NAME, f"pass, full batch due, max, {backend} (ms)", round(max(t.batch), 1), "ms", note=where),
        Figure(NAME, f"first pass after the upgrade, {backend} (ms)", round(t.first[0], 1), "ms",
               note=f"{where}; prunes {t.pruned[0]:,} old messages and erases {batch}"),
        Figure(NAME, f"passes pruning the old outbox, max, {backend} (ms)", round(max(t.first), 1), "ms",
               note=f"{where}; {len(t.first)} passes pruned {sum(t.pruned):,}; {t.erased} identities, "
                    f"{t.attachments} attachments erased in all; {t.outbox_left:,} outbox rows left"),
        Figure(NAME, f"student reply during a full-batch pass / idle, {backend} (ratio of p95)", round(ratio, 2), "x",
               f"<= {RATIO_TARGET:g}", ratio <= RATIO_TARGET,
               f"/my p95 {busy:.1f} ms busy ({len(t.busy_reply)}) vs {idle:.1f} ms idle ({len(t.idle_reply)})"),
        Figure(NAME, f"data generation, {backend} (s)", round(generation, 1), "s", note=where),
    ]


async def _measured(backend: str, size: Size, folder: Path) -> list[Figure]:
    rs = SCALES[size]
    async with loaded(backend, rs.data, folder, NAME, _data(rs)) as db:
        if db is None:
            return []
        url, generation = db
        return _figures(BACKENDS[backend], size, rs, generation, await _timed(url, rs, folder))


async def run(size: Size, only: Callable[[str], bool] = lambda backend: True) -> list[Figure]:
    """Retention passes (nothing due, a full batch, the first after the upgrade) and a student's reply meanwhile,
    on SQLite and PostgreSQL."""
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-retention-") as folder:
        for backend in ("sqlite", "postgres"):
            if only(backend):
                figures += await _measured(backend, size, Path(folder))
    return figures


if __name__ == "__main__":
    import sys

    wanted = [a for a in sys.argv[1:] if a in ("sqlite", "postgres")]
    for figure in asyncio.run(run("full" if "full" in sys.argv[1:] else "tiny",
                                  lambda backend: not wanted or backend in wanted)):
        print(json.dumps(figure.as_dict(), ensure_ascii=False))
