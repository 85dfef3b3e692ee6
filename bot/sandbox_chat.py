"""The sandbox's chat in the terminal: what the bot sent, chat by chat, and typed lines turned into user actions.

Every bot message is shown with its message id (``#12``) and its buttons numbered, so any earlier message's
buttons can be pressed (``/press 12 1``), as in Telegram. The chat in view shows everything that arrived in it
while you were elsewhere, then new messages as they come; every other chat gets a one-line notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator, EmulatorError, SentMessage
from bot.sandbox_files import readable_name, save, shown_path

DEFAULT_USER = 1001
STAFF_GROUP = -1000000000001
PRESS_USAGE = "usage: /press <message> <button>   e.g. /press 12 1, or /press 12 Ambil (a button's number or text)"

CLOCK_STEP = re.compile(r"^\+(?P<n>\d{1,4})\s*(?P<unit>[mhdw])$")
WIB = ZoneInfo("Asia/Jakarta")


class Look(NamedTuple):
    """A message as the terminal rendered it: what makes a later edit worth showing again."""

    body: str
    buttons: list[list[tuple[str, str | None]]]
    deleted: bool

    @classmethod
    def of(cls, message: SentMessage) -> Look:
        return cls(message.body, message.buttons, message.deleted)

    def differs_visibly(self, now: Look) -> bool:
        """Changed in a way worth showing again: buttons merely taken away (after a press) are not."""
        if now == self:
            return False
        return not (now.body == self.body and now.deleted == self.deleted and not now.buttons)


@dataclass
class ChatLog:
    """How far the person at the terminal has read one chat (the bot's messages are only ever appended)."""

    shown: int = 0  # messages rendered, counted from the chat's first
    announced: int = 0  # messages counted in a "new in …" notice while the chat was not in view
    looks: dict[int, Look] = field(default_factory=dict)  # message id → as last rendered
    announced_looks: dict[int, Look] = field(default_factory=dict)  # message id → as last announced as updated
    had_buttons: set[int] = field(default_factory=set)  # message ids shown with buttons (since taken away?)

    def updated(self, messages: list[SentMessage]) -> list[SentMessage]:
        """Messages already shown that the bot changed visibly since (an edited ticket card, say)."""
        return [m for m in messages[: self.shown] if self.looks[m.message_id].differs_visibly(Look.of(m))]


MAX_CLOCK_STEP = timedelta(days=92)
"""The longest ``/clock`` jump: a quarter (a whole ladder of reminders and an auto-close fit in it many times)."""


class TerminalChat:
    """Shows what the bot sends and turns typed lines into user actions in the emulator.

    ``user`` is who you are; ``view`` is the chat on screen, whose buttons you press: your private chat with
    the bot, or the staff group. With ``files``, every document and photo the bot sends is saved there as it
    arrives (``files/<chat>/<its name>``, see ``bot.sandbox_files``) and shown with its path.
    """

    def __init__(self, emulator: BotApiEmulator, admins: frozenset[int], write: Callable[[str], None],
                 clock: AdjustableClock | None = None, files: Path | None = None,
                 known: dict[int, str] | None = None) -> None:
        self.emulator, self.write, self.clock, self.files = emulator, write, clock, files
        self.known = known or {}  # Telegram id → the name the bot knows them by (from an earlier run)
        self.saved: dict[tuple[int, int], Path] = {}  # (chat, message) → where its file was saved
        self.user = self.view = DEFAULT_USER
        self.names: dict[int, str] = {}
        self.logs: dict[int, ChatLog] = {STAFF_GROUP: ChatLog()}
        self.first_bodies: dict[tuple[int, int], str] = {}  # (chat, message) → text when sent, to mark edits
        self.presses: list[int] = []  # update ids of button presses whose answer is still to be shown
        self.stop_listening = emulator.on_bot_output(self._keep_first_bodies)
        self.add(DEFAULT_USER, self.known.get(DEFAULT_USER, "Siti Rahma"))
        for admin in sorted(admins):
            self.add(admin, self.known.get(admin, f"Admin {admin}"))
        emulator.add_group(STAFF_GROUP, "Staf BAPKM (sandbox)")

    def add(self, user_id: int, name: str, language: str = "id") -> None:
        """Someone in the sandbox; someone already there takes ``name`` as their new first name (as when a person
        renames themselves in Telegram, the bot sees it in their next message)."""
        if user_id not in self.names:
            self.logs[user_id] = ChatLog()
        elif self.names[user_id] == name:
            return
        self.emulator.add_user(user_id, name, language_code=language)
        self.names[user_id] = name

    def _keep_first_bodies(self, chat_id: int) -> None:
        """Called as the bot sends or edits: remember each new message's text as sent (new ones come last), and
        save the file of each new document or photo."""
        for message in reversed(self.emulator.messages(chat_id)):
            key = (chat_id, message.message_id)
            if key in self.first_bodies:
                break
            self.first_bodies[key] = message.body
            if self.files is not None and message.kind != "text":
                self._save_file(message)

    def _save_file(self, message: SentMessage) -> None:
        assert self.files is not None
        try:
            stored = self.emulator.file(message.file_id or "")
        except EmulatorError:
            return
        if not stored.data:  # sent by URL: nothing reached the sandbox
            return
        name = readable_name(stored.file_name, message.kind, stored.mime_type, message.message_id, stored.data)
        chat = "staff-group" if message.chat_id == STAFF_GROUP else str(message.chat_id)
        try:
            self.saved[message.chat_id, message.message_id] = save(self.files / chat, name, stored.data)
        except OSError as exc:  # a full disk or a read-only folder: the chat goes on, the file is in the archive
            self.write(f"\n⚠️ Could not save {name} under {self.files}: {exc}")

    # showing

    def render(self, message: SentMessage, *, again: bool = False) -> str:
        """A message as the terminal shows it: ``#id``, a mark when edited, then its buttons numbered."""
        number = f"#{message.message_id}"
        if message.deleted:
            return f"\n🗑 {number} (the bot deleted this message)"
        if message.body != self.first_bodies.get((message.chat_id, message.message_id), message.body):
            number += " ✏️ (edited)"
        elif again:
            number += " ✏️ (updated)"
        body = message.body if message.kind == "text" else f"{self._file_line(message)}\n   {message.body}".rstrip()
        lines = [f"\n🤖 {number}  {body}"]
        saved = self.saved.get((message.chat_id, message.message_id))
        if saved is not None:
            lines.append(f"   💾 saved as {shown_path(saved)}")
        for row in _numbered(message):
            shown = (f"[{n}] {text}" + ("" if data is not None else " (link)") for n, text, data in row)
            lines.append("   " + "   ".join(shown))
        return "\n".join(lines)

    def _file_line(self, message: SentMessage) -> str:
        """A photo or document as a line: "📄 LK-2026-001.pdf (34 kB)", "🖼 photo (120 kB)"."""
        try:
            stored = self.emulator.file(message.file_id or "")
        except EmulatorError:
            return f"[{message.kind}]"
        if message.kind == "photo":
            return f"🖼 photo ({file_size(len(stored.data))})"
        return f"📄 {stored.file_name or 'document'} ({file_size(len(stored.data))})"

    def show_new(self) -> None:
        """Answers to presses, then what is new in the chat in view, and a notice for each other chat."""
        for update_id in list(self.presses):
            answer = self.emulator.callback(update_id)
            if answer.answered:
                self.presses.remove(update_id)
                if answer.answer_text:
                    self.write(f"\n💬 {answer.answer_text}")
        for chat_id in (*self.names, STAFF_GROUP):
            if chat_id == self.view:
                self._show(chat_id)
            else:
                self._announce(chat_id)

    def _show(self, chat_id: int) -> None:
        log, messages = self.logs[chat_id], self.emulator.messages(chat_id)
        for index, message in enumerate(messages):
            look = Look.of(message)
            if index >= log.shown or log.looks[message.message_id].differs_visibly(look):
                self.write(self.render(message, again=index < log.shown))
                if message.buttons:
                    log.had_buttons.add(message.message_id)
            log.looks[message.message_id] = look
        log.shown = log.announced = len(messages)

    def _announce(self, chat_id: int) -> None:
        log, messages = self.logs[chat_id], self.emulator.messages(chat_id)
        new = len(messages) - max(log.shown, log.announced)
        updated = [m for m in log.updated(messages) if log.announced_looks.get(m.message_id) != Look.of(m)]
        if new <= 0 and not updated:
            return
        log.announced = len(messages)
        log.announced_looks.update((m.message_id, Look.of(m)) for m in updated)
        counts = ", ".join(f"{count} {what}" for count, what in ((new, "new"), (len(updated), "updated")) if count > 0)
        if chat_id == STAFF_GROUP:
            self.write(f"\n(👥 staff group: {counts} — /group)")
        elif chat_id == self.user:
            self.write(f"\n(📨 your private chat: {counts} — /private)")
        else:
            self.write(f"\n(📨 {self.names[chat_id]}: {counts} — /as {chat_id})")

    def catch_up(self) -> None:
        """Show everything in the chat now in view that arrived or changed since you last looked."""
        log, messages = self.logs[self.view], self.emulator.messages(self.view)
        if len(messages) == log.shown and not log.updated(messages):
            self.write("  (nothing new here)")
        self.show_new()

    # typed lines

    def handle(self, line: str) -> bool:
        """Act on one typed line; False to quit."""
        line = line.strip()
        head, _, rest = line.partition(" ")
        rest = rest.strip()
        if not line:
            pass  # Telegram sends no empty message
        elif head == "/quit":
            return False
        elif head == "/as":
            self.switch(rest)
        elif head in ("/group", "/private"):
            self.view = STAFF_GROUP if head == "/group" else self.user
            self.write("  Now in the staff group." if head == "/group" else "  Back in your private chat.")
            self.catch_up()
        elif head == "/users":
            for uid, name in self.names.items():
                self.write(f"  {uid}: {name}{'  ← you' if uid == self.user else ''}")
        elif head == "/photo":
            self.emulator.send_photo(self.user, caption=rest or None, chat_id=self._chat_arg())
        elif head == "/pdf":
            self.emulator.send_document(self.user, caption=rest or None, chat_id=self._chat_arg())
        elif head == "/press":
            self.press_command(rest)
        elif head == "/clock":
            self.move_clock(rest)
        elif not (line.isdigit() and self.press_latest(int(line))):
            self.emulator.send_text(self.user, line, chat_id=self._chat_arg())
        return True

    def move_clock(self, rest: str) -> None:
        """``/clock`` shows the bot's time; ``/clock +3d`` (``+4h``, ``+30m``, ``+1w``) moves it forward, and the
        reminders engine looks at once at what is due then."""
        if self.clock is None:
            self.write("  This sandbox has no clock to move.")
            return
        if rest:
            match = CLOCK_STEP.match(rest)
            if match is None:
                self.write("  usage: /clock [+<n>m|h|d|w]   e.g. /clock +3d (the clock only moves forward)")
                return
            unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match["unit"]]
            step = timedelta(**{unit: int(match["n"])})
            if step > MAX_CLOCK_STEP:
                # The clock never goes back: a slip of the finger (+2000w) would leave this database decades ahead
                # (and past the holiday calendar's years) for good.
                self.write(f"  At most {MAX_CLOCK_STEP.days} days at a time (the clock never goes back); "
                           "e.g. /clock +2w, /clock +30d.")
                return
            self.clock.advance(step)
        self.write(f"  The bot's clock: {self.clock().astimezone(WIB):%A %d %B %Y, %H:%M} WIB.")

    def switch(self, rest: str) -> None:
        who, _, name = rest.partition(" ")
        if not who.isdigit() or int(who) == 0:
            self.write("  usage: /as <telegram id> [name]   e.g. /as 1002 Budi (a person's id is a positive number)")
            return
        user_id, name = int(who), name.strip()
        if name or user_id not in self.names:  # a name given is theirs from now on; none keeps the one they had
            self.add(user_id, name or self.known.get(user_id, f"User {user_id}"))
        self.user = self.view = user_id
        self.write(f"  You are now {self.names[user_id]} ({user_id}).")
        self.catch_up()

    # pressing buttons

    def press_latest(self, number: int) -> bool:
        """Press button ``number`` of the newest message in view that has buttons; False when there is none."""
        for message in reversed(self.emulator.messages(self.view)):
            if message.buttons and not message.deleted:
                buttons = [(text, data) for row in _numbered(message) for _n, text, data in row]
                if 1 <= number <= len(buttons) and buttons[number - 1][1] is not None:
                    self._press(message, number)
                    return True
                return False
        return False

    def press_command(self, rest: str) -> None:
        """``/press <message> <button>``: a button of any message in view, by its number or its text."""
        which, _, button = rest.partition(" ")
        which, button = which.removeprefix("#"), button.strip()
        if not which.isdigit() or not button:
            self.write(f"  {PRESS_USAGE}")
            return
        message = next((m for m in self.emulator.messages(self.view) if m.message_id == int(which)), None)
        problem = self._missing(int(which)) if message is None else None
        if message is not None:
            chosen = choose_button(message, button, had_buttons=self._had_buttons(message))
            if isinstance(chosen, int):
                self._press(message, chosen)
                return
            problem = chosen
        self.write(f"  {problem}")

    def _press(self, message: SentMessage, number: int) -> None:
        """Press button ``number`` (a callback button: ``choose_button`` and ``press_latest`` made sure)."""
        _n, text, data = next(b for row in _numbered(message) for b in row if b[0] == number)
        assert data is not None, "a link button cannot be pressed"
        self.write(f"  👆 #{message.message_id} [{number}] {text}")
        self.presses.append(self.emulator.press(self.user, message.message_id, data, chat_id=self._chat_arg()))

    def _missing(self, message_id: int) -> str:
        elsewhere = [
            chat_id for chat_id in (*self.names, STAFF_GROUP)
            if chat_id != self.view and any(m.message_id == message_id for m in self.emulator.messages(chat_id))
        ]  # fmt: skip
        hint = ""
        if STAFF_GROUP in elsewhere:
            hint = " (there is one in the staff group: /group first)"
        elif self.user in elsewhere:
            hint = " (there is one in your private chat: /private first)"
        return f"There is no message #{message_id} from the bot in this chat{hint}."

    def _had_buttons(self, message: SentMessage) -> bool:
        return message.message_id in self.logs[self.view].had_buttons

    def _chat_arg(self) -> int | None:
        """The chat a user action goes to: None for the private chat, else the group in view."""
        return None if self.view == self.user else self.view


