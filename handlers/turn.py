"""One turn of conversation: the open unit of work, who is talking, in which language, and the reply."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.ui import ButtonRow, Say
from handlers.context import Deps
from handlers.events import Button, Keyboard, Reaction, User
from handlers.i18n import Gettext
from storage.records import PersonRecord
from storage.uow import UnitOfWork


@dataclass
class Turn:
    """Handed to every use case; the update's transaction is open in ``uow`` and commits after it."""

    uow: UnitOfWork
    deps: Deps
    user: User
    person: PersonRecord
    chat_id: int
    locale: str
    _: Gettext
    reaction: Reaction
    roles: frozenset[str] | None = None
    private: bool = True

    def say(self, text: str, buttons: Keyboard = ()) -> None:
        self.reaction.say(self.chat_id, text, buttons)

    def gettext_for(self, person: PersonRecord) -> Gettext:
        """Translations for a message to someone else: their /lang choice, else Telegram's language."""
        translator = self.deps.translator
        return translator.gettext(translator.pick(person.language, person.telegram_language))

    def show(self, said: Say) -> None:
        self.say(said.text, keyboard(said.buttons))


def keyboard(rows: tuple[ButtonRow, ...]) -> Keyboard:
    return tuple(tuple(Button(label, data) for label, data in row) for row in rows)
