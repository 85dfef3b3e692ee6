"""Plain inbound events and outbound messages: what crosses between an engine adapter and the use cases.

No Telegram framework type passes this line; the adapters in ``bot/`` translate both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from domain.delivery import Priority

Keyboard = tuple[tuple["Button", ...], ...]
MAX_TEXT, MAX_CAPTION = 4096, 1024
"""Telegram's limits of a message and of a caption, in UTF-16 units of the text as shown (HTML parsed)."""
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);|.", re.DOTALL)


def fit(html: str, limit: int) -> str:
    """``html`` (Telegram's HTML, user text escaped) cut to ``limit`` UTF-16 units of shown text, ending in "…"
    with its open tags closed: a view that outgrew Telegram's limit (a long history) still arrives."""
    if len(html.encode("utf-16-le")) // 2 <= limit or shown_units(html) <= limit:  # the HTML is never shorter
        return html
    kept: list[str] = []
    tags: list[str] = []
    used = 1  # the "…"
    for match in _TOKEN.finditer(html):
        token = match.group(0)
        if match.group(2):
            if match.group(1):
                if tags:
                    tags.pop()
            else:
                tags.append(match.group(2).lower())
            kept.append(token)
            continue
        used += len(unescape(token).encode("utf-16-le")) // 2
        if used > limit:
            return "".join(kept) + "…" + "".join(f"</{tag}>" for tag in reversed(tags))
        kept.append(token)
    return html


def shown_units(html: str) -> int:
    """UTF-16 units of ``html`` as Telegram shows it (tags dropped, entities as one character)."""
    return sum(0 if m.group(2) else len(unescape(m.group(0)).encode("utf-16-le")) // 2 for m in _TOKEN.finditer(html))


def pack(parts: list[str], limit: int = MAX_TEXT, joiner: str = "\n\n") -> list[str]:
    """``parts`` (whole sections of a view) joined into as few messages as fit ``limit`` each, never splitting a
    part; a part longer than ``limit`` on its own is cut with :func:`fit`. A long report then arrives whole, in
    several messages, instead of losing its last sections to Telegram's limit."""
    messages: list[str] = []
    current = ""
    for part in parts:
        candidate = current + joiner + part if current else part
        if current and shown_units(candidate) > limit:
            messages.append(current)
            candidate = part
        current = candidate
    if current or not messages:
        messages.append(current)
    return [fit(message, limit) for message in messages]


@dataclass(frozen=True)
class User:
    """The Telegram user behind an event."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip() or str(self.id)


@dataclass(frozen=True)
class FileRef:
    """A photo or document the user sent, by its Telegram file id."""

    file_id: str
    file_type: str  # "photo" | "document"
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True)
class IncomingMessage:
    """A message the user wrote in a chat with the bot."""

    chat_id: int
    user: User
    message_id: int
    text: str | None = None
    file: FileRef | None = None
    private: bool = True

    @property
    def command(self) -> tuple[str, str] | None:
        """``(name, args)`` for ``/name@bot args``, else None."""
        if not self.text or not self.text.startswith("/") or len(self.text) < 2:
            return None
        head, _, args = self.text.partition(" ")
        name = head[1:].split("@", 1)[0].casefold()
        return name, args.strip()


@dataclass(frozen=True)
class ButtonPress:
    """The user pressed an inline button (a callback query)."""

    chat_id: int
    user: User
    callback_id: str
    data: str
    message_id: int | None


Event = IncomingMessage | ButtonPress


@dataclass(frozen=True)
class InboundUpdate:
    """One update from Telegram: its id and the plain event (None for kinds Tanggap does not handle)."""

    update_id: int
    event: Event | None


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class OutMessage:
    """A new message to a chat. ``text`` is HTML (user text already escaped).

    ``resend``: if the person cannot be reached now (blocked the bot, never started it), send it again when they
    next write to the bot. ``fallback``: ``(chat_id, HTML text)`` to send instead, to someone else, when Telegram
    refuses it because the person cannot be reached (e.g. to whoever assigned them the work). ``scheduled``:
    ``(key, seconds)`` to send it only that much later, unless a later change cancels the key first.
    ``priority``: its delivery class (replies before notices before bulk); None lets the writer decide
    (``handlers.outbound.write_outbound``: to the acting person's chat a reply, to others a notice, bulk when
    one change tells many people). Every outbound message type has this field."""

    chat_id: int
    text: str
    buttons: Keyboard = ()
    resend: bool = False
    fallback: tuple[int, str] | None = None
    scheduled: tuple[str, float] | None = None
    priority: Priority | None = None

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"op": "send", "chat_id": self.chat_id, "text": fit(self.text, MAX_TEXT),
                                   "buttons": _rows(self.buttons)}
        if self.resend:
            payload["resend"] = True
        if self.fallback is not None:
            payload["fallback"] = {"chat_id": self.fallback[0], "text": fit(self.fallback[1], MAX_TEXT)}
        return payload


@dataclass(frozen=True)
class ClearButtons:
    """Remove the inline keyboard of a message the bot sent earlier (after one of its buttons was used)."""

    chat_id: int
    message_id: int
    priority: Priority | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"op": "clear_buttons", "chat_id": self.chat_id, "message_id": self.message_id}


@dataclass(frozen=True)
class SendCard:
    """Post a ticket's card to the staff group; the notifier stores its message id on the ticket."""

    chat_id: int
    ticket_id: int
    text: str
    buttons: Keyboard = ()
    priority: Priority | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"op": "send", "chat_id": self.chat_id, "text": fit(self.text, MAX_TEXT), "buttons": _rows(self.buttons),
                "card_of": self.ticket_id}


