"""The HTTP side: ``{base}/bot{token}/{method}`` answered exactly like api.telegram.org."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from aiohttp import web

from . import botapi, messaging  # noqa: F401  (registers the Bot API methods)
from .errors import ApiError, not_found
from .faults import FaultPlan
from .models import ApiCall
from .params import Params, read_params
from .registry import Context, Described, lookup

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
MAX_UPLOAD = 50 * 1024 * 1024
MAX_BODY = MAX_UPLOAD + (1 << 20)  # a 50 MB document and the other fields of its request (caption, buttons)


class ApiServer:
    """Serves the Bot API over aiohttp; records every call; tracks requests in flight."""

    def __init__(self, ctx: Context, faults: FaultPlan) -> None:
        self.ctx = ctx
        self.faults = faults
        self.calls: list[ApiCall] = []
        self.in_flight = 0
        self.started = 0  # requests started, long polls excepted: activity for wait_idle
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self.download)
        return app

    async def start(self, host: str, port: int) -> str:
        # access_log=None: aiohttp's access log would print the token, which is part of the path.
        runner = web.AppRunner(self.make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        self.ctx.closing = False
        log.info("Bot API emulator listening on %s", self.base_url)
        return self.base_url

    async def stop(self) -> None:
        self.ctx.closing = True
        self.ctx.signal.changed()  # pending long polls return [] at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def handle(self, request: web.Request) -> web.Response:
        entry = lookup(request.match_info["method"])
        method = entry[0] if entry else request.match_info["method"]
        content_type = request.content_type if request.can_read_body else ""
        if not _TOKEN.fullmatch(request.match_info["token"]):
            return self._answer(method, content_type, None, not_found())
        counted = method != "getUpdates"  # a long poll waiting is not work in flight
        if counted:
            self.in_flight += 1
            self.started += 1
            self.ctx.signal.changed()
        params: Params | None = None
        try:
            params = await read_params(request)
            delay = self.faults.take_delay(method)
            if delay:
                await asyncio.sleep(delay)
            failure = self.faults.take_failure(method)
            if failure is not None:
                raise failure
            if entry is None:
                raise not_found()
            result = await entry[1](self.ctx, params)
        except ApiError as error:
            result = error
        except Exception:  # a bug in the emulator: answer like Telegram's 500 rather than an HTML page
            log.exception("%s failed inside the emulator", method)
            result = ApiError(500, "Internal Server Error")
        finally:
            if counted:
                self.in_flight -= 1
            self.ctx.signal.changed()
        return self._answer(method, content_type, params, result)

    def _answer(self, method: str, content_type: str, params: Params | None, result: Any) -> web.Response:
        """Record the call and shape the response exactly like Telegram."""
        shown = params.loggable() if params else {}
        if isinstance(result, ApiError):
            retry_after = (result.parameters or {}).get("retry_after")
            self.calls.append(ApiCall(method, shown, result.status, result.description, retry_after, content_type))
            log.info("%s -> %s %s", method, result.status, result.description)
            return web.json_response(result.to_json(), status=result.status)
        body: dict[str, Any] = {"ok": True, "result": result}
        if isinstance(result, Described):
            body = {"ok": True, "result": result.value, "description": result.description}
        self.calls.append(ApiCall(method, shown, 200, body.get("description"), None, content_type))
        log.info("%s -> 200", method)
        log.debug("%s params %r", method, shown)
        return web.json_response(body)

    async def download(self, request: web.Request) -> web.Response:
        stored = self.ctx.world.file_paths.get(request.match_info["path"])
        if stored is None or not _TOKEN.fullmatch(request.match_info["token"]):
            return web.json_response(not_found().to_json(), status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
