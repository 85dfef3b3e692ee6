"""What the staff's chat layer shares: answering a button press in the chat it came from."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from handlers.events import SendFile
from handlers.turn import Turn
from storage.records import ArchiveItemRecord


def confirm(turn: Turn, text: str) -> None:
    """A staff action's confirmation: a short notice on a button pressed in the staff group, else a message."""
    if turn.private:
        turn.say(text)
    else:
        turn.reaction.callback_answer = text


def archived_file(turn: Turn, file_type: str, file_id: str, caption: str, item: ArchiveItemRecord | None,
                  file_name: str) -> SendFile:
    """An "open attachment" button's file: by its Telegram ``file_id``, with the archived copy named as the fallback
    (the adapter uploads it when Telegram no longer knows the id, e.g. after a token change). Without an archived
    copy yet, the button's answer says so: then only Telegram's copy can be sent."""
    if item is not None and item.status == "stored" and item.sha256:
        return SendFile(turn.user.id, file_type, file_id, caption, sha256=item.sha256,
                        file_name=_with_extension(file_name, item.mime))
    turn.reaction.callback_answer = turn._("Not archived yet: sending Telegram's copy.")
    return SendFile(turn.user.id, file_type, file_id, caption)


def extension_of(mime: str | None, name: str | None = None) -> str:
    """The file name extension of a stored type (``.jpg`` for ``image/jpeg``), else the one ``name`` ends in (a
    file sent as ``application/octet-stream`` is no ``.bin``), or ""."""
    extension = mimetypes.guess_extension(mime or "") or ""
    if extension in ("", ".bin") and name:
        suffix = PurePath(name).suffix.casefold()
        extension = suffix if 1 < len(suffix) <= 6 and suffix[1:].isalnum() else extension
    return ".jpg" if extension == ".jpe" else extension


def _with_extension(name: str, mime: str | None) -> str:
    """``name`` ending as its stored type does (a photo is archived as ``.jpg``; a stripped PNG as ``.png``)."""
    extension = extension_of(mime)
    return name if not extension or name.casefold().endswith(extension) else name + extension
