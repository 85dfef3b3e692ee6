"""``tanggap privacy notify``: the breach notice queued through the outbox (the running bot sends it, paced, as bulk)
to each affected person with Telegram, in their language, once: the key ``breach:{breach id}:{person id}`` is
recorded in ``due_notice`` (without the chat id: no Telegram id kept there) in the same transaction, so a second run
queues nothing for them again. Each notice
queued adds a ``breach_notice`` row to the audit trail. A dry run reads only.

The text is the operator's (one file per language, plain text: it is escaped), followed by what the bot held about
that person and their ticket numbers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.delivery import Priority
from domain.vocabulary import AuditKind
from handlers.breach import DATA_KINDS, TELEGRAM, Affected, AffectedPerson, affected
from handlers.context import Deps
from handlers.events import OutMessage
from handlers.i18n import Gettext
from handlers.text import shown
from storage.repositories.outbox import Queued
from storage.repositories.privacy import AuditEntry
from storage.uow import UnitOfWork

MAX_NOTICE = 3000
"""The longest operator text (characters, after escaping): what the bot adds and Telegram's 4,096 leave room for."""
NOTICE_KIND = "breach_notice"
"""The ``due_notice.kind`` of a queued breach notice."""


@dataclass(frozen=True)
class Notified:
    """``queued``: told now (with ``dry_run``: would be); ``already``: told by an earlier run for the same breach;
    ``other_way``: the bot cannot tell them (no Telegram, blocked it, never started it): a letter or a call."""

    affected: Affected
    breach: str
    queued: list[AffectedPerson]
    already: list[AffectedPerson]
    other_way: list[AffectedPerson]
    dry_run: bool


def notice_key(breach_id: str, person_id: int) -> str:
    return f"breach:{breach_id}:{person_id}"


def notice_text(text: str, person: AffectedPerson, _: Gettext) -> str:
    """The operator's ``text`` (plain, escaped here) with what was held about ``person`` and their tickets."""
    parts = [shown(text.strip())]
    held = ", ".join(_(DATA_KINDS[kind]) for kind in person.data)
    if held:
        parts.append(_("What the bot held about you: {data}.").format(data=held))
    if person.tickets:
        parts.append(_("Your reports: {numbers}.").format(numbers=", ".join(number for number, _level in
                                                                             person.tickets)))
    return "\n\n".join(parts)


async def notify_affected(make_uow: Callable[[], UnitOfWork], deps: Deps, since: datetime, until: datetime,
                          texts: Mapping[str, str], *, dry_run: bool = False, breach: str | None = None) -> Notified:
    """Queue the notice (``texts`` by language; the default language's for anyone else) to each affected person
    with Telegram not told yet for this breach; with ``dry_run`` write nothing and say who would be told.
    ``breach``: the breach's name (default: its window, ``Affected.breach_id``), so a window widened later, under
    the same name, tells only the people it adds."""
    now = deps.clock()
    async with make_uow() as uow:
        found = await affected(uow, deps, since, until)
        breach_id = breach or found.breach_id
        telegram = [p for p in found.people if p.telegram_id is not None and p.person_id is not None]
        keys = {p.person_id: notice_key(breach_id, p.person_id) for p in telegram if p.person_id is not None}
        told = await uow.due.issued(keys.values())
        queued: list[AffectedPerson] = []
        already: list[AffectedPerson] = []
        messages: list[Queued] = []
        for person in telegram:
            assert person.person_id is not None and person.telegram_id is not None
            key = keys[person.person_id]
            if key in told or (not dry_run and not await uow.due.issue(key, NOTICE_KIND, None, now)):
                already.append(person)
                continue
            queued.append(person)
            text = texts.get(person.language) or texts[deps.translator.default]
            message = OutMessage(person.telegram_id, notice_text(text, person, deps.translator.gettext(
                person.language)), resend=True)
            messages.append(Queued(person.telegram_id, message.to_payload(), Priority.BULK, key))
        if not dry_run:
            await uow.outbox.queue(messages, now)
            await uow.audit.add(now, [AuditEntry(AuditKind.BREACH_NOTICE, subject_id=p.person_id, place="telegram",
                                                 detail={"breach": breach_id, "language": p.language,
                                                         "since": found.since.isoformat(),
                                                         "until": found.until.isoformat()})
                                      for p in queued])
            await uow.commit()
    other_way = [p for p in found.people if p.reach != TELEGRAM]
    return Notified(found, breach_id, queued, already, other_way, dry_run)
