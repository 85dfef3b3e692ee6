"""The register export (SOP step g, rekapitulasi): the database read in chunks, each ticket turned into the register's
line in the reader's language, written by :mod:`reports.register` off the event loop.

Callable without a chat: ``/export`` (through its job, :mod:`handlers.export_jobs`) and ``tanggap export`` call
:func:`write_register` alike — the bot in a child process of its own (:mod:`bot.register_job`, so that this pure-Python
work shares neither the bot's interpreter lock nor its memory), ``tanggap export`` in its own process. Each chunk of
:data:`CHUNK` rows is read in a short transaction of its own and written in a worker thread before the next is read,
so memory stays flat in the number of tickets and no transaction stays open while the file is written.

What the register's computed columns mean (``docs/procedure.md`` repeats it for the staff):

- *Standard time*: the service's standard time from receipt to conclusion (``close``, working days).
- *Margin*: working days from the day the ticket was concluded (still open: today) to its deadline (the day received
  plus the standard time): positive is time to spare, negative is working days late.
- *Concluded*: when the ticket's case ended — resolved by its LK, or the verdict that concluded it (conforming,
  rejected, duplicate, declined, withdrawn…); empty while it is active.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

from dialogs.catalogue import localized, standard_times
from dialogs.export_query import ExportQuery
from domain.vocabulary import ACTIVE, IdentityLevel
from handlers.context import Deps
from handlers.i18n import Gettext
from handlers.labels import action_kind_name, channel_name, lk_status_name, status_name, verdict_name
from handlers.privacy.mask import masker
from reports.register import SEPARATORS, ActionLine, LkLine, Register, TicketLine, open_register
from storage.records import RegisterAction, RegisterFilter, RegisterLk, RegisterTicket
from storage.uow import UnitOfWork

CHUNK = 1000
"""Rows read per transaction (and written per hop to the worker thread)."""
R = TypeVar("R")
Progress = Callable[[int], Awaitable[None]]
"""Told the percentage done after each chunk."""


@dataclass(frozen=True)
class Written:
    tickets: int
    lks: int
    actions: int


def register_filter(deps: Deps, query: ExportQuery) -> RegisterFilter:
    """The query's days (WIB) as the UTC instants tickets' and LKs' creation times are compared with."""

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=deps.tz).astimezone(UTC)

    return RegisterFilter(start=start_of(query.first) if query.first else None,
                          end=start_of(query.last + timedelta(days=1)) if query.last else None,
                          service=query.service)


def signed_working_days(deps: Deps, start: date, end: date) -> int:
    """Working days from ``start`` to ``end``: positive when ``end`` is later, negative when it is earlier."""
    calendar = deps.calendar
    return (calendar.working_days_between(start, end) if end >= start
            else -calendar.working_days_between(end, start))


class Shared:
    """What many tickets of one export share, worked out once: translated labels, each service's name and standard
    time, each deadline (100,000 tickets have a few thousand distinct received days and a few services)."""

    def __init__(self, deps: Deps, gettext: Gettext, locale: str) -> None:
        self.deps, self.translate, self.locale = deps, gettext, locale
        self.labels: dict[str, str] = {}
        self.services: dict[tuple[str | None, str | None], tuple[str, int]] = {}
        self.deadlines: dict[tuple[date, int], date] = {}
        self.names: dict[tuple[Callable[[str, Gettext], str], str], str] = {}
        self.margins: dict[tuple[date, date], int] = {}

    def gettext(self, text: str) -> str:
        found = self.labels.get(text)
        if found is None:
            found = self.labels[text] = self.translate(text)
        return found

    def service(self, code: str | None, other: str | None) -> tuple[str, int]:
        """The service's name in the reader's language (a ticket's own text for "other"), its standard time."""
        found = self.services.get((code, other))
        if found is None:
            deps = self.deps
            service = deps.catalogue.get(code) if code else None
            name = (localized(service.name, self.locale) if service is not None
                    else (other or self.gettext("Other service")))
            found = self.services[(code, other)] = (name, standard_times(code, deps.catalogue,
                                                                         deps.standard_times).close)
        return found

    def name(self, of: Callable[[str, Gettext], str], value: str) -> str:
        """``of(value)`` in the reader's words (a status's, a channel's, a verdict's name)."""
        found = self.names.get((of, value))
        if found is None:
            found = self.names[(of, value)] = of(value, self.gettext)
        return found

    def margin(self, day: date, deadline: date) -> int:
        """Working days from ``day`` to ``deadline`` (:func:`signed_working_days`)."""
        found = self.margins.get((day, deadline))
        if found is None:
            found = self.margins[(day, deadline)] = signed_working_days(self.deps, day, deadline)
        return found

    def deadline(self, received: date, days: int) -> date:
        found = self.deadlines.get((received, days))
        if found is None:
            found = self.deadlines[(received, days)] = self.deps.calendar.add_working_days(received, days)
        return found


