"""What the runner and the notifier need from a Telegram framework: one small interface, two adapters."""

from __future__ import annotations

from typing import Any, Protocol

from handlers.events import InboundUpdate


class BotPort(Protocol):
    """Adapter over one framework's HTTP stack (aiogram today, python-telegram-bot in a later issue)."""

    async def get_updates(self, offset: int | None, timeout: int) -> list[InboundUpdate]:
        """Long-poll; passing ``offset`` confirms every update below it to Telegram."""

    async def deliver(self, payload: dict[str, Any]) -> None:
        """Send one outbox payload; raises :class:`bot.errors.DeliveryError` subclasses."""

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        """Stop the button's spinner (best effort)."""

    async def set_commands(self, commands: dict[str, list[tuple[str, str]]]) -> None:
        """Register the command menu by language ("" = default)."""

    async def delete_webhook(self) -> None: ...

    async def close(self) -> None: ...
