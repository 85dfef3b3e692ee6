"""The officer's daily work on tickets in the chat (SOP step b): inbox, show, take, assign, reply, verdicts.

Each command reads its arguments, calls the use case in :mod:`handlers.procedure.tickets` and tells the officer
what happened; the complainant and the staff group are told by the use case itself.
"""

from __future__ import annotations

from domain.vocabulary import LkStatus, Role, TicketStatus
from handlers.asking import ask
from handlers.errors import Refusal
from handlers.events import Button, Keyboard
from handlers.formats import age
from handlers.history import Reader
from handlers.i18n import Gettext
from handlers.labels import status_name
from handlers.procedure import tickets as procedure
from handlers.procedure.checks import as_id, find_ticket, ticket_by_id
from handlers.procedure.lookups import ticket_snapshot
from handlers.staff.common import archived_file, confirm
from handlers.staff.views import card_buttons, file_buttons, ticket_line, ticket_view
from handlers.text import shown
from handlers.turn import Turn
from handlers.views import service_label
from storage.records import TicketRecord

PAGE = 10
VERDICT_PROMPTS = {TicketStatus.CONFORMING: "conforming", TicketStatus.REJECTED: "reject",
                   TicketStatus.ACCEPTED: "accept", TicketStatus.DECLINED: "decline"}


def line(turn: Turn, ticket: TicketRecord) -> str:
    """A ticket in a list, with its age in working days."""
    _ = turn._
    deps = turn.deps
    return ticket_line(ticket, service_label(ticket, deps.catalogue, turn.locale, _), _,
                       age(ticket.created_at, deps.today(), deps.tz, deps.calendar, _))


