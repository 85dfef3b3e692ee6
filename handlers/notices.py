"""Telling other people: the complainant when their case moves, a staff member when work reaches them, and the
staff group's card of a ticket. Each message is written in its reader's language and queued in ``ctx.out``.

A person the bot cannot reach now (blocked it, or — staff added by id — never pressed Start) still gets their
message later: it is queued with ``resend``, and sent again when they next write to the bot. Whoever gave them
the work is told at once, or, when Telegram refuses it only at delivery, by the message's ``fallback``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from dialogs.workflow import is_active
from domain.vocabulary import RATEABLE
from handlers import identity
from handlers.events import Button, EditCard, Keyboard, OutMessage, SendCard
from handlers.history import Reader
from handlers.i18n import N_, Gettext
from handlers.privacy.mask import masked, protected
from handlers.procedure import Ctx, cases
from handlers.staff.views import card_buttons, card_text
from handlers.text import shown
from handlers.views import service_label
from storage.records import PersonRecord, TicketRecord

NOTICES = {
    "confirming": N_("Your report {number} is now being checked by an officer."),
    "under_review": N_("Your suggestion {number} is now being reviewed."),
    "in_followup": N_(
        "Your complaint {number} was checked: the service did not follow its procedure. The bureau has recorded "
        "the nonconformity and is following it up; you will be told here when it is done."
    ),
    "conforming": N_(
        "Your complaint {number} was checked against the procedure: the service followed its procedure.\n\n"
        "<b>Explanation:</b> {note}"
    ),
    "rejected": N_("Your report {number} cannot be handled by this service.\n\n<b>Reason:</b> {note}"),
    "duplicate": N_(
        "Your report {number} is the same case as {other}, which is already being handled. You will be told "
        "here how it ends."
    ),
    "reply": N_("Message from the officer about {number}:\n\n{note}"),
    "resolved": N_("Your complaint {number} has been resolved.\n\n<b>Response:</b> {note}"),
    "reopened": N_("Your report {number} has been reopened and will be checked again."),
    "accepted": N_("Good news: your suggestion {number} has been accepted.\n\n{note}"),
    "declined": N_("Your suggestion {number} was considered but will not be taken up.\n\n<b>Reason:</b> {note}"),
    "programme_done": N_("The improvement programme for your suggestion {number} is complete.\n\n{note}"),
    "extended": N_("The bureau needs more time for your report {number}: it now expects to finish this step by {other}."
                   "\n\n<b>Reason:</b> {note}"),
    "verified": N_(
        "The bureau has checked that the measures taken after your complaint {number} work: the nonconformity "
        "behind it is closed. Thank you for reporting it.\n\n<b>Response:</b> {note}"
    ),
    "verified_plain": N_(
        "The bureau has checked that the measures taken after your complaint {number} work: the nonconformity "
        "behind it is closed. Thank you for reporting it."
    ),
}
ASK_RATING = N_("How satisfied are you with the outcome of {number}? (1 = not at all, 5 = very)")
REACH_LATER = N_(
    "⚠️ {name} cannot be reached by the bot yet (they never opened it, or blocked it): they get this as soon as "
    "they open the bot and press Start. Please tell them."
)
NOT_REACHED = N_("⚠️ {name} could not be reached by the bot (they never opened it, or blocked it), so they did not "
                 "get this: {what}\nPlease tell them; it is sent again when they open the bot.")


def locale_for(ctx: Ctx, person: PersonRecord) -> str:
    """Someone else's language: their /lang choice, else Telegram's language, else the default."""
    return ctx.deps.translator.pick(person.language, person.telegram_language)


def gettext_for(ctx: Ctx, person: PersonRecord) -> Gettext:
    return ctx.deps.translator.gettext(locale_for(ctx, person))


def reader_for(ctx: Ctx, person: PersonRecord) -> Reader:
    """A staff member as the reader of a message: their language, the institution's time zone."""
    locale = locale_for(ctx, person)
    return Reader(ctx.deps.translator.gettext(locale), locale, ctx.deps.tz)


def add_info_button(ticket: TicketRecord, _: Gettext) -> tuple[Button, ...]:
    return (Button(_("💬 Reply / add information"), f"cv:add:{ticket.id}"),)


