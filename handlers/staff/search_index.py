"""The search index of /search and /similar: what open and recent tickets say, and what they are.

One :class:`dialogs.search.TicketIndex` (their words) and one :class:`dialogs.ticket_facets.FacetIndex` (status,
service, channel, officer, day filed: what filters read) per process and database, built at the first request
(~1 s at 100k tickets), then brought up to date at every request from the tickets changed since the last look
(``updated_at``), so tickets filed or moved by this or another bot process are found at once. It holds every
ticket waiting for an officer (``INBOX``) and every ticket filed in the last :data:`RECENT_DAYS` days.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dialogs.catalogue import Catalogue
from dialogs.search import Ticket, TicketIndex
from dialogs.ticket_facets import FacetIndex, TicketFacts
from domain.vocabulary import INBOX
from handlers.context import Deps
from handlers.formats import local_day
from handlers.turn import Turn
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

_Stamp = tuple[datetime, str, int | None]  # updated_at, status, assigned_to as indexed


@dataclass
class SearchCache:
    """The index of one database in this process: words (``index``) and facts (``facets``) of the same tickets."""

    index: TicketIndex = field(default_factory=TicketIndex)
    facets: FacetIndex = field(default_factory=FacetIndex)
    seen: dict[int, _Stamp] = field(default_factory=dict)  # ticket id -> its stamp when indexed
    mark: datetime | None = None  # the newest ``updated_at`` seen: the next refresh reads from here (less OVERLAP)
    built: float = 0.0  # time.monotonic() of the last full build
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_CACHES: dict[int, SearchCache] = {}  # id(Deps) -> its index: Deps is built once per process (and per test database)


def cache_of(deps: Deps) -> SearchCache:
    cache = _CACHES.get(id(deps))
    if cache is None:
        cache = _CACHES[id(deps)] = SearchCache()
        weakref.finalize(deps, _CACHES.pop, id(deps), None)
    return cache


def forget_indexes() -> None:
    """Drop every cached index (tests; an admin's bulk change made outside the bot)."""
    _CACHES.clear()


def window_start(deps: Deps) -> date:
    """The first whole day (WIB) whose tickets are all in the index, whatever their status."""
    return local_day(deps.clock() - timedelta(days=RECENT_DAYS), deps.tz) + timedelta(days=1)


def entry(ticket: TicketRecord, catalogue: Catalogue) -> Ticket:
    """What the text index reads of a ticket: its description and its service's names in both languages."""
    return ticket.id, ticket.number, text_of(ticket.description, ticket.service_code, catalogue)


def text_of(description: str, service_code: str, catalogue: Catalogue) -> str:
    service = catalogue.get(service_code)
    names = " ".join(service.name.values()) if service is not None else ""
    return f"{description} {names}"


def facts_of(ticket: TicketRecord, deps: Deps) -> TicketFacts:
    return TicketFacts(ticket.status, ticket.service_code, ticket.channel, ticket.assigned_to,
                       local_day(ticket.created_at, deps.tz))


async def current(turn: Turn) -> SearchCache:
    """The index over open tickets and those of the last year, current as of this request's transaction."""
    cache = cache_of(turn.deps)
    async with cache.lock:
        if cache.mark is None or time.monotonic() - cache.built > REBUILD_AFTER:
            await _build(turn, cache)
        else:
            await _refresh(turn, cache)
        return cache


async def _build(turn: Turn, cache: SearchCache) -> None:
    now = turn.deps.clock()
    tickets = await turn.uow.tickets.search_corpus(now - timedelta(days=RECENT_DAYS), CORPUS_LIMIT)
    catalogue = turn.deps.catalogue
    cache.index = TicketIndex(entry(t, catalogue) for t in tickets)
    cache.facets = FacetIndex()
    for ticket in tickets:
        cache.facets.add(ticket.id, facts_of(ticket, turn.deps))
    cache.seen = {t.id: _stamp(t) for t in tickets}
    cache.mark = max((t.updated_at for t in tickets), default=now)
    cache.built = time.monotonic()


async def _refresh(turn: Turn, cache: SearchCache) -> None:
    assert cache.mark is not None
    changed = await turn.uow.tickets.changed_since(cache.mark - OVERLAP, REFRESH_LIMIT)
    if len(changed) >= REFRESH_LIMIT:
        await _build(turn, cache)
        return
    since = turn.deps.clock() - timedelta(days=RECENT_DAYS)
    catalogue = turn.deps.catalogue
    for ticket in changed:
        cache.mark = max(cache.mark, ticket.updated_at)
        stamp = _stamp(ticket)
        if cache.seen.get(ticket.id) == stamp:
            continue
        if ticket.status in INBOX or ticket.created_at >= since:
            cache.index.add(entry(ticket, catalogue))
            cache.facets.add(ticket.id, facts_of(ticket, turn.deps))
            cache.seen[ticket.id] = stamp
        else:
            cache.index.remove(ticket.id)
            cache.facets.remove(ticket.id)
            cache.seen.pop(ticket.id, None)


def _stamp(ticket: TicketRecord) -> _Stamp:
    return ticket.updated_at, ticket.status, ticket.assigned_to
