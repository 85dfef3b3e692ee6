"""Telling other people: the complainant when their case moves, a staff member when work reaches them, and the
staff group's card of a ticket. Each message is written in its reader's language and queued in ``ctx.out``.

A person the bot cannot reach now (blocked it, or — staff added by id — never pressed Start) still gets their
message later: it is queued with ``resend``, and sent again when they next write to the bot. Whoever gave them
the work is told at once, or, when Telegram refuses it only at delivery, by the message's ``fallback``.
"""

from __future__ import annotations

from collections.abc import Callable

from dialogs.workflow import is_active
from domain.vocabulary import RATEABLE
from handlers.events import Button, EditCard, Keyboard, OutMessage, SendCard
from handlers.history import Reader
from handlers.i18n import N_, Gettext
from handlers.procedure import Ctx
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
    for index, t in enumerate([ticket, *followers]):
        person = await ctx.uow.persons.get(t.person_id) if t.person_id is not None else None
        if person is None or person.telegram_id is None:
            if index == 0:
                tell_actor(ctx, ctx._("{number} has no Telegram chat: tell the complainant by hand (contact: "
                                      "{contact}).").format(number=t.number, contact=shown(person.contact if person
                                                                                             else None) or "—"))
            continue
        _ = gettext_for(ctx, person)
        text = _(NOTICES[notice]).format(number=t.number, note=shown(note), other=other)
        status = ticket.status if index == 0 else t.status
        buttons = (add_info_button(t, _),) if is_active(status) else ()
        ctx.out.append(OutMessage(person.telegram_id, text, buttons, resend=True))
        if notice in RATEABLE and index == 0:  # a duplicate's complainant is told; its own ticket stays concluded
            ctx.out.append(OutMessage(person.telegram_id, _(ASK_RATING).format(number=t.number),
                                      rating_buttons(t), resend=True))


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
    person = await ctx.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    officer = await ctx.uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    translator = ctx.deps.translator
    _ = translator.gettext(translator.default)
    label = service_label(ticket, ctx.deps.catalogue, translator.default, _)
    text = card_text(ticket, person, officer, label, _, ctx.deps.tz, translator.default)
    buttons = card_buttons(ticket, _)
    ctx.out.append(SendCard(chat, ticket.id, text, buttons) if new else EditCard(chat, ticket.id, text, buttons))