def rating_buttons(ticket: TicketRecord) -> Keyboard:
    return (tuple(Button(str(n), f"rate:{ticket.id}:{n}") for n in range(1, 6)),)


async def tell_complainant(ctx: Ctx, ticket: TicketRecord, notice: str, note: str = "", other: str = "") -> None:
    """Queue the notice for the ticket's complainant and for those whose tickets duplicate it; an open case's
    notice carries "Reply / add information", a conclusion asks for the rating."""
    followers = await ctx.uow.tickets.duplicates_of(ticket.id)
    members = await cases.followers(ctx, ticket, notice)  # "me too": each member's complainant, as the lead's
    persons = await ctx.uow.persons.by_ids(t.person_id for t in [ticket, *members, *followers]
                                           if t.person_id is not None)
    shown_to_actor = _queue_notice(ctx, ticket, followers, persons, notice, note, other)
    for member in members:  # about their own ticket, in their language; each rates their own outcome
        shown_to_actor += _queue_notice(ctx, member, [], persons, notice, note, other)
    await _record_contacts(ctx, shown_to_actor)


async def tell_complainants(ctx: Ctx, tickets: Sequence[TicketRecord], notice: str, note: str = "") -> None:
    """:func:`tell_complainant` for many tickets (an LK's, a "me too" case's), reading their complainants and
    followers in a few statements; the messages are the same, in the same order."""
    if not tickets:
        return
    followers = await ctx.uow.tickets.duplicates_of_many([t.id for t in tickets])
    persons = await ctx.uow.persons.by_ids(
        t.person_id for t in [*tickets, *(f for fs in followers.values() for f in fs)] if t.person_id is not None)
    shown_to_actor = []
    for ticket in tickets:
        shown_to_actor += _queue_notice(ctx, ticket, followers.get(ticket.id, []), persons, notice, note, "")
    await _record_contacts(ctx, shown_to_actor)


def _actor(ctx: Ctx) -> identity.Viewer:
    return identity.Viewer(ctx.actor.person_id, ctx.actor.roles)


async def _record_contacts(ctx: Ctx, ticket_ids: list[int]) -> None:
    """The offline complainants' contacts just shown to the actor: one view each, in one statement."""
    if ticket_ids and ctx.actor.telegram_id is not None:
        await identity.record_views(ctx.uow, ctx.now, _actor(ctx), identity.Place.NOTICE, ticket_ids)


def _queue_notice(ctx: Ctx, ticket: TicketRecord, followers: Sequence[TicketRecord],
                  persons: Mapping[int, PersonRecord], notice: str, note: str, other: str) -> list[int]:
    """Queue the notice; the ids of the tickets whose complainant's contact the actor was shown instead (no
    Telegram: to be told by hand — only when the actor may see who they are)."""
    contacts = []
    for index, t in enumerate([ticket, *followers]):
        person = persons.get(t.person_id) if t.person_id is not None else None
        if person is None or person.telegram_id is None:
            if index == 0:
                allowed = person is not None and person.contact is not None and identity.may_see(
                    _actor(ctx), t, ctx.deps.confidential_roles)
                contact = shown(person.contact) if allowed and person is not None else (
                    "—" if person is None or not person.contact else identity.label(t, ctx._))
                tell_actor(ctx, ctx._("{number} has no Telegram chat: tell the complainant by hand (contact: "
                                      "{contact}).").format(number=t.number, contact=contact))
                if allowed:
                    contacts.append(t.id)
            continue
        _ = gettext_for(ctx, person)
        text = _(NOTICES[notice]).format(number=t.number, note=shown(note), other=other)
        status = ticket.status if index == 0 else t.status
        buttons = (add_info_button(t, _),) if is_active(status) else ()
        ctx.out.append(OutMessage(person.telegram_id, text, buttons, resend=True))
        if notice in RATEABLE and index == 0:  # a duplicate's complainant is told; its own ticket stays concluded
            ctx.out.append(OutMessage(person.telegram_id, _(ASK_RATING).format(number=t.number),
                                      rating_buttons(t), resend=True))
    return contacts


def tell_actor(ctx: Ctx, text: str) -> None:
    """A message to whoever acts, in their private chat (nothing when the actor is not a chat user)."""
    if ctx.actor.telegram_id is not None:
        ctx.out.append(OutMessage(ctx.actor.telegram_id, text))


