"""What the benchmarks share: the emulator, a bot as a real child process, and simulated students.

A student acts as fast as the bot answers (like the e2e ``Person``): it queues an update, then waits until the
bot's reply has arrived at the emulator before its next step. Every step's latency is measured from the moment
the update was queued (from then on getUpdates hands it out) to the arrival at the emulator of the bot's first
message, edit or deletion in that chat (``BotApiEmulator.on_bot_output``).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import BotApiEmulator
from handlers.i18n import Translator

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456789:BENCH-token-for-the-local-emulator-only"
FIRST_STUDENT = 700_000_001
LIFTED = {"SEND_RATE": "100000", "SEND_RATE_CHAT": "100000", "SEND_BURST_CHAT": "100000"}
STEP_TIMEOUT = 60.0

_ = Translator().gettext("id")
# The whole filing dialog of a complaint, as a student types and presses it (Indonesian, the default).
# ("text", x): send x; ("press", label): press the button of the newest message with buttons.
FILING: tuple[tuple[str, str], ...] = (
    ("text", "/new"),
    ("press", _("Complaint")),
    ("press", "Penerbitan Transkrip Akademik"),
    ("text", "Transkrip saya belum terbit padahal sudah dua minggu."),
    ("press", _("No attachment")),
    ("press", _("Yesterday")),
    ("text", "01-10-2026"),
    ("press", "Portal akademik (myITS Academics)"),
    ("press", _("Yes")),
    ("text", "Petugas bilang harus menunggu."),
    ("press", _("Show my name")),
    ("press", _("✅ Send")),
)
OPEN_DIALOG = FILING[:3]  # /new, complaint, a service: a dialog left open (memory benchmark)


class Answers:
    """Times the bot's answers: per chat, the first output after a marked update, and wakes the waiting student."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.latencies: list[float] = []
        self._marked: dict[int, float] = {}
        self._events: dict[int, asyncio.Event] = {}
        self._remove = emulator.on_bot_output(self._output)

    def _output(self, chat_id: int) -> None:
        now = time.monotonic()
        queued = self._marked.pop(chat_id, None)
        if queued is not None:
            self.latencies.append(now - queued)
        event = self._events.get(chat_id)
        if event is not None:
            event.set()

    def close(self) -> None:
        self._remove()

    async def step(self, chat_id: int, act: Callable[[], int], *, timeout: float = STEP_TIMEOUT) -> None:
        """Queue the update ``act`` makes and wait until the bot sent a new message to the chat."""
        event = self._events.setdefault(chat_id, asyncio.Event())
        before = len(self.emulator.messages(chat_id))
        event.clear()
        self._marked[chat_id] = time.monotonic()
        act()
        async with asyncio.timeout(timeout):
            while len(self.emulator.messages(chat_id)) <= before:
                await event.wait()
                event.clear()


def add_students(emulator: BotApiEmulator, count: int, first: int = FIRST_STUDENT) -> list[int]:
    ids = list(range(first, first + count))
    for user_id in ids:
        emulator.add_user(user_id, f"Mahasiswa {user_id - first + 1}", language_code="id")
    return ids


async def shown(emulator: BotApiEmulator, chat_id: int, label: str, timeout: float = STEP_TIMEOUT) -> None:
    """Until the newest message with buttons in the chat has one labelled ``label``: a step's reply can be more than
    one message (a first ``/new`` gets the privacy notice, then the dialog's question), and a person presses what
    they see. The step's latency still ends at the first message."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        newest = next((m for m in reversed(emulator.messages(chat_id)) if not m.deleted and m.buttons), None)
        if newest is not None and any(label in text for row in newest.buttons for text, _data in row):
            return
        if loop.time() > deadline:
            raise TimeoutError(f"no button {label!r} in chat {chat_id}")
        await asyncio.sleep(0.005)


async def walk(answers: Answers, user_id: int, steps: Sequence[tuple[str, str]]) -> None:
    """One student through ``steps``, each waiting for the bot's reply."""
    emu = answers.emulator
    for kind, value in steps:
        if kind == "text":
            await answers.step(user_id, lambda v=value: emu.send_text(user_id, v))  # type: ignore[misc]
        else:
            await shown(emu, user_id, value)
            await answers.step(user_id, lambda v=value: emu.press_button(user_id, v))  # type: ignore[misc]


