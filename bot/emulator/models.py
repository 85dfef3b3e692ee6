"""Plain records the emulator keeps and shows to tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

MessageKind = Literal["text", "photo", "document"]
Buttons = list[list[tuple[str, str | None]]]


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (after edits and deletion)."""

    message_id: int
    chat_id: int
    kind: MessageKind
    date: int
    text: str | None = None  # plain text after parsing (text messages)
    html: str | None = None  # the text or caption exactly as the bot sent it
    caption: str | None = None  # plain caption after parsing (photo / document)
    file_id: str | None = None
    reply_markup: dict[str, Any] | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    parse_mode: str | None = None
    edits: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> Buttons:
        """Inline keyboard rows as ``(text, callback_data)``; ``callback_data`` is None for URL buttons."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(str(b.get("text", "")), b.get("callback_data")) for b in row] for row in rows]

    @property
    def body(self) -> str:
        """Plain text or caption, whichever the message has."""
        return self.text if self.text is not None else self.caption or ""


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request as the emulator answered it."""

    method: str
    params: dict[str, Any]
    status: int
    description: str | None = None
    retry_after: int | None = None
    content_type: str = ""  # of the request body ("" when it had none)


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredFile:
    """A file known to the emulator, by ``file_id`` (user uploads and bot uploads)."""

    file_id: str
    file_unique_id: str
    kind: MessageKind
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    photo_sizes: list[dict[str, Any]] = field(default_factory=list)

    def to_document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            doc["file_name"] = self.file_name
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        doc["file_size"] = len(self.data)
        return doc


@dataclass
class CallbackQuery:
    """A button press and the bot's answer to it, if any."""

    id: str
    update_id: int
    user_id: int
    chat_id: int
    message_id: int
    data: str
    created: float
    answered: bool = False
    answer_text: str | None = None
    show_alert: bool = False


@dataclass
class Webhook:
    """What setWebhook configured, and the last failed delivery (both shown by getWebhookInfo)."""

    url: str = ""  # "" = no webhook: updates wait for getUpdates
    secret: str | None = None
    max_connections: int = 0  # 0 while no webhook is set (getWebhookInfo then leaves it out)
    last_error_date: int = 0  # unix time; 0 = no error since the webhook was set
    last_error_message: str = ""
    generation: int = 0  # bumped on every change, so a POST still running for an older webhook is ignored


class WebhookDelivery(NamedTuple):
    """One POST of an update to the webhook: ``status`` is None when no HTTP answer came (refused, timeout)."""

    update_id: int
    status: int | None
    secret: str | None  # the X-Telegram-Bot-Api-Secret-Token header sent, None when there was none
