"""The register export (issue 13 §3): ``/export`` of 100,000 tickets by the real bot process, while students file.

The data is ``bench.monitor``'s generators at 100,000 tickets (three years of them, with LKs and actions) loaded
into a migrated SQLite file; the bot (``python -m bot.cli run``, a child process, Telegram's limits on) serves it
against the Bot API emulator. First the students file a complaint each with the bot otherwise idle (the baseline,
``bench.replies``' machinery); then an officer sends ``/export`` for the whole three years and the students file
again at the same time. Measured: ``/export`` sent → the XLSX document at the emulator (target <= 30 s), the bot
process's peak resident memory over its whole life (VmHWM, target <= 150 MB), and the students' answer p95 during
the export against the idle one (target <= 1.5x). The register is written by a child process of the bot
(``bot.register_job``): its peak memory and CPU time are sampled too and reported apart from the bot process's.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Figure, Size, migrate_sqlite
from bench.monitor import STAFF_TELEGRAM_ID, Scale, load_sqlite, tables
from bench.replies import Filing, file_complaints
from bench.students import FILING, add_students, child, cpu_seconds, proc_status_mb, rss_mb
from bot.emulator import BotApiEmulator

NAME = "export"
SCALES = {"tiny": Scale(tickets=300, lks=30, actions=60, persons=50, calls=0),
          "full": Scale(tickets=100_000, lks=2_000, actions=5_000, persons=10_000, calls=0)}
STUDENTS = {"tiny": 2, "full": 10}
STEPS = {"tiny": 3, "full": len(FILING)}
PERIOD = "2023-11 2026-11"  # the generated data's three years, all of it
TIME_TARGET_S = 30.0
RSS_TARGET_MB = 150.0
RATIO_TARGET = 1.5
TIMEOUT_S = 300.0
SAMPLE_S = 0.1
QUIET_CPU = 0.1  # CPU seconds per second below which the bot process counts as settled
ENGINES = ("ptb", "aiogram")
"""ptb first: the engine within the memory targets (``bench.memory``: aiogram alone idles at ~220 MB)."""


@dataclass
class ExportRun:
    seconds: float  # /export sent → the document at the emulator
    progress_edits: int  # edits of the progress message
    size: int  # bytes of the XLSX
    rows: int  # rows of its Register sheet, the header not counted
    peak_mb: float  # VmHWM at the end: the bot process's peak resident memory over its life
    sampled_peak_mb: float  # the highest VmRSS sampled during the export
    before_mb: float  # VmRSS when /export was sent
    filing: Filing
    settled_s: float  # from the first getUpdates until the bot process was quiet
    children: Children  # the bot's child processes seen during the export (the register's writer)


@dataclass
class Children:
    """The bot process's children seen while sampling, by pid: their highest VmHWM and their last CPU time."""

    peak_mb: dict[int, float] = field(default_factory=dict)
    cpu_s: dict[int, float] = field(default_factory=dict)

    def see(self, pid: int) -> None:
        for child_pid in children_of(pid):
            try:
                hwm, cpu = proc_status_mb(child_pid, "VmHWM"), cpu_seconds(child_pid)
            except (OSError, RuntimeError, ValueError):
                continue  # gone meanwhile
            self.peak_mb[child_pid] = max(self.peak_mb.get(child_pid, 0.0), hwm)
            self.cpu_s[child_pid] = cpu


def children_of(pid: int) -> list[int]:
    """The pids of a process's children (every thread's, from /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


def prepare(workdir: Path, scale: Scale) -> Path:
    """A migrated SQLite file with the monitor's data at ``scale`` and number counters past its numbers."""
    path = workdir / "tanggap.db"
    migrate_sqlite(path)
    load_sqlite(path, tables(scale, random.Random(13)))
    db = sqlite3.connect(path)
    try:  # the students' new tickets are numbered after the generated ones
        db.execute("INSERT OR REPLACE INTO number_counter (series, year, last_value) "
                   "SELECT substr(number, 1, 3), CAST(substr(number, 5, 4) AS INTEGER), "
                   "max(CAST(substr(number, 10) AS INTEGER)) FROM ticket GROUP BY 1, 2")
        db.execute("INSERT OR REPLACE INTO number_counter (series, year, last_value) "
                   "SELECT 'LK', CAST(substr(number, 4, 4) AS INTEGER), max(CAST(substr(number, 9) AS INTEGER)) "
                   "FROM lk GROUP BY 2")
        db.commit()
    finally:
        db.close()
    return path


