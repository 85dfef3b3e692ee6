"""/case attach|detach|summary: the officer's commands for "me too" cases (kasus bersama)."""

from __future__ import annotations

from html import escape

from handlers.errors import Refusal
from handlers.procedure import case_steps
from handlers.procedure.checks import find_ticket
from handlers.text import shown
from handlers.turn import Turn


async def attach(turn: Turn, args: str = "") -> None:
    """/case attach <ticket> <lead or member>: the ticket follows that case from now on."""
    parts = args.split()
    if len(parts) != 2:
        raise Refusal(turn._("Usage: /case attach <ticket number> <number of a ticket in the case>"))
    ctx = await turn.ctx()
    ticket, target = await find_ticket(ctx, parts[0]), await find_ticket(ctx, parts[1])
    lead = await case_steps.attach(ctx, ticket, target)
    size = (await turn.uow.cases.sizes([lead.case_id]) if lead.case_id is not None else {}).get(lead.case_id or 0, 1)
    turn.say(turn._("{number} now follows the case of {lead} ({n} complainants); its complainant was told.").format(
        number=ticket.number, lead=lead.number, n=size))


async def detach(turn: Turn, args: str = "") -> None:
    """/case detach <ticket>: the ticket is handled on its own again."""
    parts = args.split()
    if len(parts) != 1:
        raise Refusal(turn._("Usage: /case detach <ticket number>"))
    ctx = await turn.ctx()
    ticket = await case_steps.detach(ctx, await find_ticket(ctx, parts[0]))
    turn.say(turn._("{number} is handled on its own again, with its own deadline and card; its complainant was "
                    "told.").format(number=ticket.number))


async def summary(turn: Turn, args: str = "") -> None:
    """/case summary <ticket> <text>: the public summary of the ticket's case, shown to students offered to join."""
    number, _sep, text = args.strip().partition(" ")
    if not number or not text.strip():
        raise Refusal(turn._("Usage: /case summary <ticket number> <text>. Students offered to join the case see "
                             "this text only: write it without names or personal details."))
    ctx = await turn.ctx()
    lead = await case_steps.summarise(ctx, await find_ticket(ctx, number), text)
    turn.say(turn._("The public summary of the case of {lead} is now: {text}").format(
        lead=lead.number, text=shown(" ".join(text.split()), 300)))


async def usage(turn: Turn, args: str = "") -> None:
    """/case alone (or with an unknown word): what the sub-commands are."""
    turn.say(escape(turn._("“Me too” cases: /case attach <number> <number in the case> · /case detach <number> · "
                    "/case summary <number> <text>. /show of a ticket lists its case; /inbox metoo sorts by it.")))
