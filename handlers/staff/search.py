"""/search and /similar: finding tickets by what they say and by filters, to spot duplicates and recurring problems.

``/search [filters] <words>`` (filters: :mod:`dialogs.search_query`) answers in one of two ways:

- **Filters only**: the matching tickets straight from the database (:mod:`storage.repositories.ticket_filters`,
  one indexed query per page, never the whole list), newest first, ten a page with the count and « / » buttons
  (``sr:`` callback data carries the resolved filters, :func:`dialogs.search_filters.to_data`).
- **With words**: the best fuzzy matches (up to ten) from the search index (:mod:`handlers.staff.search_index`,
  open tickets and the last year), narrowed to the tickets the filters admit *before* ranking. When the filters
  reach tickets the index may lack — a ``since:`` or ``until:`` before the index's year, or only statuses outside
  the inbox (``status:closed``), and not kept inside the index by the statuses or ``since:`` — the older
  concluded tickets are searched too: the newest :data:`OLDER_LIMIT` of them that the filters admit are read
  from the database into an index for this request only, and their hits merged with the index's by score (the
  reply says when there were more).

Either way the tickets shown are read afresh and checked against the filters again (the index only says which
ones may match), each line saying how old the ticket is in working days, under a header repeating the filters
as understood, in the reader's language.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from html import escape

from dialogs.matching import normalise
from dialogs.search import Hit, TicketIndex
from dialogs.search_filters import Filters, from_data, reaches_past_index, to_data
from dialogs.search_query import BadFilter, Key, OfficerKind, OfficerRef, Problem, parse_query
from domain.vocabulary import INBOX, TicketStatus
from handlers import identity
from handlers.errors import Refusal
from handlers.events import Button
from handlers.formats import local_day
from handlers.privacy.mask import mask_identity, own_texts, protected
from handlers.privacy.scrub import Scrubber
from handlers.procedure.checks import as_id, find_ticket
from handlers.procedure.lookups import viewer
from handlers.staff import search_index
from handlers.staff.search_views import USAGE, refusal, understood
from handlers.staff.tickets import as_listed, line
from handlers.text import neutral
from handlers.turn import Turn
from storage.records import StaffMember, TicketRecord
from storage.repositories.ticket_filters import TicketFilter

PAGE = 10
SHOWN = 10
"""Most fuzzy matches shown."""
HITS = 30
"""Fuzzy matches read, so that some may drop out when checked afresh against the filters."""
OLDER_LIMIT = 10_000
"""Most concluded tickets from before the index's year read into a one-off index (0.1–0.2 s at this size)."""
PAGE_PREFIX = "sr:"


async def search(turn: Turn, args: str = "") -> None:
    _ = turn._
    try:
        query = parse_query(args, today=turn.deps.today(), catalogue=turn.deps.catalogue)
        filters = replace(query.filters, officers=await _officers(turn, query.officers))
    except BadFilter as problem:
        raise Refusal(refusal(turn, problem)) from None
    words = query.words.strip()
    if not query.filtered and len(words) < 3:
        raise Refusal(_(USAGE))
    if not words:
        await show_page(turn, filters, 0)
        return
    await _matches(turn, words, filters)


async def page(turn: Turn, arg: str) -> None:
    """Button ``sr:<page>.<filters>``: another page of a filters-only search."""
    found = from_data(arg)
    if found is None:
        raise Refusal(turn._("That list is out of date; search again."))
    filters, number = found
    await show_page(turn, filters, number)


