"""/search and /similar: rapidfuzz over open and recent tickets, to spot duplicates and recurring problems.

The index (:class:`dialogs.search.TicketIndex`) is built once per process and database (~1 s at 100k
tickets), then brought up to date at every request from the tickets changed since the last look
(``updated_at``), so tickets filed or moved by this or another bot process are found at once. The
tickets shown are read afresh: the index only says which ones match.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from dialogs.catalogue import Catalogue
from dialogs.search import Ticket, TicketIndex
from domain.vocabulary import INBOX
from handlers.context import Deps
from handlers.errors import Refusal
from handlers.events import Button
from handlers.procedure.checks import find_ticket
from handlers.staff.views import ticket_line
from handlers.turn import Turn
from handlers.views import service_label
from storage.records import TicketRecord

RECENT_DAYS = 365
CORPUS_LIMIT = 100_000
REFRESH_LIMIT = 1_000
"""Most changed tickets applied at one request; more (e.g. after a bulk import) rebuild the index."""
OVERLAP = timedelta(minutes=2)
"""Changes are read again this far back: a transaction may commit after a later-stamped one, and processes'
clocks may differ a little."""
REBUILD_AFTER = 6 * 3600.0
"""Seconds after which the index is built anew, so closed tickets that grew older than a year leave it."""


@dataclass
class _Cache:
    index: TicketIndex = field(default_factory=TicketIndex)
    seen: dict[int, tuple[datetime, str]] = field(default_factory=dict)  # ticket id -> (updated_at, status) indexed
    mark: datetime | None = None  # the newest ``updated_at`` seen: the next refresh reads from here (less OVERLAP)
    built: float = 0.0  # time.monotonic() of the last full build
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_CACHES: dict[int, _Cache] = {}  # id(Deps) -> its index: Deps is built once per process (and per test database)


def _cache_of(deps: Deps) -> _Cache:
    cache = _CACHES.get(id(deps))
    if cache is None:
        cache = _CACHES[id(deps)] = _Cache()
        weakref.finalize(deps, _CACHES.pop, id(deps), None)
    return cache


def forget_indexes() -> None:
    """Drop every cached index (tests; an admin's bulk change made outside the bot)."""
    _CACHES.clear()


def _entry(ticket: TicketRecord, catalogue: Catalogue) -> Ticket:
    service = catalogue.get(ticket.service_code)
    names = " ".join(service.name.values()) if service is not None else ""
    return ticket.id, ticket.number, f"{ticket.description} {names}"


async def _index(turn: Turn) -> TicketIndex:
    """The index over open tickets and those of the last year, current as of this request's transaction."""
    cache = _cache_of(turn.deps)
    async with cache.lock:
        if cache.mark is None or time.monotonic() - cache.built > REBUILD_AFTER:
            await _build(turn, cache)
        else:
            await _refresh(turn, cache)
        return cache.index


async def _build(turn: Turn, cache: _Cache) -> None:
    now = turn.deps.clock()
    tickets = await turn.uow.tickets.search_corpus(now - timedelta(days=RECENT_DAYS), CORPUS_LIMIT)
    catalogue = turn.deps.catalogue
    cache.index = TicketIndex(_entry(t, catalogue) for t in tickets)
    cache.seen = {t.id: (t.updated_at, t.status) for t in tickets}
    cache.mark = max((t.updated_at for t in tickets), default=now)
    cache.built = time.monotonic()


async def _refresh(turn: Turn, cache: _Cache) -> None:
    assert cache.mark is not None
    changed = await turn.uow.tickets.changed_since(cache.mark - OVERLAP, REFRESH_LIMIT)
    if len(changed) >= REFRESH_LIMIT:
        await _build(turn, cache)
        return
    since = turn.deps.clock() - timedelta(days=RECENT_DAYS)
    catalogue = turn.deps.catalogue
    for ticket in changed:
        cache.mark = max(cache.mark, ticket.updated_at)
        stamp = (ticket.updated_at, ticket.status)
        if cache.seen.get(ticket.id) == stamp:
            continue
        if ticket.status in INBOX or ticket.created_at >= since:
            cache.index.add(_entry(ticket, catalogue))
            cache.seen[ticket.id] = stamp
        else:
            cache.index.remove(ticket.id)
            cache.seen.pop(ticket.id, None)


async def search(turn: Turn, args: str = "") -> None:
    _ = turn._
    if len(args.strip()) < 3:
        raise Refusal(_("Usage: /search <words> (at least 3 letters)"))
    index = await _index(turn)
    await _show(turn, _("Tickets matching “{query}”:").format(query=args.strip()[:80]), index.search(args, 10))


async def similar(turn: Turn, args: str = "") -> None:
    _ = turn._
    ticket = await find_ticket(await turn.ctx(), args)
    index = await _index(turn)
    if ticket.id in index:
        hits = index.similar(ticket.id, 5)
    else:  # an old closed ticket: compared for this request only (no await in between: nobody sees it)
        index.add(_entry(ticket, turn.deps.catalogue))
        try:
            hits = index.similar(ticket.id, 5)
        finally:
            index.remove(ticket.id)
    await _show(turn, _("Tickets like {number}:").format(number=ticket.number), hits)


async def _show(turn: Turn, title: str, hits: list[tuple[int, str, float]]) -> None:
    _ = turn._
    found = await turn.uow.tickets.by_ids(tid for tid, _n, _s in hits)
    if not found:
        turn.say(escape(title) + "\n" + _("Nothing found."))
        return
    lines = [escape(title)]
    lines += [ticket_line(t, service_label(t, turn.deps.catalogue, turn.locale, _), _) for t in found]
    turn.say("\n".join(lines), tuple((Button(t.number, f"sh:{t.id}"),) for t in found[:8]))
