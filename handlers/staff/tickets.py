"""The officer's daily work on tickets (SOP step b): inbox, show, take, assign, reply and the verdicts."""

from __future__ import annotations

from html import escape

from handlers.errors import Refusal
from handlers.events import Button, OutMessage, SendFile
from handlers.staff import notify
from handlers.staff.common import as_id, ask, checked_text, find_ticket, move, now, ticket_by_id
from handlers.staff.views import Reader, card_buttons, ticket_line, ticket_view
from handlers.turn import Turn
from handlers.views import service_label, status_name
from storage.records import TicketRecord

PAGE = 10
START_STATUS = {"complaint": "confirming", "suggestion": "under_review"}


async def inbox(turn: Turn, args: str = "") -> None:
    _ = turn._
    total = await turn.uow.tickets.count_inbox(turn.person.id)
    page = min(as_id(args.strip()) or 0, max(total - 1, 0) // PAGE)  # past the last page: the last page
    tickets = await turn.uow.tickets.inbox(turn.person.id, limit=PAGE, offset=page * PAGE)
    if not tickets:
        turn.say(_("Your inbox is empty: no new tickets and none of yours open."))
        return
    lines = [_("<b>Inbox</b> — new tickets and yours ({total}), oldest first:").format(total=total)]
    lines += [ticket_line(t, service_label(t, turn.deps.catalogue, turn.locale, _), _) for t in tickets]
    rows = [tuple(Button(t.number, f"sh:{t.id}") for t in tickets[i: i + 2]) for i in range(0, len(tickets), 2)]
    nav = []
    if page > 0:
        nav.append(Button(_("« Newer"), f"ib:{page - 1}"))
    if (page + 1) * PAGE < total:
        nav.append(Button(_("Older »"), f"ib:{page + 1}"))
    turn.say("\n".join(lines), (*rows, tuple(nav)) if nav else tuple(rows))


async def show(turn: Turn, args: str = "") -> None:
    await show_ticket(turn, await find_ticket(turn, args))


async def show_ticket(turn: Turn, ticket: TicketRecord) -> None:
    uow, _ = turn.uow, turn._
    person = await uow.persons.get(ticket.person_id) if ticket.person_id is not None else None
    officer = await uow.persons.get(ticket.assigned_to) if ticket.assigned_to is not None else None
    events = await uow.tickets.events(ticket.id)
    names = {}
    for pid in {e.actor_person_id for e in events if e.actor_person_id is not None}:
        found = await uow.persons.get(pid)
        names[pid] = found.name if found else "?"
    reader = Reader(_, turn.locale, turn.deps.tz)
    label = service_label(ticket, turn.deps.catalogue, turn.locale, _)
    turn.say(ticket_view(ticket, person, officer, events, names, label, reader), card_buttons(ticket, _))
    for file in ticket.attachments:
        turn.reaction.outbound.append(SendFile(turn.chat_id, file.file_type, file.file_id, ticket.number))


async def take(turn: Turn, args: str = "") -> None:
    await take_ticket(turn, await find_ticket(turn, args))


async def take_ticket(turn: Turn, ticket: TicketRecord) -> None:
    _ = turn._
    if ticket.assigned_to not in (None, turn.person.id):
        raise Refusal(_("{number} is already taken by another officer; /assign can hand it over.").format(
            number=ticket.number))
    if ticket.status in ("received", "reopened"):
        ticket = await move(turn, ticket, START_STATUS[ticket.kind], assigned_to=turn.person.id)
        await notify.tell_complainant(turn, ticket, START_STATUS[ticket.kind])
    else:
        await turn.uow.tickets.update(ticket.id, assigned_to=turn.person.id)
    await notify.refresh_card(turn, ticket.id)
    _confirm(turn, _("You took {number}.").format(number=ticket.number))


async def assign(turn: Turn, args: str = "") -> None:
    _ = turn._
    parts = args.split()
    telegram_id = as_id(parts[1], signed=True) if len(parts) == 2 else None
    if telegram_id is None:
        raise Refusal(_("Usage: /assign <ticket number> <officer's Telegram id>"))
    ticket = await find_ticket(turn, parts[0])
    officer = await turn.uow.persons.get_by_telegram_id(telegram_id)
    if officer is None or "officer" not in await turn.uow.staff.roles_of(officer.id):
        raise Refusal(_("{id} is not an officer. /staff list shows the staff.").format(id=parts[1]))
    if ticket.status in ("received", "reopened"):
        ticket = await move(turn, ticket, START_STATUS[ticket.kind], assigned_to=officer.id)
    else:
        await turn.uow.tickets.update(ticket.id, assigned_to=officer.id)
    await notify.refresh_card(turn, ticket.id)
    turn.reaction.outbound.append(OutMessage(
        telegram_id, turn._("{number} was assigned to you. /show {number}").format(number=ticket.number)))
    turn.say(_("{number} is now assigned to {name}.").format(number=ticket.number, name=escape(officer.name)))


async def reply(turn: Turn, args: str = "") -> None:
    number, _sep, text = args.strip().partition(" ")
    ticket = await find_ticket(turn, number)
    if not text.strip():
        await ask(turn, "reply", ticket.number, ticket_id=ticket.id)
        return
    await send_reply(turn, ticket, text)


async def send_reply(turn: Turn, ticket: TicketRecord, text: str) -> None:
    text = checked_text(turn, text)
    await turn.uow.tickets.set_status(ticket.id, ticket.status, actor_person_id=turn.person.id,
                                      note=turn._("Message to the complainant: {text}").format(text=text),
                                      at=now(turn))
    await notify.tell_complainant(turn, ticket, "reply", text)
    turn.say(turn._("Sent to the complainant of {number}.").format(number=ticket.number))


# --- verdicts (step b) ----------------------------------------------------------------------------------------
async def nonconformity(turn: Turn, args: str = "") -> None:
    await verdict(turn, await find_ticket(turn, args), "in_followup")


async def conforming(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, "conforming", "conforming")


async def reject(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, "rejected", "reject")


async def accept(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, "accepted", "accept")


async def decline(turn: Turn, args: str = "") -> None:
    await _verdict_command(turn, args, "declined", "decline")


async def duplicate(turn: Turn, args: str = "") -> None:
    parts = args.split()
    if not parts:
        raise Refusal(turn._("Usage: /duplicate <ticket number> <number of the ticket it repeats>"))
    ticket = await find_ticket(turn, parts[0])
    if len(parts) < 2:
        await ask(turn, "duplicate", ticket.number, ticket_id=ticket.id)
        return
    await mark_duplicate(turn, ticket, parts[1])


async def _verdict_command(turn: Turn, args: str, status: str, prompt: str) -> None:
    number, _sep, text = args.strip().partition(" ")
    ticket = await find_ticket(turn, number)
    if not text.strip():
        await ask(turn, prompt, ticket.number, ticket_id=ticket.id)
        return
    await verdict(turn, ticket, status, text)


async def verdict(turn: Turn, ticket: TicketRecord, status: str, text: str | None = None) -> None:
    """Record the officer's judgement of the ticket against the service's procedure and tell the complainant."""
    _ = turn._
    note = checked_text(turn, text) if status != "in_followup" else None
    fields: dict[str, object] = {"confirmed_at": now(turn)}
    if ticket.assigned_to is None:
        fields["assigned_to"] = turn.person.id
    if note:
        fields["response"] = note
    ticket = await move(turn, ticket, status, note, **fields)
    await notify.tell_complainant(turn, ticket, status, note or "")
    await notify.refresh_card(turn, ticket.id)
    done = {
        "in_followup": _("{number} is confirmed as a nonconformity. Write its LK: /lk new {number}"),
        "accepted": _("{number} is accepted. To start an improvement programme: /lk new {number}"),
    }.get(status, _("{number} is now {status}; the complainant was told."))
    _confirm(turn, done.format(number=ticket.number, status=status_name(status, _)))


async def mark_duplicate(turn: Turn, ticket: TicketRecord, other_number: str) -> None:
    _ = turn._
    other = await find_ticket(turn, other_number)
    while other.duplicate_of is not None:
        other = await ticket_by_id(turn, other.duplicate_of)
    if other.id == ticket.id:
        raise Refusal(_("A ticket cannot duplicate itself."))
    fields: dict[str, object] = {"duplicate_of": other.id, "confirmed_at": now(turn)}
    if ticket.assigned_to is None:
        fields["assigned_to"] = turn.person.id
    ticket = await move(turn, ticket, "duplicate", _("duplicate of {other}").format(other=other.number), **fields)
    await notify.tell_complainant(turn, ticket, "duplicate", other=other.number)
    await notify.refresh_card(turn, ticket.id)
    _confirm(turn, _("{number} is marked as a duplicate of {other}.").format(number=ticket.number,
                                                                              other=other.number))


def _confirm(turn: Turn, text: str) -> None:
    """In the staff group a button press is answered with a short notice; in a private chat with a message."""
    if turn.private:
        turn.say(text)
    else:
        turn.reaction.callback_answer = text
