"""What the runner, the webhook server and the notifier need from a Telegram framework: one interface, two adapters.

``bot/aiogram_port.py`` and ``bot/ptb_port.py`` implement it; what they share is in :mod:`bot.adapter`.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.files import DOWNLOAD_LIMIT, Downloaded
from handlers.events import InboundUpdate
from storage.archive import ArchiveStore


class BotPort(Protocol):
    """Adapter over one framework's HTTP stack."""

    engine: str

    async def start(self) -> None:
        """Open the HTTP stack and check the token (getMe); raises :class:`bot.errors.ConfigError` if refused."""

    async def get_updates(self, offset: int | None, timeout: int) -> list[InboundUpdate]:
        """Long-poll; passing ``offset`` confirms every update below it to Telegram. An update the framework
        cannot read comes as a :class:`bot.set_aside.SetAside`; the others of its batch as usual."""

    def parse_update(self, data: Any, raw: str | None = None) -> InboundUpdate:
        """An update delivered by webhook (the JSON body, and its text as received) as the framework reads it;
        a :class:`bot.set_aside.SetAside` when it cannot; ValueError when it has no integer ``update_id``."""

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        """Carry out one payload; the new message's id for sends, None for edits.

        Operations (``op``): ``send`` (chat_id, text, buttons), ``send_file`` (chat_id, file_type
        "photo" | "document", file_id and/or sha256 with file_name: an archived copy to upload, caption),
        ``edit_text`` (chat_id, message_id, text, buttons),
        ``clear_buttons`` (chat_id, message_id). "Message is not modified" is success. Raises
        :class:`bot.errors.DeliveryError` subclasses: :class:`~bot.errors.MessageGone` when ``edit_text``
        finds no message (``clear_buttons`` ignores that).
        """

    async def download(self, file_id: str, limit: int = DOWNLOAD_LIMIT) -> Downloaded:
        """A file someone sent, by its ``file_id``: ``getFile``, then ``GET {base}/file/bot{token}/{file_path}``.

        Raises :class:`~bot.errors.RetryLater` for what may pass (429, 5xx, the network, the download itself) and
        :class:`~bot.errors.Rejected` when Telegram will not give it (an unknown file id, a file over ``limit``)."""

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        """Stop the button's spinner (best effort)."""

    async def set_commands(self, commands: dict[str, list[tuple[str, str]]]) -> None:
        """Register the command menu by language ("" = default); a refusal is one warning, not an error."""

    async def set_webhook(self, url: str, secret: str, max_connections: int) -> None:
        """Ask Telegram to POST updates to ``url`` with the secret header (allowed updates: ours)."""

    async def delete_webhook(self) -> None:
        """Before polling; a refusal (a server without webhooks) is one warning, not an error."""

    async def close(self) -> None: ...


def make_port(engine: str, token: str, api_url: str, *, request_timeout: float | None = None,
              archive: ArchiveStore | None = None) -> BotPort:
    """The adapter of ``BOT_ENGINE``; each framework is imported only when chosen (aiogram alone is ~150 MB).
    ``archive``: where the copies a ``send_file`` names are uploaded from (None: file ids only)."""
    options: dict[str, Any] = {"archive": archive}
    if request_timeout is not None:
        options["request_timeout"] = request_timeout
    if engine == "ptb":
        from bot.ptb_port import PtbPort

        return PtbPort(token, api_url, **options)
    from bot.aiogram_port import AiogramPort

    return AiogramPort(token, api_url, **options)
