"""Files downloaded from Telegram: what :meth:`bot.port.BotPort.download` gives, and Telegram's limit."""

from __future__ import annotations

from dataclasses import dataclass

DOWNLOAD_LIMIT = 20 * 1024 * 1024
"""Telegram's limit of a file a bot may download (getFile): 20 MB."""


@dataclass(frozen=True)
class Downloaded:
    """A file fetched from Telegram: its bytes and Telegram's id of the file itself (the same for every bot)."""

    data: bytes
    file_unique_id: str
