"""The user side of the emulator: people who write to the bot and press its buttons."""

from __future__ import annotations

import re
from typing import Any

from .errors import EmulatorError
from .html import utf16_len
from .models import CallbackQuery, SentMessage
from .ratelimit import Clock
from .samples import TINY_JPEG, TINY_PDF
from .state import World
from .updates import UpdateQueue

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?")


class UserSide:
    """Simulated users: each action queues an update for getUpdates and returns its update_id."""

    _world: World
    _queue: UpdateQueue
    _clock: Clock

    def messages(self, chat_id: int) -> list[SentMessage]:
        """What the bot sent to the chat, in order, in the current state (edited, deleted flagged)."""
        chat = self._world.chats.get(chat_id)
        return list(chat.sent) if chat else []

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
    ) -> None:
        """A user who has started the bot (the bot may write to them)."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        extra = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({key: value for key, value in extra.items() if value is not None})
        self._world.add_user(user)

    def add_group(self, chat_id: int, title: str, *, supergroup: bool = True) -> None:
        """A group the bot is a member of (negative ``chat_id``); sends to it are limited to 20/min."""
        if chat_id >= 0:
            raise EmulatorError("group chat ids are negative")
        self._world.add_group(chat_id, title, supergroup)

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends and edits to them get 403."""
        self._world.chat(user_id).blocked = True

    def unblock(self, user_id: int) -> None:
        self._world.chat(user_id).blocked = False

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> int:
        """The user sends ``text`` (a leading ``/command`` gets its bot_command entity); returns update_id."""
        content: dict[str, Any] = {"text": text}
        command = _COMMAND.match(text)
        if command:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}]
        return self._push_message(user_id, chat_id, content)

    def send_photo(
        self, user_id: int, caption: str | None = None, *, data: bytes = TINY_JPEG, chat_id: int | None = None
    ) -> int:
        """The user sends a photo (three sizes with generated file ids); returns update_id."""
        stored = self._world.store_file("photo", data, None, "image/jpeg")
        content: dict[str, Any] = {"photo": stored.photo_sizes}
        if caption:
            content["caption"] = caption
        return self._push_message(user_id, chat_id, content)

    def send_document(
        self,
        user_id: int,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        data: bytes = TINY_PDF,
        chat_id: int | None = None,
    ) -> int:
        """The user sends a file; returns update_id."""
        stored = self._world.store_file("document", data, file_name, mime_type)
        content: dict[str, Any] = {"document": stored.to_document()}
        if caption:
            content["caption"] = caption
        return self._push_message(user_id, chat_id, content)

    def _push_message(self, user_id: int, chat_id: int | None, content: dict[str, Any]) -> int:
        return self._queue.push("message", self._world.user_message(user_id, chat_id, content))

    def press(self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None) -> int:
        """The user presses a button carrying ``callback_data`` on a bot message (data may be forged)."""
        user = self._world.user(user_id)
        chat = self._world.chat(user_id if chat_id is None else chat_id)
        message = chat.by_id.get(message_id)
        if message is None or message.deleted:
            raise EmulatorError(f"no bot message {message_id} in chat {chat.id}")
        query_id = str(4_000_000_000_000_000 + self._world.next_seq())
        payload = {
            "id": query_id, "from": user, "message": self._world.message_json(message),
            "chat_instance": str(-abs(chat.id) * 7919 - 11), "data": callback_data,
        }  # fmt: skip
        update_id = self._queue.push("callback_query", payload)
        self._world.callbacks[query_id] = CallbackQuery(
            query_id, update_id, user_id, chat.id, message_id, callback_data, self._clock()
        )
        return update_id

    def press_button(
        self,
        user_id: int,
        label_or_index: str | int,
        message_id: int | None = None,
        *,
        chat_id: int | None = None,
    ) -> int:
        """Press a button, by text (or flat index) on the newest message with buttons (or ``message_id``)."""
        sent = self.messages(user_id if chat_id is None else chat_id)
        candidates = [m for m in sent if not m.deleted and m.buttons]
        if message_id is not None:
            candidates = [m for m in candidates if m.message_id == message_id]
        if not candidates:
            raise EmulatorError(f"no bot message with buttons in chat {chat_id or user_id}")
        message = candidates[-1]
        flat = [button for row in message.buttons for button in row]
        if isinstance(label_or_index, int):
            if not 0 <= label_or_index < len(flat):
                raise EmulatorError(f"no button #{label_or_index}; buttons: {flat}")
            text, data = flat[label_or_index]
        else:
            matches = [b for b in flat if b[0] == label_or_index] or [b for b in flat if label_or_index in b[0]]
            if len(matches) != 1:
                raise EmulatorError(f"{len(matches)} buttons match {label_or_index!r}; buttons: {flat}")
            text, data = matches[0]
        if data is None:
            raise EmulatorError(f"button {text!r} has no callback_data")
        return self.press(user_id, message.message_id, data, chat_id=chat_id)

    def push_raw(self, kind: str, payload: Any) -> int:
        """Queue ``{"update_id": …, kind: payload}`` exactly as given, however malformed; returns its update_id.

        What a newer Bot API (a field of a type the framework does not expect) or a broken server might send:
        e.g. ``push_raw("message", {"chat": "oops"})``. Nothing is checked or added, not even the sender.
        """
        return self._queue.push(kind, payload)

    def redeliver(self, update_id: int) -> None:
        """Queue an update again with the SAME update_id (as Telegram does after a bot crash).

        It is handed out on the next getUpdates even if the poller's offset is already past it, or POSTed to
        the webhook again (also when its first POST is still running).
        """
        try:
            self._queue.redeliver(update_id)
        except KeyError:
            raise EmulatorError(f"unknown update {update_id}") from None
