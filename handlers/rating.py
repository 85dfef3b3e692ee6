"""SOP 7a: the complainant rates the outcome (1–5, optional comment); 1–2 reopens the ticket and alerts its officer."""

from __future__ import annotations

from handlers.errors import Refusal
from handlers.events import OutMessage
from handlers.staff import notify
from handlers.staff.common import as_id, ask, checked_text, move, now, ticket_by_id
from handlers.turn import Turn
from storage.records import TicketRecord

RATEABLE = ("conforming", "resolved")


async def rate(turn: Turn, data: str) -> None:
    """Button ``rate:<ticket id>:<1-5>``: only the ticket's own complainant, once, after a conclusion."""
    _ = turn._
    parts = data.split(":")
    score = as_id(parts[2]) if len(parts) == 3 else None
    ticket_id = as_id(parts[1])
    if score is None or not 1 <= score <= 5 or ticket_id is None:
        raise Refusal(_("This button is no longer active."))
    ticket = await turn.uow.tickets.get(ticket_id)
    if ticket is None or ticket.person_id != turn.person.id:  # the same answer: nothing about others' tickets
        raise Refusal(_("This button is no longer active."))
    if ticket.rating is not None or ticket.status not in RATEABLE:
        raise Refusal(_("{number} was already rated. Thank you!").format(number=ticket.number))
    await turn.uow.tickets.update(ticket.id, rating=score, rated_at=now(turn))
    if score <= 2:
        await reopen(turn, ticket, score)
    else:
        await move(turn, ticket, "closed", _("rated {score}/5").format(score=score))
        await notify.refresh_card(turn, ticket.id)
        turn.say(_("Thank you for rating {number}: {score}/5.").format(number=ticket.number, score=score))
    await ask(turn, "rating_comment", ticket.number, ticket_id=ticket.id)


async def reopen(turn: Turn, ticket: TicketRecord, score: int) -> None:
    _ = turn._
    ticket = await move(turn, ticket, "reopened", _("rated {score}/5: not satisfied").format(score=score))
    turn.say(_("We are sorry the outcome did not meet your expectation. {number} is reopened and an officer will "
               "look at it again.").format(number=ticket.number))
    await _alert_officer(turn, ticket, score)
    await notify.refresh_card(turn, ticket.id)


async def _alert_officer(turn: Turn, ticket: TicketRecord, score: int) -> None:
    """Tell the ticket's officer, in the officer's language, that the complainant was not satisfied."""
    officer = await turn.uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    if officer is None or officer.telegram_id is None:
        return
    _ = turn.gettext_for(officer)
    turn.reaction.outbound.append(OutMessage(officer.telegram_id, _(
        "⚠️ {number} was reopened: the complainant rated the outcome {score}/5. /show {number}"
    ).format(number=ticket.number, score=score)))


async def comment(turn: Turn, ticket_id: int, text: str) -> None:
    ticket = await ticket_by_id(turn, ticket_id)
    if ticket.person_id != turn.person.id:
        raise Refusal(turn._("This button is no longer active."))
    text = checked_text(turn, text)
    await turn.uow.tickets.update(ticket.id, rating_comment=text)
    turn.say(turn._("Thank you, your comment was recorded."))
