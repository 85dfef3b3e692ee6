"""What a dialog says and hears: plain values, no framework."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Gettext = Callable[[str], str]
ButtonRow = tuple[tuple[str, str], ...]  # (label, callback data)


@dataclass(frozen=True)
class Say:
    """One message to the user: HTML text (user text escaped) and rows of inline buttons."""

    text: str
    buttons: tuple[ButtonRow, ...] = ()


@dataclass(frozen=True)
class TextInput:
    """The user typed text."""

    text: str


@dataclass(frozen=True)
class PickInput:
    """The user pressed one of the dialog's buttons; ``step`` is the step the button was made for."""

    step: str
    value: str


@dataclass(frozen=True)
class FileInput:
    """The user sent a photo or a document."""

    file_id: str
    file_type: str  # "photo" | "document"
    file_name: str | None = None
    mime_type: str | None = None
    caption: str | None = None


DialogInput = TextInput | PickInput | FileInput


def pick_data(prefix: str, step: str, value: str) -> str:
    """Callback data for a dialog button: ``prefix:step:value`` (kept well under Telegram's 64 bytes)."""
    data = f"{prefix}:{step}:{value}"
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def parse_pick(prefix: str, data: str) -> PickInput | None:
    """The inverse of :func:`pick_data`; None when the data is not for this dialog."""
    head, sep, rest = data.partition(":")
    if head != prefix or not sep:
        return None
    step, sep, value = rest.partition(":")
    if not sep or not step:
        return None
    return PickInput(step, value)