def choose_button(message: SentMessage, wanted: str, *, had_buttons: bool = False) -> int | str:
    """The number of the button ``wanted`` names (its number, its text, or a unique part of it), or why none."""
    number = f"#{message.message_id}"
    if message.deleted:
        return f"Message {number} was deleted by the bot; its buttons are gone."
    buttons = [(n, text, data) for row in _numbered(message) for n, text, data in row]
    if not buttons:
        return f"Message {number} has no buttons{' any more' if had_buttons else ''}."
    if wanted.isdigit():
        chosen = int(wanted)
        if not 1 <= chosen <= len(buttons):
            return f"Message {number} has buttons 1 to {len(buttons)}; there is no button {chosen}."
    else:
        key = wanted.casefold()
        fits = [b for b in buttons if b[1].casefold() == key] or [b for b in buttons if key in b[1].casefold()]
        listed = ", ".join(f"[{n}] {text}" for n, text, _d in (fits if len(fits) > 1 else buttons))
        if not fits:
            return f'Message {number} has no button "{wanted}"; its buttons: {listed}.'
        if len(fits) > 1:
            return f'"{wanted}" fits {len(fits)} buttons of message {number}: {listed}; give its number.'
        chosen = fits[0][0]
    if buttons[chosen - 1][2] is None:
        return f"Button {chosen} of message {number} opens a link, which the sandbox cannot follow."
    return chosen


def file_size(size: int) -> str:
    """A file's size as a chat client shows it: "512 B", "34 kB", "40.0 MB"."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} kB"
    return f"{size / 1024 / 1024:.1f} MB"


def _numbered(message: SentMessage) -> Iterator[list[tuple[int, str, str | None]]]:
    """The message's button rows, each button with its number (counted across rows from 1), text and data."""
    number = 0
    for row in message.buttons:
        numbered = []
        for text, data in row:
            number += 1
            numbered.append((number, text, data))
        yield numbered
