"""What a staff search is narrowed to (filter pencarian): statuses, services, channels, officers, filing dates.

:class:`Filters` is the resolved form (service codes, person ids, days in WIB): the handler turns it into SQL,
the search index cache into a set of ticket ids, and this module into a page button's callback data
(:func:`to_data` / :func:`from_data`, at most 64 bytes with the prefix) so « / » can run the same search again.
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from domain.vocabulary import ACTIVE, INBOX, UNCONFIRMED, Channel, TicketStatus


class StatusGroup(StrEnum):
    """Statuses people ask for together."""

    OPEN = "open"  # not concluded yet (``domain.vocabulary.ACTIVE``)
    CONCLUDED = "concluded"  # everything else: closed, conforming, rejected, duplicate, resolved, …
    UNCONFIRMED = "unconfirmed"  # no officer has started confirming it (received, reopened)


StatusTerm = TicketStatus | StatusGroup
GROUP_STATUSES: dict[StatusGroup, frozenset[TicketStatus]] = {
    StatusGroup.OPEN: ACTIVE,
    StatusGroup.CONCLUDED: frozenset(TicketStatus) - ACTIVE,
    StatusGroup.UNCONFIRMED: frozenset(UNCONFIRMED),
}
_TERMS: tuple[StatusTerm, ...] = (*TicketStatus, *StatusGroup)  # bit order in callback data: never reorder
_CHANNELS: tuple[Channel, ...] = tuple(Channel)  # likewise
_T = TypeVar("_T")
CALLBACK_LIMIT = 64
"""Telegram's limit on a button's callback data, in bytes."""


@dataclass(frozen=True)
class Filters:
    """Every given filter must hold; within one filter any of its values will do (``status:open,reopened``)."""

    statuses: tuple[StatusTerm, ...] = ()
    services: tuple[str, ...] = ()  # service codes
    channels: tuple[Channel, ...] = ()
    officers: tuple[int | None, ...] = ()  # person ids; None: handled by nobody yet
    since: date | None = None  # filed on or after (WIB)
    until: date | None = None  # filed on or before (WIB)

    def __bool__(self) -> bool:
        return bool(self.statuses or self.services or self.channels or self.officers or self.since or self.until)

    def status_set(self) -> frozenset[TicketStatus] | None:
        """The statuses the status filter admits (``None``: no status filter)."""
        if not self.statuses:
            return None
        found: set[TicketStatus] = set()
        for term in self.statuses:
            found |= GROUP_STATUSES[term] if isinstance(term, StatusGroup) else {term}
        return frozenset(found)

    def admits(self, status: str, service: str, channel: str, officer: int | None, day: date) -> bool:
        """Whether a ticket with these values (``day``: filed, WIB) passes every filter."""
        statuses = self.status_set()
        return ((statuses is None or status in statuses)
                and (not self.services or service in self.services)
                and (not self.channels or channel in self.channels)
                and (not self.officers or officer in self.officers)
                and (self.since is None or day >= self.since)
                and (self.until is None or day <= self.until))


def reaches_past_index(filters: Filters, window_start: date) -> bool:
    """Whether tickets these filters admit may be missing from the search index, which holds every ticket
    waiting for an officer (``INBOX``) and every ticket filed from ``window_start`` on: the filters ask about
    the time before (``since:`` or ``until:`` earlier) or only about tickets not in the inbox (``status:closed``),
    and do not themselves keep to the index (statuses all in the inbox, or ``since:`` inside the window)."""
    statuses = filters.status_set()
    if statuses is not None and statuses <= INBOX:
        return False
    if filters.since is not None and filters.since >= window_start:
        return False
    earlier = any(d is not None and d < window_start for d in (filters.since, filters.until))
    return earlier or (statuses is not None and not statuses & INBOX)


# --- callback data ----------------------------------------------------------------------------------------------
def to_data(prefix: str, filters: Filters, page: int) -> str | None:
    """``prefix`` + page and filters, e.g. ``sr:1.s2000.vlegalisation.f20261101``; None if over 64 bytes.
    Statuses and channels come back in the vocabulary's order, services and officers in the order given."""
    parts = [str(page)]
    if filters.statuses:
        parts.append("s" + _bits(_TERMS, filters.statuses))
    if filters.channels:
        parts.append("c" + _bits(_CHANNELS, filters.channels))
    if filters.services:
        parts.append("v" + ",".join(filters.services))
    if filters.officers:
        parts.append("o" + ",".join("-" if o is None else str(o) for o in filters.officers))
    if filters.since:
        parts.append("f" + filters.since.strftime("%Y%m%d"))
    if filters.until:
        parts.append("u" + filters.until.strftime("%Y%m%d"))
    data = prefix + ".".join(parts)
    return data if len(data.encode()) <= CALLBACK_LIMIT else None


def from_data(arg: str) -> tuple[Filters, int] | None:
    """The page and filters :func:`to_data` wrote (without its prefix); None if ``arg`` is not such data."""
    head, *parts = arg.split(".")
    if not head.isdigit() or not head.isascii():
        return None
    fields: dict[str, str] = {}
    for part in parts:
        if not part or part[0] in fields or part[0] not in "scvofu":
            return None
        fields[part[0]] = part[1:]
    try:
        filters = Filters(
            statuses=_unbits(_TERMS, fields.get("s")),
            channels=_unbits(_CHANNELS, fields.get("c")),
            services=tuple(fields["v"].split(",")) if "v" in fields else (),
            officers=tuple(None if o == "-" else _number(o) for o in fields["o"].split(",")) if "o" in fields else (),
            since=_day(fields.get("f")),
            until=_day(fields.get("u")),
        )
    except ValueError:
        return None
    return filters, int(head)


def _bits(order: Sequence[StrEnum], chosen: Iterable[StrEnum]) -> str:
    return format(sum(1 << order.index(item) for item in set(chosen)), "x")


def _unbits(order: Sequence[_T], raw: str | None) -> tuple[_T, ...]:
    if raw is None:
        return ()
    mask = int(raw, 16)  # ValueError for anything else
    if mask <= 0 or mask >> len(order):
        raise ValueError(raw)
    return tuple(item for i, item in enumerate(order) if mask >> i & 1)


def _number(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValueError(raw)
    return int(raw)


def _day(raw: str | None) -> date | None:
    if raw is None:
        return None
    if len(raw) != 8 or not raw.isascii() or not raw.isdigit():
        raise ValueError(raw)
    return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
