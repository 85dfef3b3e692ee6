"""Checks every use case shares: ids as commands and buttons carry them, texts within limits, finding records."""

from __future__ import annotations

from dialogs.ui import shorten, utf16_units
from handlers.errors import Refusal
from handlers.i18n import Gettext
from handlers.labels import lk_status_name
from handlers.procedure import Ctx
from storage.records import LkRecord, TicketRecord

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


def checked_text(_: Gettext, text: str | None, minimum: int = MIN_TEXT) -> str:
    """A text someone wrote for another person (a reason, a message, a response), within the limits."""
    text = (text or "").strip()
    if len(text) < minimum:
        raise Refusal(_("Please write at least {n} characters.").format(n=minimum))
    if utf16_units(text) > MAX_TEXT:  # as Telegram counts: it goes out in a message with a few words around it
        raise Refusal(_("Please keep it under {n} characters (yours has {count}); send a shorter version.").format(
            n=MAX_TEXT, count=utf16_units(text)))
    return text


async def find_ticket(ctx: Ctx, number: str) -> TicketRecord:
    number = number.strip().upper()
    ticket = await ctx.uow.tickets.get_by_number(number) if number else None
    if ticket is None:
        if not number:
            raise Refusal(ctx._("Give the ticket's number, for example KEL-2026-00042."))
        raise Refusal(ctx._("There is no ticket {number}.").format(number=shorten(number, 30)))
    return ticket


async def ticket_by_id(ctx: Ctx, ticket_id: str | int) -> TicketRecord:
    found = as_id(ticket_id)
    ticket = await ctx.uow.tickets.get(found) if found is not None else None
    if ticket is None:
        raise Refusal(ctx._("That ticket no longer exists."))
    return ticket


async def find_lk(ctx: Ctx, number: str) -> LkRecord:
    number = number.strip().upper()
    lk = await ctx.uow.lks.get_by_number(number) if number else None
    if lk is None:
        if not number:
            raise Refusal(ctx._("Give the LK's number, for example LK-2026-003. /lk list shows the open ones."))
        raise Refusal(ctx._("There is no LK {number}. /lk list shows the open ones.").format(
            number=shorten(number, 30)))
    return lk


async def lk_by_id(ctx: Ctx, lk_id: str | int) -> LkRecord:
    found = as_id(lk_id)
    lk = await ctx.uow.lks.get(found) if found is not None else None
    if lk is None:
        raise Refusal(ctx._("That LK no longer exists."))
    return lk


def lk_not_now(_: Gettext, lk: LkRecord) -> Refusal:
    """A step the LK's status no longer allows (an old message's button, a second press): where it stands now."""
    return Refusal(_("{number} is now at “{status}”: that step is no longer possible.").format(
        number=lk.number, status=lk_status_name(lk.status, _)))
