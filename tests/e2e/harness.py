"""Helpers of the end-to-end tests: simulated people, waiting until the bot settled, the bot as a process."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator, SentMessage
from bot.service import serve
from bot.settings import Settings

TOKEN = "123456789:TEST-token-for-the-local-emulator-only"
WEBHOOK_SECRET = "e2e-webhook-SECRET_not-for-production-0123"
ROOT = Path(__file__).resolve().parents[2]
PENDING_NOW = "SELECT count(*) FROM outbox WHERE status = 'pending' AND (key IS NULL OR not_before <= $1)"
"""Messages waiting to go out now; a scheduled one (with a key) waits on purpose until its time."""
STARTUP_WITHIN = 60.0  # seconds a bot may take to start taking updates (a liveness bound, not a speed target)


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Stack:
    """How the bot takes updates in a test: the engine (aiogram, ptb) and the mode (polling, webhook)."""

    engine: str = "aiogram"
    mode: str = "polling"
    port: int = field(default_factory=free_port, compare=False)  # the webhook server's, fixed across restarts

    def __str__(self) -> str:
        return f"{self.engine}-{self.mode}"

    def env(self) -> dict[str, str]:
        """The environment a ``tanggap`` process needs for this stack."""
        env = {"BOT_ENGINE": self.engine}
        if self.mode == "webhook":
            env.update(
                WEBHOOK_URL=f"http://127.0.0.1:{self.port}/telegram",
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                WEBHOOK_LISTEN="127.0.0.1",
                WEBHOOK_PORT=str(self.port),
            )
        return env

    @property
    def command(self) -> str:
        return "webhook" if self.mode == "webhook" else "run"

    def ready(self, emulator: BotApiEmulator) -> bool:
        """The bot takes updates: it long-polls, or its webhook is set (after its server listens)."""
        if self.mode == "webhook":
            return bool(emulator.webhook[0])
        return any(c.method.casefold() == "getupdates" for c in emulator.calls)


STACKS = [Stack(engine, mode) for mode in ("polling", "webhook") for engine in ("aiogram", "ptb")]


def bot_settings(emulator: BotApiEmulator, db_url: str, stack: Stack | None = None, **extra: str) -> Settings:
    env = {key.lower(): value for key, value in (stack or Stack()).env().items()}
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_url=emulator.base_url,
        database_url=db_url,
        poll_timeout=1,
        **{**env, **extra},
    )


async def start_bot(emulator: BotApiEmulator, db_url: str, stack: Stack, *, clock: AdjustableClock | None = None,
                    **extra: str) -> asyncio.Task[None]:
    """The bot in this process (``bot.service.serve``) on ``stack``, once it takes updates; ``clock``: one the test
    moves forward (the due-work engine then makes a pass at once). On the real clock the monthly recap is off unless
    asked for: a test must not get a PDF more on the first working days of a month (tests/e2e/test_recap.py moves
    the clock)."""
    if clock is None:
        extra.setdefault("monthly_recap", "false")
    task = asyncio.create_task(serve(bot_settings(emulator, db_url, stack, **extra), mode=stack.mode, clock=clock))
    # A start (migrations, the framework's import, getMe, the command menu) takes about a second alone, and
    # was seen taking over 15 s beside three other test workers on two cores: wait for it generously.
    await wait_until(lambda: stack.ready(emulator), task, timeout=STARTUP_WITHIN)
    return task


async def stop_bot(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def wait_until(
    condition: Callable[[], bool], task: asyncio.Task[None] | None = None, timeout: float = 15.0
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if task is not None and task.done():
            task.result()  # raises what stopped the bot
            raise AssertionError("the bot stopped")
        if loop.time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


def sqlite_outbox_pending(path: str) -> int:
    """Read-only and without a lock (SQLite WAL lets such a reader in beside the running bot at any time)."""
    if not Path(path).exists():
        return 0
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as conn:
        try:
            return int(conn.execute(PENDING_NOW.replace("$1", "?"), (datetime.now(UTC).replace(tzinfo=None),))
                       .fetchone()[0])
        except sqlite3.OperationalError:  # no schema yet
            return 0


async def outbox_pending(db_url: str) -> int:
    """Pending outbox rows, read beside the running bot."""
    if db_url.startswith("sqlite"):
        return sqlite_outbox_pending(db_url.split("///", 1)[1])
    conn = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        return int(await conn.fetchval(PENDING_NOW, datetime.now(UTC)))
    except asyncpg.UndefinedTableError:  # no schema yet
        return 0
    finally:
        await conn.close()


async def settle(emulator: BotApiEmulator, db_url: str | None, timeout: float = 30.0) -> None:
    """Until every update was confirmed and every queued reply was sent (the notifier paces chats at ~1/s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await emulator.wait_idle(timeout=timeout)
        if emulator.pending_updates() == 0 and (db_url is None or await outbox_pending(db_url) == 0):
            await emulator.wait_idle(timeout=timeout)
            return
        if loop.time() > deadline:
            raise AssertionError("the bot did not settle")
        await asyncio.sleep(0.05)


class Person:
    """A simulated Telegram user talking to the bot through the emulator."""

    db_url: str | None = None  # set by the ``db_url`` fixture: wait for the outbox too

    def __init__(self, emulator: BotApiEmulator, user_id: int, name: str, language: str | None = "id") -> None:
        self.emu, self.id = emulator, user_id
        emulator.add_user(user_id, name, language_code=language)

    @property
    def inbox(self) -> list[SentMessage]:
        return self.emu.messages(self.id)

    @property
    def last(self) -> SentMessage:
        return self.inbox[-1]

    async def _after(self, act: Callable[[], int]) -> list[SentMessage]:
        before = len(self.inbox)
        act()
        await self.emu.wait_for_message(self.id, after=before, timeout=15)
        await settle(self.emu, Person.db_url)
        return self.inbox[before:]

    async def say(self, text: str) -> list[SentMessage]:
        return await self._after(lambda: self.emu.send_text(self.id, text))

    async def press(self, label: str) -> list[SentMessage]:
        return await self._after(lambda: self.emu.press_button(self.id, label))

    async def photo(self, caption: str | None = None) -> list[SentMessage]:
        return await self._after(lambda: self.emu.send_photo(self.id, caption=caption))

    def buttons(self) -> list[str]:
        for message in reversed(self.inbox):
            if message.buttons:
                return [text for row in message.buttons for text, _data in row]
        return []


class BotProcess:
    """The bot as a real child process (``python -m bot.cli run``), so a test can SIGKILL it."""

    def __init__(self, emulator: BotApiEmulator, db_url: str, log: Path, stack: Stack | None = None) -> None:
        self.emulator = emulator
        self.stack = stack or Stack()
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_URL": db_url,
            "POLL_TIMEOUT": "1",
            "LOG_LEVEL": "WARNING",
            **self.stack.env(),
        }
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self._calls_at_start = 0

    def start(self) -> None:
        """Start the process; :meth:`started` waits until it takes updates."""
        self._calls_at_start = len(self.emulator.calls)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", self.stack.command],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def taking_updates(self) -> bool:
        """This start of the process takes updates: after its getMe (every start begins with one), it polls, or
        it set its webhook.

        ``Stack.ready`` cannot tell this after a restart: the killed process's webhook stays set, and its last
        long poll is answered (and logged by the emulator) after it died."""
        calls = [c.method.casefold() for c in self.emulator.calls[self._calls_at_start:]]
        if "getme" not in calls:
            return False
        wanted = "setwebhook" if self.stack.mode == "webhook" else "getupdates"
        return wanted in calls[calls.index("getme") + 1 :]

    async def started(self, timeout: float = STARTUP_WITHIN) -> None:
        """Until this start takes updates. A cold start (the framework's import, migrations, getMe, the command
        menu) took over 15 s on two loaded cores: this is a liveness bound, so that a test's own waits (a reply
        within seconds) measure the bot, not how long Python took to start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.taking_updates():
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}: {self.stop()}")
            if loop.time() > deadline:
                raise AssertionError(f"the bot did not start within {timeout}s: {self.stop()}")
            await asyncio.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> str:
        """Stop the process (SIGTERM, as systemd would) and return everything it printed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.log.read_text(errors="replace") if self.log.exists() else ""


async def count_tickets(db_url: str) -> int:
    from sqlalchemy import text

    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM ticket"))).scalar_one())
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def not_the_bot_api(page: Callable[[str], web.Response]) -> AsyncIterator[str]:
    """A server that answers every request with ``page(path)`` (an HTML page, a JSON without "ok" …), for a
    TELEGRAM_API_URL that is not the Bot API; yields its base URL."""

    async def respond(request: web.Request) -> web.Response:
        return page(request.path)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", respond)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
