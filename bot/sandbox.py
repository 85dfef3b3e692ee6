"""``tanggap sandbox``: the bot against the local Bot API emulator, with a chat in this terminal.

No token and no internet: the emulator plays Telegram, you play the users. Each bot message is shown with its
number (#12) and its buttons numbered: type a number to press that button on the newest message with buttons,
or /press <message> <button> for any earlier one. Sandbox commands (everything else goes to the bot):
  /as <id> [name]        become another user, with that first name (the bot sees it); 9000 is an admin unless
                         TANGGAP_ADMINS says otherwise
  /group                 look at the staff group (ticket cards; an edited card is shown again, marked)
  /private               back to your private chat with the bot
  /press <msg> <button>  press a button of any message on screen: /press 12 1, or by its text: /press 12 Ambil
  /photo [caption]       send a photo            /pdf [caption]  send a PDF document
  /users                 who is in the sandbox   /quit (or Ctrl-D) leave
  /clock [+3d]           the bot's time; +<n>m|h|d|w moves it forward (reminders, escalations, auto-close)
A chat you come back to shows everything that arrived while you were away; other chats get a one-line notice.
To play the staff: /as 9000, then /staff add 9001 petugas, 9002 pemeriksa, 9003 penyetuju, 9004 pemantau (one
person may not prepare, check and approve the same LK); /as 9001 Olivia, /start, /help.
Everything is kept in the database (./data/sandbox.db, or DATABASE_URL) and its files in an archive beside it, for
the next run. Files the bot sends you (an LK's PDF, the register, charts) are saved under <chat>/<name> in the folder
named below (SANDBOX_FILES_DIR chooses another); the chat shows each path. The bot's log file is named below too.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, make_url, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from bot.logs import LogFile
from bot.sandbox_chat import STAFF_GROUP, WIB, TerminalChat
from bot.sandbox_files import shown_path
from bot.service import serve
from bot.settings import Settings
from storage.database import make_engine, make_session_factory
from storage.models import DuePassRow, PersonRow, TicketRow
from storage.uow import SqlUnitOfWork

SANDBOX_TOKEN = "1000001:SANDBOX-offline-token-not-secret-000"
SANDBOX_ADMIN = 9000
SANDBOX_DATABASE = "sqlite+aiosqlite:///./data/sandbox.db"


async def sandbox(settings: Settings, *, start_user: int | None = None) -> None:
    """Run the emulator, the bot and the terminal chat until /quit or the end of input; the log goes to a file
    beside the database (the terminal is the chat: it shows only errors)."""
    url = settings.database_url if "database_url" in settings.model_fields_set else SANDBOX_DATABASE
    with LogFile(beside_database(url, "sandbox.log"), settings.log_level) as log_file:
        await _sandbox(settings, url, log_file.path, start_user)


async def _sandbox(settings: Settings, url: str, log: Path, start_user: int | None) -> None:
    engine = make_engine(url)
    # A new emulator every run: its update ids start at random, as Telegram's do after a quiet week, so the
    # bot does not skip them as processed in an earlier run; its message ids start after the stored cards'.
    emulator = BotApiEmulator(first_message_id=await first_free_message_id(engine))
    base = await emulator.start()
    box = settings.model_copy(update={
        "telegram_api_url": base, "database_url": url, "poll_timeout": 2,
        "archive_dir": settings.archive_dir if "archive_dir" in settings.model_fields_set else archive_beside(url),
        "tanggap_admins": settings.tanggap_admins or str(SANDBOX_ADMIN),
        "staff_chat_id": STAFF_GROUP,
    })  # fmt: skip
    box.telegram_bot_token = None
    left_at = await clock_left_at(engine)
    start = max((t for t in (settings.clock_start, left_at) if t is not None), default=None)
    clock = AdjustableClock(start)  # CLOCK_START for a demo on a chosen day; else where /clock left it
    files = settings.sandbox_files_dir or beside_database(url, "sandbox-files")
    chat = TerminalChat(emulator, box.admin_ids, lambda text: print(text, flush=True), clock, files,
                        known=await known_names(engine))
    if start_user is not None:
        chat.switch(str(start_user))
    bot = asyncio.create_task(serve(box, token=SANDBOX_TOKEN, clock=clock))
    outbox = SqlUnitOfWork(make_session_factory(engine))

    async def settled() -> None:
        """Until the bot confirmed every update and sent every reply (it paces each chat at about 1/s)."""
        for _attempt in range(200):
            if bot.done():
                return
            with contextlib.suppress(TimeoutError):  # still busy (or still starting): look again
                await emulator.wait_idle(timeout=5)
            if emulator.pending_updates() == 0:
                try:
                    async with outbox as uow:
                        if await uow.outbox.pending_count(now=clock()) == 0:
                            return
                except Exception:  # the bot is still creating the schema
                    pass
            await asyncio.sleep(0.1)

    print(__doc__.split("\n\n", 1)[1] if __doc__ else "", flush=True)
    print(f"Database: {url}\nEngine: {box.bot_engine}\nFiles the bot sends: {shown_path(files)}/<chat>/\n"
          f"Log: {shown_path(log)}\nYou are {chat.names[chat.user]} ({chat.user}). Type /start.\n",
          flush=True)  # fmt: skip
    if left_at is not None and start == left_at and clock.offset > timedelta(minutes=1):
        print(f"The bot's clock goes on from where /clock left it: {clock().astimezone(WIB):%A %d %B %Y, %H:%M} WIB.\n",
              flush=True)
    elif settings.clock_start is not None:
        print(f"The bot's clock starts at CLOCK_START: {clock().astimezone(WIB):%A %d %B %Y, %H:%M} WIB.\n",
              flush=True)

    async def engine_caught_up() -> None:
        """After ``/clock +…``: until the reminder engine made its pass at the new time (a few seconds; a minute at
        most on a loaded machine, after which the chat goes on and the pass's messages arrive when they come)."""
        moment = clock()
        for _attempt in range(600):
            with contextlib.suppress(Exception):
                async with outbox as uow:
                    last = await uow.due.last_pass()
                if last is not None and last.at >= moment:
                    return
            await asyncio.sleep(0.1)

    try:
        while not bot.done():
            chat.show_new()
            line = await _read_line(chat, bot)
            before = clock()
            if line is None or not chat.handle(line):
                break
            if clock() - before > timedelta(minutes=1):  # /clock +…, not refused: the engine looks at the new time
                await engine_caught_up()
            await settled()
        chat.show_new()
    finally:
        stopped_by_itself = bot.done()
        chat.stop_listening()
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await bot
        await emulator.stop()
        await engine.dispose()
    if stopped_by_itself and not bot.cancelled():
        bot.result()  # the bot's own error (a database it cannot reach, say), for the CLI to report


def archive_beside(database_url: str) -> Path:
    """The sandbox's archive: ``archive`` beside its SQLite file (``./data/archive`` for ``./data/sandbox.db``),
    so the two are kept, copied and deleted together; the default ``ARCHIVE_DIR`` for any other database."""
    return beside_database(database_url, "archive")


def beside_database(database_url: str, name: str) -> Path:
    """``name`` in the SQLite file's folder (``./data/<name>`` for ``./data/sandbox.db``); ``./data/<name>`` for any
    other database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent / name
    return Path("data") / name


async def known_names(engine: AsyncEngine) -> dict[int, str]:
    """The names people had when the sandbox last ran (``/as 9001 Olivia``), by Telegram id: ``/as 9001`` in a
    later run is Olivia again, not "User 9001" (which the bot would take as her new name)."""
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(PersonRow.telegram_id, PersonRow.name).where(PersonRow.telegram_id.is_not(None)).limit(10_000))
    except (DBAPIError, OSError):  # no database or no schema yet
        return {}
    return {telegram_id: name for telegram_id, name in rows if telegram_id is not None}


async def clock_left_at(engine: AsyncEngine) -> datetime | None:
    """Where an earlier run left the bot's clock (its reminder engine's last pass), when that is ahead of the real
    time: a clock moved with ``/clock`` goes on from there, so what was filed "later" never lies in the future."""
    try:
        async with engine.connect() as connection:
            last = await connection.scalar(select(DuePassRow.at))
    except (DBAPIError, OSError):  # no database or no schema yet
        return None
    return last if last is not None and last > datetime.now(UTC) else None


async def first_free_message_id(engine: AsyncEngine) -> int:
    """One past the highest message id the database remembers (ticket cards in the staff group).

    The emulator forgets its chats when the sandbox stops; starting every chat's ids after the stored ones
    keeps a new message from taking an old card's id, which the bot would then edit when that ticket moves.
    """
    try:
        async with engine.connect() as connection:
            highest = await connection.scalar(select(func.max(TicketRow.card_message_id)))
    except (DBAPIError, OSError):  # no database or no schema yet: the bot creates them
        return 1
    return int(highest or 0) + 1


async def _read_line(chat: TerminalChat, bot: asyncio.Task[None]) -> str | None:
    """Read a line while still printing messages that arrive meanwhile (status updates, other users)."""
    where = " in the staff group" if chat.view == STAFF_GROUP else ""
    reader = asyncio.create_task(asyncio.to_thread(_input, f"{chat.names[chat.user]}{where}> "))
    warned = False
    while not reader.done():
        await asyncio.wait({reader}, timeout=0.5)
        chat.show_new()
        if bot.done() and not warned:
            warned = True
            print("\n⚠️ The bot stopped. Press Enter to leave the sandbox and see why.", flush=True)
    return reader.result()


def _input(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    finally:
        sys.stdout.flush()
