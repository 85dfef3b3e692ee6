"""The python-telegram-bot adapter: a PTB 22 ``Application`` and its httpx stack, pointed at ``TELEGRAM_API_URL``.

Only the framework's calls and the naming of its exceptions live here; what both engines share is in
:mod:`bot.adapter`. The Application gives the bot (``ExtBot`` with HTML as the default parse mode) and its
life cycle; its ``Updater`` is switched off and polling is ours (``bot/runner.py``), because PTB's Updater
also confirms an update's offset before the handlers have finished with it.

PTB reads a getUpdates answer as a whole: one update it cannot read fails the batch. The same batch is then
asked for again through PTB's own request layer as plain JSON (``do_api_request`` without a return type) and
read update by update, so only that one is set aside.
"""

from __future__ import annotations

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")  # RetryAfter.retry_after as a timedelta, without a deprecation warning

import io
import logging
import warnings
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ApplicationBuilder, Defaults, ExtBot
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

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
from bot.errors import ConfigError, RetryLater
from bot.files import Downloaded
from bot.reading import inbound
from handlers.events import InboundUpdate, Keyboard
from storage.archive import ArchiveStore

log = logging.getLogger(__name__)
POLL_GRACE = 10.0  # the long poll's HTTP read waits its ``timeout`` plus this
TOO_LARGE = "entity too large"  # a 413 (a file over Telegram's limit); PTB raises it as a NetworkError


class _ReportedByTanggap(logging.Filter):
    """Drops two of PTB's log records that Tanggap reports itself, in one line and without the data: "Error while
    parsing updates!" (critical, with a traceback and the whole getUpdates answer: every user's messages) when one
    update cannot be read, and "Can not load invalid JSON data" (a traceback and the page, which may echo the
    address with the token) when ``TELEGRAM_API_URL`` is not the Bot API."""

    PREFIXES = ("Error while parsing updates", "Can not load invalid JSON data")

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.PREFIXES)


for _name in ("telegram.Bot", "telegram.ext.ExtBot", "telegram.request.BaseRequest"):
    logging.getLogger(_name).addFilter(_ReportedByTanggap())


