"""The filterable facts of the indexed tickets (status, service, channel, officer, filing day), for filtered search.

Beside :class:`dialogs.search.TicketIndex` (what tickets say) the search cache keeps a :class:`FacetIndex` (what
they are): a set of ticket ids per status, service, channel, officer and day, so ``/search status:open
layanan:legalisir transkrip`` narrows the text search to the tickets the filters admit with a few set
operations, before ranking, instead of ranking everything and throwing most of it away. Pure: no I/O.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from datetime import date

from dialogs.search_filters import Filters


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What the filters read of a ticket; ``day`` is the day it was filed, in WIB."""

    status: str
    service: str
    channel: str
    officer: int | None
    day: date


class FacetIndex:
    """Ticket ids by each fact; ``add`` (again, to replace) and ``remove`` keep it current."""

    def __init__(self) -> None:
        self._facts: dict[int, TicketFacts] = {}
        self._by: dict[tuple[str, object], set[int]] = {}  # ("status", "received") -> ticket ids
        self._days: list[date] = []  # the days having tickets, in order

    def __len__(self) -> int:
        return len(self._facts)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._facts

    def add(self, ticket_id: int, facts: TicketFacts) -> None:
        if ticket_id in self._facts:
            self.remove(ticket_id)
        self._facts[ticket_id] = facts
        for key in _keys(facts):
            ids = self._by.get(key)
            if ids is None:
                ids = self._by[key] = set()
                if key[0] == "day":
                    insort(self._days, facts.day)
            ids.add(ticket_id)

    def remove(self, ticket_id: int) -> bool:
        facts = self._facts.pop(ticket_id, None)
        if facts is None:
            return False
        for key in _keys(facts):
            ids = self._by[key]
            ids.discard(ticket_id)
            if not ids:
                del self._by[key]
                if key[0] == "day":
                    del self._days[bisect_left(self._days, facts.day)]
        return True

    def among(self, filters: Filters) -> set[int] | None:
        """The ids of the tickets ``filters`` admit (``None``: no filter, every ticket)."""
        parts: list[set[int]] = []
        statuses = filters.status_set()
        for name, values in (("status", statuses), ("service", filters.services), ("channel", filters.channels),
                             ("officer", filters.officers)):
            if values is None or (name != "status" and not values):
                continue
            parts.append(set().union(*(self._by.get((name, v), ()) for v in values)))
        if filters.since is not None or filters.until is not None:
            low = 0 if filters.since is None else bisect_left(self._days, filters.since)
            high = len(self._days) if filters.until is None else bisect_right(self._days, filters.until)
            parts.append(set().union(*(self._by[("day", d)] for d in self._days[low:high])))
        if not parts:
            return None
        parts.sort(key=len)
        return parts[0].intersection(*parts[1:])


def _keys(facts: TicketFacts) -> tuple[tuple[str, object], ...]:
    return (("status", facts.status), ("service", facts.service), ("channel", facts.channel),
            ("officer", facts.officer), ("day", facts.day))
