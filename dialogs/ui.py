"""What a dialog says and hears: plain values, no framework."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
"""``ngettext(singular, plural, n)``: the form for ``n`` in the reader's language."""
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


def button(prefix: str, step: str, label: str, value: str) -> tuple[str, str]:
    """One inline button of a dialog: its label and :func:`pick_data` for it."""
    return (label, pick_data(prefix, step, value))


def nav_row(prefix: str, _: Gettext, step: str, *, back: bool = True) -> ButtonRow:
    """The « Back / ✖ Cancel row under a step's own buttons."""
    row = [button(prefix, step, _("« Back"), "back")] if back else []
    row.append(button(prefix, step, _("✖ Cancel"), "cancel"))
    return tuple(row)


def utf16_units(text: str) -> int:
    """The length of ``text`` as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` units as Telegram counts them (:func:`utf16_units`), "…" marking a cut."""
    if utf16_units(text) <= limit:
        return text
    kept, used = [], 1  # the "…"
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
        kept.append(char)
    return "".join(kept) + "…"


def grid(buttons: Sequence[tuple[str, str]], width: int) -> tuple[ButtonRow, ...]:
    """Buttons laid out ``width`` to a row."""
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def parse_pick(prefix: str, data: str) -> PickInput | None:
    """The inverse of :func:`pick_data`; None when the data is not for this dialog."""
    head, sep, rest = data.partition(":")
    if head != prefix or not sep:
        return None
    step, sep, value = rest.partition(":")
    if not sep or not step:
        return None
    return PickInput(step, value)
