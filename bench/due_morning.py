"""The due-work morning (issue 12 §4): a morning of 5,000 notices goes out at Telegram's pace while students file.

The data (``bench.due_morning_data``) is a database at Wednesday 25 November 2026, 08:00 WIB, when about 5,000
notices fall due at once: complainants told their report is late, reminders to rate and auto-closes, escalations to
the reviewers and approvers, officers' and action owners' digests, LKs waiting. The real bot runs as its own process
(``python -m bot.cli run``, its notifier keeping Telegram's limits, its due-work engine beside it as the lease holder
runs it) against a fresh emulator keeping the same limits (30 messages/s for the bot, 1/s per chat), each run on its
own copy of the SQLite file:

1. idle: the bot's clock at 06:00 WIB that day (``CLOCK_START``), before any notice may go, and no pass after its
   first (``DUE_INTERVAL``): the students file a whole complaint at once (``bench.replies``' machinery), each step
   as soon as the previous one is answered;
2. morning: the bot's clock at 08:00 WIB; its first pass issues the morning's notices and the notifier sends them as
   bulk; as soon as the bot serves (its first ``getUpdates``; the pass starts as it takes the sender lease), the
   same students file the same way while the pass reads and issues and the messages go out.

Measured: the notices issued (read from ``due_notice`` afterwards, against what the data makes due), the messages
delivered, the pace of everything the bot sent from the morning's first delivery to its last (the students' answers
too: "at Telegram's pace" is the bot's own limit, which the notices fill behind the answers; target >= 95 % of the
bot's 30/s) and the rate of the morning's messages alone, 429 answers, messages lost and sent twice (or to a chat
that should get none), the time until all were delivered, how long the pass took to issue them (``due_notice``
counted every 0.25 s, read-only), and the students' answer p95 during the morning over the idle one (target <= 1.5).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.common import Figure, Size, migrate_sqlite
from bench.due_morning_data import MORNINGS, NOW, MorningData, batches, morning_data
from bench.export import settle
from bench.fanout import BOT_RATE, rate
from bench.monitor import load_sqlite
from bench.replies import Filing, file_complaints, filing_figures, until
from bench.students import FILING, add_students, child
from bot.emulator import BotApiEmulator

NAME = "due_morning"
SIZES = {"tiny": (2, 3), "full": (20, len(FILING))}  # students, filing steps
STUDENTS: int | None = None  # ``python -m bench --students N``: overrides the size's count
RATE_GOAL = 0.95 * BOT_RATE
IDLE_AT = NOW - timedelta(hours=2)  # 06:00 WIB: before the complainants' hours, the digests and office hours
POLL = 0.25


def prepare(path: Path, data: MorningData) -> None:
    """A migrated SQLite file at ``path`` holding the morning's rows."""
    migrate_sqlite(path)
    load_sqlite(path, batches(data))


def env_for(path: Path, clock_start: str, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{path}", "CLOCK_START": clock_start,
            "ARCHIVE_DIR": str(path.parent / f"{path.stem}-archive"), **extra}


