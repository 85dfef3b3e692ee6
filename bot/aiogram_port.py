"""The aiogram adapter: aiogram's Bot and its aiohttp session, pointed at ``TELEGRAM_API_URL``.

Only translation lives here: aiogram ``Update`` → plain event, outbox payload → aiogram call, aiogram
exceptions → :mod:`bot.errors`. Polling is ours (``bot/runner.py``), not aiogram's Dispatcher, because
aiogram confirms an update's offset before its handler has finished (aiogram issue 1397).
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from aiogram.types import User as TgUser

from bot.errors import MessageGone, Rejected, RetryLater, Unreachable
from handlers.events import ButtonPress, FileRef, InboundUpdate, IncomingMessage, User, payload_buttons

ALLOWED_UPDATES = ["message", "callback_query"]
GONE = ("message to edit not found", "message can't be edited")
UNREACHABLE = ("chat not found", "user not found", "peer_id_invalid", "not enough rights", "have no rights")
DEFAULT_REQUEST_TIMEOUT = 30.0


class AiogramPort:
    def __init__(self, token: str, api_url: str, *, request_timeout: float = DEFAULT_REQUEST_TIMEOUT) -> None:
        """``request_timeout``: seconds for every call but the long poll (which waits its own ``timeout``)."""
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_url.rstrip("/")), timeout=request_timeout)
        self.bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))

    async def get_updates(self, offset: int | None, timeout: int) -> list[InboundUpdate]:
        try:
            updates = await self.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES,
                                                 request_timeout=timeout + 10)
        except (TimeoutError, TelegramNetworkError, TelegramServerError) as exc:
            raise RetryLater(str(exc)) from exc
        except TelegramRetryAfter as exc:
            raise RetryLater(str(exc), exc.retry_after) from exc
        return [InboundUpdate(u.update_id, to_event(u)) for u in updates]

    async def deliver(self, payload: dict[str, Any]) -> int | None:
        try:
            return await self._call(payload)
        except TelegramRetryAfter as exc:
            raise RetryLater(exc.message, exc.retry_after) from exc
        except (TimeoutError, TelegramServerError, TelegramNetworkError, TelegramUnauthorizedError) as exc:
            raise RetryLater(str(exc)) from exc  # 401: a revoked token the operator will replace; keep the rows
        except TelegramMigrateToChat as exc:
            raise Unreachable(f"{exc.message} (now chat {exc.migrate_to_chat_id})") from exc
        except TelegramForbiddenError as exc:
            raise Unreachable(exc.message) from exc
        except (TelegramBadRequest, TelegramNotFound) as exc:
            reason = exc.message.casefold()
            if "message is not modified" in reason:
                return None
            if any(s in reason for s in GONE):
                if payload["op"] == "clear_buttons":
                    return None
                raise MessageGone(exc.message) from exc
            if any(s in reason for s in UNREACHABLE):
                raise Unreachable(exc.message) from exc
            raise Rejected(exc.message) from exc
        except TelegramAPIError as exc:
            raise Rejected(exc.message) from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise Rejected(f"malformed outbox payload ({type(exc).__name__}: {exc})") from exc

    async def _call(self, payload: dict[str, Any]) -> int | None:
        op, chat_id = payload["op"], int(payload["chat_id"])
        if op == "send":
            sent = await self.bot.send_message(chat_id, payload["text"], reply_markup=_markup(payload))
            return sent.message_id
        if op == "send_file":
            return await self._send_file(chat_id, payload)
        if op == "edit_text":
            await self.bot.edit_message_text(payload["text"], chat_id=chat_id, message_id=int(payload["message_id"]),
                                             reply_markup=_markup(payload))
            return None
        if op == "clear_buttons":
            await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=int(payload["message_id"]),
                                                     reply_markup=None)
            return None
        raise Rejected(f"unknown outbox operation {op!r}")

    async def _send_file(self, chat_id: int, payload: dict[str, Any]) -> int:
        kind, file_id, caption = payload["file_type"], str(payload["file_id"]), payload.get("caption") or None
        if kind == "photo":
            sent = await self.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=_markup(payload))
        elif kind == "document":
            sent = await self.bot.send_document(chat_id, file_id, caption=caption, reply_markup=_markup(payload))
        else:
            raise Rejected(f"unknown file_type {kind!r}")
        return sent.message_id

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=alert)
        except TelegramAPIError:
            pass  # a button's spinner that cannot be stopped is harmless (the query may have expired)

    async def set_commands(self, commands: dict[str, list[tuple[str, str]]]) -> None:
        for language, entries in commands.items():
            await self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in entries],
                                           language_code=language or None)

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def close(self) -> None:
        await self.bot.session.close()


def _markup(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = payload_buttons(payload)
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row] for row in rows]
    )


def _user(u: TgUser) -> User:
    return User(u.id, u.first_name, u.last_name, u.username, u.language_code)


def to_event(update: Update) -> IncomingMessage | ButtonPress | None:
    """The plain event of an aiogram update; None for what Tanggap does not handle (groups, edits, …)."""
    if update.callback_query is not None:
        q = update.callback_query
        message_id = q.message.message_id if q.message is not None else None
        chat_id = q.message.chat.id if q.message is not None else q.from_user.id
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
