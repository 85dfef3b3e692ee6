"""Small pieces every staff use case needs: finding a ticket or LK, moving it, asking for a required text."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dialogs.ui import utf16_units
from dialogs.workflow import can_move
from handlers.errors import Refusal
from handlers.events import OutMessage
from handlers.i18n import N_
from handlers.staff.views import shorten
from handlers.turn import Turn
from handlers.views import status_name
from storage.records import DialogRecord, LkRecord, TicketRecord

PENDING = "pending"  # the dialog name of "the next message is the required text for …"
PROMPTS = {
    "conforming": N_("Write the explanation for {subject}: how the service followed its procedure. "
                     "It is sent to the complainant."),
    "reject": N_("Write the reason for rejecting {subject}. It is sent to the complainant."),
    "duplicate": N_("{subject} duplicates which ticket? Send its number (for example KEL-2026-00042)."),
    "accept": N_("Write the response for the suggestion {subject}: what will be done. It is sent to the person."),
    "decline": N_("Write the reason for declining the suggestion {subject}. It is sent to the person."),
    "reply": N_("Write your message to the complainant of {subject}."),
    "return": N_("Write a note for the officer: what must change in {subject}?"),
    "lk_response": N_("The programme of {subject} worked. Write the response sent to the complainants of its "
                      "tickets; the LK then closes."),
    "evidence": N_("Send the evidence that action {subject} is done: a text, or a photo with a caption."),
    "rating_comment": N_("Thank you! Add a comment about {subject} if you wish, or press Skip."),
}
MIN_TEXT, MAX_TEXT = 5, 3000
MAX_ID = 2**63 - 1  # the database's BIGINT


def as_id(raw: object, *, signed: bool = False) -> int | None:
    """An id written in plain digits (a Telegram id may have a "-"), else None: callback data and commands carry
    anything — "²" passes ``isdigit`` but not ``int``, and a number past BIGINT fails in the database."""
    text = str(raw)
    digits = text[1:] if signed and text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    value = int(text)
    return value if -MAX_ID <= value <= MAX_ID else None


def now(turn: Turn) -> datetime:
    return turn.deps.clock()


async def find_ticket(turn: Turn, number: str) -> TicketRecord:
    number = number.strip().upper()
    ticket = await turn.uow.tickets.get_by_number(number) if number else None
    if ticket is None:
        raise Refusal(turn._("There is no ticket {number}.").format(number=shorten(number, 30) or "—"))
    return ticket


async def ticket_by_id(turn: Turn, ticket_id: str | int) -> TicketRecord:
    found = as_id(ticket_id)
    ticket = await turn.uow.tickets.get(found) if found is not None else None
    if ticket is None:
        raise Refusal(turn._("That ticket no longer exists."))
    return ticket


async def find_lk(turn: Turn, number: str) -> LkRecord:
    number = number.strip().upper()
    lk = await turn.uow.lks.get_by_number(number) if number else None
    if lk is None:
        raise Refusal(turn._("There is no LK {number}.").format(number=shorten(number, 30) or "—"))
    return lk


async def lk_by_id(turn: Turn, lk_id: str | int) -> LkRecord:
    found = as_id(lk_id)
    lk = await turn.uow.lks.get(found) if found is not None else None
    if lk is None:
        raise Refusal(turn._("That LK no longer exists."))
    return lk


async def move(turn: Turn, ticket: TicketRecord, to: str, note: str | None = None, **fields: Any) -> TicketRecord:
    """Move a ticket along the procedure, with its history event; refuses a move the procedure does not allow."""
    if not can_move(ticket.kind, ticket.status, to):
        raise Refusal(turn._("{number} is {status}; that cannot be done now.").format(
            number=ticket.number, status=status_name(ticket.status, turn._)))
    await turn.uow.tickets.set_status(ticket.id, to, actor_person_id=turn.person.id, note=note, at=now(turn))
    if fields:
        await turn.uow.tickets.update(ticket.id, **fields)
    moved = await turn.uow.tickets.get(ticket.id)
    assert moved is not None
    return moved


async def ask(turn: Turn, kind: str, subject: str, **data: Any) -> None:
    """Ask, in the person's private chat, for the text this step requires; the next message there answers it."""
    chat = turn.user.id
    current = await turn.uow.dialogs.get(chat)
    if current is not None and current.dialog != PENDING:
        raise Refusal(turn._("Finish the dialog you have open in our private chat first, or /cancel it."))
    await turn.uow.dialogs.put(DialogRecord(chat, turn.user.id, PENDING, kind, {"subject": subject, **data},
                                            now(turn)))
    text = turn._(PROMPTS[kind]).format(subject=subject) + "\n" + turn._("(/cancel to stop)")
    turn.reaction.outbound.append(OutMessage(chat, text, pending_buttons(turn, kind)))
    if chat != turn.chat_id:
        turn.reaction.callback_answer = turn._("I sent you a private message: answer there.")


def pending_buttons(turn: Turn, kind: str) -> tuple[tuple[Any, ...], ...]:
    from handlers.events import Button

    return ((Button(turn._("Skip"), "pd:skip"),),) if kind == "rating_comment" else ()


def checked_text(turn: Turn, text: str | None) -> str:
    text = (text or "").strip()
    if len(text) < MIN_TEXT:
        raise Refusal(turn._("Please write at least {n} characters.").format(n=MIN_TEXT))
    if utf16_units(text) > MAX_TEXT:  # as Telegram counts: it goes out in a message with a few words around it
        raise Refusal(turn._("Please keep it under {n} characters (yours has {count}).").format(
            n=MAX_TEXT, count=utf16_units(text)))
    return text
