"""Replies before bulk (issue 12 §0): students filing while a fan-out of 2,000 notices is being sent, against idle.

Two runs, each with a fresh emulator keeping Telegram's limits (30 messages/s for the bot, 1/s per chat), a fresh
SQLite file holding one LK linked to the tickets of 1,000 complainants (``bench.fanout``), and the real bot as its
own process (``python -m bot.cli run``, its notifier keeping the same limits):

1. idle: 20 students file a whole complaint at once (the 12 steps of ``bench.students.FILING``), each stepping as
   soon as the bot has answered the previous step;
2. fan-out: the monitor closes the LK through the bot (``/lk``, ✔ Effective, the response), which queues a notice
   and a rating request for every complainant (2,000 messages) in one transaction; as soon as the first of them
   reach the emulator, the same 20 students file the same way while the fan-out goes on.

A step's latency runs from its update being queued at the emulator to the arrival there of the answer the student
waits for: the bot's next new message in their chat (not the removal of the used keyboard that comes before it).
The figure the issue sets a target for is the p95 during the fan-out over the idle p95 (≤ 1.5). Then the fan-out
is followed to its end: how long it took, and no notice lost or sent twice.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Figure, Size, percentile
from bench.fanout import FIRST_COMPLAINANT, MONITOR, RESPONSE, lk_awaiting_verification, lost_and_doubled
from bench.students import FILING, Answers, add_students, shown, tanggap
from bot.emulator import BotApiEmulator
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import LkRecord
from storage.uow import SqlUnitOfWork

NAME = "replies"
SIZES = {"tiny": (2, 30, 3), "full": (20, 1_000, len(FILING))}  # students, LK's complainants, filing steps
RATIO_TARGET = 1.5
STUDENTS: int | None = None  # ``python -m bench --students N``: overrides the size's count
STEP_TIMEOUT = 120.0


@dataclass
class Filing:
    """What the students' filing came to: each step's latency (s) and the students who did not finish."""

    latencies: list[float] = field(default_factory=list)
    failed: int = 0

    def p(self, pct: float) -> float:
        return percentile([x * 1000 for x in self.latencies], pct)


class FanOutWatch:
    """Counts the messages the emulator takes for the LK's complainants, and when the first came."""

    def __init__(self, emulator: BotApiEmulator, recipients: int) -> None:
        self.recipients = range(FIRST_COMPLAINANT, FIRST_COMPLAINANT + recipients)
        self.taken = 0
        self.first_at: float | None = None
        self.remove = emulator.on_bot_output(self._output)

    def _output(self, chat_id: int) -> None:
        if chat_id in self.recipients:
            self.taken += 1
            if self.first_at is None:
                self.first_at = time.monotonic()


async def walk(answers: Answers, user_id: int, steps: Sequence[tuple[str, str]], out: list[float]) -> None:
    """One student through ``steps``; each step's time until the bot's next new message in their chat."""
    emu = answers.emulator
    for kind, value in steps:
        if kind == "text":
            act: Callable[[], int] = lambda v=value: emu.send_text(user_id, v)  # type: ignore[misc]  # noqa: E731
        else:
            await shown(emu, user_id, value)
            act = lambda v=value: emu.press_button(user_id, v)  # type: ignore[misc]  # noqa: E731
        started = time.monotonic()
        await answers.step(user_id, act, timeout=STEP_TIMEOUT)
        out.append(time.monotonic() - started)


async def file_complaints(emulator: BotApiEmulator, students: Sequence[int], steps: Sequence[tuple[str, str]]
                          ) -> Filing:
    filing = Filing()
    answers = Answers(emulator)
    try:
        results = await asyncio.gather(*(walk(answers, s, steps, filing.latencies) for s in students),
                                       return_exceptions=True)
    finally:
        answers.close()
    failed = [r for r in results if isinstance(r, BaseException)]
    for error in failed[:3]:
        print(f"  a student failed: {type(error).__name__}: {error}", file=sys.stderr)
    filing.failed = len(failed)
    return filing


def filing_figures(name: str, during: str, steps: Sequence[tuple[str, str]], idle: Filing, busy: Filing, *,
                   students: int) -> list[Figure]:
    """The students' figures of a benchmark that has them file idle, then ``during`` something (its name in the
    metric: "fan-out", "the morning"): steps answered, p50 and p95 both ways, and the p95 ratio with its target."""
    answered = students * len(steps)
    ratio = busy.p(95) / idle.p(95) if idle.p(95) else 0.0
    return [
        Figure(name, "students filing (concurrent)", students, "",
               note=f"each files a complaint: {len(steps)} updates; Telegram's limits on bot and emulator"),
        Figure(name, "idle: steps answered", len(idle.latencies), "", f"= {answered}",
               len(idle.latencies) == answered and idle.failed == 0, f"{idle.failed} students failed"),
        Figure(name, "idle: answer p50", round(idle.p(50), 1), "ms"),
        Figure(name, "idle: answer p95", round(idle.p(95), 1), "ms"),
        Figure(name, f"during {during}: steps answered", len(busy.latencies), "", f"= {answered}",
               len(busy.latencies) == answered and busy.failed == 0, f"{busy.failed} students failed"),
        Figure(name, f"during {during}: answer p50", round(busy.p(50), 1), "ms"),
        Figure(name, f"during {during}: answer p95", round(busy.p(95), 1), "ms"),
        Figure(name, f"answer p95, during {during} / idle", round(ratio, 3), "", f"<= {RATIO_TARGET:g}",
               ratio <= RATIO_TARGET),
    ]


