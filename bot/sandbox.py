"""``tanggap sandbox``: the bot against the local Bot API emulator, with a chat in this terminal.

No token and no internet: the emulator plays Telegram, you play the users. Inline buttons are shown
numbered; type the number to press one. Sandbox commands (everything else goes to the bot):
  /as <id> [name]   switch to another user (9000 is an admin unless TANGGAP_ADMINS says otherwise)
  /group            look at the staff group (cards of new tickets; press their buttons by number)
  /private          back to your private chat with the bot
  /photo [caption]  send a photo            /pdf [caption]  send a PDF document
  /users            who is in the sandbox   /quit           leave
To play the staff: /as 9000, then /staff add 9000 officer (and reviewer, approver, monitor), /help.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from datetime import UTC, datetime

from bot.emulator import BotApiEmulator, SentMessage
from bot.service import serve
from bot.settings import Settings
from storage.database import make_engine, make_session_factory
from storage.uow import SqlUnitOfWork

SANDBOX_TOKEN = "1000001:SANDBOX-offline-token-not-secret-000"
DEFAULT_USER = 1001
SANDBOX_ADMIN = 9000
STAFF_GROUP = -1000000000001


class TerminalChat:
    """Shows what the bot sends to the current user and turns typed lines into user actions."""

    def __init__(self, emulator: BotApiEmulator, admins: frozenset[int], write: Callable[[str], None]) -> None:
        self.emulator, self.write = emulator, write
        self.user = DEFAULT_USER
        self.view = DEFAULT_USER  # the chat shown and whose buttons are pressed: private, or the staff group
        self.names: dict[int, str] = {}
        self.shown: dict[int, int] = {STAFF_GROUP: 0}
        self.edits: dict[tuple[int, int], int] = {}  # (chat, message) → edits seen, to show updated cards
        self.presses: list[int] = []  # update ids of button presses whose answer is still to be shown
        self.add(DEFAULT_USER, "Siti Rahma")
        for admin in sorted(admins):
            self.add(admin, f"Admin {admin}")
        emulator.add_group(STAFF_GROUP, "Staf BAPKM (sandbox)")

    def add(self, user_id: int, name: str, language: str = "id") -> None:
        if user_id not in self.names:
            self.emulator.add_user(user_id, name, language_code=language)
            self.names[user_id] = name
            self.shown[user_id] = 0

    def render(self, message: SentMessage) -> str:
        body = message.text or message.caption or f"[{message.kind}]"
        lines = [f"\n🤖 {body}"]
        number = 0
        for row in message.buttons:
            shown = []
            for text, _data in row:
                number += 1
                shown.append(f"[{number}] {text}")
            lines.append("   " + "   ".join(shown))
        return "\n".join(lines)

    def show_new(self) -> None:
        for update_id in list(self.presses):
            answer = self.emulator.callback(update_id)
            if answer.answered:
                self.presses.remove(update_id)
                if answer.answer_text:
                    self.write(f"\n💬 {answer.answer_text}")
        for message in self.emulator.messages(self.view)[: self.shown.get(self.view, 0)]:
            key = (self.view, message.message_id)
            if message.edits > self.edits.get(key, 0):
                self.edits[key] = message.edits
                if message.text and self.view == STAFF_GROUP:
                    self.write("\n✏️ (updated)" + self.render(message))
        for chat_id in (*self.names, STAFF_GROUP):
            messages = self.emulator.messages(chat_id)
            new = messages[self.shown[chat_id]:]
            if not new:
                continue
            self.shown[chat_id] = len(messages)
            if chat_id == self.view:
                for message in new:
                    self.write(self.render(message))
            elif chat_id == STAFF_GROUP:
                self.write(f"\n(👥 {len(new)} new in the staff group — /group)")
            else:
                self.write(f"\n(📨 {len(new)} new message(s) for {self.names[chat_id]} — /as {chat_id})")

    def handle(self, line: str) -> bool:
        """Act on one typed line; False to quit."""
        line = line.strip()
        head, _, rest = line.partition(" ")
        if head == "/quit":
            return False
        if head == "/as":
            self.switch(rest)
        elif head in ("/group", "/private"):
            self.view = STAFF_GROUP if head == "/group" else self.user
            self.write("  Now in the staff group." if head == "/group" else "  Back in your private chat.")
            self.replay()
        elif head == "/users":
            for uid, name in self.names.items():
                self.write(f"  {uid}: {name}{'  ← you' if uid == self.user else ''}")
        elif head == "/photo":
            self.emulator.send_photo(self.user, caption=rest or None)
        elif head == "/pdf":
            self.emulator.send_document(self.user, caption=rest or None)
        elif line.isdigit() and self.press(int(line)):
            pass
        else:
            self.emulator.send_text(self.user, line, chat_id=None if self.view == self.user else self.view)
        return True

    def press(self, number: int) -> bool:
        for message in reversed(self.emulator.messages(self.view)):
            flat = [data for row in message.buttons for _t, data in row if data is not None]
            if flat:
                if 1 <= number <= len(flat):
                    self.presses.append(self.emulator.press(
                        self.user, message.message_id, flat[number - 1],
                        chat_id=None if self.view == self.user else self.view))
                    return True
                return False
        return False

    def replay(self) -> None:
        """Show the last few messages of the chat now in view."""
        self.shown[self.view] = max(0, len(self.emulator.messages(self.view)) - 3)
        self.show_new()

    def switch(self, rest: str) -> None:
        who, _, name = rest.partition(" ")
        if not who.lstrip("-").isdigit():
            self.write("  usage: /as <telegram id> [name]   e.g. /as 1002 Budi")
            return
        user_id = int(who)
        self.add(user_id, name or f"User {user_id}")
        self.user = self.view = user_id
        self.write(f"  You are now {self.names[user_id]} ({user_id}).")
        self.replay()


async def sandbox(settings: Settings, *, start_user: int | None = None) -> None:
    emulator = BotApiEmulator()
    base = await emulator.start()
    url = settings.database_url
    if "database_url" not in settings.model_fields_set:
        url = "sqlite+aiosqlite:///./data/sandbox.db"
    box = settings.model_copy(update={
        "telegram_api_url": base, "database_url": url, "poll_timeout": 2,
        "tanggap_admins": settings.tanggap_admins or str(SANDBOX_ADMIN),
        "staff_chat_id": STAFF_GROUP,
    })
    box.telegram_bot_token = None
    chat = TerminalChat(emulator, box.admin_ids, lambda text: print(text, flush=True))
    if start_user is not None:
        chat.switch(str(start_user))
    bot = asyncio.create_task(serve(box, token=SANDBOX_TOKEN))
    engine = make_engine(url)
    outbox = SqlUnitOfWork(make_session_factory(engine))

    async def settled() -> None:
        """Until the bot confirmed every update and sent every reply (it paces each chat at about 1/s)."""
        for _attempt in range(200):
            await emulator.wait_idle(timeout=5)
            if emulator.pending_updates() == 0:
                try:
                    async with outbox as uow:
                        if await uow.outbox.pending_count(now=datetime.now(UTC)) == 0:
                            return
                except Exception:  # the bot is still creating the schema
                    pass
            await asyncio.sleep(0.1)

    print(__doc__.split("\n\n", 1)[1] if __doc__ else "", flush=True)
    print(f"Database: {url}\nEngine: {box.bot_engine}\nYou are {chat.names[chat.user]} ({chat.user}). Type /start.\n",
          flush=True)
    try:
        while True:
            chat.show_new()
            line = await _read_line(chat, emulator)
            if line is None or not chat.handle(line):
                break
            await settled()
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await bot
        await emulator.stop()
        await engine.dispose()


async def _read_line(chat: TerminalChat, emulator: BotApiEmulator) -> str | None:
    """Read a line while still printing messages that arrive meanwhile (status updates, other users)."""
    reader = asyncio.create_task(asyncio.to_thread(_input, f"{chat.names[chat.user]}> "))
    while not reader.done():
        await asyncio.wait({reader}, timeout=0.5)
        chat.show_new()
    return reader.result()


def _input(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None
    finally:
        sys.stdout.flush()