def issued_by_kind(path: Path) -> Counter[str]:
    """The notices issued this morning (the history's were issued before ``NOW``), by kind; read-only."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = db.execute("SELECT kind, count(*) FROM due_notice WHERE issued_at >= ? GROUP BY kind",
                          (NOW.strftime("%Y-%m-%d %H:%M:%S"),)).fetchall()
    finally:
        db.close()
    return Counter({str(kind): int(count) for kind, count in rows})


@dataclass
class IssueWatch:
    """When the pass issued its notices: ``due_notice`` counted every ``POLL`` seconds (a reader beside SQLite's one
    writer, in WAL mode: it waits for nobody)."""

    path: Path
    counts: list[tuple[float, int]] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                count = sum((await asyncio.to_thread(issued_by_kind, self.path)).values())
            except sqlite3.Error:
                count = self.counts[-1][1] if self.counts else 0
            self.counts.append((time.monotonic(), count))
            await asyncio.sleep(POLL)

    def first(self) -> float | None:
        return next((t for t, n in self.counts if n > 0), None)

    def reached(self, total: int) -> float | None:
        return next((t for t, n in self.counts if n >= total), None)

    def at(self, moment: float) -> int:
        return max((n for t, n in self.counts if t <= moment), default=0)


@dataclass
class MorningRun:
    filing: Filing
    issued: Counter[str]
    delivered: int  # messages the morning's recipients got
    stamps: list[tuple[float, int]]  # when each arrived (monotonic), and to which chat
    outputs: list[float]  # when anything of the bot's arrived (a message, an edit; the students' answers too)
    launched: float  # the bot process was started (its first pass runs once it has migrated)
    served: float  # its first getUpdates
    filing_at: tuple[float, float]  # the students' first step and last answer
    lost: int
    doubled: int  # sent twice, or to a chat that should get none
    too_many: int  # 429 answers
    most_to_one_chat: int
    issue_s: tuple[float | None, float | None]  # the pass's first and last notice (monotonic)
    issued_while_filing: tuple[int, int]  # notices issued when the students started, and when they finished


async def idle_run(folder: Path, data: MorningData, students: int, steps: tuple[tuple[str, str], ...]) -> Filing:
    path = folder / "idle.db"
    env = env_for(path, IDLE_AT.isoformat(), DUE_INTERVAL="3600")
    async with BotApiEmulator() as emulator:
        async with child(emulator, ["-m", "bot.cli", "run"], env, folder / "bot-idle.log") as proc:
            await settle(proc.pid)  # its one pass at 06:00 (nothing may go yet) is done
            filing = await file_complaints(emulator, add_students(emulator, students), steps)
        sent = sum(1 for c in emulator.calls if c.method == "sendMessage" and c.status == 200)
    if sum(issued_by_kind(path).values()):
        raise RuntimeError(f"the idle run issued notices; see {folder / 'bot-idle.log'} ({sent} messages sent)")
    return filing


async def morning_run(folder: Path, data: MorningData, students: int, steps: tuple[tuple[str, str], ...]
                      ) -> MorningRun:
    path, total = folder / "morning.db", data.total_messages
    stamps: list[tuple[float, int]] = []  # (when, chat)
    outputs: list[float] = []
    watch, stop = IssueWatch(path), asyncio.Event()

    def arrived(chat_id: int) -> None:
        now = time.monotonic()
        outputs.append(now)
        if chat_id in data.messages:
            stamps.append((now, chat_id))

    async with BotApiEmulator() as emulator:
        for chat_id, name, language in data.users:
            emulator.add_user(chat_id, name, language_code=language)
        ids = add_students(emulator, students)
        remove = emulator.on_bot_output(arrived)
        poller = asyncio.create_task(watch.run(stop))
        launched = time.monotonic()
        try:
            async with child(emulator, ["-m", "bot.cli", "run"], env_for(path, NOW.isoformat()),
                             folder / "bot-morning.log"):
                served = first_step = time.monotonic()  # the bot serves: its first pass at 08:00 is starting
                filing = await file_complaints(emulator, ids, steps)
                filing_at = (first_step, time.monotonic())
                await until(lambda: len(stamps) >= total, 120.0 + total / 10)
                await emulator.wait_idle(timeout=30)
        finally:
            remove()
            stop.set()
            await poller
        got = Counter({chat: len(emulator.messages(chat)) for chat, _name, _lang in data.users})
        too_many = sum(1 for c in emulator.calls if c.status == 429)
    lost = sum(max(0, n - got[chat]) for chat, n in data.messages.items())
    doubled = sum(max(0, n - data.messages.get(chat, 0)) for chat, n in got.items())
    return MorningRun(filing, issued_by_kind(path), len(stamps), sorted(stamps), outputs, launched, served, filing_at,
                      lost, doubled, too_many, max(data.messages.values()),
                      (watch.first(), watch.reached(data.total_notices)),
                      (watch.at(filing_at[0]), watch.at(filing_at[1])))


async def run(size: Size) -> list[Figure]:
    students, step_count = SIZES[size]
    students, steps = STUDENTS or students, FILING[:step_count]
    data = morning_data(MORNINGS[size])
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-morning-") as tmp:
        folder = Path(tmp)
        print(f"  due_morning: {data.total_notices:,} notices, {data.total_messages:,} messages due; "
              "loading ...", file=sys.stderr)
        started = time.perf_counter()
        await asyncio.to_thread(prepare, folder / "morning.db", data)
        generation = time.perf_counter() - started
        shutil.copyfile(folder / "morning.db", folder / "idle.db")
        print(f"  due_morning: {students} students filing, idle (06:00 WIB) ...", file=sys.stderr)
        idle = await idle_run(folder, data, students, steps)
        print(f"  due_morning: {students} students filing during the morning (08:00 WIB) ...", file=sys.stderr)
        busy = await morning_run(folder, data, students, steps)
    return _figures(size, data, students, steps, idle, busy, generation)


def _s(value: float | None, since: float) -> str:
    return "—" if value is None else f"{value - since:.1f} s"


def _figures(size: Size, data: MorningData, students: int, steps: tuple[tuple[str, str], ...], idle: Filing,
             busy: MorningRun, generation: float) -> list[Figure]:
    total, stamps = data.total_messages, [t for t, _chat in busy.stamps]
    middle = stamps[len(stamps) // 10: len(stamps) * 9 // 10 + 1]
    overall = rate(stamps)
    issued = sum(busy.issued.values())
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    first_issued = busy.issue_s[0] or busy.launched
    all_done = stamps[-1] - first_issued if stamps else 0.0
    # the chats that get one message each (complainants, owners) against those that get many (reviewers: 1/s each)
    together = sum(1 for t in busy.outputs if stamps and stamps[0] <= t <= stamps[-1])
    bot_rate = (together - 1) / span if span > 0 else 0.0
    singles = max((t for t, chat in busy.stamps if data.messages[chat] == 1), default=None)
    busiest = max(data.messages, key=lambda chat: data.messages[chat])
    busiest_first = min((t for t, chat in busy.stamps if chat == busiest), default=None)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(busy.issued.items()))
    during = sum(1 for t in stamps if busy.filing_at[0] <= t <= busy.filing_at[1])
    left = total - sum(1 for t in stamps if t <= busy.filing_at[1])
    return [
        Figure(NAME, "notices issued", issued, "count", f"= {data.total_notices}", busy.issued == data.notices,
               f"{size}; by kind: {kinds}"),
        Figure(NAME, "messages delivered", busy.delivered, "count", f"= {total}", busy.delivered == total,
               f"to {len(data.messages):,} chats; the most to one chat: {busy.most_to_one_chat} (1/s per chat)"),
        Figure(NAME, "all of the bot's messages/s, first to last of the morning's", round(bot_rate, 2), "msg/s",
               f">= {RATE_GOAL:g}/s", bot_rate >= RATE_GOAL,
               f"{together} messages and edits (the students' answers too) from the morning's first delivery "
               "to its last: the pace Telegram sees, which the morning's notices fill behind the answers"),
        Figure(NAME, "the morning's messages/s, first to last delivery", round(overall, 2), "msg/s",
               note=f"{len(stamps)} messages in {span:.1f} s: less than the bot's pace by what the students' "
                    "answers took (replies go before bulk, issue 12 §0)"),
        Figure(NAME, "messages/s, steady middle (10–90%)", round(rate(middle), 2), "msg/s",
               note=f"the last message to a chat that gets one: {_s(singles, busy.launched)} from the bot's start; "
                    f"the first of the busiest chat's {busy.most_to_one_chat}: {_s(busiest_first, busy.launched)}"),
        Figure(NAME, "first notice issued → all delivered", round(all_done, 1), "s",
               note=f"from the bot process's start: serving (the students start) {_s(busy.served, busy.launched)}, "
                    f"the pass's first notice {_s(busy.issue_s[0], busy.launched)}, "
                    f"its last {_s(busy.issue_s[1], busy.launched)} (due_notice counted every {POLL:g} s), the first "
                    f"message delivered {_s(stamps[0] if stamps else None, busy.launched)}, the last "
                    f"{_s(stamps[-1] if stamps else None, busy.launched)}"),
        Figure(NAME, "429 answers", busy.too_many, "count", "0", busy.too_many == 0),
        Figure(NAME, "messages lost", busy.lost, "count", "0", busy.lost == 0),
        Figure(NAME, "messages sent twice or unasked", busy.doubled, "count", "0", busy.doubled == 0),
        *filing_figures(NAME, "the morning", steps, idle, busy.filing, students=students),
        Figure(NAME, "morning messages delivered while the students filed", during, "count",
               note=f"of {total}; notices issued when they started: {busy.issued_while_filing[0]}, when they "
                    f"finished: {busy.issued_while_filing[1]}"),
        Figure(NAME, "morning messages still queued when the last student finished", left, "count",
               note="> 0: the students filed during the morning"),
        Figure(NAME, "data generation (s)", round(generation, 1), "s",
               note=f"{size}: SQLite, {data.total_notices:,} notices due"),
    ]