async def show_page(turn: Turn, filters: Filters, number: int) -> None:
    """One page of the tickets the filters admit, newest first, with « / » to the neighbouring pages."""
    _ = turn._
    where = _where(turn, filters)
    total = await turn.uow.tickets.filtered.count(where)
    pages = max(1, -(-total // PAGE))
    number = min(number, pages - 1)  # past the last page: the last page
    tickets = await turn.uow.tickets.filtered.newest(where, limit=PAGE, offset=number * PAGE)
    header = understood(turn, filters, "", await _names(turn, filters))
    if not tickets:
        turn.say(header + "\n" + _("Nothing found."))
        return
    count = (_("1 ticket:") if total == 1 else
             _("{total} tickets, newest first (page {page} of {pages}):").format(total=total, page=number + 1,
                                                                                 pages=pages))
    lines = [header, count, *(line(turn, t) for t in await as_listed(turn, tickets))]
    rows = [tuple(Button(t.number, f"sh:{t.id}") for t in tickets[i: i + 2]) for i in range(0, len(tickets), 2)]
    nav = [Button(label, data) for label, to in ((_("« Newer"), number - 1), (_("Older »"), number + 1))
           if 0 <= to < pages and (data := to_data(PAGE_PREFIX, filters, to)) is not None]
    if pages > 1 and not nav:
        lines.append(_("Too many filters for page buttons: narrow the search to see the others."))
    turn.say("\n".join(lines), (*rows, tuple(nav)) if nav else tuple(rows))


async def similar(turn: Turn, args: str = "") -> None:
    _ = turn._
    ticket = await find_ticket(await turn.ctx(), args)
    index = (await search_index.current(turn)).index
    if ticket.id in index:
        hits = index.similar(ticket.id, 5)
    else:  # an old closed ticket: compared for this request only (no await in between: nobody sees it)
        index.add(search_index.entry(ticket, turn.deps.catalogue))
        try:
            hits = index.similar(ticket.id, 5)
        finally:
            index.remove(ticket.id)
    found = await turn.uow.tickets.by_ids(tid for tid, _n, _s in hits)
    await _show(turn, escape(_("Tickets like {number}:").format(number=ticket.number)),
                await _not_linked(turn, ticket, found))


async def _matches(turn: Turn, words: str, filters: Filters) -> None:
    """The best fuzzy matches the filters admit: from the index, and from older tickets where they may be."""
    cache = await search_index.current(turn)
    hits = cache.index.search(words, HITS, cache.facets.among(filters) if filters else None)
    note = ""
    start = search_index.window_start(turn.deps)
    if reaches_past_index(filters, start):
        older, total = await _older_matches(turn, words, filters, start)
        best = {tid: (tid, number, score) for tid, number, score in [*older, *hits]}  # the index's wins a tie
        hits = sorted(best.values(), key=lambda hit: (hit[2], hit[0]), reverse=True)[:HITS]
        if total > OLDER_LIMIT:
            note = turn._("Of the tickets older than a year, only the newest {limit} of {total} were searched; "
                          "narrow with since: and until:.").format(limit=OLDER_LIMIT, total=total)
    found = [t for t in await turn.uow.tickets.by_ids(tid for tid, _n, _s in hits) if _admits(turn, filters, t)]
    found = await _not_by_identity(turn, words, found)
    header = understood(turn, filters, words, await _names(turn, filters))
    await _show(turn, header, found[:SHOWN], note)


async def _older_matches(turn: Turn, words: str, filters: Filters, start: date) -> tuple[list[Hit], int]:
    """Fuzzy matches among the concluded tickets filed before the index's first day, and how many there were."""
    statuses = (filters.status_set() or frozenset(TicketStatus)) - INBOX
    where = replace(_where(turn, filters), statuses=frozenset(statuses))
    before = _midnight(turn, start)
    if where.created_before is None or where.created_before > before:
        where = replace(where, created_before=before)
    total = await turn.uow.tickets.filtered.count(where)
    if not total:
        return [], 0
    texts = await turn.uow.tickets.filtered.texts(where, OLDER_LIMIT)
    catalogue = turn.deps.catalogue
    index = TicketIndex(((t.id, t.number, search_index.text_of(t.description, t.service_code, catalogue))
                         for t in texts), turn.deps.stem)
    return index.search(words, HITS), total


async def _not_by_identity(turn: Turn, words: str, found: list[TicketRecord]) -> list[TicketRecord]:
    """Without the confidential and anonymous tickets that the search words find by their complainant's own
    identifiers, for a staff member who may not see who filed them: "/search Siti" by a reviewer listed the
    confidential ticket of Siti Rahma, confirming a guess (the second walk). The index keeps the text as written
    (the handling officer searches it); the words are checked against each such ticket's complainant here."""
    protected_ = [t for t in found if protected(t)]
    if not protected_:
        return found
    ctx = await turn.ctx()
    seer = viewer(ctx)
    hidden = [t for t in protected_ if not identity.may_see(seer, t, ctx.deps.confidential_roles)]
    people = await turn.uow.persons.by_ids(t.person_id for t in hidden if t.person_id is not None)
    named_by_words = {t.id for t in hidden if t.person_id in people  # any case, as a search is typed
                      and Scrubber([mask_identity(people[t.person_id], own_texts(t))]).mentions(words)}
    return [t for t in found if t.id not in named_by_words]


async def _not_linked(turn: Turn, ticket: TicketRecord, found: list[TicketRecord]) -> list[TicketRecord]:
    """Without the tickets of the same complainant, when either is confidential or anonymous and the staff member may
    not see who filed it: their texts are alike because they name the same person, and listing them together told a
    reviewer that an anonymous complaint came from a confidential complainant (the walk's ``/similar``)."""
    ctx = await turn.ctx()
    seer = viewer(ctx)

    def hidden(t: TicketRecord) -> bool:
        return protected(t) and not identity.may_see(seer, t, ctx.deps.confidential_roles)
    return [t for t in found if ticket.person_id is None or t.person_id != ticket.person_id
            or not (hidden(t) or hidden(ticket))]


async def _show(turn: Turn, title: str, found: list[TicketRecord], note: str = "") -> None:
    _ = turn._
    if not found:
        turn.say("\n".join(filter(None, (title, _("Nothing found."), escape(note)))))
        return
    lines = [title, *(line(turn, t) for t in await as_listed(turn, found))]
    if note:
        lines.append(escape(note))
    turn.say("\n".join(lines), tuple((Button(t.number, f"sh:{t.id}"),) for t in found[:8]))


def _admits(turn: Turn, filters: Filters, ticket: TicketRecord) -> bool:
    return filters.admits(ticket.status, ticket.service_code, ticket.channel, ticket.assigned_to,
                          local_day(ticket.created_at, turn.deps.tz))


def _midnight(turn: Turn, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=turn.deps.tz)


def _where(turn: Turn, filters: Filters) -> TicketFilter:
    """The filters as the database reads them: days in WIB become moments."""
    statuses = filters.status_set()
    return TicketFilter(
        statuses=frozenset(statuses) if statuses is not None else None,
        service_codes=frozenset(filters.services) or None,
        channels=frozenset(filters.channels) or None,
        assigned_to=frozenset(filters.officers) or None,
        created_from=_midnight(turn, filters.since) if filters.since is not None else None,
        created_before=_midnight(turn, filters.until + timedelta(days=1)) if filters.until is not None else None,
    )


# --- officers ---------------------------------------------------------------------------------------------------
async def _officers(turn: Turn, refs: tuple[OfficerRef, ...]) -> tuple[int | None, ...]:
    """The person ids the ``officer:`` filters name (None: handled by nobody); BadFilter if unknown or unclear."""
    found: list[int | None] = []
    members: list[StaffMember] | None = None
    for ref in refs:
        if ref.kind is OfficerKind.ME:
            found.append(turn.person.id)
        elif ref.kind is OfficerKind.NOBODY:
            found.append(None)
        elif ref.kind is OfficerKind.TELEGRAM_ID:
            telegram_id = as_id(ref.text)
            person = await turn.uow.persons.get_by_telegram_id(telegram_id) if telegram_id is not None else None
            if person is None:
                raise BadFilter(Key.OFFICER, ref.typed, ref.text, Problem.OFFICER_UNKNOWN)
            found.append(person.id)
        else:
            members = members if members is not None else await turn.uow.staff.members()
            found.append(_by_name(ref, members))
    return tuple(dict.fromkeys(found))


def _by_name(ref: OfficerRef, members: list[StaffMember]) -> int:
    named = [(normalise(m.person.name), m.person) for m in members]
    matches = [person for name, person in named if ref.text in name]
    exact = [person for name, person in named if name == ref.text]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0].id
    if not matches:
        raise BadFilter(Key.OFFICER, ref.typed, ref.text, Problem.OFFICER_UNKNOWN)
    names = tuple(f"{neutral(p.name)} ({p.telegram_id})" for p in matches[:5])
    raise BadFilter(Key.OFFICER, ref.typed, ref.text, Problem.OFFICER_UNCLEAR, names=names)


async def _names(turn: Turn, filters: Filters) -> dict[int, str]:
    names = {}
    for person_id in filters.officers:
        if person_id is not None and (person := await turn.uow.persons.get(person_id)) is not None:
            names[person_id] = person.name
    return names
