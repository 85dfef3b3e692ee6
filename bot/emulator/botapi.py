"""Bot API methods about the bot itself: identity, updates, commands, webhook, files."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from .checks import target_chat
from .errors import CONFLICT_POLL, ApiError, bad_request
from .params import Params
from .registry import Context, Described, method
from .updates import DEFAULT_ALLOWED
from .webhook import host_ip, loopback

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]*")
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses a larger file: "Bad Request: file is too big"
_WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
    }
    | {"chat_member"}
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CONFLICT_SET_WEBHOOK = "Conflict: terminated by setWebhook request"


@method("getMe")
async def get_me(ctx: Context, p: Params) -> dict[str, Any]:
    return ctx.world.bot_user


@method("getUpdates")
async def get_updates(ctx: Context, p: Params) -> list[dict[str, Any]]:
    """Long polling: confirm below ``offset``, then wait up to ``timeout`` s for updates."""
    if ctx.world.webhook.url:
        raise ApiError(409, CONFLICT_WEBHOOK)
    offset = p.integer("offset", 0) or 0
    limit = min(100, max(1, p.integer("limit", 100) or 100))
    timeout = max(0, p.integer("timeout", 0) or 0)
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        ctx.queue.set_allowed([str(kind) for kind in allowed])
    ctx.queue.confirm(offset)
    ctx.poll_generation += 1
    generation = ctx.poll_generation
    ctx.signal.changed()  # an older long poll wakes up and gets 409
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if generation != ctx.poll_generation:
            raise ApiError(409, CONFLICT_SET_WEBHOOK if ctx.world.webhook.url else CONFLICT_POLL)
        batch = ctx.queue.take(limit)
        if batch:
            return [update.to_json() for update in batch]
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0 or ctx.closing:
            return []
        await ctx.signal.wait(remaining)


def _scope_key(ctx: Context, p: Params) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    if kind.startswith("chat"):
        target_chat(ctx, Params({"chat_id": scope.get("chat_id")}), check_blocked=False)
        kind = f"{kind}:{scope['chat_id']}"
        if scope["type"] == "chat_member":
            kind = f"{kind}:{scope.get('user_id')}"
    return kind, p.string("language_code") or ""


@method("setMyCommands")
async def set_my_commands(ctx: Context, p: Params) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    clean = []
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        clean.append({"command": command["command"], "description": description})
    key = _scope_key(ctx, p)
    if clean:
        ctx.world.commands[key] = clean
    else:
        ctx.world.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(ctx: Context, p: Params) -> list[dict[str, Any]]:
    return ctx.world.commands.get(_scope_key(ctx, p), [])


@method("deleteMyCommands")
async def delete_my_commands(ctx: Context, p: Params) -> bool:
    ctx.world.commands.pop(_scope_key(ctx, p), None)
    return True


def _check_webhook_url(url: str) -> None:
    """Telegram's rules: HTTPS on port 80, 88, 443 or 8443, and not a reserved IP.

    Emulator-only allowance: a loopback host (localhost, 127.0.0.0/8, ::1) may use ``http://`` and any port,
    so that a bot under test can receive webhooks on ``http://127.0.0.1:PORT/...`` without TLS.
    """
    try:
        parsed = urlsplit(url)
        host, port = parsed.hostname or "", parsed.port or 443
    except ValueError:
        raise bad_request("invalid webhook URL specified") from None
    if parsed.scheme not in ("http", "https"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if not host:
        raise bad_request("invalid webhook URL specified")
    if loopback(host):
        return
    if parsed.scheme != "https":
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if port not in _WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    ip = host_ip(host)
    if ip is not None and not ip.is_global:
        raise bad_request(f"bad webhook: IP address {host} is reserved")


def _webhook_secret(p: Params) -> str | None:
    """1-256 characters of A-Z a-z 0-9 _ - ; empty or absent means no secret header, as on Telegram."""
    secret = p.string("secret_token") or ""
    if len(secret) > 256:
        raise bad_request("secret token is too long")
    if not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    return secret or None


@method("setWebhook")
async def set_webhook(ctx: Context, p: Params) -> Described:
    """Store the webhook; the emulator's WebhookSender then POSTs every queued update to it.

    The URL must be HTTPS on a Telegram port, except on loopback hosts, where ``http://`` and any port are
    allowed (emulator only: see ``_check_webhook_url``). Unlike Telegram, the URL is not tried before answering.
    """
    url = p.string("url") or ""
    if not url:
        return await delete_webhook(ctx, p)
    _check_webhook_url(url)
    secret = _webhook_secret(p)
    max_connections = min(100, max(1, p.integer("max_connections", 40) or 0))  # Telegram clamps, no error
    drop = p.flag("drop_pending_updates")
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        ctx.queue.set_allowed([str(kind) for kind in allowed])
    hook = ctx.world.webhook
    if (hook.url, hook.secret, hook.max_connections) == (url, secret, max_connections) and not drop:
        return Described(True, "Webhook is already set")
    if drop:
        ctx.queue.clear()
    hook.url, hook.secret, hook.max_connections = url, secret, max_connections
    hook.last_error_date, hook.last_error_message = 0, ""
    hook.generation += 1
    ctx.queue.reset_retries()
    ctx.poll_generation += 1  # a running long poll ends with 409, as on Telegram
    ctx.signal.changed()
    return Described(True, "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(ctx: Context, p: Params) -> Described:
    """Back to getUpdates; a POST still running finishes, and a 2xx to it still confirms its update."""
    if p.flag("drop_pending_updates"):
        ctx.queue.clear()
    hook = ctx.world.webhook
    was_set = bool(hook.url)
    hook.url, hook.secret, hook.max_connections = "", None, 0
    hook.last_error_date, hook.last_error_message = 0, ""
    hook.generation += 1
    ctx.signal.changed()
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(ctx: Context, p: Params) -> dict[str, Any]:
    """Fields as Telegram sends them: the optional ones only when they have a value."""
    hook = ctx.world.webhook
    info: dict[str, Any] = {
        "url": hook.url, "has_custom_certificate": False, "pending_update_count": len(ctx.queue),
    }  # fmt: skip
    if hook.last_error_date:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    if hook.max_connections:
        info["max_connections"] = hook.max_connections
    if hook.url:
        ip = host_ip(urlsplit(hook.url).hostname or "")
        info["ip_address"] = str(ip) if ip else "<unknown>"  # Telegram's value before it resolved the host
    if ctx.queue.allowed != DEFAULT_ALLOWED:
        info["allowed_updates"] = sorted(ctx.queue.allowed)
    return info


@method("close")
async def close(ctx: Context, p: Params) -> bool:
    return True


@method("logOut")
async def log_out(ctx: Context, p: Params) -> bool:
    return True


@method("getFile")
async def get_file(ctx: Context, p: Params) -> dict[str, Any]:
    stored = ctx.world.files.get(p.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    file_id = p.string("file_id")
    size: dict[str, Any] = next((s for s in stored.photo_sizes if s["file_id"] == file_id), {})
    if size.get("file_size", len(stored.data)) > DOWNLOAD_LIMIT:  # Telegram's cloud Bot API: 20 MB at most
        raise bad_request("file is too big")
    return {
        "file_id": file_id,
        "file_unique_id": size.get("file_unique_id", stored.file_unique_id),
        "file_size": size.get("file_size", len(stored.data)),
        "file_path": ctx.world.file_path(stored),
    }
