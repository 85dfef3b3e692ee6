"""The complainant's conversation with the bureau in the chat: answering the officer, adding information,
withdrawing, and what happens to a message written outside any dialog.

- After an officer's message, what the complainant writes back (text, a photo, a PDF) goes to that ticket; so
  does everything sent after pressing "Reply / add information" (on /status and on every notice of an open case),
  for :data:`FOCUS_MINUTES` minutes or until /cancel.
- A message outside any dialog is never thrown away: with open tickets the complainant picks which one it belongs
  to (or files it as new); without, they are offered to file it, and the text becomes the description.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dialogs import intake
from dialogs.ui import FileInput
from handlers.asking import PENDING, ask
from handlers.errors import Refusal
from handlers.events import Button, FileRef
from handlers.privacy.mask import protected
from handlers.procedure import conversation as procedure
from handlers.procedure.checks import as_id
from handlers.student import intake_context, main_menu, store_intake
from handlers.turn import Turn
from storage.records import Attachment, DialogRecord, TicketRecord

FOCUS_MINUTES = 30
LOOSE = "loose"  # the pending state holding a message written outside any dialog, until its owner says where
MIN_DESCRIPTION = 10
SHOWN_CHOICES = 5


def _file(ref: FileRef | None, caption: str | None) -> Attachment | None:
    if ref is None:
        return None
    return Attachment(ref.file_id, ref.file_type, ref.file_name, caption=caption, mime_type=ref.mime_type,
                      source="complainant")


def focus_expired(turn: Turn, record: DialogRecord) -> bool:
    return record.updated_at < turn.deps.clock() - timedelta(minutes=FOCUS_MINUTES)


async def add(turn: Turn, ticket_id: int, text: str | None, file: FileRef | None, *, again: bool = False) -> None:
    """Add the message to the ticket, tell the officer, and keep listening for more (the focus); ``again``: one
    more message of the same focus, confirmed briefly."""
    ctx = await turn.ctx()
    ticket = await procedure.own_ticket(ctx, ticket_id)
    ticket = await procedure.add_information(ctx, ticket, text, _file(file, text))
    who = turn._("the officer handling it") if ticket.assigned_to is not None else turn._("the staff")
    others = [t for t in await turn.uow.tickets.open_for_person(turn.person.id) if t.id != ticket.id]
    if others and (protected(ticket) or any(protected(t) for t in others)):
        # several open tickets, one confidential or anonymous: a message meant for another must not land on this one
        # and tie them together for the staff (the third walk: an answer about the anonymous ticket went to the
        # confidential one) — each next message is asked about
        await turn.uow.dialogs.delete(turn.chat_id)
        turn.say(turn._("✅ Added to {number} and passed to {who}. You have other open tickets, so I will ask where "
                        "your next message belongs.").format(number=ticket.number, who=who))
        return
    await _focus(turn, ticket)
    if again:
        turn.say(turn._("✅ Added to {number}.").format(number=ticket.number))
        return
    turn.say(turn._("✅ Added to {number} and passed to {who}. What you send in the next {minutes} minutes is added "
                    "too; /cancel to stop.").format(number=ticket.number, who=who, minutes=FOCUS_MINUTES))


async def _focus(turn: Turn, ticket: TicketRecord) -> None:
    await turn.uow.dialogs.put(DialogRecord(turn.chat_id, turn.user.id, PENDING, "add_info",
                                            {"subject": ticket.number, "ticket_id": ticket.id, "focus": True},
                                            turn.deps.clock()))


async def withdraw(turn: Turn, ticket_id: int, reason: str) -> None:
    ctx = await turn.ctx()
    ticket = await procedure.withdraw(ctx, await procedure.own_ticket(ctx, ticket_id), reason)
    turn.say(turn._("{number} is withdrawn. Thank you for letting us know; /new files a new report any time.")
             .format(number=ticket.number))


async def free_message(turn: Turn, text: str | None, file: FileRef | None) -> None:
    """A message outside any dialog: to the ticket waiting for it, else held until its owner says where."""
    _ = turn._
    text = (text or "").strip() or None
    if text is None and file is None:
        turn.say(_("I received an empty message.") + "\n" + _("To file a complaint or a suggestion, use /new. "
                                                                 "/help lists what I can do."), main_menu(turn))
        return
    tickets = await turn.uow.tickets.open_for_person(turn.person.id)
    waiting = [t for t in tickets if t.awaiting_complainant_since is not None]
    if len(waiting) == 1:
        await add(turn, waiting[0].id, text, file)
        return
    if not tickets and file is None and len(text or "") < MIN_DESCRIPTION:
        turn.say(_("To file a complaint or a suggestion, use /new. /help lists what I can do."), main_menu(turn))
        return
    held: dict[str, Any] = {"text": text}
    if file is not None:
        held["file"] = {"file_id": file.file_id, "file_type": file.file_type, "file_name": file.file_name,
                        "mime_type": file.mime_type}
    await turn.uow.dialogs.put(DialogRecord(turn.chat_id, turn.user.id, PENDING, LOOSE, held, turn.deps.clock()))
    new = Button(_("📝 File it as a new complaint or suggestion"), "cv:new")
    drop = Button(_("✖ Do not send it"), "cv:drop")
    if tickets:
        rows = [(Button(_("💬 Add to {number}").format(number=t.number), f"cv:to:{t.id}"),)
                for t in tickets[:SHOWN_CHOICES]]
        turn.say(_("Is this about one of your open tickets? Choose where it belongs; nothing is sent until you "
                   "do."), (*rows, (new,), (drop,)))
    else:
        turn.say(_("Shall I file this as a complaint or a suggestion? What you wrote becomes its description, and "
                   "I ask the rest."), ((new,), (drop,)))


async def button(turn: Turn, data: str) -> None:
    """``cv:add:<id>`` (reply / add), ``cv:wd:<id>`` (withdraw), ``cv:to:<id>``, ``cv:new``, ``cv:drop`` (a held
    message)."""
    _ = turn._
    action, _sep, arg = data.removeprefix("cv:").partition(":")
    if action in ("add", "wd"):
        ctx = await turn.ctx()
        ticket = await procedure.own_ticket(ctx, as_id(arg) or 0)
        current = await turn.uow.dialogs.get(turn.chat_id)
        if current is not None and current.dialog != PENDING:
            raise Refusal(_("Finish the dialog you have open first, or /cancel it."))
        if action == "add":
            if not procedure.can_add(ticket):
                raise Refusal(_("{number} is concluded, so nothing can be added to it. To report something new, use "
                                "/new.").format(number=ticket.number))
            await ask(turn, "add_info", ticket.number, ticket_id=ticket.id)
        else:
            await ask(turn, "withdraw", ticket.number, ticket_id=ticket.id)
        return
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is None or record.dialog != PENDING or record.state != LOOSE:
        raise Refusal(_("This button is no longer active."))
    held = record.data
    file = FileRef(**held["file"]) if held.get("file") else None
    await turn.uow.dialogs.delete(turn.chat_id)
    if action == "to":
        await add(turn, as_id(arg) or 0, held.get("text"), file)
    elif action == "new":
        await _file_it(turn, held.get("text"), file)
    else:
        turn.say(_("OK, I did not send it."))


async def _file_it(turn: Turn, text: str | None, file: FileRef | None) -> None:
    """Start the intake with the held message as the description (and its file attached)."""
    given = FileInput(file.file_id, file.file_type, file.file_name, file.mime_type, text) if file else None
    outcome = intake.start_from(text or "", given, intake_context(turn))
    await store_intake(turn, outcome)
