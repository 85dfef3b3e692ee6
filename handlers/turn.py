"""One turn of conversation: the open unit of work, who is talking, in which language, and the reply."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.ui import ButtonRow, Say
from domain.vocabulary import Role
from handlers.context import Deps
from handlers.events import Button, Keyboard, Reaction, User
from handlers.i18n import Gettext, Ngettext
from handlers.procedure import Actor, Ctx
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
    #: A question was put to the user this turn (their next message answers it): a button pressed in the staff
    #: group then says "answer there", not just "sent to you".
    asked: bool = False

    @property
    def ngettext(self) -> Ngettext:
        """``turn.ngettext(singular, plural, n)``: the form for ``n`` in this turn's language."""
        return self.deps.translator.ngettext(self.locale)

    def say(self, text: str, buttons: Keyboard = ()) -> None:
        self.reaction.say(self.chat_id, text, buttons)

    def gettext_for(self, person: PersonRecord) -> Gettext:
        """Translations for a message to someone else: their /lang choice, else Telegram's language."""
        translator = self.deps.translator
        return translator.gettext(translator.pick(person.language, person.telegram_language))

    def show(self, said: Say) -> None:
        self.say(said.text, keyboard(said.buttons))

    async def held_roles(self) -> frozenset[str]:
        """The roles of whoever sent this update, now: stored roles, plus admin for ids in ``TANGGAP_ADMINS``."""
        if self.roles is None:
            stored = await self.uow.staff.roles_of(self.person.id)
            self.roles = stored | ({Role.ADMIN.value} if self.user.id in self.deps.admins else frozenset())
        return self.roles

    async def ctx(self) -> Ctx:
        """The procedure's context for this turn: who acts (with the roles they hold now); what the use case
        queues for others goes out with this turn's replies, in the same transaction."""
        actor = Actor(self.person.id, self.user.id, self.person.name, await self.held_roles())
        return Ctx(self.uow, self.deps, actor, self._, self.locale, self.reaction.outbound)


def keyboard(rows: tuple[ButtonRow, ...]) -> Keyboard:
    return tuple(tuple(Button(label, data) for label, data in row) for row in rows)