async def inbox(turn: Turn, args: str = "") -> None:
    _ = turn._
    total = await turn.uow.tickets.count_inbox(turn.person.id)
    page = min(as_id(args.strip()) or 0, max(total - 1, 0) // PAGE)  # past the last page: the last page
    tickets = await turn.uow.tickets.inbox(turn.person.id, limit=PAGE, offset=page * PAGE)
    if not tickets:
        turn.say(_("Your inbox is empty: no new tickets and none of yours open."))
        return
    lines = [_("<b>Inbox</b> — new tickets and yours ({total}), oldest first:").format(total=total)]
    lines += [line(turn, t) for t in tickets]
    rows = [tuple(Button(t.number, f"sh:{t.id}") for t in tickets[i: i + 2]) for i in range(0, len(tickets), 2)]
    nav = []
    if page > 0:
        nav.append(Button(_("« Newer"), f"ib:{page - 1}"))
    if (page + 1) * PAGE < total:
        nav.append(Button(_("Older »"), f"ib:{page + 1}"))
    turn.say("\n".join(lines), (*rows, tuple(nav)) if nav else tuple(rows))


async def show(turn: Turn, args: str = "") -> None:
    await show_ticket(turn, await find_ticket(await turn.ctx(), args))


def show_buttons(ticket: TicketRecord, _: Gettext, roles: frozenset[str]) -> Keyboard:
    """The card's buttons for an officer, a message button, and one per attachment."""
    rows: list[tuple[Button, ...]] = list(card_buttons(ticket, _)) if Role.OFFICER.value in roles else []
    if Role.OFFICER.value in roles and ticket.person_id is not None:
        rows.append((Button(_("✉️ Message the complainant"), f"tk:reply:{ticket.id}"),))
    rows += file_buttons(ticket.attachments, _)
    return tuple(rows)


async def show_ticket(turn: Turn, ticket: TicketRecord) -> None:
    """The ticket in full for the staff member; opening it counts as reading the complainant's messages."""
    ctx = await turn.ctx()
    ticket = await procedure.mark_read(ctx, ticket)
    snap = await ticket_snapshot(ctx, ticket, turn.locale)
    reader = Reader(turn._, turn.locale, turn.deps.tz)
    turn.say(ticket_view(snap, reader), show_buttons(ticket, turn._, ctx.actor.roles))


async def send_attachment(turn: Turn, arg: str) -> None:
    """Button ``fa:<attachment id>``: the file, sent to the staff member's private chat."""
    found = await turn.uow.tickets.attachment(as_id(arg) or 0)
    if found is None:
        raise Refusal(turn._("That file no longer exists."))
    ticket_id, file = found
    ticket = await ticket_by_id(await turn.ctx(), ticket_id)
    index = next((i for i, f in enumerate(ticket.attachments, start=1) if f.id == file.id), 0)
    caption = f"{ticket.number} · 📎 {index}"
    if file.caption:
        caption += " — " + shown(file.caption, 900)
    item = (await turn.uow.archive.for_attachments([file.id or 0])).get(file.id or 0)
    turn.reaction.outbound.append(archived_file(turn, file.file_type, file.file_id, caption, item,
                                                file.file_name or f"{ticket.number}-{index}"))


async def take(turn: Turn, args: str = "") -> None:
    ctx = await turn.ctx()
    await take_ticket(turn, await find_ticket(ctx, args))


async def take_ticket(turn: Turn, ticket: TicketRecord) -> None:
    ticket = await procedure.take(await turn.ctx(), ticket)
    confirm(turn, turn._("You took {number}.").format(number=ticket.number))


async def assign(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    telegram_id = as_id(parts[1], signed=True) if len(parts) == 2 else None
    if telegram_id is None:
        raise Refusal(_("Usage: /assign <ticket number> <officer's Telegram id>"))
    ctx = await turn.ctx()
    ticket = await find_ticket(ctx, parts[0])
    officer = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if officer is None:
        raise Refusal(_("{id} is not an officer. /staff list shows the staff.").format(id=parts[1]))
    ticket = await procedure.assign(ctx, ticket, officer)
    turn.say(_("{number} is now assigned to {name}.").format(number=ticket.number, name=shown(officer.name)))


async def reply(turn: Turn, args: str = "") -> None:
    number, _sep, text = args.strip().partition(" ")
    ticket = await find_ticket(await turn.ctx(), number)
    if not text.strip():
        await ask(turn, "reply", ticket.number, ticket_id=ticket.id)
        return
    await send_reply(turn, ticket, text)


async def send_reply(turn: Turn, ticket: TicketRecord, text: str) -> None:
    if ticket.person_id is None:
        raise Refusal(turn._("{number} has no complainant the bot can write to.").format(number=ticket.number))
    await procedure.message_complainant(await turn.ctx(), ticket, text)
    turn.say(turn._("Sent to the complainant of {number}. Their answer comes to you here.").format(
        number=ticket.number))


# --- verdicts (step b) ----------------------------------------------------------------------------------------
async def nonconformity(turn: Turn, args: str = "") -> None:
    await verdict(turn, await find_ticket(await turn.ctx(), args), TicketStatus.IN_FOLLOWUP)


async def conforming(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.CONFORMING)


async def reject(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.REJECTED)


async def accept(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.ACCEPTED)


async def decline(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, TicketStatus.DECLINED)


async def duplicate(turn: Turn, args: str = "") -> None:
    parts = args.split()
    if not parts:
        raise Refusal(turn._("Usage: /duplicate <ticket number> <number of the ticket it repeats>"))
    ticket = await find_ticket(await turn.ctx(), parts[0])
    if len(parts) < 2:
        await ask(turn, "duplicate", ticket.number, ticket_id=ticket.id)
        return
    await mark_duplicate(turn, ticket, parts[1])


async def _verdict_command(turn: Turn, args: str, status: TicketStatus) -> None:
    number, _sep, text = args.strip().partition(" ")
    ticket = await find_ticket(await turn.ctx(), number)
    if not text.strip():
        await ask(turn, VERDICT_PROMPTS[status], ticket.number, ticket_id=ticket.id)
        return
    await verdict(turn, ticket, status, text)


async def verdict(turn: Turn, ticket: TicketRecord, status: str, text: str | None = None) -> None:
    """Record the officer's judgement of the ticket against the service's procedure and tell the complainant."""
    _ = turn._
    ticket = await procedure.give_verdict(await turn.ctx(), ticket, status, text)
    covering = [lk for lk in await turn.uow.lks.lks_of_ticket(ticket.id) if lk.status != LkStatus.CLOSED]
    if status == TicketStatus.IN_FOLLOWUP and covering:
        confirm(turn, _("{number} is confirmed as a nonconformity again; it stays covered by {lk}, whose programme "
                        "continues: add a correction there if the case needs one.").format(
            number=ticket.number, lk=covering[0].number))
        return
    done = {
        TicketStatus.IN_FOLLOWUP: _("{number} is confirmed as a nonconformity. Write its LK: /lk new {number}"),
        TicketStatus.ACCEPTED: _("{number} is accepted. To start an improvement programme: /lk new {number}"),
    }.get(TicketStatus(status), _("{number} is now {status}; the complainant was told."))
    confirm(turn, done.format(number=ticket.number, status=status_name(status, _)))


async def mark_duplicate(turn: Turn, ticket: TicketRecord, other_number: str) -> None:
    ticket, other = await procedure.mark_duplicate(await turn.ctx(), ticket, other_number)
    confirm(turn, turn._("{number} is marked as a duplicate of {other}.").format(number=ticket.number,
                                                                                 other=other.number))
