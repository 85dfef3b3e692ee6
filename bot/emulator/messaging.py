"""Bot API methods that send, edit and delete messages, and answer button presses."""

from __future__ import annotations

import mimetypes
import time
from typing import Any

from .checks import check_caption, check_markup, check_text, format_text, take_send_slot, target_chat
from .errors import ApiError, bad_request
from .models import MessageKind, SentMessage, StoredFile, UploadedFile
from .params import Params
from .registry import Context, method
from .state import Chat

#: What Telegram takes from a bot by multipart upload (https://core.telegram.org/bots/api#sending-files).
MAX_DOCUMENT = 50 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


@method("sendMessage")
async def send_message(ctx: Context, p: Params) -> dict[str, Any]:
    chat = target_chat(ctx, p)
    raw = p.string("text") or ""
    text, entities = format_text(ctx, raw, p.string("parse_mode"), p.get("entities"))
    check_text(text)
    markup = check_markup(p.get("reply_markup"))
    take_send_slot(ctx, chat)
    message = ctx.world.record(
        chat,
        "text",
        text=text,
        html=raw,
        entities=entities,
        reply_markup=markup,
        parse_mode=p.string("parse_mode"),
    )
    return ctx.world.message_json(message)


@method("sendPhoto")
async def send_photo(ctx: Context, p: Params) -> dict[str, Any]:
    return await _send_file(ctx, p, "photo")


@method("sendDocument")
async def send_document(ctx: Context, p: Params) -> dict[str, Any]:
    return await _send_file(ctx, p, "document")


async def _send_file(ctx: Context, p: Params, kind: MessageKind) -> dict[str, Any]:
    chat = target_chat(ctx, p)
    stored = _input_file(ctx, p, kind)
    raw = p.string("caption")
    caption, entities = format_text(ctx, raw or "", p.string("parse_mode"), p.get("caption_entities"))
    check_caption(caption)
    markup = check_markup(p.get("reply_markup"))
    take_send_slot(ctx, chat)
    message = ctx.world.record(
        chat, kind, html=raw, caption=caption or None, entities=entities, file_id=stored.file_id,
        reply_markup=markup, parse_mode=p.string("parse_mode"),
    )  # fmt: skip
    return ctx.world.message_json(message)


def _input_file(ctx: Context, p: Params, kind: MessageKind) -> StoredFile:
    value = p.file(kind)
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, UploadedFile):
        _check_upload(kind, value)
        return ctx.world.store_file(kind, value.data, value.filename, _mime_type(value))
    if value.startswith(("http://", "https://")):
        name = value.rstrip("/").rpartition("/")[2] or None
        return ctx.world.store_file(kind, b"", name, None)
    stored = ctx.world.files.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request("type of file mismatch")
    return stored


def _check_upload(kind: MessageKind, upload: UploadedFile) -> None:
    """Telegram's refusals of an uploaded file: empty; a document over 50 MB (413, as its front end answers a body
    too large); a photo over 10 MB (PHOTO_SAVE_FILE_INVALID, the error Telegram's servers give such a photo)."""
    size = len(upload.data)
    if size == 0:
        raise bad_request("file must be non-empty")
    if kind == "document" and size > MAX_DOCUMENT:
        raise ApiError(413, "Request Entity Too Large")
    if kind == "photo" and size > MAX_PHOTO:
        raise bad_request("PHOTO_SAVE_FILE_INVALID")


def _mime_type(upload: UploadedFile) -> str | None:
    """The MIME type Telegram reports: the part's own, or by the file name's extension when the client sent none
    of its own (aiogram's parts are ``application/octet-stream``; Telegram says ``application/pdf`` for a .pdf)."""
    given = upload.content_type or ""
    if given and given != "application/octet-stream":
        return given
    return mimetypes.guess_type(upload.filename or "")[0] or given or None


def _message_to_edit(ctx: Context, p: Params) -> tuple[Chat, SentMessage]:
    if p.get("inline_message_id"):
        raise bad_request("message to edit not found")
    chat = target_chat(ctx, p)
    message_id = p.integer("message_id", error="message to edit not found")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    if message_id in chat.user_messages:
        raise bad_request("message can't be edited")
    message = chat.by_id.get(message_id)
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    return chat, message


def _apply_edit(ctx: Context, message: SentMessage, changes: dict[str, Any]) -> dict[str, Any]:
    if all(getattr(message, key) == value for key, value in changes.items() if key != "html"):
        raise bad_request(_NOT_MODIFIED)
    for key, value in changes.items():
        setattr(message, key, value)
    message.edits += 1
    message.edit_date = int(time.time())
    ctx.world.bot_output(message.chat_id)
    ctx.signal.changed()
    return ctx.world.message_json(message)


@method("editMessageText")
async def edit_message_text(ctx: Context, p: Params) -> dict[str, Any]:
    _chat, message = _message_to_edit(ctx, p)
    if message.kind != "text":
        raise bad_request("there is no text in the message to edit")
    raw = p.string("text") or ""
    text, entities = format_text(ctx, raw, p.string("parse_mode"), p.get("entities"))
    check_text(text)
    markup = check_markup(p.get("reply_markup"), inline_only=True)
    changes = {"text": text, "entities": entities, "reply_markup": markup, "html": raw}
    return _apply_edit(ctx, message, changes)


@method("editMessageCaption")
async def edit_message_caption(ctx: Context, p: Params) -> dict[str, Any]:
    _chat, message = _message_to_edit(ctx, p)
    if message.kind == "text":
        raise bad_request("there is no caption in the message to edit")
    raw = p.string("caption")
    caption, entities = format_text(ctx, raw or "", p.string("parse_mode"), p.get("caption_entities"))
    check_caption(caption)
    markup = check_markup(p.get("reply_markup"), inline_only=True)
    changes = {"caption": caption or None, "entities": entities, "reply_markup": markup, "html": raw}
    return _apply_edit(ctx, message, changes)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(ctx: Context, p: Params) -> dict[str, Any]:
    _chat, message = _message_to_edit(ctx, p)
    markup = check_markup(p.get("reply_markup"), inline_only=True)
    return _apply_edit(ctx, message, {"reply_markup": markup})


@method("deleteMessage")
async def delete_message(ctx: Context, p: Params) -> bool:
    chat = target_chat(ctx, p, check_blocked=False)
    message_id = p.integer("message_id", error="message to delete not found")
    if message_id in chat.user_messages:
        chat.user_messages.discard(message_id)
        return True
    message = chat.by_id.get(message_id or 0)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    message.deleted = True
    ctx.world.bot_output(chat.id)
    ctx.signal.changed()
    return True


@method("answerCallbackQuery")
async def answer_callback_query(ctx: Context, p: Params) -> bool:
    query = ctx.world.callbacks.get(p.string("callback_query_id") or "")
    too_old = query is not None and ctx.clock() - query.created > ctx.callback_timeout
    if query is None or query.answered or too_old:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.string("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered, query.answer_text, query.show_alert = True, text, p.flag("show_alert")
    ctx.signal.changed()
    return True
