"""What the staff's chat layer shares: answering a button press in the chat it came from."""

from __future__ import annotations

from handlers.turn import Turn


def confirm(turn: Turn, text: str) -> None:
    """A staff action's confirmation: a short notice on a button pressed in the staff group, else a message."""
    if turn.private:
        turn.say(text)
    else:
        turn.reaction.callback_answer = text
