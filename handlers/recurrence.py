"""The 30-day question (pertanyaan keberulangan): N days (``recurrence_check_days``) after an LK closes as effective,
each complainant of its tickets is asked whether the problem happened again. "No" confirms the LK's effectiveness;
"Yes" opens a new ticket linked to the LK (``recurrence_of_lk``) for the officers, with its card and number.

The buttons are built and parsed by :class:`RecurrenceAnswer` alone; a press is checked against the presser (their
own ticket), the question actually put (``recurrence_check``) and whether it was answered already (a second press
answers "already recorded" and changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from dialogs.workflow import is_active
from domain.vocabulary import Channel, TicketKind, TicketStatus
from handlers import notices
from handlers.errors import Refusal
from handlers.events import Button, Keyboard
from handlers.formats import day
from handlers.i18n import N_, Gettext
from handlers.procedure import Ctx, deadlines
from handlers.procedure import conversation as procedure
from handlers.procedure.checks import as_id
from handlers.turn import Turn
from storage.records import LkRecord, NewTicket, TicketRecord

HAPPENED_AGAIN = N_("It happened again: the problem I reported in {ticket} (dealt with in {lk}, closed on {date}) has "
                    "occurred again.")
"""The new ticket's description, in the staff's language: it stands in their records and cards, not in the chat."""


@dataclass(frozen=True)
class RecurrenceAnswer:
    """Button data ``rc:<LK id>:<ticket id>:y|n``: the complainant's answer about one LK, through their ticket."""

    PREFIX: ClassVar[str] = "rc"
    lk_id: int
    ticket_id: int
    yes: bool

    @property
    def data(self) -> str:
        return f"{self.PREFIX}:{self.lk_id}:{self.ticket_id}:{'y' if self.yes else 'n'}"

    @classmethod
    def parse(cls, data: str) -> RecurrenceAnswer | None:
        parts = data.split(":")
        if len(parts) != 4 or parts[0] != cls.PREFIX or parts[3] not in ("y", "n"):
            return None
        lk_id, ticket_id = as_id(parts[1]), as_id(parts[2])
        if lk_id is None or ticket_id is None:
            return None
        return cls(lk_id, ticket_id, parts[3] == "y")


def answer_buttons(lk_id: int, ticket_id: int, _: Gettext) -> Keyboard:
    return ((Button(_("Yes, it happened again"), RecurrenceAnswer(lk_id, ticket_id, True).data),
             Button(_("No, it did not"), RecurrenceAnswer(lk_id, ticket_id, False).data)),)


@dataclass(frozen=True)
class Answered:
    """What an answer did: ``new_ticket`` for "yes"; ``again``: it was answered before (nothing changed)."""

    ticket: TicketRecord
    lk: LkRecord
    yes: bool
    new_ticket: TicketRecord | None = None
    again: bool = False


async def answer_recurrence(ctx: Ctx, answer: RecurrenceAnswer) -> Answered:
    """Record the actor's answer to the question put about ``answer.lk_id`` through their ticket; "yes" files a new
    complaint of the same service linked to the LK. Someone else's ticket, or a question never put, is refused
    like a stale button."""
    ticket = await procedure.own_ticket(ctx, answer.ticket_id)
    check = await ctx.uow.recurrence.get(ticket.id, answer.lk_id)
    lk = await ctx.uow.lks.get(answer.lk_id)
    if check is None or lk is None:
        raise Refusal(ctx._("This button is no longer active."))
    if check.answer is not None:
        return Answered(ticket, lk, check.answer == "yes", again=True)
    if not await ctx.uow.recurrence.answer(ticket.id, lk.id, "yes" if answer.yes else "no", ctx.now):
        return Answered(ticket, lk, answer.yes, again=True)  # answered meanwhile by another press
    if not answer.yes:
        return Answered(ticket, lk, False)
    staff = ctx.deps.translator.default  # the text stands for the complainant's in the staff's records and cards
    closed = day(lk.closed_at.astimezone(ctx.deps.tz).date(), staff) if lk.closed_at else "—"
    description = ctx.deps.translator.gettext(staff)(HAPPENED_AGAIN).format(ticket=ticket.number, lk=lk.number,
                                                                             date=closed)
    new = await ctx.uow.tickets.add(NewTicket(
        kind=TicketKind.COMPLAINT, channel=Channel.TELEGRAM, person_id=ticket.person_id,
        service_code=ticket.service_code, service_other=ticket.service_other, description=description,
        occurred_on=None, answers={}, attachments=(), anonymous=ticket.anonymous,
        identity_level=ticket.identity_level, status=TicketStatus.RECEIVED,
        created_at=ctx.now, recurrence_of_lk=lk.id))
    await ctx.uow.recurrence.set_new_ticket(ticket.id, lk.id, new.id)
    await deadlines.keep(ctx, new, new.status)
    await notices.refresh_card(ctx, new.id, new=True)
    return Answered(ticket, lk, True, new)


async def press(turn: Turn, data: str) -> None:
    """A press of :func:`answer_buttons`: the answer recorded, and the complainant told what it did."""
    _ = turn._
    parsed = RecurrenceAnswer.parse(data)
    if parsed is None:
        raise Refusal(_("This button is no longer active."))
    done = await answer_recurrence(await turn.ctx(), parsed)
    if done.again:
        turn.say(_("Your answer about {number} was already recorded. Thank you!").format(number=done.ticket.number))
    elif done.new_ticket is None:
        turn.say(_("Thank you! Your answer is recorded: the problem of {number} has not happened again.").format(
            number=done.ticket.number))
    else:
        new = done.new_ticket
        buttons = (notices.add_info_button(new, _),) if is_active(new.status) else ()
        turn.say(_("Thank you for telling us. Your new report {number} is received and linked to {lk}; an officer "
                   "will look at it. You can describe what happened this time with the button below.").format(
            number=new.number, lk=done.lk.number), buttons)


__all__ = ["Answered", "RecurrenceAnswer", "answer_buttons", "answer_recurrence", "press"]
