"""What the runner and the notifier need from a Telegram framework: one small interface, two adapters."""

from __future__ import annotations

from typing import Any, Protocol

from handlers.events import InboundUpdate


class BotPort(Protocol):
    """Adapter over one framework's HTTP stack (aiogram today, python-telegram-bot in a later issue)."""

    async def get_updates(self, offset: int | None, timeout: int) -> list[InboundUpdate]:
        """Long-poll; passing ``offset`` confirms every update below it to Telegram."""

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        """Carry out one payload; the new message's id for sends, None for edits.

        Operations (``op``): ``send`` (chat_id, text, buttons), ``send_file`` (chat_id, file_type
        "photo" | "document", file_id, caption), ``edit_text`` (chat_id, message_id, text, buttons),
        ``clear_buttons`` (chat_id, message_id). "Message is not modified" is success. Raises
        :class:`bot.errors.DeliveryError` subclasses: :class:`~bot.errors.MessageGone` when ``edit_text``
        finds no message (``clear_buttons`` ignores that).
        """

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        """Stop the button's spinner (best effort)."""

    async def set_commands(self, commands: dict[str, list[tuple[str, str]]]) -> None:
        """Register the command menu by language ("" = default)."""

    async def delete_webhook(self) -> None: ...

    async def close(self) -> None: ...
