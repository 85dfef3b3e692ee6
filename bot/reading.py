"""Reading updates, shared by both engines: a framework's ``Update`` → the plain events of :mod:`handlers.events`.

aiogram's and python-telegram-bot's ``Update`` objects name their fields after the Bot API
(``callback_query.from_user``, ``message.photo``, ``document.file_name`` …), so one function reads either. An
update the engine cannot read (the framework refuses it, or a field Tanggap uses has another type than the Bot
API's) is not an error here: :func:`decode` makes it a :class:`~bot.set_aside.SetAside`, kept and confirmed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.errors import UnreadableUpdate
from bot.set_aside import SetAside, describe
from handlers.events import ButtonPress, FileRef, InboundUpdate, IncomingMessage, User


def decode(data: Any, raw: str | None, read: Callable[[dict[str, Any]], Any], engine: str) -> InboundUpdate | None:
    """One update's JSON (``raw``: its text as received, when at hand) read by the engine's ``read``; a
    :class:`SetAside` when that fails; None when it has no integer ``update_id`` (nothing to record it by)."""
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    try:
        return inbound(read(data))
    except Exception as exc:
        text = raw if raw is not None else json.dumps(data, ensure_ascii=False)
        return SetAside(data["update_id"], None, text, describe(exc), engine)


def inbound(update: Any) -> InboundUpdate:
    """The plain update of a framework's ``Update``; :class:`UnreadableUpdate` when its fields are not as expected."""
    try:
        return InboundUpdate(_int(update.update_id), to_event(update))
    except Exception as exc:
        raise UnreadableUpdate(f"{type(exc).__name__}: {exc}") from exc


def to_event(update: Any) -> IncomingMessage | ButtonPress | None:
    """The plain event of an aiogram or python-telegram-bot ``Update``; None for what Tanggap does not handle.

    Every field used must have the Bot API's type (else TypeError): aiogram's models check every field,
    python-telegram-bot's take what comes, and both engines must treat such an update alike."""
    q = update.callback_query
    if q is not None:
        message = q.message
        message_id = _int(message.message_id) if message is not None else None
        chat_id = _int(message.chat.id) if message is not None else _int(q.from_user.id)
        return ButtonPress(chat_id, _user(q.from_user), _str(q.id), _text(q.data) or "", message_id)
    m = update.message
    if m is None or m.from_user is None:
        return None
    file: FileRef | None = None
    if m.photo:
        file = FileRef(_str(m.photo[-1].file_id), "photo")
    elif m.document is not None:
        d = m.document
        file = FileRef(_str(d.file_id), "document", _text(d.file_name), _text(d.mime_type))
    text = m.text if m.text is not None else m.caption
    return IncomingMessage(_int(m.chat.id), _user(m.from_user), _int(m.message_id), _text(text), file,
                           private=m.chat.type == "private")


def _user(u: Any) -> User:
    return User(_int(u.id), _str(u.first_name), _text(u.last_name), _text(u.username), _text(u.language_code))


def _int(value: Any) -> int:
    """``value`` if it is an integer; a number written as a string too, as aiogram's models read it."""
    if type(value) is int:
        return value
    if isinstance(value, str) and value.removeprefix("-").isdecimal() and value.isascii():
        return int(value)
    raise TypeError(f"expected an integer, got {type(value).__name__} {value!r:.40}")


def _str(value: Any) -> str:
    """``value`` if it is a string (a framework's ``str`` enum counts as one)."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__} {value!r:.40}")
    return value


def _text(value: Any) -> str | None:
    return None if value is None else _str(value)
