"""What the complainant is told when their ticket moves, in their language, and the staff group's card."""

from __future__ import annotations

from html import escape

from handlers.events import Button, EditCard, OutMessage, SendCard
from handlers.i18n import N_
from handlers.staff.views import card_buttons, card_text
from handlers.turn import Turn
from handlers.views import service_label
from storage.records import TicketRecord

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
}
ASK_RATING = N_("How satisfied are you with the outcome of {number}? (1 = not at all, 5 = very)")
RATED = frozenset({"conforming", "resolved"})


async def tell_complainant(turn: Turn, ticket: TicketRecord, notice: str, note: str = "", other: str = "") -> None:
    """Queue the notice for the ticket's complainant and for those whose tickets duplicate it."""
    followers = await turn.uow.tickets.duplicates_of(ticket.id)
    for index, t in enumerate([ticket, *followers]):
        person = await turn.uow.persons.get(t.person_id) if t.person_id is not None else None
        if person is None or person.telegram_id is None:
            if index == 0:
                contact = escape(person.contact) if person is not None and person.contact else "—"
                turn.say(turn._("{number} has no Telegram chat: tell the complainant by hand (contact: {contact}).")
                         .format(number=t.number, contact=contact))
            continue
        _ = turn.gettext_for(person)
        text = _(NOTICES[notice]).format(number=t.number, note=escape(note), other=other)
        turn.reaction.outbound.append(OutMessage(person.telegram_id, text))
        if notice in RATED:
            buttons = (tuple(Button(str(n), f"rate:{t.id}:{n}") for n in range(1, 6)),)
            turn.reaction.outbound.append(OutMessage(person.telegram_id, _(ASK_RATING).format(number=t.number),
                                                     buttons))


async def refresh_card(turn: Turn, ticket_id: int, *, new: bool = False) -> None:
    """Post (``new``) or update the ticket's card in the staff group, when one is configured."""
    chat = turn.deps.staff_chat_id
    if chat is None:
        return
    ticket = await turn.uow.tickets.get(ticket_id)
    if ticket is None:
        return
    person = await turn.uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    officer = await turn.uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    translator = turn.deps.translator
    _ = translator.gettext(translator.default)
    label = service_label(ticket, turn.deps.catalogue, translator.default, _)
    text, buttons = card_text(ticket, person, officer, label, _), card_buttons(ticket, _)
    if new:
        turn.reaction.outbound.append(SendCard(chat, ticket.id, text, buttons))
    else:
        turn.reaction.outbound.append(EditCard(chat, ticket.id, text, buttons))
