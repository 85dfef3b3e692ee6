"""Logging set-up: the bot token is removed from every line, whatever library logged it, tracebacks included."""

from __future__ import annotations

import logging

QUIET = ("aiogram.event", "httpx", "httpcore", "telegram.ext", "aiohttp.access")


class RedactToken(logging.Formatter):
    """Formats as usual, then replaces each secret wherever it appears (message, arguments, exception text)."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    """``secrets``: the bot token and the webhook secret, never printed."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactToken("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in QUIET:  # one line per HTTP request or per handled update: too much unless debugging
        logging.getLogger(name).setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)