def ticket_line(deps: Deps, found: RegisterTicket, _: Gettext, locale: str, shared: Shared | None = None) -> TicketLine:
    """The register's line of one ticket; ``shared``: the export's look-ups (one is made when not given)."""
    shared = shared or Shared(deps, _, locale)
    _ = shared.gettext
    t, tz = found, deps.tz
    received = t.created_at.astimezone(tz).date()
    concluded_at = None
    if t.status not in ACTIVE:
        concluded_at = t.resolved_at or found.verdict_at or t.updated_at
    closed_on = concluded_at.astimezone(tz).date() if concluded_at is not None else None
    service, days = shared.service(t.service_code, t.service_other)
    deadline = shared.deadline(received, days)
    # a protected complainant's own identifiers masked in their texts (handlers.privacy.mask); one masker a row
    mask = masker(found.mask, (t.description, t.rating_comment)).text if found.mask is not None else str
    return TicketLine(
        number=t.number, received_on=received, channel=shared.name(channel_name, t.channel), service=service,
        kind=_("complaint") if t.kind == "complaint" else _("suggestion"),
        complainant=found.complainant if found.complainant is not None else (
            _("Confidential") if t.identity_level == IdentityLevel.CONFIDENTIAL else _("Anonymous")),
        description=mask(t.description), status=shared.name(status_name, t.status),
        officer=found.officer or "",
        verdict=shared.name(verdict_name, found.verdict) if found.verdict else "",
        lk_numbers=", ".join(found.lk_numbers), confirmed_on=_day(deps, t.confirmed_at), standard_days=days,
        margin_days=shared.margin(closed_on or deps.today(), deadline),
        closed_on=closed_on, rating=t.rating, rated_on=_day(deps, t.rated_at),
        rating_comment=mask(t.rating_comment or ""),
        concluded=closed_on is not None, complaint=t.kind == "complaint",
    )


def lk_line(deps: Deps, found: RegisterLk, _: Gettext, locale: str) -> LkLine:
    lk = found.lk
    service = deps.catalogue.get(lk.service_code)
    effective = "" if lk.effective is None else (_("effective") if lk.effective else _("not effective"))
    return LkLine(number=lk.number, service=localized(service.name, locale) if service is not None else lk.service_code,
                  status=lk_status_name(lk.status, _), tickets=", ".join(found.ticket_numbers),
                  opened_on=lk.created_at.astimezone(deps.tz).date(), checked_on=_day(deps, lk.checked_at),
                  approved_on=_day(deps, lk.approved_at), closed_on=_day(deps, lk.closed_at), effective=effective,
                  round=lk.round)


def action_line(deps: Deps, found: RegisterAction, _: Gettext) -> ActionLine:
    a = found.action
    done = _day(deps, a.done_at)
    late = max(signed_working_days(deps, a.due_on, done or deps.today()), 0)
    return ActionLine(lk_number=found.lk_number, kind=action_kind_name(a.kind, _), description=a.description,
                      owner=found.owner or "", due_on=a.due_on, done_on=done, days_late=late, number=a.id,
                      round=a.round, status=_("done") if a.status == "done" else _("open"))


def _day(deps: Deps, at: datetime | None) -> date | None:
    return at.astimezone(deps.tz).date() if at is not None else None


async def count(make_uow: Callable[[], UnitOfWork], where: RegisterFilter) -> Written:
    async with make_uow() as uow:
        return Written(await uow.register.count_tickets(where), await uow.register.count_lks(where),
                       await uow.register.count_actions(where))


async def write_register(make_uow: Callable[[], UnitOfWork], deps: Deps, where: RegisterFilter, path: Path, *,
                         locale: str, csv_format: bool = False, progress: Progress | None = None,
                         chunk: int | None = None, separator: str | None = None) -> Written:
    """Write the register of the tickets (and LKs, actions) ``where`` admits to ``path``; see the module's doc.
    ``chunk``: rows per read (default :data:`CHUNK`); ``separator``: the CSV's (default: by ``locale``,
    :data:`reports.register.SEPARATORS`)."""
    limit = chunk or CHUNK
    _ = deps.translator.gettext(locale)
    shared = Shared(deps, _, locale)
    total = await count(make_uow, where)
    rows = max(total.tickets + (0 if csv_format else total.lks + total.actions), 1)
    register = await asyncio.to_thread(open_register, path, _, csv_format=csv_format,
                                       separator=separator or SEPARATORS.get(locale, ","))
    done = [0]

    async def step(lines: list[object], write: Callable[[Register, list[object]], None]) -> None:
        await asyncio.to_thread(write, register, lines)
        done[0] += len(lines)
        if progress is not None:
            await progress(min(99, done[0] * 100 // rows))

    try:
        tickets = await _stream(make_uow, lambda uow, after: uow.register.tickets(where, after=after, limit=limit),
                                lambda r: r.id, lambda r: ticket_line(deps, r, _, locale, shared), step,
                                _tickets)
        lks = actions = 0
        if not csv_format:
            lks = await _stream(make_uow, lambda uow, after: uow.register.lks(where, after=after, limit=limit),
                                lambda r: r.lk.id, lambda r: lk_line(deps, r, _, locale), step, _lks)
            actions = await _stream(make_uow, lambda uow, after: uow.register.actions(where, after=after, limit=limit),
                                    lambda r: r.action.id, lambda r: action_line(deps, r, _), step, _actions)
    finally:
        await asyncio.to_thread(register.close)
    return Written(tickets, lks, actions)


async def _stream(make_uow: Callable[[], UnitOfWork], read: Callable[[UnitOfWork, int], Awaitable[list[R]]],
                  key: Callable[[R], int], line: Callable[[R], object],
                  step: Callable[[list[object], Callable[[Register, list[object]], None]], Awaitable[None]],
                  write: Callable[[Register, list[object]], None]) -> int:
    """Chunks of ``read`` in id order, each in its own short transaction, handed to ``step`` as lines."""
    after, written = 0, 0
    while True:
        async with make_uow() as uow:
            chunk = await read(uow, after)
        if not chunk:
            return written
        after = key(chunk[-1])
        lines = [line(r) for r in chunk]
        del chunk
        await step(lines, write)
        written += len(lines)


def _tickets(register: Register, lines: list[object]) -> None:
    for line in lines:
        assert isinstance(line, TicketLine)
        register.ticket(line)


def _lks(register: Register, lines: list[object]) -> None:
    for line in lines:
        assert isinstance(line, LkLine)
        register.lk(line)


def _actions(register: Register, lines: list[object]) -> None:
    for line in lines:
        assert isinstance(line, ActionLine)
        register.action(line)
