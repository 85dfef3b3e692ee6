"""Telegram's checks on what a bot sends: formatted text, lengths, keyboards, chats."""

from __future__ import annotations

from typing import Any

from .errors import bad_request, forbidden, too_many_requests
from .html import HtmlParseError, parse_html, utf16_len
from .params import Params
from .registry import Context
from .state import Chat

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_BUTTON_ACTIONS = frozenset(
    {
        "url", "callback_data", "web_app", "login_url", "switch_inline_query", "copy_text",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay",
    }
)  # fmt: skip
_BAD_MARKUP = "can't parse reply keyboard markup JSON object"


def format_text(ctx: Context, raw: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities after parse_mode, trimmed like Telegram.

    HTML is parsed and refused exactly like Telegram; Markdown modes are accepted but not parsed.
    """
    found: list[dict[str, Any]] = []
    text = raw
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, found = parse_html(raw, strict_entities=ctx.strict_html_entities)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode not in ("", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    elif entities is not None:
        if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
            raise bad_request("can't parse entities JSON object")
        found = [dict(e) for e in entities]
    return _trim(text, found)


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    left = text.lstrip()
    shift = utf16_len(text) - utf16_len(left)
    result = left.rstrip()
    total = utf16_len(result)
    kept = []
    for entity in entities:
        start = max(0, int(entity.get("offset", 0)) - shift)
        end = min(total, int(entity.get("offset", 0)) + int(entity.get("length", 0)) - shift)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, kept


def check_text(text: str) -> None:
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(caption: str) -> None:
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def check_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    """The reply_markup as stored (inline buttons without null fields), or the error Telegram gives."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request(_BAD_MARKUP)
    if "inline_keyboard" not in markup:
        if inline_only or not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            raise bad_request(_BAD_MARKUP)
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    return {"inline_keyboard": [[_check_button(button) for button in row] for row in rows]}


def _check_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    clean = {key: value for key, value in button.items() if value is not None}
    if not _BUTTON_ACTIONS & clean.keys():
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    data = clean.get("callback_data")
    if data is not None and (not isinstance(data, str) or len(data.encode("utf-8")) > MAX_CALLBACK_DATA):
        raise bad_request("BUTTON_DATA_INVALID")
    url = clean.get("url")
    if url is not None and (not isinstance(url, str) or not url.strip()):
        raise bad_request("BUTTON_URL_INVALID")
    return clean


def target_chat(ctx: Context, p: Params, *, check_blocked: bool = True) -> Chat:
    """The chat of ``chat_id``: 400 when unknown, 403 when the user blocked the bot."""
    if p.get("chat_id") in (None, ""):
        raise bad_request("chat_id is empty")
    chat_id = p.integer("chat_id", error="chat not found")
    chat = ctx.world.chats.get(chat_id or 0)
    if chat is None:
        raise bad_request("chat not found")
    if check_blocked and chat.blocked:
        if chat.info["type"] == "private":
            raise forbidden("bot was blocked by the user")
        raise forbidden("bot was kicked from the group chat")
    return chat


def take_send_slot(ctx: Context, chat: Chat) -> None:
    """Flood control for a send: 429 with retry_after when a bucket is empty."""
    retry_after = ctx.limiter.acquire(chat.id)
    if retry_after is not None:
        raise too_many_requests(retry_after)
