"""``BotApiEmulator``: a local Telegram for tests, benchmarks and the sandbox, driven from Python."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from .errors import EmulatorError
from .faults import FaultPlan
from .models import ApiCall, CallbackQuery, SentMessage, StoredFile, WebhookDelivery
from .ratelimit import Clock, SendLimiter
from .registry import Context
from .server import ApiServer
from .state import World
from .updates import ChangeSignal, UpdateQueue, random_first_update_id
from .users import UserSide
from .webhook import WebhookSender


class BotApiEmulator(UserSide):
    """An in-process Bot API server plus the users who talk to the bot.

    Users act through ``send_text`` / ``press_button`` etc. (queued as updates for getUpdates, or POSTed
    to the webhook once the bot set one); what the bot sent is in ``messages(chat_id)``. Limits are
    constructor parameters so tests can tighten them; ``webhook_timeout`` is how long one webhook POST may
    take before it counts as failed (and is retried).

    Update ids start at ``first_update_id``, by default a random number as Telegram picks after a quiet week,
    so a new emulator never hands a bot an id it recorded as processed in an earlier run on the same
    database. Message ids start at ``first_message_id`` in every chat: a sandbox on an old database starts
    after the ids it stored (ticket cards), so an edit meant for an old message never lands on a new one.
    """

    def __init__(
        self,
        *,
        per_chat_burst: int = 20,
        per_chat_rate: float = 1.0,
        global_burst: int = 30,
        global_rate: float = 30.0,
        group_burst: int = 20,
        group_rate: float = 20 / 60,
        bot_id: int = 1000001,
        bot_username: str = "tanggap_bot",
        bot_first_name: str = "Tanggap",
        rate_limits: bool = True,
        strict_html_entities: bool = False,
        callback_timeout: float = 15.0,
        clock: Clock = time.monotonic,
        webhook_timeout: float = 10.0,
        first_update_id: int | None = None,
        first_message_id: int = 1,
    ) -> None:
        self._signal = ChangeSignal()
        self._world = World(bot_id, bot_username, bot_first_name, first_message_id)
        first = random_first_update_id() if first_update_id is None else first_update_id
        self._queue = UpdateQueue(self._signal, first)
        limiter = SendLimiter(
            per_chat_burst=per_chat_burst, per_chat_rate=per_chat_rate, global_burst=global_burst,
            global_rate=global_rate, group_burst=group_burst, group_rate=group_rate, clock=clock,
        )  # fmt: skip
        limiter.enabled = rate_limits
        self._ctx = Context(
            self._world, self._queue, limiter, self._signal, clock, strict_html_entities, callback_timeout
        )
        self._clock = clock
        self._faults = FaultPlan()
        self._server = ApiServer(self._ctx, self._faults)
        self._webhook = WebhookSender(self._world, self._queue, self._signal, webhook_timeout)
        self.token = f"{bot_id}:AAEmulatorTokenNotASecret"  # any "digits:chars" token is accepted

    # lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (0 = a free port); returns the base URL, e.g. ``http://127.0.0.1:PORT``."""
        base_url = await self._server.start(host, port)
        await self._webhook.start()
        return base_url

    async def stop(self) -> None:
        """Stop webhook delivery (POSTs still running are cancelled, their updates stay queued), then serve no more."""
        await self._webhook.stop()
        await self._server.stop()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    # what the bot did

    async def wait_for_message(
        self,
        chat_id: int,
        *,
        after: int = 0,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 10.0,
    ) -> SentMessage:
        """The first message with index >= ``after`` matching ``predicate``, waiting up to ``timeout`` s."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    for message in self.messages(chat_id)[after:]:
                        if predicate is None or predicate(message):
                            return message
                    await self._signal.wait(None)
        except TimeoutError:
            seen = [m.body for m in self.messages(chat_id)[after:]]
            raise TimeoutError(f"no matching message in chat {chat_id} within {timeout}s; got {seen!r}") from None

    async def wait_idle(self, timeout: float = 10.0, *, quiet: float = 0.1) -> None:
        """Until every update is confirmed and no request was in flight or started for ``quiet`` seconds."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    if not self._idle():
                        await self._signal.wait(None)
                        continue
                    mark = self._activity()
                    await asyncio.sleep(quiet)
                    if self._idle() and self._activity() == mark:
                        return
        except TimeoutError:
            hook = self._world.webhook
            error = f"; last webhook error: {hook.last_error_message}" if hook.last_error_message else ""
            raise TimeoutError(
                f"not idle within {timeout}s: {len(self._queue)} updates pending, "
                f"{self._server.in_flight} requests in flight{error}"
            ) from None

    def _activity(self) -> tuple[int, int]:
        return self._server.started, self._queue.pushed

    def _idle(self) -> bool:
        return not len(self._queue) and not self._server.in_flight

    def on_bot_output(self, listener: Callable[[int], None]) -> Callable[[], None]:
        """Call ``listener(chat_id)`` whenever the bot sends, edits or deletes a message (at that moment, e.g. to
        time answers); returns a function that removes the listener."""
        self._world.output_listeners.append(listener)
        return lambda: self._world.output_listeners.remove(listener)

    def pending_updates(self) -> int:
        """Updates not yet confirmed: by a later getUpdates offset, or (webhook) by a 2xx answer to their POST."""
        return len(self._queue)

    def callback(self, update_id: int) -> CallbackQuery:
        """The button press behind a callback_query update, with the bot's answer (if any)."""
        for query in self._world.callbacks.values():
            if query.update_id == update_id:
                return query
        raise EmulatorError(f"update {update_id} is not a button press")

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a file the bot uploaded or a user sent."""
        if file_id not in self._world.files:
            raise EmulatorError(f"unknown file {file_id}")
        return self._world.files[file_id].data

    def file(self, file_id: str) -> StoredFile:
        """A file the bot uploaded or a user sent: its bytes, name, MIME type and ids."""
        if file_id not in self._world.files:
            raise EmulatorError(f"unknown file {file_id}")
        return self._world.files[file_id]
    def forget_files(self) -> None:
        """Every file id known so far stops working, as after the bot's token was replaced by a new bot's: getFile
        answers "invalid file_id", a send by such an id "wrong file identifier/HTTP URL specified", and old
        download paths 404. Files sent from now on get new ids."""
        self._world.files.clear()
        self._world.file_paths.clear()

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """setMyCommands by (scope, language_code); scope is its type, with ``:chat_id`` for chat scopes."""
        return self._world.commands

    @property
    def calls(self) -> list[ApiCall]:
        return self._server.calls

    @property
    def webhook(self) -> tuple[str, str | None]:
        """(url, secret_token) from setWebhook; ("", None) when none is set."""
        return self._world.webhook.url, self._world.webhook.secret

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every finished webhook POST, in the order they finished: (update_id, status or None, secret sent)."""
        return self._webhook.deliveries

    # fault injection

    def fail_next(
        self,
        method: str,
        status: int,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` ("*" = any) fail with ``status`` before doing anything."""
        self._faults.fail_next(method, status, count, retry_after, description)

    def clear_faults(self) -> None:
        """Forget the failures and delays not yet used (a burst of faults ends)."""
        self._faults.clear()

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` ("*" = any) wait ``seconds`` before being handled."""
        self._faults.delay_next(method, seconds, count)
