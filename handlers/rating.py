"""SOP 7a in the chat: the complainant rates the outcome (1–5) and may comment. 1–2 reopens the ticket; its
officer gets the alert with the comment (or, if none comes, a few minutes later without it)."""

from __future__ import annotations

from handlers.asking import PENDING, ask
from handlers.errors import Refusal
from handlers.procedure import conversation as procedure
from handlers.procedure.checks import as_id
from handlers.turn import Turn


async def rate(turn: Turn, data: str) -> None:
    """Button ``rate:<ticket id>:<1-5>``: only the ticket's own complainant, once, after a conclusion."""
    _ = turn._
    parts = data.split(":")
    score = as_id(parts[2]) if len(parts) == 3 else None
    if score is None or not 1 <= score <= 5:
        raise Refusal(_("This button is no longer active."))
    ctx = await turn.ctx()
    ticket = await procedure.own_ticket(ctx, parts[1])
    ticket = await procedure.rate(ctx, ticket, score)
    if score <= 2:
        turn.say(_("We are sorry the outcome did not meet your expectation. {number} is reopened and an officer will "
                   "look at it again.").format(number=ticket.number))
    else:
        turn.say(_("Thank you for rating {number}: {score}/5.").format(number=ticket.number, score=score))
    current = await turn.uow.dialogs.get(turn.chat_id)
    if current is None or current.dialog == PENDING:  # never over a draft being written
        await ask(turn, "rating_complaint" if score <= 2 else "rating_comment", ticket.number, ticket_id=ticket.id)


async def comment(turn: Turn, ticket_id: int, text: str | None) -> None:
    """The comment to the rating (None: Skip)."""
    ctx = await turn.ctx()
    ticket = await procedure.own_ticket(ctx, ticket_id)
    await procedure.comment_on_rating(ctx, ticket, text)
    turn.say(turn._("Thank you, your comment was recorded.") if text is not None else turn._("Thank you!"))