@dataclass
class Load:
    """What a load run came to."""

    students: int
    updates: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    failed: int = 0  # students who did not finish (a step timed out or went wrong)
    requests: int = 0  # Bot API calls the bot made during the run, getUpdates not counted
    cpu_seconds: float = 0.0  # CPU time of the bot process (all its threads) during the run; 0 if not measured

    @property
    def requests_per_update(self) -> float:
        return self.requests / self.updates if self.updates else 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.updates if self.updates else 0.0

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else 0.0


async def run_students(emulator: BotApiEmulator, ids: Sequence[int], steps: Sequence[tuple[str, str]],
                       pid: int | None = None) -> Load:
    """All students at once, each as fast as the bot answers; updates/s over the whole run (and the CPU time the
    bot process ``pid`` spent meanwhile)."""
    answers = Answers(emulator)
    calls_before = len(emulator.calls)
    cpu_before = cpu_seconds(pid) if pid else 0.0
    started = time.monotonic()
    try:
        results = await asyncio.gather(*(walk(answers, user_id, steps) for user_id in ids), return_exceptions=True)
    finally:
        answers.close()
    seconds = time.monotonic() - started
    cpu = cpu_seconds(pid) - cpu_before if pid else 0.0
    failed = [r for r in results if isinstance(r, BaseException)]
    for error in failed[:3]:
        print(f"  a student failed: {type(error).__name__}: {error}", file=sys.stderr)
    updates = len(answers.latencies)
    requests = sum(1 for c in emulator.calls[calls_before:] if c.method.casefold() != "getupdates")
    return Load(len(ids), updates, seconds, answers.latencies, len(failed), requests, cpu)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS) in MB (10**6 bytes)."""
    return proc_status_mb(pid, "VmRSS")


def proc_status_mb(pid: int, field: str) -> float:
    """A size from /proc/<pid>/status (given there in KiB) in MB (10**6 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} for process {pid}")


async def wait_polling(emulator: BotApiEmulator, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Until the child process sent its first getUpdates (it has migrated and is serving)."""
    deadline = time.monotonic() + timeout
    while not any(c.method == "getUpdates" for c in emulator.calls):
        if proc.poll() is not None:
            raise RuntimeError(f"the bot process exited with {proc.returncode}")
        if time.monotonic() > deadline:
            raise TimeoutError("the bot process did not start polling")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def child(emulator: BotApiEmulator, argv: list[str], env: dict[str, str], log: Path) -> AsyncIterator[
        subprocess.Popen[bytes]]:
    """A process started with ``argv`` (cwd: the repository), polling the emulator; stopped with SIGTERM."""
    full_env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emulator.base_url,
                "POLL_TIMEOUT": "1", "LOG_LEVEL": "WARNING", **env}
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=full_env, stdout=out,  # noqa: ASYNC220
                                stderr=subprocess.STDOUT)
    try:
        await wait_polling(emulator, proc)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                await asyncio.to_thread(proc.wait, 15)
            except subprocess.TimeoutExpired:
                proc.kill()
                await asyncio.to_thread(proc.wait, 15)


@asynccontextmanager
async def tanggap(emulator: BotApiEmulator, workdir: Path, *, lifted: bool, engine: str = "aiogram"
                  ) -> AsyncIterator[subprocess.Popen[bytes]]:
    """The real bot (``python -m bot.cli run``) on a fresh SQLite file; ``lifted``: no flood limits."""
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'tanggap.db'}", "BOT_ENGINE": engine,
           "METOO_DAYS": "0",  # FILING answers no "me too" offer: the students all write the same complaint
           **(LIFTED if lifted else {})}
    async with child(emulator, ["-m", "bot.cli", "run"], env, workdir / "bot.log") as proc:
        yield proc


@asynccontextmanager
async def emulator_and_dir() -> AsyncIterator[tuple[BotApiEmulator, Path]]:
    """An emulator without its own flood limits (the bots keep theirs) and a scratch directory."""
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-") as tmp:
        async with BotApiEmulator(rate_limits=False) as emulator:
            yield emulator, Path(tmp)
