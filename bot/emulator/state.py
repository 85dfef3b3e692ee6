"""What the emulated Telegram knows: users, chats, messages, files, button presses."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import EmulatorError
from .models import CallbackQuery, MessageKind, SentMessage, StoredFile, Webhook

_PHOTO_SIZES = ((90, 67, "s"), (320, 240, "m"), (800, 600, "x"))
_FILE_PREFIX = {"photo": "AgACAgUAAxkBAAI", "document": "BQACAgUAAxkBAAI", "text": "EMU"}


@dataclass
class Chat:
    """A private chat with a user, or a group; message ids are counted per chat."""

    info: dict[str, Any]
    blocked: bool = False
    next_message_id: int = 1
    sent: list[SentMessage] = field(default_factory=list)
    by_id: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: set[int] = field(default_factory=set)

    @property
    def id(self) -> int:
        return int(self.info["id"])

    def new_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1


class World:
    """All state shared by the Bot API methods and the Python (user-side) API."""

    def __init__(self, bot_id: int, bot_username: str, bot_first_name: str, first_message_id: int = 1) -> None:
        if first_message_id < 1:
            raise ValueError(f"message ids are positive; got first_message_id={first_message_id}")
        self.first_message_id = first_message_id
        self.bot_user: dict[str, Any] = {
            "id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username,
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
            "can_connect_to_business": False, "has_main_web_app": False,
        }  # fmt: skip
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.file_paths: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook = Webhook()
        self._seq = 0
        self.output_listeners: list[Callable[[int], None]] = []

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # users and chats

    def add_user(self, user: dict[str, Any]) -> Chat:
        self.users[user["id"]] = user
        info = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        info.update({k: user[k] for k in ("last_name", "username") if k in user})
        chat = self.chats.get(user["id"])
        if chat is None:
            chat = self.chats[user["id"]] = Chat(info, next_message_id=self.first_message_id)
        chat.info = info
        return chat

    def add_group(self, chat_id: int, title: str, supergroup: bool) -> Chat:
        info = {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}
        chat = self.chats.setdefault(chat_id, Chat(info, next_message_id=self.first_message_id))
        chat.info = info
        return chat

    def user(self, user_id: int) -> dict[str, Any]:
        if user_id not in self.users:
            raise EmulatorError(f"unknown user {user_id}: call add_user() first")
        return self.users[user_id]

    def chat(self, chat_id: int) -> Chat:
        if chat_id not in self.chats:
            raise EmulatorError(f"unknown chat {chat_id}")
        return self.chats[chat_id]

    # files

    def store_file(
        self, kind: MessageKind, data: bytes, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        """Register a new file and give it Telegram-looking ids (every photo size gets its own)."""
        seq = self.next_seq()
        prefix = _FILE_PREFIX[kind]
        stored = StoredFile(f"{prefix}{seq:08d}", f"AQAD{seq:08d}", kind, data, file_name, mime_type)
        if kind == "photo":
            for width, height, tag in _PHOTO_SIZES:
                size_id = f"{prefix}{seq:08d}{tag}"
                size = {
                    "file_id": size_id, "file_unique_id": f"AQAD{seq:08d}{tag}",
                    "file_size": len(data) * width // 800, "width": width, "height": height,
                }  # fmt: skip
                stored.photo_sizes.append(size)
                self.files[size_id] = stored
            stored.file_id = size_id
            stored.photo_sizes[-1]["file_size"] = len(data)
        self.files[stored.file_id] = stored
        return stored

    def file_path(self, stored: StoredFile) -> str:
        """A download path for getFile, stable per file."""
        for path, known in self.file_paths.items():
            if known is stored:
                return path
        ext = {"photo": "jpg"}.get(stored.kind) or (stored.file_name or "file").rpartition(".")[2] or "bin"
        path = f"{stored.kind}s/file_{len(self.file_paths)}.{ext}"
        self.file_paths[path] = stored
        return path

    # messages

    def record(self, chat: Chat, kind: MessageKind, **fields: Any) -> SentMessage:
        message = SentMessage(chat.new_message_id(), chat.id, kind, int(time.time()), **fields)
        chat.sent.append(message)
        chat.by_id[message.message_id] = message
        self.bot_output(chat.id)
        return message

    def bot_output(self, chat_id: int) -> None:
        """The bot sent, edited or deleted a message in the chat: tell the listeners (benchmarks)."""
        for listener in self.output_listeners:
            listener(chat_id)

    def message_json(self, message: SentMessage) -> dict[str, Any]:
        """A bot message as the Bot API returns it."""
        chat = self.chats[message.chat_id]
        data: dict[str, Any] = {
            "message_id": message.message_id, "from": self.bot_user, "chat": chat.info, "date": message.date,
        }  # fmt: skip
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.kind == "text":
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        else:
            stored = self.files[message.file_id or ""]
            if message.kind == "photo":
                data["photo"] = stored.photo_sizes
            else:
                data["document"] = stored.to_document()
            if message.caption:
                data["caption"] = message.caption
                if message.entities:
                    data["caption_entities"] = message.entities
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def user_message(self, user_id: int, chat_id: int | None, content: dict[str, Any]) -> dict[str, Any]:
        """A message from a user (the payload of a ``message`` update)."""
        user = self.user(user_id)
        chat = self.chat(user_id if chat_id is None else chat_id)
        message_id = chat.new_message_id()
        chat.user_messages.add(message_id)
        message = {"message_id": message_id, "from": user, "chat": chat.info, "date": int(time.time())}
        message.update(content)
        return message
