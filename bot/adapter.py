"""What the aiogram and python-telegram-bot adapters share: outbox operations, error meaning, update reading.

An adapter (``bot/aiogram_port.py``, ``bot/ptb_port.py``) only makes the framework's calls and names
its exceptions as a :class:`Failure`; everything else is decided here once, so both engines behave
the same: which operation a payload asks for, which Telegram answers are success ("message is not
modified"), which mean the person is unreachable, the message is gone, or we should try again.

Reading updates is shared too: aiogram's and python-telegram-bot's ``Update`` objects name their fields
after the Bot API (``callback_query.from_user``, ``message.photo``, ``document.file_name`` …), so one
function turns either into the plain events of :mod:`handlers.events`.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any

from bot.errors import DeliveryError, MessageGone, Rejected, RetryLater, Unreachable
from handlers.events import ButtonPress, FileRef, InboundUpdate, IncomingMessage, Keyboard, User, payload_buttons

ALLOWED_UPDATES = ["message", "callback_query"]
DEFAULT_REQUEST_TIMEOUT = 30.0
GONE = ("message to edit not found", "message can't be edited")
UNREACHABLE = ("chat not found", "user not found", "peer_id_invalid", "not enough rights", "have no rights")
NOT_MODIFIED = "message is not modified"
CONFLICT = (
    "Telegram answered 409 Conflict to getUpdates: another process polls with this bot token (only one "
    "may), or a webhook is set; retrying"
)
UNAUTHORIZED = "Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN with @BotFather."


@dataclass(frozen=True)
class Failure:
    """A framework's exception, named: ``kind`` is one of

    ``retry`` (429 with ``retry_after``, 5xx, timeout, network, 401 — a revoked token the operator will
    replace, so the rows are kept), ``forbidden`` (403: blocked, kicked), ``migrated`` (the group became a
    supergroup), ``bad_request`` (400/404 with Telegram's ``description``), ``api`` (any other Bot API error).
    """

    kind: str
    description: str
    retry_after: float | None = None


class Adapter(abc.ABC):
    """The part of :class:`bot.port.BotPort` that is the same on every engine."""

    bot: Any
    """The framework's bot; aiogram and python-telegram-bot name the webhook calls and their parameters alike."""

    async def set_webhook(self, url: str, secret: str, max_connections: int) -> None:
        await self._setup_call(
            self.bot.set_webhook(
                url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                max_connections=max_connections,
                drop_pending_updates=False,
            )
        )

    async def delete_webhook(self) -> None:
        await self._setup_call(self.bot.delete_webhook(drop_pending_updates=False))

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        """Carry out one outbox payload; see :meth:`bot.port.BotPort.deliver`."""
        try:
            return await self._dispatch(payload)
        except DeliveryError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            failure = self.failure(exc)
            if failure is None:
                raise Rejected(f"malformed outbox payload ({type(exc).__name__}: {exc})") from exc
            settle(failure, payload.get("op"), exc)
        except Exception as exc:
            failure = self.failure(exc)
            if failure is None:
                raise
            settle(failure, payload.get("op"), exc)
        return None

    async def _dispatch(self, payload: dict[str, Any]) -> int | None:
        op, chat_id = payload["op"], int(payload["chat_id"])
        rows = payload_buttons(payload)
        if op == "send":
            return await self.send_text(chat_id, str(payload["text"]), rows)
        if op == "send_file":
            kind = payload["file_type"]
            if kind not in ("photo", "document"):
                raise Rejected(f"unknown file_type {kind!r}")
            return await self.send_file(chat_id, kind, str(payload["file_id"]), payload.get("caption") or None, rows)
        if op == "edit_text":
            await self.edit_text(chat_id, int(payload["message_id"]), str(payload["text"]), rows)
            return None
        if op == "clear_buttons":
            await self.clear_buttons(chat_id, int(payload["message_id"]))
            return None
        raise Rejected(f"unknown outbox operation {op!r}")

    # What each engine implements: the calls (HTML parse mode), and naming its exceptions.

    @abc.abstractmethod
    async def send_text(self, chat_id: int, text: str, buttons: Keyboard) -> int: ...

    @abc.abstractmethod
    async def send_file(self, chat_id: int, kind: str, file_id: str, caption: str | None, buttons: Keyboard) -> int:
        """``kind`` is "photo" or "document"; the file is sent again by its ``file_id``."""

    @abc.abstractmethod
    async def edit_text(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> None: ...

    @abc.abstractmethod
    async def clear_buttons(self, chat_id: int, message_id: int) -> None: ...

    @abc.abstractmethod
    async def _setup_call(self, call: Any) -> Any:
        """Await a start-up call; a refused token or an unreachable API becomes a :class:`bot.errors.ConfigError`."""

    @abc.abstractmethod
    def failure(self, exc: BaseException) -> Failure | None:
        """The framework's exception named; None when it is not a Bot API or network error."""


def settle(failure: Failure, op: object, cause: BaseException) -> None:
    """Raise what a failure means for the outbox; returns only for a harmless "not modified" or gone keyboard."""
    if failure.kind == "retry":
        raise RetryLater(failure.description, failure.retry_after) from cause
    if failure.kind in ("forbidden", "migrated"):
        raise Unreachable(failure.description) from cause
    if failure.kind == "bad_request":
        reason = failure.description.casefold()
        if NOT_MODIFIED in reason:
            return None
        if any(s in reason for s in GONE):
            if op == "clear_buttons":
                return None
            raise MessageGone(failure.description) from cause
        if any(s in reason for s in UNREACHABLE):
            raise Unreachable(failure.description) from cause
    raise Rejected(failure.description) from cause


def to_event(update: Any) -> IncomingMessage | ButtonPress | None:
    """The plain event of an aiogram or python-telegram-bot ``Update``; None for what Tanggap does not handle."""
    q = update.callback_query
    if q is not None:
        message = q.message
        message_id = message.message_id if message is not None else None
        chat_id = message.chat.id if message is not None else q.from_user.id
        return ButtonPress(chat_id, _user(q.from_user), q.id, q.data or "", message_id)
    m = update.message
    if m is None or m.from_user is None:
        return None
    file: FileRef | None = None
    if m.photo:
        file = FileRef(m.photo[-1].file_id, "photo")
    elif m.document is not None:
        file = FileRef(m.document.file_id, "document", m.document.file_name, m.document.mime_type)
    text = m.text if m.text is not None else m.caption
    return IncomingMessage(m.chat.id, _user(m.from_user), m.message_id, text, file, private=m.chat.type == "private")


def inbound(update: Any) -> InboundUpdate:
    return InboundUpdate(int(update.update_id), to_event(update))


def _user(u: Any) -> User:
    return User(u.id, u.first_name, u.last_name, u.username, u.language_code)
