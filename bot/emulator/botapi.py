"""Bot API methods about the bot itself: identity, updates, commands, webhook, files."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from .checks import target_chat
from .errors import CONFLICT_POLL, ApiError, bad_request
from .params import Params
from .registry import Context, Described, method

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
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
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@method("getMe")
async def get_me(ctx: Context, p: Params) -> dict[str, Any]:
    return ctx.world.bot_user


@method("getUpdates")
async def get_updates(ctx: Context, p: Params) -> list[dict[str, Any]]:
    """Long polling: confirm below ``offset``, then wait up to ``timeout`` s for updates."""
    if ctx.world.webhook_url:
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
            raise ApiError(409, CONFLICT_POLL)
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


@method("setWebhook")
async def set_webhook(ctx: Context, p: Params) -> Described:
    url = p.string("url") or ""
    if not url:
        return await delete_webhook(ctx, p)
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        ctx.queue.clear()
    allowed = p.get("allowed_updates")
    if isinstance(allowed, list):
        ctx.queue.set_allowed([str(kind) for kind in allowed])
    ctx.world.webhook_url, ctx.world.webhook_secret = url, secret
    ctx.poll_generation += 1  # a running long poll ends with 409, as on Telegram
    ctx.signal.changed()
    return Described(True, "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(ctx: Context, p: Params) -> Described:
    if p.flag("drop_pending_updates"):
        ctx.queue.clear()
    was_set = bool(ctx.world.webhook_url)
    ctx.world.webhook_url, ctx.world.webhook_secret = "", None
    return Described(True, "Webhook was deleted" if was_set else "Webhook is already deleted")


@method("getWebhookInfo")
async def get_webhook_info(ctx: Context, p: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": ctx.world.webhook_url, "has_custom_certificate": False, "pending_update_count": len(ctx.queue),
    }  # fmt: skip
    if ctx.world.webhook_url:
        info["max_connections"] = 40
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
    return {
        "file_id": file_id,
        "file_unique_id": size.get("file_unique_id", stored.file_unique_id),
        "file_size": size.get("file_size", len(stored.data)),
        "file_path": ctx.world.file_path(stored),
    }