class PtbPort(Adapter):
    engine = "ptb"

    def __init__(self, token: str, api_url: str, *, request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
                 archive: ArchiveStore | None = None) -> None:
        """``request_timeout``: seconds for every call but the long poll (which waits its own ``timeout``) and
        uploads (:attr:`upload_timeout`); ``archive``: where the copies a ``send_file`` uploads are kept."""
        self.api_url = api_url.rstrip("/")
        self.archive = archive
        self.upload_timeout = max(request_timeout, self.upload_timeout)
        calls = HTTPXRequest(
            connection_pool_size=128,
            read_timeout=request_timeout,
            write_timeout=request_timeout,
            connect_timeout=request_timeout,
            pool_timeout=request_timeout,
        )
        polls = HTTPXRequest(connection_pool_size=1, read_timeout=POLL_GRACE, connect_timeout=request_timeout)
        self.app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{self.api_url}/bot")
            .base_file_url(f"{self.api_url}/file/bot")
            .request(calls)
            .get_updates_request(polls)
            .defaults(Defaults(parse_mode=ParseMode.HTML))
            .updater(None)
            .build()
        )
        self.bot: ExtBot[Any] = self.app.bot
        self._requests = (calls, polls)
        self._started = False
        self.download_timeout = max(request_timeout, 60.0)  # 20 MB on a slow link

    async def start(self) -> None:
        """Open the HTTP pools and check the token with getMe; a refusal is a :class:`ConfigError`."""
        await self._setup_call(self.app.initialize())
        self._started = True

    async def get_updates(self, offset: int | None, timeout: int) -> list[InboundUpdate]:
        try:
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
                return [inbound(u) for u in updates]
            except (TelegramError, OSError):  # the Bot API's answers and the network (TimeoutError included)
                raise
            except Exception as exc:  # PTB, or Tanggap, could not read an update of the batch
                log.warning("python-telegram-bot could not read a getUpdates answer (%s); reading it update by update",
                            type(exc).__name__)
                return self.decode_batch(await self._raw_updates(offset))
        except RetryAfter as exc:
            raise RetryLater(str(exc), _seconds(exc)) from exc
        except (NetworkError, TimedOut, OSError) as exc:
            raise RetryLater(str(exc)) from exc
        except Conflict as exc:  # another poller with this token, or a webhook set meanwhile
            raise RetryLater(f"{CONFLICT} ({exc.message})") from exc
        except RetryLater:
            raise
        except Exception as exc:
            if isinstance(exc, TelegramError) and not _not_json(exc):
                raise
            raise RetryLater(NOT_BOT_API.format(url=self.api_url, got=UNREADABLE_ANSWER)) from None

    async def _raw_updates(self, offset: int | None) -> Any:
        """The same batch as plain JSON (no long poll). PTB warns that ``get_updates`` exists for this method;
        that is the point, so that one warning is silenced."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"Please use 'Bot\.getUpdates'", category=PTBUserWarning)
            return await self.bot.do_api_request(
                "getUpdates", api_kwargs={"offset": offset, "allowed_updates": ALLOWED_UPDATES}
            )

    def read(self, data: dict[str, Any]) -> Update:
        return Update.de_json(data, self.bot)

    async def send_text(self, chat_id: int, text: str, buttons: Keyboard) -> int:
        return (await self.bot.send_message(chat_id, text, reply_markup=_markup(buttons))).message_id

    async def send_file(self, chat_id: int, kind: str, file_id: str, caption: str | None, buttons: Keyboard) -> int:
        if kind == "photo":
            sent = await self.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=_markup(buttons))
        else:
            sent = await self.bot.send_document(chat_id, file_id, caption=caption, reply_markup=_markup(buttons))
        return sent.message_id

    async def upload_file(self, chat_id: int, kind: str, upload: Upload, caption: str | None, buttons: Keyboard
                          ) -> int:
        # As a file object, not bytes: httpx then sends it in 64 kB chunks. Given bytes, it hands them to h11 whole,
        # which joins them with the part's headers: two more copies of the file (bench/uploads.py). BytesIO shares
        # the bytes it starts with, so this costs no copy either.
        file = InputFile(io.BytesIO(upload.data), filename=upload.name, read_file_handle=False)
        send = self.bot.send_photo if kind == "photo" else self.bot.send_document
        sent = await send(chat_id, file, caption=caption, reply_markup=_markup(buttons),
                          write_timeout=self.upload_timeout)
        return sent.message_id
    async def _download(self, file_id: str, limit: int) -> Downloaded:
        found = await self.bot.get_file(file_id)
        check_size(found.file_size, limit)
        data = bytes(await found.download_as_bytearray(read_timeout=self.download_timeout))
        check_size(len(data), limit)
        return Downloaded(data, found.file_unique_id)

    async def edit_text(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> None:
        await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=_markup(buttons))

    async def clear_buttons(self, chat_id: int, message_id: int) -> None:
        await self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)

    def failure(self, exc: BaseException) -> Failure | None:
        if isinstance(exc, RetryAfter):
            return Failure("retry", str(exc), _seconds(exc))
        if isinstance(exc, ChatMigrated):
            return Failure("migrated", f"{exc.message} (now chat {exc.new_chat_id})")
        if isinstance(exc, Forbidden):
            return Failure("forbidden", exc.message)
        if isinstance(exc, BadRequest):  # before NetworkError: PTB derives BadRequest from it
            return Failure("bad_request", exc.message)
        if isinstance(exc, InvalidToken):  # PTB's name for both 401 and 404
            unauthorized = "unauthorized" in exc.message.casefold()
            return Failure("retry" if unauthorized else "bad_request", exc.message)
        if isinstance(exc, NetworkError) and TOO_LARGE in exc.message.casefold():
            return Failure("bad_request", exc.message)
        if isinstance(exc, TimeoutError | NetworkError):  # 5xx, timeouts, connection errors
            return Failure("retry", str(exc))
        if isinstance(exc, TelegramError):
            return Failure("api", exc.message)
        return None

    async def answer_callback(self, callback_id: str, text: str | None, alert: bool) -> None:
        try:
            await self.bot.answer_callback_query(callback_id, text=text, show_alert=alert)
        except TelegramError:
            pass  # a button's spinner that cannot be stopped is harmless (the query may have expired)

    async def _set_commands(self, language: str, entries: list[tuple[str, str]]) -> None:
        await self.bot.set_my_commands([BotCommand(c, d) for c, d in entries], language_code=language or None)

    async def close(self) -> None:
        if self._started:
            await self.app.shutdown()
        for request in self._requests:  # the HTTP pools, also when start() failed (a no-op once closed)
            await request.shutdown()

    async def _setup_call(self, call: Awaitable[Any]) -> Any:
        """A start-up call: a refused token, an unreachable API or an address that is not the Bot API stops the bot
        with a clear message."""
        try:
            return await call
        except Exception as exc:
            # Not JSON (an HTML page), or JSON without "result" (PTB then fails with KeyError or TypeError): is the
            # address the Bot API at all? These errors' texts hold the page, which may echo the address and token.
            if (isinstance(exc, KeyError | TypeError | ValueError) or _not_json(exc)) and (
                line := await self.not_bot_api()
            ):
                raise ConfigError(line) from None
            if isinstance(exc, InvalidToken):  # PTB writes the token into this exception's text: never chain it
                raise ConfigError(UNAUTHORIZED) from None
            if isinstance(exc, TelegramError) and (isinstance(exc, BadRequest) or not isinstance(exc, NetworkError)):
                raise ConfigError(f"The Bot API at {self.api_url} refused a start-up call: {exc.message}") from exc
            if isinstance(exc, TimeoutError | OSError | NetworkError):
                raise ConfigError(f"Cannot reach the Bot API at {self.api_url}: {exc}") from exc
            raise


def _not_json(exc: BaseException) -> bool:
    """PTB's error for an answer that is not JSON ("Invalid server response", or an HTTP error whose page could
    not be parsed): a TelegramError raised from the JSON decoder's ValueError, itself or among its causes (PTB
    raises a 404's InvalidToken from it, and the start's InvalidToken from that one)."""
    error: BaseException | None = exc
    for _ in range(5):
        if error is None:
            return False
        if isinstance(error, TelegramError) and isinstance(error.__cause__, ValueError):
            return True
        error = error.__cause__
    return False


def _seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _markup(rows: Keyboard) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in rows])
