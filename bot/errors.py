"""Named errors of the bot layer, each saying when it is raised."""

from __future__ import annotations


class ConfigError(Exception):
    """The settings cannot start the bot (no token, a malformed token, an unknown engine); the text says what to do."""


class DeliveryError(Exception):
    """Telegram did not take an outbound message."""


class RetryLater(DeliveryError):
    """429 or a passing fault (5xx, timeout, network): try again after ``retry_after`` seconds (None: back off).

    A timeout is ambiguous: Telegram may have taken the message, so trying again may send it twice.
    """

    def __init__(self, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The person cannot be reached (blocked the bot, deactivated, chat not found): keep the record, stop trying."""


class Rejected(DeliveryError):
    """Telegram refused the request itself (400): a bug on our side; trying again would not help."""


class FileUnavailable(Rejected):
    """The archived copy a ``send_file`` names cannot be uploaded: missing from the archive, altered (its bytes no
    longer match its SHA-256), or over Telegram's size limit for its kind. Trying again would not help."""


class MessageGone(Rejected):
    """The message to edit no longer exists or cannot be edited (deleted, too old)."""


class UnreadableUpdate(Exception):
    """The framework read an update, but a field Tanggap uses is not of the type the Bot API gives it (a number as
    a message's text, a text as a chat id): python-telegram-bot takes such fields as they come, aiogram refuses the
    update itself. Either way the update is set aside (:mod:`bot.set_aside`), on both engines alike."""


class RegisterChildFailed(Exception):
    """The child process writing a register (``bot.register_job``) stopped without writing it; its error is in the
    bot's log (the child's standard error is the bot's)."""
