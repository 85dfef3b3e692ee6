"""A text over a step's limit is kept, not refused: the person shortens it or takes its first part.

A description written with care must not be lost because it is a few sentences too long. The step stores the
whole text in the draft (``overlong``, by step), says how long it is and what the limit is, and offers a button
"✂️ Use the first N characters": its start up to the end of a sentence, or else of a word, never inside a word.
Sending a shorter version works as well. Pure: the dialogs call these from their steps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from dialogs import ui
from dialogs.ui import ButtonRow, Gettext, Say

CUT = "cut"
"""The value of the "✂️ Use the first N characters" button."""
_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")


@dataclass(frozen=True)
class TooLong:
    """A text over the step's maximum, to be kept in the draft until it is shortened."""

    text: str


def cut(text: str, limit: int, minimum: int = 1) -> str | None:
    """The longest start of ``text`` of at most ``limit`` characters that ends a sentence (when that keeps at
    least half of ``limit``) or else a word; None when even that would be shorter than ``minimum``."""
    if len(text) <= limit:
        return text
    window = text[: limit + 1]  # one character more: is the limit itself at a word's end?
    sentences = [m.end() for m in _SENTENCE_END.finditer(window) if m.end() <= limit]
    words = [i for i in range(1, limit + 1) if window[i].isspace() and not window[i - 1].isspace()]
    ends = [end for end in sentences if end >= limit // 2] or words
    if not ends:
        return None
    kept = text[: max(ends)].rstrip()
    return kept if len(kept) >= minimum else None


def pending(overlong: Mapping[str, str], step: str) -> str | None:
    """The over-long text kept for ``step``, if any."""
    return overlong.get(step)


def keep(overlong: Mapping[str, str], step: str, text: str | None) -> dict[str, str]:
    """``overlong`` with ``text`` kept for ``step`` (None: the step's text is settled, forget it)."""
    others = {key: value for key, value in overlong.items() if key != step}
    return others if text is None else {**others, step: text}


def note(text: str, limit: int, minimum: int, _: Gettext) -> str:
    """What the step says above its question while it keeps an over-long text: its length, the limit, what to do."""
    lines = [_("Your text has {n} characters; please shorten it to {max} or fewer.").format(n=len(text), max=limit)]
    kept = cut(text, limit, minimum)
    if kept is not None:
        lines.append(_("Nothing is lost: send a shorter version, or press the button to use its first {n} "
                       "characters (up to the end of a sentence or a word).").format(n=len(kept)))
    else:
        lines.append(_("Nothing is lost: your text is kept until you send a shorter version."))
    return "⚠️ " + "\n".join(lines)


def cut_row(prefix: str, step: str, text: str, limit: int, minimum: int, _: Gettext) -> tuple[ButtonRow, ...]:
    """The "✂️ Use the first N characters" button, when the text can be cut at a sentence or a word."""
    kept = cut(text, limit, minimum)
    if kept is None:
        return ()
    label = _("✂️ Use the first {n} characters").format(n=len(kept))
    return ((ui.button(prefix, step, label, CUT),),)


def take_cut(overlong: Mapping[str, str], step: str, limit: int, minimum: int) -> str | None:
    """The cut start of the text kept for ``step`` (the button was pressed); None when there is none to cut."""
    text = pending(overlong, step)
    return cut(text, limit, minimum) if text is not None else None


def prompt(text: str, overlong: Mapping[str, str], prefix: str, step: str, limits: tuple[int, int],
           navigation: ButtonRow, _: Gettext) -> Say:
    """A long-text step's question (``limits``: minimum, maximum); while it keeps an over-long text, the
    :func:`note` above it and the cut button under it."""
    kept = pending(overlong, step)
    if kept is None:
        return Say(text, (navigation,))
    minimum, maximum = limits
    rows = cut_row(prefix, step, kept, maximum, minimum, _)
    return Say(f"{note(kept, maximum, minimum, _)}\n\n{text}", (*rows, navigation))
