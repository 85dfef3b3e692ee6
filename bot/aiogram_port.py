"""The aiogram adapter: aiogram's Bot and its aiohttp session, pointed at ``TELEGRAM_API_URL``.

Only the framework's calls and the naming of its exceptions live here; what both engines share is in
:mod:`bot.adapter`. Polling is ours (``bot/runner.py``), not aiogram's Dispatcher, because aiogram
confirms an update's offset before its handler has finished (aiogram issue 1397).

aiogram reads a getUpdates answer as a whole: one update it cannot read fails the batch (``ClientDecodeError``).
The same batch is then asked for again through aiogram's own session, as plain JSON (:class:`_RawUpdates`), and
read update by update, so only that one is set aside.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable
from typing import Any

from aiogram import Bot, methods
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import Response, TelegramMethod
from aiogram.types import BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.adapter import (
    ALLOWED_UPDATES,
    CONFLICT,
    DEFAULT_REQUEST_TIMEOUT,
    NOT_BOT_API,
    UNAUTHORIZED,
    UNREADABLE_ANSWER,
    Adapter,
    Failure,
    Upload,
    check_size,
)
from bot.errors import ConfigError, Rejected, RetryLater, UnreadableUpdate
from bot.files import Downloaded
from bot.reading import inbound
from handlers.events import InboundUpdate, Keyboard
from storage.archive import ArchiveStore

log = logging.getLogger(__name__)

#: aiogram reads every answer as ``Response[<the method's result type>]``, a generic pydantic model that pydantic
#: caches only weakly. Nothing else holds it, so the garbage collector frees it between calls and every call built
#: it anew: 300 sendMessage calls built ``Response[Message]`` 300 times, ~8 % of the bot's CPU under load
#: (docs/benchmarks.md). Holding the ones this port uses keeps them cached. (The bare echo bot pays it too.)
_RESPONSE_MODELS = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        methods.GetMe, methods.GetUpdates, methods.SendMessage, methods.SendPhoto, methods.SendDocument,
        methods.EditMessageText, methods.EditMessageReplyMarkup, methods.AnswerCallbackQuery, methods.SetMyCommands,
        methods.SetWebhook, methods.DeleteWebhook, methods.GetFile,
    )
)


class _RawUpdates(TelegramMethod[list[Any]]):
    """getUpdates with its result left as JSON, sent through aiogram's session like any call (the token stays in
    aiogram's hands): the batch it could not read as a whole, to read update by update. No long poll."""

    __returning__ = list[Any]
    __api_method__ = "getUpdates"

    offset: int | None = None
    allowed_updates: list[str] | None = None


