"""The search index of /search and /similar: what open and recent tickets say, and what they are.

One :class:`dialogs.search.TicketIndex` (their words) and one :class:`dialogs.ticket_facets.FacetIndex` (status,
service, channel, officer, day filed: what filters read) per process and database, built at the first request
(~1 s at 100k tickets), then brought up to date at every request from the tickets changed since the last look
(``updated_at``), so tickets filed or moved by this or another bot process are found at once. It holds every
ticket waiting for an officer (``INBOX``) and every ticket filed in the last :data:`RECENT_DAYS` days.

The bot builds it in the background when it starts (:func:`warm_up`, from ``bot.service``): at 100k tickets that
takes 10–25 s, which the first student filing would otherwise wait for (the "me too" lookup reads it). While it is
being built, :func:`building` says so and the "me too" offer is skipped.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dialogs.catalogue import Catalogue
from dialogs.search import Ticket, TicketIndex
from dialogs.ticket_facets import FacetIndex, TicketFacts
from domain.vocabulary import INBOX
from handlers.context import Deps
from handlers.formats import local_day
from handlers.turn import Turn
from storage.records import TicketRecord
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

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
    building: bool = False  # a full build is under way (:func:`warm_up`, or a request's)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: Builds the index anew in the background, outside any request's transaction (set by :func:`warm_up`; None
    #: where nothing started it: tests, tools), and the task doing so.
    rebuild: Callable[[], Coroutine[Any, Any, None]] | None = None
    rebuilding: asyncio.Task[None] | None = None


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
    """The index over open tickets and those of the last year, current as of this request's transaction; a full
    build (the first, one after :data:`REBUILD_AFTER`, one after more than :data:`REFRESH_LIMIT` changes) runs in
    this staff request."""
    cache = await _current(turn, build=True)
    assert cache is not None  # with build, never None
    return cache


async def ready(turn: Turn) -> SearchCache | None:
    """:func:`current` for a student's "me too" lookup, but None when a full build is due and the bot builds in the
    background (:func:`warm_up` set it up): it is started there, since 10–25 s at 100k tickets inside a turn would
    hold the turn's transaction — on SQLite the database's write lock — that long (found in review). Where nothing
    builds in the background (tests, tools, a failed warm-up) the request builds, as staff requests do."""
    return await _current(turn, build=False)


async def _current(turn: Turn, *, build: bool) -> SearchCache | None:
    cache = cache_of(turn.deps)
    async with cache.lock:
        if cache.mark is None or time.monotonic() - cache.built > REBUILD_AFTER:
            if not build and cache.rebuild is not None:
                _in_background(cache)
                return None
            await _build(turn.uow, turn.deps, cache)
        elif not await _refresh(turn, cache, build=build or cache.rebuild is None):
            _in_background(cache)
            return None
        return cache


def _in_background(cache: SearchCache) -> None:
    if cache.rebuild is not None and (cache.rebuilding is None or cache.rebuilding.done()):
        cache.rebuilding = asyncio.create_task(cache.rebuild(), name="search index rebuild")


def building(deps: Deps) -> bool:
    """Whether this process's index is being built (:func:`warm_up` at the start, or a request): a student's
    "me too" lookup then does without it rather than wait (``handlers.metoo``)."""
    return cache_of(deps).building


async def warm_up(make_uow: Callable[[], UnitOfWork], deps: Deps) -> None:
    """Build the index when the bot starts, in the background (10–25 s at 100k tickets, the words indexed in a
    worker thread), so that no student's first filing waits for it; a failure is logged and left to the first
    request."""
    cache = cache_of(deps)
    cache.rebuild = lambda: _rebuild(make_uow, deps, cache, force=True)
    await _rebuild(make_uow, deps, cache, force=False)


async def _rebuild(make_uow: Callable[[], UnitOfWork], deps: Deps, cache: SearchCache, *, force: bool) -> None:
    """Read the tickets in a short transaction of their own, then index them with none open."""
    if cache.building or not (cache.mark is None or force):
        return
    cache.building = True  # from here a student's lookup does without the index (and does not wait for the lock)
    try:
        now = deps.clock()
        async with make_uow() as uow:
            tickets = await _corpus(uow, now)
        index, facets = await asyncio.to_thread(_indexes, tickets, deps)  # no transaction open, no lock held
        async with cache.lock:
            _set(cache, tickets, index, facets, now)
    except Exception:
        log.exception("the search index could not be built in the background; requests build it again")
        cache.rebuild = None  # back to building in the request, as where nothing runs in the background
    finally:
        cache.building = False


async def _corpus(uow: UnitOfWork, now: datetime) -> Sequence[TicketRecord]:
    return await uow.tickets.search_corpus(now - timedelta(days=RECENT_DAYS), CORPUS_LIMIT)


async def _build(uow: UnitOfWork, deps: Deps, cache: SearchCache) -> None:
    now = deps.clock()
    await _install(cache, await _corpus(uow, now), deps, now)


async def _install(cache: SearchCache, tickets: Sequence[TicketRecord], deps: Deps, now: datetime) -> None:
    cache.building = True
    try:
        index, facets = await asyncio.to_thread(_indexes, tickets, deps)
    finally:
        cache.building = False
    _set(cache, tickets, index, facets, now)


def _set(cache: SearchCache, tickets: Sequence[TicketRecord], index: TicketIndex, facets: FacetIndex,
         now: datetime) -> None:
    cache.index, cache.facets = index, facets
    cache.seen = {t.id: _stamp(t) for t in tickets}
    cache.mark = max((t.updated_at for t in tickets), default=now)
    cache.built = time.monotonic()


def _indexes(tickets: Sequence[TicketRecord], deps: Deps) -> tuple[TicketIndex, FacetIndex]:
    """The words and facts of ``tickets`` (in a worker thread: the event loop keeps answering meanwhile)."""
    index = TicketIndex((entry(t, deps.catalogue) for t in tickets), deps.stem)
    facets = FacetIndex()
    for ticket in tickets:
        facets.add(ticket.id, facts_of(ticket, deps))
    return index, facets


async def _refresh(turn: Turn, cache: SearchCache, *, build: bool) -> bool:
    """Apply the tickets changed since the last look; False when there were too many and ``build`` is off (the
    caller builds anew in the background)."""
    assert cache.mark is not None
    changed = await turn.uow.tickets.changed_since(cache.mark - OVERLAP, REFRESH_LIMIT)
    if len(changed) >= REFRESH_LIMIT:
        if not build:
            return False
        await _build(turn.uow, turn.deps, cache)
        return True
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
    return True


def _stamp(ticket: TicketRecord) -> _Stamp:
    return ticket.updated_at, ticket.status, ticket.assigned_to
