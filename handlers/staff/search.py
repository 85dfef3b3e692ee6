"""/search and /similar: rapidfuzz over open and recent tickets, to spot duplicates and recurring problems."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from dialogs.search import TicketIndex
from handlers.errors import Refusal
from handlers.events import Button
from handlers.staff.common import find_ticket
from handlers.staff.views import ticket_line
from handlers.turn import Turn
from handlers.views import service_label
from storage.records import TicketRecord

RECENT_DAYS = 365
CORPUS_LIMIT = 100_000


async def _index(turn: Turn) -> tuple[TicketIndex, dict[int, TicketRecord]]:
    """The index over open tickets and those of the last year (built per request: fine at one bureau's size)."""
    tickets = await turn.uow.tickets.search_corpus(turn.deps.clock() - timedelta(days=RECENT_DAYS), CORPUS_LIMIT)
    catalogue = turn.deps.catalogue
    entries = []
    for t in tickets:
        service = catalogue.get(t.service_code)
        names = " ".join(service.name.values()) if service is not None else ""
        entries.append((t.id, t.number, f"{t.description} {names}"))
    return TicketIndex(entries), {t.id: t for t in tickets}


async def search(turn: Turn, args: str = "") -> None:
    _ = turn._
    if len(args.strip()) < 3:
        raise Refusal(_("Usage: /search <words> (at least 3 letters)"))
    index, by_id = await _index(turn)
    _show(turn, _("Tickets matching “{query}”:").format(query=args.strip()[:80]), index.search(args, 10), by_id)


async def similar(turn: Turn, args: str = "") -> None:
    _ = turn._
    ticket = await find_ticket(turn, args)
    index, by_id = await _index(turn)
    if ticket.id not in index:
        index.add((ticket.id, ticket.number, ticket.description))
    _show(turn, _("Tickets like {number}:").format(number=ticket.number), index.similar(ticket.id, 5), by_id)


def _show(turn: Turn, title: str, hits: list[tuple[int, str, float]], by_id: dict[int, TicketRecord]) -> None:
    _ = turn._
    found = [by_id[tid] for tid, _n, _s in hits if tid in by_id]
    if not found:
        turn.say(title + "\n" + _("Nothing found."))
        return
    lines = [escape(title)]
    lines += [ticket_line(t, service_label(t, turn.deps.catalogue, turn.locale, _), _) for t in found]
    turn.say("\n".join(lines), tuple((Button(t.number, f"sh:{t.id}"),) for t in found[:8]))
