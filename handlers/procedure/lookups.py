"""What the views need besides the record itself, looked up once: names, events, linked LKs and tickets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from domain.vocabulary import TicketEvent
from handlers.procedure import Ctx
from handlers.staff.lk_views import LkSnapshot, Rating
from handlers.staff.views import TicketSnapshot
from handlers.views import service_label
from storage.records import LkRecord, TicketRecord


async def names_of(ctx: Ctx, ids: Iterable[int | None]) -> dict[int, str]:
    names: dict[int, str] = {}
    for pid in set(ids):
        if pid is not None:
            person = await ctx.uow.persons.get(pid)
            names[pid] = person.name if person else "?"
    return names


async def ticket_snapshot(ctx: Ctx, ticket: TicketRecord, locale: str) -> TicketSnapshot:
    uow = ctx.uow
    person = await uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    officer = await uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    events = await uow.tickets.events(ticket.id)
    people: list[int | None] = [e.actor_person_id for e in events]
    people += [e.params["officer"] for e in events if isinstance(e.params.get("officer"), int)]
    names = await names_of(ctx, people)
    service = ctx.deps.catalogue.get(ticket.service_code)
    return TicketSnapshot(ticket, person, officer, events, names, await uow.lks.lks_of_ticket(ticket.id),
                          service_label(ticket, ctx.deps.catalogue, locale, ctx._),
                          service.questions if service is not None else (),
                          await uow.archive.for_attachments(a.id for a in ticket.attachments if a.id is not None))


async def lk_snapshot(ctx: Ctx, lk: LkRecord) -> LkSnapshot:
    tickets = await ctx.uow.lks.tickets(lk.id)
    actions = await ctx.uow.lks.actions(lk.id)
    events = await ctx.uow.lks.events(lk.id)
    names = await names_of(ctx, [lk.prepared_by, lk.checked_by, lk.approved_by, lk.verified_by,
                                 *(a.owner_person_id for a in actions), *(e.actor_person_id for e in events)])
    archived = await ctx.uow.archive.for_actions(a.id for a in actions if a.evidence_file_id)
    return LkSnapshot(lk, tickets, actions, events, names, await ratings_of(ctx, tickets), archived)


async def ratings_of(ctx: Ctx, tickets: Sequence[TicketRecord]) -> list[Rating]:
    """Every rating the LK's complainants gave (a reopened case may be rated twice), with its comment."""
    numbers = {t.id: t.number for t in tickets}
    codes = (TicketEvent.RATED, TicketEvent.REOPENED, TicketEvent.RATING_COMMENT)
    ratings: list[Rating] = []
    last: dict[int, int] = {}  # ticket id -> index of its latest rating, which a comment completes
    for event in await ctx.uow.tickets.events_of(numbers, codes):
        if event.code == TicketEvent.RATING_COMMENT and event.ticket_id in last:
            index = last[event.ticket_id]
            ratings[index] = replace(ratings[index], comment=str(event.params.get("text") or ""))
        elif isinstance(event.params.get("score"), int):
            last[event.ticket_id] = len(ratings)
            ratings.append(Rating(numbers[event.ticket_id], int(event.params["score"])))
    return ratings
