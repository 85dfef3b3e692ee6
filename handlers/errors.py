"""Named errors of the use cases; the router turns each into a message to the user."""

from __future__ import annotations


class Refusal(Exception):
    """A use case cannot do what was asked (wrong status, unknown number, bad arguments); ``text`` says why,
    already translated for the person who asked. Plain text: it is HTML-escaped when sent."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def is_database_error(exc: BaseException) -> bool:
    """Errors of the database itself (unreachable, locked): retrying the same update later is right.

    Connection failures count too: asyncpg lets ``ConnectionRefusedError`` and timeouts through unwrapped, and
    treating them as a bug would record the update with an apology instead of processing it later. (A use
    case does no other I/O: Telegram is only reached through the outbox.)
    """
    if isinstance(exc, OSError | TimeoutError):
        return True
    module = type(exc).__module__
    return module.startswith(("sqlalchemy", "aiosqlite", "asyncpg", "sqlite3")) and "IntegrityError" not in type(
        exc
    ).__name__