def register_rows(data: bytes) -> int:
    """Rows of the XLSX's first sheet (the ticket register) below its header."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        return sum(1 for _row in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()


def document_after(emulator: BotApiEmulator, before: int) -> bool:
    return any(m.kind == "document" for m in emulator.messages(STAFF_TELEGRAM_ID)[before:])


async def sample_rss(pid: int, peak: list[float], children: Children, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], rss_mb(pid))
        except (OSError, RuntimeError):
            return
        children.see(pid)
        await asyncio.sleep(SAMPLE_S)


async def settle(pid: int, timeout: float = 900.0) -> float:
    """Until the bot process is quiet (its due-work engine's first pass over the generated backlog is done);
    seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        await asyncio.sleep(1.0)
        if cpu_seconds(pid) - before < QUIET_CPU:
            break
    return time.monotonic() - started


async def measure(size: Size, workdir: Path, engine: str) -> tuple[Filing, ExportRun]:
    steps = FILING[:STEPS[size]]
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'tanggap.db'}", "BOT_ENGINE": engine,
           "ARCHIVE_DIR": str(workdir / "archive")}
    async with BotApiEmulator() as emulator:
        emulator.add_user(STAFF_TELEGRAM_ID, "Olivia", language_code="en")
        async with child(emulator, ["-m", "bot.cli", "run"], env, workdir / f"bot-{engine}.log") as proc:
            settled = await settle(proc.pid)
            idle = await file_complaints(emulator, add_students(
                emulator, STUDENTS[size], first=700_000_001 + 1000 * ENGINES.index(engine)), steps)
            await emulator.wait_idle(timeout=30)
            chat = emulator.messages(STAFF_TELEGRAM_ID)
            before, before_mb = len(chat), rss_mb(proc.pid)
            peak, stop, children = [before_mb], asyncio.Event(), Children()
            sampler = asyncio.create_task(sample_rss(proc.pid, peak, children, stop))
            sent = time.monotonic()
            emulator.send_text(STAFF_TELEGRAM_ID, f"/export {PERIOD}")
            students = add_students(emulator, STUDENTS[size], first=800_000_001 + 1000 * ENGINES.index(engine))
            filing = await file_complaints(emulator, students, steps)
            deadline = sent + TIMEOUT_S
            while not document_after(emulator, before):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"no register within {TIMEOUT_S:g} s; see {workdir / 'bot.log'}")
                await asyncio.sleep(0.05)
            seconds = time.monotonic() - sent
            stop.set()
            await sampler
            hwm = proc_status_mb(proc.pid, "VmHWM")
        messages = emulator.messages(STAFF_TELEGRAM_ID)[before:]
        document = next(m for m in messages if m.kind == "document")
        assert document.file_id is not None
        data = emulator.file(document.file_id).data
        edits = max((m.edits for m in messages if m.kind == "text"), default=0)
    rows = await asyncio.to_thread(register_rows, data)
    return idle, ExportRun(seconds, edits, len(data), rows, hwm, peak[0], before_mb, filing, settled, children)


async def run(size: Size) -> list[Figure]:
    scale = SCALES[size]
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-export-") as tmp:
        workdir = Path(tmp)
        print(f"  export: generating {scale.tickets:,} tickets ...", file=sys.stderr)
        started = time.perf_counter()
        await asyncio.to_thread(prepare, workdir, scale)
        generation = time.perf_counter() - started
        for engine in ENGINES:
            print(f"  export: {engine}, {STUDENTS[size]} students idle, then during /export ...", file=sys.stderr)
            idle, busy = await measure(size, workdir, engine)
            figures += _figures(size, engine, idle, busy)
    where = f"SQLite, {scale.tickets:,} tickets, {scale.lks:,} LKs, {scale.actions:,} actions ({size})"
    return [*figures, Figure(NAME, "data generation (s)", round(generation, 1), "s", note=where)]


def _figures(size: Size, engine: str, idle: Filing, busy: ExportRun) -> list[Figure]:
    scale = SCALES[size]
    answered = STUDENTS[size] * STEPS[size]
    ratio = busy.filing.p(95) / idle.p(95) if idle.p(95) else 0.0
    return [
        Figure(NAME, f"{engine}: /export → XLSX delivered (s)", round(busy.seconds, 2), "s",
               f"<= {TIME_TARGET_S:g} s", busy.seconds <= TIME_TARGET_S,
               f"{busy.rows:,} register rows, {busy.size / 1e6:.1f} MB file, {busy.progress_edits} progress edits; "
               "the export runner is woken when the job is queued (before 2026-12-04: its next look, up to 2 s)"),
        Figure(NAME, f"{engine}: bot process peak RSS (VmHWM, MB)", round(busy.peak_mb, 1), "MB",
               f"<= {RSS_TARGET_MB:g} MB", busy.peak_mb <= RSS_TARGET_MB,
               f"highest VmRSS sampled during the export {busy.sampled_peak_mb:.1f} MB; "
               f"{busy.before_mb:.1f} MB when /export was sent; the process settled {busy.settled_s:.0f} s after "
               "start (the due-work engine's first pass) before the students began"),
        Figure(NAME, f"{engine}: RSS growth during the export (MB)", round(busy.sampled_peak_mb - busy.before_mb, 1),
               "MB", note="highest VmRSS sampled every 0.1 s minus VmRSS when /export was sent"),
        Figure(NAME, f"{engine}: export child process peak RSS (VmHWM, MB)",
               round(max(busy.children.peak_mb.values(), default=0.0), 1), "MB",
               note=f"{len(busy.children.peak_mb)} child process(es) of the bot seen (python -m bot.register_job); its "
                    "own memory, not the bot process's; sampled every 0.1 s"),
        Figure(NAME, f"{engine}: export child process CPU (s)", round(sum(busy.children.cpu_s.values()), 1), "s",
               note="user + system CPU of the register's child at its last sample (against the wall time above: "
                    "how much it waited for a core)"),
        Figure(NAME, f"{engine}: register rows in the XLSX", busy.rows, "", f"= {scale.tickets:,}",
               busy.rows == scale.tickets),
        Figure(NAME, f"{engine}: idle: answer p95", round(idle.p(95), 1), "ms",
               note=f"{STUDENTS[size]} students, {len(idle.latencies)}/{answered} steps, {idle.failed} failed"),
        Figure(NAME, f"{engine}: during /export: answer p95", round(busy.filing.p(95), 1), "ms",
               note=f"{len(busy.filing.latencies)}/{answered} steps, {busy.filing.failed} failed"),
        Figure(NAME, f"{engine}: answer p95, during /export / idle", round(ratio, 3), "", f"<= {RATIO_TARGET:g}",
               ratio <= RATIO_TARGET and busy.filing.failed == 0),
    ]
