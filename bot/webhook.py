"""Webhook mode: Telegram POSTs each update to us; the same processing discipline as polling, on either engine.

The server is aiohttp's (one place for both engines; each engine only reads the JSON into its ``Update``):

- a request without the right ``X-Telegram-Bot-Api-Secret-Token`` is refused (403) before anything is read;
- a body that is no update at all (not JSON, no integer ``update_id``) is refused (400); an update the engine
  cannot read is set aside (:mod:`bot.set_aside`) and answered 200 once recorded, so Telegram does not retry
  it for ever;
- the HTTP answer is given only after the update's transaction committed: 200 then, so Telegram forgets it;
  503 when the database failed, so Telegram delivers it again (an update seen before is ignored); before
  the 503 the sender is told, once per outage, that the service is briefly unavailable (:mod:`bot.outage`);
- one person's updates are processed one at a time in the order they arrived, as in polling;
- ``GET /healthz`` answers 200 when the database answers, 503 otherwise (for a load balancer or systemd).

The webhook is set after the server listens; it is left set on shutdown, so Telegram keeps the updates
that arrive while the bot is down and delivers them when it is back.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from bot.errors import ConfigError
from bot.outage import DatabaseUnavailable
from bot.port import BotPort
from bot.runner import Runner
from bot.settings import WebhookConfig
from handlers.processing import Processed

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are a few kB; a message is at most 4096 characters


class PerKeyLock:
    """One asyncio lock per key (a person), forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class WebhookServer:
    def __init__(self, runner: Runner, port: BotPort, config: WebhookConfig) -> None:
        self.runner, self.port, self.config = runner, port, config
        self.people = PerKeyLock()
        self.app = web.Application(client_max_size=MAX_BODY)
        self.app.router.add_post(config.path, self.update)
        self.app.router.add_get("/healthz", self.healthz)

    async def run(self) -> None:
        """Listen, set the webhook, and serve until cancelled."""
        site_runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await site_runner.setup()
        try:
            site = web.TCPSite(site_runner, self.config.listen, self.config.port)
            try:
                await site.start()
            except OSError as exc:
                raise ConfigError(
                    f"Cannot listen on {self.config.listen}:{self.config.port} "
                    f"(WEBHOOK_LISTEN, WEBHOOK_PORT): {exc.strerror or exc}"
                ) from exc
            async with self.runner.notifying():
                await self.port.set_webhook(self.config.url, self.config.secret, self.config.max_connections)
                log.info(
                    "listening on %s:%s%s for Telegram's webhook",
                    self.config.listen,
                    self.config.port,
                    self.config.path,
                )
                await asyncio.Event().wait()
        finally:
            await site_runner.cleanup()

    async def update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.config.secret.encode()):
            log.warning("webhook request from %s refused: %s secret header", request.remote, "wrong" if given else "no")
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        try:
            body = await request.text()
            update = self.port.parse_update(json.loads(body), body)
        except Exception as exc:  # not JSON, or no update id: nothing Telegram sends (one it cannot read is set aside)
            log.error("webhook body refused (%s: %s)", type(exc).__name__, exc)
            return web.json_response({"ok": False, "error": "not a Telegram update"}, status=400)
        key = update.event.user.id if update.event is not None else 0
        was_down = self.runner.outage.down
        try:
            async with self.people.hold(key):
                done: Processed = await self.runner.handle(update)
        except Exception as exc:
            if was_down or isinstance(exc, DatabaseUnavailable):  # the traceback once per outage, then one line
                log.info("update %s not processed, the database is still unavailable (%s); answering 503",
                         update.update_id, type(exc).__name__)
            else:
                log.exception(
                    "update %s not processed (database unavailable?); Telegram will deliver it again", update.update_id
                )
            await self.runner.outage.tell([update])  # once per person and outage; then the 503
            return web.json_response({"ok": False, "error": "try again"}, status=503)
        return web.json_response({"ok": True, "duplicate": done.duplicate})

    async def healthz(self, _request: web.Request) -> web.Response:
        try:
            async with self.runner.make_uow() as uow:
                await uow.updates.seen(0)  # a real query; update ids start at 1
        except Exception as exc:
            return web.json_response(_health(self.port, f"unavailable: {type(exc).__name__}"), status=503)
        return web.json_response(_health(self.port, "ok"))


def _health(port: BotPort, database: str) -> dict[str, Any]:
    return {
        "status": "ok" if database == "ok" else "degraded",
        "engine": port.engine,
        "mode": "webhook",
        "database": database,
    }
