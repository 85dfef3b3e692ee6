"""Finding the open "me too" cases like a complaint being filed (see :mod:`dialogs.metoo`).

Reads the staff search index (:mod:`handlers.staff.search_index`: words, and facets for the service and the day
filed, brought up to date at each request), then, for the few tickets found, their cases from the database. While
the index is being built (after the bot starts: :func:`handlers.staff.search_index.warm_up`) no offer is made: the
student files normally instead of waiting for it.
"""

from __future__ import annotations

from datetime import timedelta

from dialogs import metoo
from dialogs.draft import CaseOffer
from dialogs.search_filters import Filters, StatusGroup
from dialogs.workflow import is_active
from handlers.formats import local_day
from handlers.staff import search_index
from handlers.turn import Turn

SEARCHED = 12
"""Most tickets the search returns for one description (they group into at most ``metoo.MAX_OFFERS`` cases)."""


async def offers(turn: Turn, service: str, description: str) -> tuple[CaseOffer, ...]:
    """Open cases of ``service`` filed in the last ``metoo_days`` days (the setting, 60 by default) whose text is like
    ``description``, best first; none of the person's own."""
    if turn.deps.metoo_days <= 0:
        return ()
    known = turn.deps.catalogue.get(service)
    searched = metoo.query(description, known.name.values() if known is not None else ())
    if searched is None:
        return ()
    if search_index.building(turn.deps):  # the first minutes after a start at 100k tickets: file without waiting
        return ()
    cache = await search_index.ready(turn)
    if cache is None:  # being built anew in the background: file without waiting
        return ()
    since = local_day(turn.deps.clock() - timedelta(days=turn.deps.metoo_days), turn.deps.tz)
    among = cache.facets.among(Filters(statuses=(StatusGroup.OPEN,), services=(service,), since=since))
    if not among:
        return ()
    hits = [(h[0], h[2]) for h in cache.index.search(searched, SEARCHED, among=among) if h[2] >= metoo.MIN_SCORE]
    if not hits:
        return ()
    found = await turn.uow.cases.candidates(h[0] for h in hits)
    sizes = await turn.uow.cases.sizes(c.case_id for c in found if c.case_id is not None)
    candidates = {c.ticket_id: metoo.Candidate(
        c.ticket_id, c.lead_id, sizes.get(c.case_id, 1) if c.case_id is not None else 1,
        local_day(c.lead_created_at, turn.deps.tz), c.summary,
        open=is_active(c.lead_status) and c.lead_service == service,
        own=turn.person.id in (c.person_id, c.lead_person_id)) for c in found}
    return metoo.group(hits, candidates)
