"""Drive the use cases through ``process_update`` on a real database, without Telegram: fast enough to try every
command and button as every role. What the bot would send is read back from the outbox."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.emulator.html import parse_html
from dialogs.calendar import WorkingCalendar
from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.events import ButtonPress, FileRef, InboundUpdate, IncomingMessage, User
from handlers.i18n import Translator
from handlers.lk_form_jobs import run_lk_forms
from handlers.processing import Processed, process_update
from storage.archive import ArchiveStore
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # a Wednesday, 10:00 WIB
STAFF_GROUP = -1001234567


def telegram_would_accept(payload: dict[str, Any]) -> None:
    """Every text the bot queues is HTML Telegram accepts: an unescaped ``<number>`` in a usage line fails here,
    at the use case that wrote it, instead of in production as "can't parse entities"."""
    for key in ("text", "caption"):
        if isinstance(payload.get(key), str):
            parse_html(payload[key])
    fallback = payload.get("fallback")
    if isinstance(fallback, dict) and isinstance(fallback.get("text"), str):
        parse_html(fallback["text"])


class Desk:
    def __init__(self, make_uow: Callable[[], SqlUnitOfWork], *, admins: frozenset[int] = frozenset(),
                 clock: Callable[[], datetime] = lambda: NOW, allow_self_check: bool = False,
                 calendar: WorkingCalendar | None = None, archive: ArchiveStore | None = None) -> None:
        self.make_uow = make_uow
        # Generated documents go to a temporary archive (never the repository's data/), unless a test names one.
        archive = archive or ArchiveStore(Path(tempfile.mkdtemp(prefix="tanggap-desk-archive-")))
        self.deps = Deps(catalogue=load_catalogue(), translator=Translator(), admins=admins,
                         staff_chat_id=STAFF_GROUP, clock=clock, allow_self_check=allow_self_check,
                         calendar=calendar or WorkingCalendar(), archive=archive)
        self._ids = itertools.count(1)
        self.run_jobs = True  # a closed LK's form jobs run after the update, as the bot's export runner runs them

    def user(self, user_id: int, name: str = "", language: str = "en") -> User:
        return User(user_id, name or f"User {user_id}", language_code=language)

    async def _run(self, event: IncomingMessage | ButtonPress) -> tuple[Processed, list[dict[str, Any]]]:
        """Process the update, then "send" what it queued: every message but a scheduled one not due yet at the
        desk's clock (that one goes with :meth:`deliver_due` once the clock passed its time)."""
        done = await process_update(InboundUpdate(next(self._ids), event), self.make_uow, self.deps)
        made = set(done.outbox_ids)
        if done.export_queued and self.run_jobs:  # a closed LK's forms, as the bot's export runner runs them
            async with self.make_uow() as uow:
                before = {item.id for item in await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), limit=10_000)}
            await run_lk_forms(self.make_uow, self.deps)
            async with self.make_uow() as uow:
                made |= {item.id for item in await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), limit=10_000)
                         if item.id not in before}
        async with self.make_uow() as uow:
            for item in await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), limit=10_000):
                telegram_would_accept(item.payload)
            due = await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), limit=10_000)
            scheduled = await self._scheduled_later(uow)
            payloads = [item.payload for item in due if item.id in made and item.id not in scheduled]
            for item in due:
                if item.id not in scheduled:
                    await uow.outbox.mark_sent(item.id, NOW)
            await uow.commit()
        return done, payloads

    async def _scheduled_later(self, uow: SqlUnitOfWork) -> set[int]:
        now = self.deps.clock()
        return {item.id for item in await uow.outbox.due(datetime(2100, 1, 1, tzinfo=UTC), limit=10_000)
                if item.not_before > now}

    async def deliver_due(self) -> list[dict[str, Any]]:
        """The scheduled messages whose time has come by the desk's clock, "sent" now."""
        async with self.make_uow() as uow:
            due = await uow.outbox.due(self.deps.clock(), limit=10_000)
            for item in due:
                telegram_would_accept(item.payload)
            for item in due:
                await uow.outbox.mark_sent(item.id, NOW)
            await uow.commit()
        return [item.payload for item in due]

    async def say(self, user: User, text: str, *, chat_id: int | None = None) -> list[str]:
        chat = user.id if chat_id is None else chat_id
        _done, payloads = await self._run(IncomingMessage(chat, user, next(self._ids), text, private=chat > 0))
        return [p.get("text", "") for p in payloads]

    async def press(self, user: User, data: str, *, chat_id: int | None = None) -> tuple[str | None, list[str]]:
        chat = user.id if chat_id is None else chat_id
        done, payloads = await self._run(ButtonPress(chat, user, f"cb{next(self._ids)}", data, 1))
        return done.callback_answer, [p.get("text", "") for p in payloads]

    async def payloads(self, user: User, text: str, *, file: FileRef | None = None,
                       chat_id: int | None = None) -> list[dict[str, Any]]:
        """Everything one message made the bot queue (to anyone), as outbox payloads."""
        chat = user.id if chat_id is None else chat_id
        _done, payloads = await self._run(IncomingMessage(chat, user, next(self._ids), text, file, private=chat > 0))
        return payloads

    async def press_payloads(self, user: User, data: str, *, chat_id: int | None = None
                             ) -> tuple[str | None, list[dict[str, Any]]]:
        """A button press: the answer shown on the button, and everything it made the bot queue."""
        chat = user.id if chat_id is None else chat_id
        done, payloads = await self._run(ButtonPress(chat, user, f"cb{next(self._ids)}", data, 1))
        return done.callback_answer, payloads
