"""``tanggap sandbox``: the bot against the local Bot API emulator, with a chat in this terminal.

No token and no internet: the emulator plays Telegram, you play the users. Inline buttons are shown
numbered; type the number to press one. Sandbox commands (everything else goes to the bot):
  /as <id> [name]   switch to another user (admins from TANGGAP_ADMINS work here too)
  /photo [caption]  send a photo            /pdf [caption]  send a PDF document
  /users            who is in the sandbox   /quit           leave
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import Callable
from html import unescape

from bot.emulator import BotApiEmulator, SentMessage
from bot.service import serve
from bot.settings import Settings

SANDBOX_TOKEN = "1000001:SANDBOX-offline-token-not-secret-000"
DEFAULT_USER = 1001
BOLD = re.compile(r"</?b>|</?strong>")


class TerminalChat:
    """Shows what the bot sends to the current user and turns typed lines into user actions."""

    def __init__(self, emulator: BotApiEmulator, admins: frozenset[int], write: Callable[[str], None]) -> None:
        self.emulator, self.write = emulator, write
        self.user = DEFAULT_USER
        self.names: dict[int, str] = {}
        self.shown: dict[int, int] = {}
        self.add(DEFAULT_USER, "Siti Rahma")
        for admin in sorted(admins):
            self.add(admin, f"Admin {admin}")

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
        for user_id in self.names:
            messages = self.emulator.messages(user_id)
            new = messages[self.shown[user_id]:]
            if not new:
                continue
            self.shown[user_id] = len(messages)
            if user_id == self.user:
                for message in new:
                    self.write(self.render(message))
            else:
                self.write(f"\n(📨 {len(new)} new message(s) for {self.names[user_id]} — /as {user_id})")

    def handle(self, line: str) -> bool:
        """Act on one typed line; False to quit."""
        line = line.strip()
        head, _, rest = line.partition(" ")
        if head == "/quit":
            return False
        if head == "/as":
            self.switch(rest)
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
            self.emulator.send_text(self.user, line)
        return True

    def press(self, number: int) -> bool:
        for message in reversed(self.emulator.messages(self.user)):
            flat = [data for row in message.buttons for _t, data in row if data is not None]
            if flat:
                if 1 <= number <= len(flat):
                    self.emulator.press(self.user, message.message_id, flat[number - 1])
                    return True
                return False
        return False

    def switch(self, rest: str) -> None:
        who, _, name = rest.partition(" ")
        if not who.lstrip("-").isdigit():
            self.write("  usage: /as <telegram id> [name]   e.g. /as 1002 Budi")
            return
        user_id = int(who)
        self.add(user_id, name or f"User {user_id}")
        self.user = user_id
        self.write(f"  You are now {self.names[user_id]} ({user_id}).")
        self.shown[user_id] = max(0, self.shown[user_id] - 3)
        self.show_new()


def plain(html_text: str) -> str:
    return unescape(BOLD.sub("", html_text))


async def sandbox(settings: Settings, *, start_user: int | None = None) -> None:
    emulator = BotApiEmulator()
    base = await emulator.start()
    url = settings.database_url
    if "database_url" not in settings.model_fields_set:
        url = "sqlite+aiosqlite:///./data/sandbox.db"
    box = settings.model_copy(update={"telegram_api_url": base, "database_url": url, "poll_timeout": 2})
    box.telegram_bot_token = None
    chat = TerminalChat(emulator, settings.admin_ids, lambda text: print(text, flush=True))
    if start_user is not None:
        chat.switch(str(start_user))
    bot = asyncio.create_task(serve(box, token=SANDBOX_TOKEN))
    print(__doc__.split("\n\n", 1)[1] if __doc__ else "", flush=True)
    print(f"Database: {url}\nYou are {chat.names[chat.user]} ({chat.user}). Type /start.\n", flush=True)
    try:
        while True:
            chat.show_new()
            line = await _read_line(chat, emulator)
            if line is None or not chat.handle(line):
                break
            await emulator.wait_idle(timeout=5)
            await asyncio.sleep(0.2)
    finally:
        bot.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await bot
        await emulator.stop()


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
