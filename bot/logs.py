"""Logging set-up: the bot token is removed from every line, whatever library logged it, tracebacks included."""

from __future__ import annotations

import logging
from pathlib import Path

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


class LogFile:
    """The sandbox's log: while open, every line at ``level`` goes to ``path``, and the terminal, which is the
    chat, shows only errors (a warning is the operator's business, not a line among the bot's messages)."""

    def __init__(self, path: Path, level: str) -> None:
        self.path, self.level = path, level.upper()
        self._handler: logging.FileHandler | None = None
        self._before: list[tuple[logging.Handler, int]] = []
        self._root_level = logging.NOTSET

    def __enter__(self) -> LogFile:
        root = logging.getLogger()
        formatter = next((h.formatter for h in root.handlers if h.formatter is not None), None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._handler = logging.FileHandler(self.path, encoding="utf-8")
        self._handler.setFormatter(formatter or RedactToken("%(asctime)s %(levelname)s %(name)s: %(message)s", []))
        self._handler.setLevel(self.level)
        self._before = [(h, h.level) for h in root.handlers]
        for handler, _level in self._before:
            handler.setLevel(max(handler.level, logging.ERROR))
        self._root_level = root.level
        root.addHandler(self._handler)
        root.setLevel(min(root.level or logging.WARNING, self._handler.level))
        return self

    def __exit__(self, *_exc: object) -> None:
        root = logging.getLogger()
        if self._handler is not None:
            root.removeHandler(self._handler)
            self._handler.close()
        for handler, level in self._before:
            handler.setLevel(level)
        root.setLevel(self._root_level)
