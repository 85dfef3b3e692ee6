"""Named errors of the use cases; the router turns each into a message to the user."""

from __future__ import annotations


class Refusal(Exception):
    """A use case cannot do what was asked (wrong status, unknown number, bad arguments); ``text`` says why,
    already translated for the person who asked. Plain text: it is HTML-escaped when sent."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
