"""What the views need besides the record itself, looked up once: names, events, linked LKs and tickets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from domain.vocabulary import TicketEvent
from handlers import identity
from handlers.privacy.mask import mask_identity, own_texts, protected
from handlers.privacy.scrub import Scrubber
from handlers.procedure import Ctx
from handlers.procedure.recurrence import possible_for_lk
from handlers.staff.lk_views import LkSnapshot, Rating
from handlers.staff.views import TicketSnapshot
from handlers.views import service_label
from storage.records import LkRecord, TicketRecord


def viewer(ctx: Ctx) -> identity.Viewer:
    """The actor as the viewer of an identity (with the roles they hold now)."""
    return identity.Viewer(ctx.actor.person_id, ctx.actor.roles)


async def names_of(ctx: Ctx, ids: Iterable[int | None]) -> dict[int, str]:
    names: dict[int, str] = {}
    for pid in set(ids):
        if pid is not None:
            person = await ctx.uow.persons.get(pid)
            names[pid] = person.name if person else "?"
    return names


async def ticket_snapshot(ctx: Ctx, ticket: TicketRecord, locale: str) -> TicketSnapshot:
    """What /show tells the actor about the ticket; its complainant as the actor may see them (whoever shows the
    snapshot records the view when it names them: :func:`handlers.identity.record_views`)."""
    uow = ctx.uow
    person = await uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    who = identity.complainant(viewer(ctx), ticket, person, ctx.deps.confidential_roles, ctx._)
    officer = await uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    events = await uow.tickets.events(ticket.id)
    case = await uow.cases.get(ticket.case_id) if ticket.case_id is not None else None
    lead = await uow.tickets.get(case.lead_ticket_id) if case is not None else None
    in_case = await uow.cases.members(case.id) if case is not None else []
    # the case's other complainants act on this ticket too (a lead who withdraws or rates moves its members): their
    # names are not for the history's "(who)" — not named in it at all (handlers.history), whatever their level
    others = {t.person_id for t in (*in_case, *([lead] if lead else [])) if t.person_id not in (None, ticket.person_id)}
    people: list[int | None] = [e.actor_person_id for e in events if e.actor_person_id not in others]
    people += [e.params["officer"] for e in events if isinstance(e.params.get("officer"), int)]
    names = await names_of(ctx, people)
    service = ctx.deps.catalogue.get(ticket.service_code)
    recurred = await uow.lks.get(ticket.recurrence_of_lk) if ticket.recurrence_of_lk is not None else None
    members = [m.number for m in in_case if m.id != ticket.id]
    return TicketSnapshot(ticket, who, officer, events, names, await uow.lks.lks_of_ticket(ticket.id),
                          service_label(ticket, ctx.deps.catalogue, locale, ctx._),
                          service.questions if service is not None else (),
                          await uow.archive.for_attachments(a.id for a in ticket.attachments if a.id is not None),
                          recurrence_of=recurred.number if recurred is not None else None,
                          case_lead=lead.number if lead else None, case_members=members,
                          case_summary=case.summary if case else None)


async def lk_snapshot(ctx: Ctx, lk: LkRecord) -> LkSnapshot:
    tickets = await ctx.uow.lks.tickets(lk.id)
    actions = await ctx.uow.lks.actions(lk.id)
    events = await ctx.uow.lks.events(lk.id)
    names = await names_of(ctx, [lk.prepared_by, lk.checked_by, lk.approved_by, lk.verified_by,
                                 *(a.owner_person_id for a in actions), *(e.actor_person_id for e in events)])
    archived = await ctx.uow.archive.for_actions(a.id for a in actions if a.evidence_file_id)
    recurs = await ctx.uow.lks.get(lk.recurrence_of) if lk.recurrence_of is not None else None
    cases = await ctx.uow.cases.of_tickets(t.id for t in tickets if t.case_id is not None)
    members = frozenset(tid for tid, case in cases.items() if case.lead_ticket_id != tid)
    hidden = await ctx.uow.persons.by_ids(t.person_id for t in tickets if t.person_id is not None and protected(t))
    ratings = await ratings_of(ctx, tickets)
    # with what they wrote: a phone in their description or rating comment is theirs wherever staff copy it (the
    # second walk); the view masks its whole text with it, the rating comments too
    scrub = Scrubber([mask_identity(hidden[t.person_id], own_texts(t, ratings)) for t in tickets
                      if t.person_id in hidden], masking=True)
    if scrub:  # whole, before a view cuts a long one (a cut "0812-34…" would no longer be found: review)
        ratings = [replace(r, comment=scrub.text(r.comment)) if r.comment else r for r in ratings]
    return LkSnapshot(lk, tickets, actions, events, names, tuple(ratings), archived, recurs,
                      await ctx.uow.recurrence.recurred_as(lk.id), await possible_for_lk(ctx, lk),
                      await ctx.uow.recurrence.of_lk(lk.id), members, scrub.text if scrub else None)


async def ratings_of(ctx: Ctx, tickets: Sequence[TicketRecord]) -> list[Rating]:
    """Every rating the LK's complainants gave (a reopened case may be rated twice), with its comment as written: the
    LK's view and form mask a protected complainant's identifiers in it with the rest of their text (``mask``)."""
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
