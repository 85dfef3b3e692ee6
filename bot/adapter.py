"""What the aiogram and python-telegram-bot adapters share: outbox operations, error meaning, update reading.

An adapter (``bot/aiogram_port.py``, ``bot/ptb_port.py``) only makes the framework's calls and names
its exceptions as a :class:`Failure`; everything else is decided here once, so both engines behave
the same: which operation a payload asks for, which Telegram answers are success ("message is not
modified"), which mean the person is unreachable, the message is gone, or we should try again.

A file to send (``send_file``) goes by its Telegram file id, or is uploaded (multipart) from the archive store
when the payload names an archived copy (``sha256``); with both, the file id is tried first and the archived
copy uploaded when Telegram no longer knows the id (a new bot token, Telegram's own retention). The archived
copy is read off the event loop, checked against its hash and Telegram's size limits before any byte is sent:
a missing, altered or oversized copy is a :class:`~bot.errors.FileUnavailable`, the row's permanent failure.

Reading updates is shared too (:mod:`bot.reading`); an update the engine cannot read becomes a
:class:`bot.set_aside.SetAside` instead of an error.

Start-up calls other than getMe (and setWebhook in webhook mode) are not essential: the command menu and
deleting a webhook that is not set. A server that lacks them (a self-hosted Bot API, a proxy answering 404 or
501) gets one warning line, and the bot starts. An address that does not answer like the Bot API at all (an
HTML page, JSON without ``ok``) stops the start with one line that says so (:meth:`Adapter.not_bot_api`).
"""

from __future__ import annotations

import abc
import asyncio
import json
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.errors import DeliveryError, FileUnavailable, MessageGone, Rejected, RetryLater, Unreachable
from bot.files import DOWNLOAD_LIMIT, Downloaded
from bot.reading import decode
from handlers.events import InboundUpdate, Keyboard, payload_buttons
from storage.archive import ArchiveError, ArchiveStore

log = logging.getLogger(__name__)

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
NOT_BOT_API = "TELEGRAM_API_URL {url} does not answer like the Bot API ({got}): check the address"
UNREADABLE_ANSWER = "its answer to getUpdates could not be read"
PROBE_LIMIT = 1 << 16  # bytes of an answer read to say what it is
#: What Telegram takes from a bot by multipart upload (https://core.telegram.org/bots/api#sending-files).
UPLOAD_LIMITS = {"document": 50 * 1024 * 1024, "photo": 10 * 1024 * 1024}
UPLOAD_TIMEOUT = 300.0
"""Seconds an upload may take (at least; never less than the ordinary request timeout): 50 MB over a 2 Mbit/s
uplink takes about 200 s, and an ordinary call's 30 s would cut it off and send it again and again."""
#: Telegram's answers to a file id it does not know (another bot's, or one it no longer keeps): then the archived
#: copy is uploaded instead.
FILE_ID_REFUSED = ("wrong file identifier", "wrong remote file identifier", "wrong padding", "file_reference",
                   "invalid file_id", "type of file mismatch")


