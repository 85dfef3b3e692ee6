"""The procedure, callable without a chat: use cases take plain input and return plain results.

Each use case is ``async def verb_noun(ctx, …) -> plain value``: ``ctx`` (:class:`Ctx`) says who acts, gives
the open unit of work, the shared services and the clock, and collects the messages the use case queues for
other people (notices, in each reader's language) in ``ctx.out``. Whoever calls it — the chat turn of the person
who acted, the due-work engine, an export or a later web console — renders the result for its own reader and
writes ``ctx.out`` to the outbox in the same transaction. A use case that cannot do what was asked raises
:class:`handlers.errors.Refusal` with a text for the actor (in ``ctx._``, the actor's language); the caller
rolls back whatever it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.vocabulary import Role
from handlers.context import Deps
from handlers.events import Outbound
from handlers.i18n import Gettext
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """Who acts: a person (their id, Telegram id and name) with the staff roles they hold now."""

    person_id: int
    telegram_id: int | None
    name: str
    roles: frozenset[str] = frozenset()

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & {r.value for r in roles})

    @property
    def recorded(self) -> int | None:
        """The person id a history event names: None for the system itself (:data:`SYSTEM`)."""
        return None if self.person_id == SYSTEM_ID else self.person_id


SYSTEM_ID = 0
SYSTEM = Actor(SYSTEM_ID, None, "Tanggap")
"""The actor of the due-work engine: it holds no role, writes to nobody's chat, and its events name nobody."""


@dataclass
class Ctx:
    """One use case's context: the open transaction, the services, who acts, when, and what goes out."""

    uow: UnitOfWork
    deps: Deps
    actor: Actor
    _: Gettext
    locale: str
    out: list[Outbound] = field(default_factory=list)

    @property
    def now(self) -> datetime:
        return self.deps.clock()