@dataclass(frozen=True)
class EditCard:
    """Bring a ticket's card in the staff group up to date (posted anew if it never arrived)."""

    chat_id: int
    ticket_id: int
    text: str
    buttons: Keyboard = ()
    priority: Priority | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"op": "edit_card", "chat_id": self.chat_id, "ticket_id": self.ticket_id,
                "text": fit(self.text, MAX_TEXT), "buttons": _rows(self.buttons)}


@dataclass(frozen=True)
class SendFile:
    """Send a photo or document with an HTML caption: by Telegram ``file_id`` (a file someone sent), or uploaded
    from the archive store by its ``sha256`` under ``file_name`` (a document the bot made: an LK PDF, a register;
    or evidence whose Telegram copy is gone — with both, the file id is tried first)."""

    chat_id: int
    file_type: str
    file_id: str = ""
    caption: str = ""
    resend: bool = False
    priority: Priority | None = None
    sha256: str | None = None
    file_name: str | None = None

    def __post_init__(self) -> None:
        if not self.file_id and not self.sha256:
            raise ValueError("a file to send needs a Telegram file id or an archived copy (sha256)")

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"op": "send_file", "chat_id": self.chat_id, "file_type": self.file_type,
                                   "file_id": self.file_id, "caption": fit(self.caption, MAX_CAPTION)}
        if self.sha256:
            payload["sha256"] = self.sha256
            payload["file_name"] = self.file_name or self.sha256[:12]
        if self.resend:
            payload["resend"] = True
        return payload


@dataclass(frozen=True)
class SendProgress:
    """The message that shows a long job's progress (a register export): the notifier stores its message id on the
    job, so that :class:`EditProgress` can edit it as the job goes on."""

    chat_id: int
    job_id: int
    text: str
    priority: Priority | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"op": "send", "chat_id": self.chat_id, "text": fit(self.text, MAX_TEXT), "buttons": [],
                "progress_of": self.job_id}


@dataclass(frozen=True)
class EditProgress:
    """Edit a job's progress message (``edit_text``); dropped when that message never arrived or is gone. A newer
    edit waiting replaces an older one (``handlers.outbound.progress_key``), so Telegram's edit limits hold."""

    chat_id: int
    job_id: int
    text: str
    priority: Priority | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"op": "edit_progress", "chat_id": self.chat_id, "job_id": self.job_id,
                "text": fit(self.text, MAX_TEXT), "buttons": []}


@dataclass(frozen=True)
class CancelScheduled:
    """Cancel the scheduled messages with this key that have not gone out (see ``OutMessage.scheduled``)."""

    key: str


Outbound = OutMessage | ClearButtons | SendCard | EditCard | SendFile | SendProgress | EditProgress | CancelScheduled
Delivered = OutMessage | ClearButtons | SendCard | EditCard | SendFile | SendProgress | EditProgress
"""The outbound types that become outbox rows (a ``CancelScheduled`` only cancels)."""


@dataclass
class Reaction:
    """What handling one event produced: messages for the outbox and the answer to a button press."""

    outbound: list[Outbound] = field(default_factory=list)
    callback_answer: str | None = None
    callback_alert: bool = False
    #: A register export was queued (``/export``): the process's export runner is woken after the commit.
    export_queued: bool = False
    #: Archived files an erasure let go (``/forget``): deleted from the archive store after the commit.
    erased_files: frozenset[str] = frozenset()
    #: An identity was erased (``/forget``): after the commit, the database lets go of its old versions too
    #: (``UnitOfWork.settle_erasure``).
    erased: bool = False

    def say(self, chat_id: int, text: str, buttons: Keyboard = ()) -> None:
        self.outbound.append(OutMessage(chat_id, text, buttons))


def _rows(buttons: Keyboard) -> list[list[list[str]]]:
    return [[[b.text, b.data] for b in row] for row in buttons]


def payload_buttons(payload: dict[str, Any]) -> Keyboard:
    """Buttons back from an outbox payload."""
    rows = payload.get("buttons") or []
    return tuple(tuple(Button(str(t), str(d)) for t, d in row) for row in rows)
