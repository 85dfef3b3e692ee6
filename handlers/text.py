"""User-written text on its way into a view: invisible direction and width controls removed, HTML escaped.

A name or a description can carry right-to-left overrides (U+202E), isolates and zero-width characters: shown
to staff they reorder or hide what is around them ("ɡnɒʜ" for "hang", a ticket number that reads backwards, an
empty-looking name). Telegram renders them as they are, so every view neutralises them before escaping.
"""

from __future__ import annotations

import re
from html import escape

from dialogs.ui import shorten

_CONTROLS = re.compile(
    "[\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff"
    "\uffa0\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)
"""Bidirectional marks, embeddings, overrides and isolates; zero-width spaces and joiners; invisible fillers and
format characters (the Hangul fillers, Mongolian vowel separator, tag characters)."""


def neutral(text: str) -> str:
    """``text`` without invisible direction and width controls (an emoji's zero-width joiner goes too: the
    emoji then shows as its parts, which is harmless)."""
    return _CONTROLS.sub("", text)


def shown(text: str | None, limit: int | None = None) -> str:
    """User text ready for a Telegram HTML view: neutralised, shortened to ``limit`` units, escaped."""
    clean = neutral(text or "")
    return escape(shorten(clean, limit) if limit is not None else clean)