async def prepared(workdir: Path, emulator: BotApiEmulator, recipients: int) -> LkRecord:
    """The bot's database (migrated) with one LK awaiting verification, its complainants known to the emulator."""
    engine = make_engine(f"sqlite+aiosqlite:///{workdir / 'tanggap.db'}")
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        return await lk_awaiting_verification(lambda: SqlUnitOfWork(sessions), emulator, recipients)
    finally:
        await engine.dispose()


async def close_through_the_bot(emulator: BotApiEmulator, lk: LkRecord) -> float:
    """The monitor opens the LK, presses ✔ Effective and writes the response; returns the moment it was sent."""
    effective = f"lk:eff:{lk.id}"
    emulator.send_text(MONITOR, f"/lk {lk.number}")
    shown = await emulator.wait_for_message(MONITOR, predicate=lambda m: any(
        data == effective for row in m.buttons for _label, data in row), timeout=STEP_TIMEOUT)
    before = len(emulator.messages(MONITOR))
    emulator.press(MONITOR, shown.message_id, effective)
    await emulator.wait_for_message(MONITOR, after=before, timeout=STEP_TIMEOUT)  # "write the response"
    sent = time.monotonic()
    emulator.send_text(MONITOR, RESPONSE)
    return sent


async def until(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


@dataclass
class FanOutRun:
    filing: Filing
    close_ms: float  # the response sent → the first notice at the emulator (the closing update's transaction)
    during: int  # fan-out messages taken while the students filed
    left: int  # fan-out messages not yet taken when the last student had finished
    total_s: float  # the first notice → the last
    lost: int
    doubled: int
    too_many: int  # 429 answers


async def idle_run(students: int, recipients: int, steps: Sequence[tuple[str, str]]) -> Filing:
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-replies-") as tmp:
        async with BotApiEmulator() as emulator:
            await prepared(Path(tmp), emulator, recipients)
            async with tanggap(emulator, Path(tmp), lifted=False):
                return await file_complaints(emulator, add_students(emulator, students), steps)


async def fan_out_run(students: int, recipients: int, steps: Sequence[tuple[str, str]]) -> FanOutRun:
    expected = Counter({FIRST_COMPLAINANT + n: 2 for n in range(recipients)})  # the notice and the rating request
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-replies-") as tmp:
        async with BotApiEmulator() as emulator:
            lk = await prepared(Path(tmp), emulator, recipients)
            ids = add_students(emulator, students)
            watch = FanOutWatch(emulator, recipients)
            try:
                async with tanggap(emulator, Path(tmp), lifted=False):
                    sent = await close_through_the_bot(emulator, lk)
                    if not await until(lambda: watch.taken >= min(30, recipients), STEP_TIMEOUT):
                        raise RuntimeError("the fan-out did not start")
                    started = watch.taken
                    filing = await file_complaints(emulator, ids, steps)
                    during, left = watch.taken - started, sum(expected.values()) - watch.taken
                    await until(lambda: watch.taken >= sum(expected.values()), 30 + sum(expected.values()) / 10)
                    await emulator.wait_idle(timeout=30)
                    total = time.monotonic() - (watch.first_at or sent)
            finally:
                watch.remove()
            lost, doubled = lost_and_doubled(expected, emulator)
            too_many = sum(1 for c in emulator.calls if c.status == 429)
    close_ms = ((watch.first_at or sent) - sent) * 1000
    return FanOutRun(filing, close_ms, during, left, total, lost, doubled, too_many)


async def run(size: Size) -> list[Figure]:
    students, recipients, step_count = SIZES[size]
    students = STUDENTS or students
    steps = FILING[:step_count]
    print(f"  replies: {students} students filing, idle ...", file=sys.stderr)
    idle = await idle_run(students, recipients, steps)
    print(f"  replies: {students} students filing during a fan-out to {recipients} complainants ...", file=sys.stderr)
    busy = await fan_out_run(students, recipients, steps)
    notices = 2 * recipients
    return [
        *filing_figures(NAME, "fan-out", steps, idle, busy.filing, students=students),
        Figure(NAME, "fan-out messages sent while the students filed", busy.during, "count",
               note=f"of {notices}; bulk fills what the replies leave of 30/s"),
        Figure(NAME, "fan-out messages still queued when the last student finished", busy.left, "count",
               note="> 0: the students filed during the fan-out"),
        Figure(NAME, "close LK: response sent → first notice", round(busy.close_ms, 1), "ms",
               note="the closing update's transaction; the students start after it"),
        Figure(NAME, "fan-out: first notice → last", round(busy.total_s, 1), "s", note=f"{notices} notices"),
        Figure(NAME, "fan-out: notices lost", busy.lost, "count", "0", busy.lost == 0),
        Figure(NAME, "fan-out: notices sent twice", busy.doubled, "count", "0", busy.doubled == 0),
        Figure(NAME, "429 answers (fan-out run)", busy.too_many, "count", "0", busy.too_many == 0),
    ]