async def tell_staff(ctx: Ctx, person: PersonRecord | int | None, render: Callable[[Reader], str],
                     buttons: Callable[[Gettext], Keyboard] = lambda _: (), *, what: str = "",
                     office_hours_key: str | None = None) -> bool:
    """Queue a message for a staff member, in their language; False when there is nobody to tell.

    When they cannot be reached now, the actor is told at once (and the message waits for their Start); when
    Telegram refuses it later, the actor gets ``what`` (a short description, in the actor's language) instead.
    The actor is never told about themselves. With ``office_hours_key``, a message that is no reply to anything
    (a request to decide) waits, outside office hours, for the next opening — under that key, which a decision
    taken meanwhile cancels."""
    if isinstance(person, int):
        person = await ctx.uow.persons.get(person)
    if person is None or person.telegram_id is None:
        return False
    if person.telegram_id == ctx.actor.telegram_id:
        return True
    reader = reader_for(ctx, person)
    name = shown(person.name)
    fallback = None
    if not person.started or person.unreachable:
        tell_actor(ctx, ctx._(REACH_LATER).format(name=name))
    elif ctx.actor.telegram_id is not None and what:
        fallback = (ctx.actor.telegram_id, ctx._(NOT_REACHED).format(name=name, what=what))
    ctx.out.append(OutMessage(person.telegram_id, render(reader), buttons(reader._), resend=True,
                              fallback=fallback, scheduled=_until_office_opens(ctx, office_hours_key)))
    return True


def _until_office_opens(ctx: Ctx, key: str | None) -> tuple[str, float] | None:
    """``(key, seconds)`` until the office opens, when it is closed now; None when it is open (or no key)."""
    if key is None:
        return None
    deps = ctx.deps
    opens = deps.office_hours.next_opening(ctx.now, deps.tz, deps.calendar)
    return (key, (opens - ctx.now).total_seconds()) if opens > ctx.now else None


async def refresh_card(ctx: Ctx, ticket_id: int, *, new: bool = False) -> None:
    """Post (``new``) or update the ticket's card in the staff group, when one is configured."""
    chat = ctx.deps.staff_chat_id
    if chat is None:
        return
    ticket = await ctx.uow.tickets.get(ticket_id)
    if ticket is None:
        return
    case = await cases.case_of(ctx, ticket)
    if case is not None and case.lead_ticket_id != ticket.id and ticket.card_message_id is None and not new:
        return  # a "me too" member has no card: its lead's shows the case (refreshed when one joins or leaves)
    person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    officer = await ctx.uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    translator = ctx.deps.translator
    _ = translator.gettext(translator.default)
    label = service_label(ticket, ctx.deps.catalogue, translator.default, _)
    recurred = await ctx.uow.lks.get(ticket.recurrence_of_lk) if ticket.recurrence_of_lk is not None else None
    joined = case.size - 1 if case is not None and case.lead_ticket_id == ticket.id else 0
    who = identity.complainant(identity.GROUP, ticket, person, ctx.deps.confidential_roles, _)
    if who.identity:  # the group sees a named complainant: each post or edit of the card is a view
        await identity.record_views(ctx.uow, ctx.now, identity.GROUP, identity.Place.GROUP_CARD, [ticket.id])
    if protected(ticket):  # the whole group reads the card: the complainant's own identifiers masked in their text
        ticket = replace(ticket, description=masked(ticket, person, ticket.description) or "",
                         response=masked(ticket, person, ticket.response))  # staff may address them by name
    text = card_text(ticket, who.text, officer, label, _, ctx.deps.tz, translator.default, joined=joined,
                     recurrence_of=recurred.number if recurred is not None else None)
    buttons = card_buttons(ticket, _)
    ctx.out.append(SendCard(chat, ticket.id, text, buttons) if new else EditCard(chat, ticket.id, text, buttons))


async def refresh_cards(ctx: Ctx, tickets: Sequence[TicketRecord]) -> None:
    """:func:`refresh_card` for the tickets that have a card of their own: the members of a "me too" case have
    none (its lead's card stands for the case), so the group gets one updated card per case, not one per ticket."""
    if ctx.deps.staff_chat_id is None or not tickets:
        return
    members = await ctx.uow.tickets.case_members([t.id for t in tickets])
    for ticket in tickets:
        if ticket.id not in members:
            await refresh_card(ctx, ticket.id)