class AiogramPort(Adapter):
    engine = "aiogram"

    def __init__(self, token: str, api_url: str, *, request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
                 archive: ArchiveStore | None = None) -> None:
        """``request_timeout``: seconds for every call but the long poll (which waits its own ``timeout``) and
        uploads (:attr:`upload_timeout`); ``archive``: where the copies a ``send_file`` uploads are kept."""
        self.api_url = api_url.rstrip("/")
        self.archive = archive
        self.upload_timeout = max(request_timeout, self.upload_timeout)
        session = AiohttpSession(api=TelegramAPIServer.from_base(self.api_url), timeout=request_timeout)
        self.bot: Bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        self.download_timeout = max(request_timeout, 60.0)  # 20 MB on a slow link

    async def start(self) -> None:
        """Check the token and the address with getMe; a refusal is a :class:`ConfigError`."""
        await self._setup_call(self.bot.get_me())

    async def get_updates(self, offset: int | None, timeout: int) -> list[InboundUpdate]:
        try:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES, request_timeout=timeout + 10
                )
                return [inbound(u) for u in updates]
            except (ClientDecodeError, UnreadableUpdate) as exc:
                log.warning("aiogram could not read a getUpdates answer (%s); reading it update by update",
                            type(exc).__name__)
                return self.decode_batch(await self.bot(_RawUpdates(offset=offset, allowed_updates=ALLOWED_UPDATES)))
        except ClientDecodeError:  # not even as plain JSON: its content may hold the token, never shown
            raise RetryLater(NOT_BOT_API.format(url=self.api_url, got=UNREADABLE_ANSWER)) from None
        except (TimeoutError, TelegramNetworkError, TelegramServerError) as exc:
            raise RetryLater(str(exc)) from exc
        except TelegramRetryAfter as exc:
            raise RetryLater(str(exc), exc.retry_after) from exc
        except TelegramConflictError as exc:  # another poller with this token, or a webhook set meanwhile
            raise RetryLater(f"{CONFLICT} ({exc.message})") from exc

    def read(self, data: dict[str, Any]) -> Update:
        return Update.model_validate(data, context={"bot": self.bot})

    async def send_text(self, chat_id: int, text: str, buttons: Keyboard) -> int:
        return (await self.bot.send_message(chat_id, text, reply_markup=_markup(buttons))).message_id

    async def send_file(self, chat_id: int, kind: str, file_id: str, caption: str | None, buttons: Keyboard) -> int:
        send = self.bot.send_photo if kind == "photo" else self.bot.send_document
        return (await send(chat_id, file_id, caption=caption, reply_markup=_markup(buttons))).message_id

    async def upload_file(self, chat_id: int, kind: str, upload: Upload, caption: str | None, buttons: Keyboard
                          ) -> int:
        send = self.bot.send_photo if kind == "photo" else self.bot.send_document
        file = BufferedInputFile(upload.data, upload.name)  # read in 64 kB chunks into aiohttp's stream: no copy
        sent = await send(chat_id, file, caption=caption, reply_markup=_markup(buttons),
                          request_timeout=math.ceil(self.upload_timeout))
        return sent.message_id
    async def _download(self, file_id: str, limit: int) -> Downloaded:
        found = await self.bot.get_file(file_id)
        check_size(found.file_size, limit)
        if not found.file_path:
            raise Rejected("Telegram gave no file_path for this file")
        buffer = await self.bot.download_file(found.file_path, timeout=int(self.download_timeout))
        assert buffer is not None  # no destination given: aiogram returns the bytes in a BytesIO
        data = buffer.read()
        check_size(len(data), limit)
        return Downloaded(data, found.file_unique_id)

    async def edit_text(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> None:
        await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(buttons))

    async def clear_buttons(self, chat_id: int, message_id: int) -> None:
        await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)

    def failure(self, exc: BaseException) -> Failure | None:
        if isinstance(exc, TelegramRetryAfter):
            return Failure("retry", exc.message, float(exc.retry_after))
        if isinstance(exc, TelegramEntityTooLarge):  # 413, a file over Telegram's limit: before TelegramNetworkError
            return Failure("bad_request", exc.message)
        if isinstance(exc, TimeoutError | TelegramServerError | TelegramNetworkError | TelegramUnauthorizedError):
            return Failure("retry", str(exc))
        if isinstance(exc, TelegramMigrateToChat):
            return Failure("migrated", f"{exc.message} (now chat {exc.migrate_to_chat_id})")
        if isinstance(exc, TelegramForbiddenError):
            return Failure("forbidden", exc.message)
        if isinstance(exc, TelegramBadRequest | TelegramNotFound):
            return Failure("bad_request", exc.message)
        if isinstance(exc, TelegramAPIError):
            return Failure("api", exc.message)
        return None

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=alert)
        except TelegramAPIError:
            pass  # a button's spinner that cannot be stopped is harmless (the query may have expired)

    async def _set_commands(self, language: str, entries: list[tuple[str, str]]) -> None:
        await self.bot.set_my_commands(
            [BotCommand(command=c, description=d) for c, d in entries], language_code=language or None
        )

    async def close(self) -> None:
        await self.bot.session.close()

    async def _setup_call(self, call: Awaitable[Any]) -> Any:
        """A start-up call: a refused token, an unreachable API or an address that is not the Bot API stops the bot
        with a clear message."""
        try:
            return await call
        except ClientDecodeError as exc:  # its text holds the answer, which may echo the address and the token
            unread = f"The Bot API at {self.api_url} gave an answer aiogram cannot read ({exc.message})"
            raise ConfigError(await self.not_bot_api() or unread) from None
        except TelegramUnauthorizedError as exc:
            raise ConfigError(UNAUTHORIZED) from exc
        except (TimeoutError, OSError, TelegramNetworkError, TelegramServerError) as exc:
            raise ConfigError(f"Cannot reach the Bot API at {self.api_url}: {exc}") from exc
        except TelegramAPIError as exc:
            raise ConfigError(f"The Bot API at {self.api_url} refused a start-up call: {exc.message}") from exc


def _markup(rows: Keyboard) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row] for row in rows]
    )