@dataclass(frozen=True)
class Upload:
    """A file to upload by multipart: the archived bytes (checked against their hash) and the name it is shown
    under in the chat ("LK-2026-001.pdf")."""

    name: str
    data: bytes


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
    engine: str
    api_url: str
    archive: ArchiveStore | None = None
    """Where the archived copies a ``send_file`` names are read from (``ARCHIVE_DIR``); None: only file ids."""
    upload_timeout: float = UPLOAD_TIMEOUT

    def parse_update(self, data: Any, raw: str | None = None) -> InboundUpdate:
        """An update that came by webhook (the JSON body, and its text as received), read the way getUpdates' are.

        Raises ValueError only when it is no update at all (no integer ``update_id``)."""
        update = self.decode(data, raw)
        if update is None:
            raise ValueError("not an update: no integer update_id")
        return update

    def decode(self, data: Any, raw: str | None = None) -> InboundUpdate | None:
        """One update's JSON as the plain update; a :class:`~bot.set_aside.SetAside` when the engine cannot read
        it; None when it has no integer ``update_id`` (then it can be neither recorded nor confirmed)."""
        return decode(data, raw, self.read, self.engine)

    def decode_batch(self, result: Any) -> list[InboundUpdate]:
        """getUpdates' result read update by update, after the framework failed to read it as a whole."""
        if not isinstance(result, list):
            raise RetryLater(NOT_BOT_API.format(url=self.api_url, got=UNREADABLE_ANSWER))
        updates = [u for u in map(self.decode, result) if u is not None]
        if len(updates) < len(result):
            log.error("getUpdates: elements without an update id, ignored: %s of %s", len(result) - len(updates),
                      len(result))
            if not updates:
                raise RetryLater(NOT_BOT_API.format(url=self.api_url, got=UNREADABLE_ANSWER))
        return updates

    @abc.abstractmethod
    def read(self, data: dict[str, Any]) -> Any:
        """The framework's ``Update`` of one update's JSON; raises whatever the framework raises."""

    async def set_commands(self, commands: dict[str, list[tuple[str, str]]]) -> None:
        """Register the command menu by language ("" = default); not essential: a refusal is one warning."""
        try:
            for language, entries in commands.items():
                await self._set_commands(language, entries)
        except Exception as exc:
            self._skipped("setMyCommands", exc, "Telegram's clients show no command menu")

    async def delete_webhook(self) -> None:
        """Before polling (Telegram refuses getUpdates while a webhook is set); not essential: a server without
        webhooks (a proxy, a self-hosted Bot API answering 404 or 501) has none to delete."""
        try:
            await self.bot.delete_webhook(drop_pending_updates=False)
        except Exception as exc:
            self._skipped("deleteWebhook", exc, "if a webhook is set, getUpdates is refused (409) until it is deleted")

    def _skipped(self, method: str, exc: Exception, consequence: str) -> None:
        failure = self.failure(exc)
        reason = failure.description if failure is not None else type(exc).__name__
        log.warning("%s failed (%s): %s; the bot starts anyway", method, reason, consequence)

    async def not_bot_api(self) -> str:
        """The line that says ``TELEGRAM_API_URL`` is not the Bot API, with what it answers to getMe; "" when it
        does answer like the Bot API (a JSON object with ``ok``), and the error is something else."""
        got = await what_answers(self.api_url, self.bot.token)
        return NOT_BOT_API.format(url=self.api_url, got=got) if got else ""

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
            return await self._send_file(chat_id, payload, rows)
        if op == "edit_text":
            await self.edit_text(chat_id, int(payload["message_id"]), str(payload["text"]), rows)
            return None
        if op == "clear_buttons":
            await self.clear_buttons(chat_id, int(payload["message_id"]))
            return None
        raise Rejected(f"unknown outbox operation {op!r}")

    async def _send_file(self, chat_id: int, payload: dict[str, Any], rows: Keyboard) -> int:
        """By file id, or the archived copy uploaded: when there is no file id, or Telegram no longer knows it."""
        kind = payload["file_type"]
        if kind not in UPLOAD_LIMITS:
            raise Rejected(f"unknown file_type {kind!r}")
        caption = payload.get("caption") or None
        file_id, sha256 = str(payload.get("file_id") or ""), str(payload.get("sha256") or "")
        if file_id:
            try:
                return await self.send_file(chat_id, kind, file_id, caption, rows)
            except Exception as exc:
                if not sha256 or not self._file_id_refused(exc):
                    raise
                log.warning("chat %s: Telegram no longer knows the %s's file id (%s); uploading the archived copy %s",
                            chat_id, kind, self.failure(exc), sha256[:12])
        if not sha256:
            raise Rejected("send_file names neither a file id nor an archived copy")
        name = str(payload.get("file_name") or sha256[:12])
        upload = await asyncio.to_thread(self._archived, sha256, name, kind)
        return await self.upload_file(chat_id, kind, upload, caption, rows)

    def _file_id_refused(self, exc: BaseException) -> bool:
        failure = self.failure(exc)
        reason = failure.description.casefold() if failure is not None and failure.kind == "bad_request" else ""
        return any(s in reason for s in FILE_ID_REFUSED)

    def _archived(self, sha256: str, name: str, kind: str) -> Upload:
        """The archived copy, read and checked (blocking: run in a thread); its size is checked first, so a file
        Telegram would refuse is never read nor sent."""
        if self.archive is None:
            raise FileUnavailable(f"no archive store to read {sha256[:12]} from")
        limit = UPLOAD_LIMITS[kind]
        try:
            size = self.archive.path(sha256).stat().st_size
        except FileNotFoundError:
            raise FileUnavailable(f"{sha256} is not in the archive at {self.archive.root}") from None
        if size > limit:
            raise FileUnavailable(f"{name} is {size / 2**20:.1f} MB; Telegram takes a {kind} of up to "
                                  f"{limit // 2**20} MB from a bot")
        try:
            return Upload(name, self.archive.get(sha256))
        except ArchiveError as exc:
            raise FileUnavailable(str(exc)) from None
    async def download(self, file_id: str, limit: int = DOWNLOAD_LIMIT) -> Downloaded:
        """See :meth:`bot.port.BotPort.download`; the engine's errors named as for the outbox."""
        try:
            return await self._download(file_id, limit)
        except DeliveryError:
            raise
        except (aiohttp.ClientError, OSError) as exc:  # the file's own GET (aiogram: aiohttp; PTB names its own)
            raise RetryLater(f"download failed ({type(exc).__name__}: {exc})") from exc
        except Exception as exc:
            failure = self.failure(exc)
            if failure is None:
                raise
            if failure.kind == "retry":
                raise RetryLater(failure.description, failure.retry_after) from exc
            raise Rejected(failure.description) from exc

    # What each engine implements: the calls (HTML parse mode), and naming its exceptions.

    @abc.abstractmethod
    async def send_text(self, chat_id: int, text: str, buttons: Keyboard) -> int: ...

    @abc.abstractmethod
    async def send_file(self, chat_id: int, kind: str, file_id: str, caption: str | None, buttons: Keyboard) -> int:
        """``kind`` is "photo" or "document"; the file is sent again by its ``file_id``."""

    @abc.abstractmethod
    async def upload_file(self, chat_id: int, kind: str, upload: Upload, caption: str | None, buttons: Keyboard
                          ) -> int:
        """``kind`` is "photo" or "document"; the bytes are uploaded (multipart) under ``upload.name``, within
        :attr:`upload_timeout`."""

    @abc.abstractmethod
    async def _download(self, file_id: str, limit: int) -> Downloaded:
        """getFile, refuse a file over ``limit`` (:func:`check_size`), then fetch its bytes."""

    @abc.abstractmethod
    async def edit_text(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> None: ...

    @abc.abstractmethod
    async def clear_buttons(self, chat_id: int, message_id: int) -> None: ...

    @abc.abstractmethod
    async def _set_commands(self, language: str, entries: list[tuple[str, str]]) -> None: ...

    @abc.abstractmethod
    async def _setup_call(self, call: Awaitable[Any]) -> Any:
        """Await a start-up call; a refused token or an unreachable API becomes a :class:`bot.errors.ConfigError`."""

    @abc.abstractmethod
    def failure(self, exc: BaseException) -> Failure | None:
        """The framework's exception named; None when it is not a Bot API or network error."""


def check_size(size: int | None, limit: int) -> None:
    """Refuse a file over ``limit`` before downloading it, in Telegram's words (its getFile refuses one over 20 MB)."""
    if size is not None and size > limit:
        raise Rejected(f"Bad Request: file is too big ({size} bytes, the limit is {limit})")


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


async def what_answers(api_url: str, token: str, timeout: float = 10.0) -> str:
    """What ``{api_url}/bot{token}/getMe`` answers, in a few words ("got HTTP 200 text/html, not JSON"); "" when it
    answers like the Bot API. The address holds the token: no text of this request's errors is ever used."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
            http.get(f"{api_url}/bot{token}/getMe") as response,
        ):
            status, kind = response.status, response.content_type.replace(token, "<token>")[:80]
            body = await response.content.read(PROBE_LIMIT)
    except Exception:
        return "got an answer the engine could not read"
    try:
        data = json.loads(body)
    except ValueError:
        return f"got HTTP {status} {kind}, not JSON"
    if isinstance(data, dict) and "ok" in data:
        return ""
    return f'got HTTP {status} {kind} without "ok"'
