"""Webhook delivery: POST each queued update to the URL of setWebhook until the bot answers 2xx, as Telegram does."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time

import aiohttp

from .models import Webhook, WebhookDelivery
from .state import World
from .updates import ChangeSignal, QueuedUpdate, UpdateQueue

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_FIRST = 0.1  # s before the first retry; doubled per failure (Telegram waits far longer: tests must not)
RETRY_MAX = 2.0
ChatKey = int | str


def chat_key(update: QueuedUpdate) -> ChatKey:
    """The ordering queue of an update: its chat (a button press: the chat of the message), else its sender.

    Updates with the same key are POSTed one at a time in update_id order, like Telegram's per-chat queues.
    """
    payload = update.payload if isinstance(update.payload, dict) else {}  # push_raw queues anything
    message = payload.get("message")
    chat = payload.get("chat") or (message.get("chat") if isinstance(message, dict) else None)
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return int(chat["id"])
    sender = payload.get("from")
    if isinstance(sender, dict) and isinstance(sender.get("id"), int):
        return int(sender["id"])
    return f"update:{update.update_id}"  # nothing to order it with


class WebhookSender:
    """The background task that pushes updates while a webhook is set; one ClientSession from start to stop."""

    def __init__(self, world: World, queue: UpdateQueue, signal: ChangeSignal, timeout: float) -> None:
        self._world = world
        self._queue = queue
        self._signal = signal
        self.timeout = timeout
        self.deliveries: list[WebhookDelivery] = []
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._posts: dict[int, asyncio.Task[None]] = {}  # by update_id
        self._busy: set[ChatKey] = set()  # chats with a POST running: their next update waits for its 2xx

    async def start(self) -> None:
        self._session = aiohttp.ClientSession()
        self._task = asyncio.create_task(self._run(), name="webhook delivery")

    async def stop(self) -> None:
        """Cancel the loop and every POST still running (their updates stay queued), then close the session."""
        tasks = [task for task in (self._task, *self._posts.values()) if task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._posts.clear()
        self._busy.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        while True:
            await self._signal.wait(self._launch())

    def _launch(self) -> float | None:
        """Start a POST for the head of every idle chat that is due; returns seconds until the next retry is."""
        hook = self._world.webhook
        if not hook.url:
            return None
        now = asyncio.get_running_loop().time()
        seen: set[ChatKey] = set()
        next_retry: float | None = None
        for update in self._queue.pending():
            if len(self._posts) >= hook.max_connections:
                break
            key = chat_key(update)
            if key in seen or key in self._busy:
                continue  # only the oldest update of a chat goes, and only when the one before it got 2xx
            seen.add(key)
            if update.retry_at > now:
                wait = update.retry_at - now
                next_retry = wait if next_retry is None else min(next_retry, wait)
                continue
            self._busy.add(key)
            update.forced = False  # this POST is the re-delivery asked for
            self._posts[update.update_id] = asyncio.create_task(self._deliver(update, key, hook.generation))
        return next_retry

    async def _deliver(self, update: QueuedUpdate, key: ChatKey, generation: int) -> None:
        hook = self._world.webhook
        secret = hook.secret or None
        try:
            status, error = await self._post(hook.url, secret, update)
            self.deliveries.append(WebhookDelivery(update.update_id, status, secret))
            if not error:
                self._queue.delivered(update)  # confirmed even if the webhook changed meanwhile: the bot has it
            elif generation == hook.generation:
                self._failed(hook, update, error)
        finally:
            self._posts.pop(update.update_id, None)
            self._busy.discard(key)
            self._signal.changed()

    def _failed(self, hook: Webhook, update: QueuedUpdate, error: str) -> None:
        hook.last_error_date, hook.last_error_message = int(time.time()), error
        update.retry_delay = min(RETRY_MAX, update.retry_delay * 2 or RETRY_FIRST)
        update.retry_at = asyncio.get_running_loop().time() + update.retry_delay
        log.info("webhook POST of update %s failed (%s); retry in %.1fs", update.update_id, error, update.retry_delay)

    async def _post(self, url: str, secret: str | None, update: QueuedUpdate) -> tuple[int | None, str]:
        """One attempt: (HTTP status or None, "" on 2xx else the error as getWebhookInfo words it)."""
        assert self._session is not None, "the emulator is not started"
        headers = {"Content-Type": "application/json"}
        if secret:
            headers[SECRET_HEADER] = secret
        body = json.dumps(update.to_json())
        try:
            async with (
                asyncio.timeout(self.timeout),
                self._session.post(url, data=body, headers=headers) as response,
            ):
                await response.read()
        except TimeoutError:
            return None, "Read timeout expired"
        except aiohttp.ClientConnectorDNSError as error:
            return None, f"Failed to resolve host: {error.os_error.strerror or error}"
        except aiohttp.ClientConnectorError as error:
            refused = isinstance(error.os_error, ConnectionRefusedError)
            return None, "Connection refused" if refused else "Can't connect to the webhook"
        except (aiohttp.ClientError, OSError):
            return None, "Webhook connection closed"
        except Exception:  # a bug in the emulator: keep the update queued rather than lose the delivery task
            log.exception("webhook POST of update %s failed inside the emulator", update.update_id)
            return None, "Internal Server Error"
        if 200 <= response.status <= 299:
            return response.status, ""
        return response.status, f"Wrong response from the webhook: {response.status} {response.reason or ''}".strip()


def host_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP of a URL host written as one (``localhost`` counts as 127.0.0.1); None for a name."""
    if host.lower() == "localhost":
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def loopback(host: str) -> bool:
    """localhost or a loopback IP (127.0.0.0/8, ::1): the only hosts the emulator lets a webhook use plain HTTP."""
    ip = host_ip(host)
    return ip is not None and ip.is_loopback
