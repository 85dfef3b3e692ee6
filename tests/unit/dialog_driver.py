"""Drives an engine dialog as a user would: typing, sending files, pressing the buttons of the last message."""

from __future__ import annotations

from typing import Generic

from dialogs.engine import C, D, Dialog, Outcome, S
from dialogs.ui import DialogInput, FileInput, PickInput, Say, TextInput, parse_pick


class Chat(Generic[S, D, C]):
    def __init__(self, flow: Dialog[S, D, C], ctx: C) -> None:
        self.flow, self.ctx = flow, ctx
        self.last = flow.start(ctx)
        self.step: S | None = self.last.step
        self.draft: D = self.last.draft

    @property
    def said(self) -> Say:
        return self.last.says[-1]

    def send(self, given: DialogInput) -> Outcome[S, D]:
        assert self.step is not None, "the dialog has ended"
        self.last = self.flow.handle(self.step, self.draft, given, self.ctx)
        self.step, self.draft = self.last.step, self.last.draft
        return self.last

    def type(self, text: str) -> Outcome[S, D]:
        return self.send(TextInput(text))

    def photo(self, file_id: str, caption: str | None = None) -> Outcome[S, D]:
        return self.send(FileInput(file_id, "photo", caption=caption))

    def picks(self) -> list[PickInput]:
        found = [parse_pick(self.flow.prefix, data) for row in self.said.buttons for _label, data in row]
        return [pick for pick in found if pick is not None]

    def values(self) -> list[str]:
        return [pick.value for pick in self.picks()]

    def labels(self) -> list[str]:
        return [label for row in self.said.buttons for label, _data in row]

    def press(self, value: str) -> Outcome[S, D]:
        """Press the button carrying ``value`` on the last message (fails if there is none)."""
        for pick in self.picks():
            if pick.value == value:
                return self.send(pick)
        raise AssertionError(f"no button {value!r} in {self.said.buttons}")

    def warned(self) -> bool:
        return self.said.text.startswith("⚠️")
