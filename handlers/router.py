"""Routes a plain event to its use case: commands, buttons, dialog input, and messages outside any dialog.

Staff commands and buttons are looked up in ``handlers.commands`` / ``handlers.staff.buttons`` and the role
is checked here for whoever sent the update, before anything is looked up. In a group, the bot reveals nothing:
a staff command answers only "use this in a private chat with me"; in the staff group a card's own buttons act
there, any other button answers in the presser's private chat.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from dialogs import intake
from dialogs.ui import FileInput, PickInput, TextInput, parse_pick
from handlers import conversation, correct, pending, rating, recurrence, student
from handlers.asking import PENDING
from handlers.auth import allowed
from handlers.commands import STAFF_COMMANDS, STUDENT_COMMANDS, resolve
from handlers.events import ButtonPress, ClearButtons, Event, IncomingMessage
from handlers.privacy import forget
from handlers.recurrence import RecurrenceAnswer
from handlers.staff import staff_dialogs
from handlers.staff.buttons import STAFF_BUTTONS, split
from handlers.turn import Turn

__all__ = ["STUDENT_COMMANDS", "PickInput", "route"]
Command = Callable[[Turn, str], Awaitable[None]]
MENU: dict[str, Command] = {
    "m:new": student.new_ticket, "m:my": student.my_tickets, "m:lang": student.choose_language,
    "m:help": STUDENT_COMMANDS["help"].run,
}
STAFF_MENU = {"m:inbox": "inbox", "m:monitor": "monitor", "m:lks": "lk list"}


async def route(turn: Turn, event: Event) -> None:
    if isinstance(event, ButtonPress):
        await _button(turn, event)
    else:
        await _message(turn, event)


async def _message(turn: Turn, message: IncomingMessage) -> None:
    _ = turn._
    command = message.command
    if command is not None:
        await _command(turn, *command)
        return
    if not message.private:
        return  # in a group only commands and buttons are for the bot
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is not None and record.dialog == PENDING:
        if record.state == "add_info" and conversation.focus_expired(turn, record):
            await turn.uow.dialogs.delete(turn.chat_id)  # the focus on one ticket ended: a message like any other
            record = None
        else:
            await pending.answer(turn, record, message.text, message.file)
            return
    if record is None:
        await conversation.free_message(turn, message.text, message.file)
        return
    if message.file is not None:
        f = message.file
        given: FileInput | TextInput = FileInput(f.file_id, f.file_type, f.file_name, f.mime_type, message.text)
    elif message.text is not None:
        given = TextInput(message.text)
    else:
        turn.say(_("I can read text, photos and PDF documents only."))
        return
    if record.dialog == intake.DIALOG:
        await student.dialog_input(turn, record, given)
    elif record.dialog in staff_dialogs.SPECS:
        await staff_dialogs.feed(turn, record, given)
    else:
        await turn.uow.dialogs.delete(turn.chat_id)


async def _command(turn: Turn, name: str, args: str) -> None:
    entry = STUDENT_COMMANDS.get(name)
    if entry is not None:
        if turn.private:
            await entry.run(turn, args)
        return
    found = resolve(name, args)
    if found is None:
        if turn.private:
            turn.say(turn._("I don't know the command /{name}. /help lists what I can do.").format(
                name=escape(name[:32])))
        return
    if not turn.private:  # nothing of a ticket, a person or a list is ever posted into a group
        turn.say(turn._("Please use this in a private chat with me."))
        return
    key, rest = found
    command = STAFF_COMMANDS[key]
    if await allowed(turn, command.roles):
        await command.run(turn, rest)


async def _button(turn: Turn, press: ButtonPress) -> None:
    data = press.data
    head = data.partition(":")[0]
    if head == intake.PREFIX or head in staff_dialogs.PREFIXES:
        await _dialog_button(turn, press, head)
        return
    staff = split(data)
    if staff is not None:
        await _staff_button(turn, press, *staff)
        return
    if data in STAFF_MENU:
        key = STAFF_MENU[data]
        if await allowed(turn, STAFF_COMMANDS[key].roles, button=True):
            await STAFF_COMMANDS[key].run(turn, "")
    elif data in MENU:
        await MENU[data](turn, "")
    elif data in ("lang:id", "lang:en"):
        await student.set_language(turn, data[5:])
    elif data.startswith("st:"):
        await student.show_status(turn, data[3:])
    elif data.startswith("rate:"):
        await rating.rate(turn, data)
        if press.message_id is not None:  # rated: the scale goes (a refusal above leaves it, and says why)
            turn.reaction.outbound.append(ClearButtons(turn.chat_id, press.message_id))
    elif data.startswith(RecurrenceAnswer.PREFIX + ":"):
        await recurrence.press(turn, data)
        if press.message_id is not None:  # answered: the buttons go (a refusal above leaves them, and says why)
            turn.reaction.outbound.append(ClearButtons(turn.chat_id, press.message_id))
    elif data.startswith(correct.PREFIX + ":") and turn.private:
        await correct.button(turn, data, press.message_id)
    elif data.startswith(forget.PREFIX + ":"):
        await forget.press(turn, data, press.message_id)
    elif data.startswith("cv:"):
        await conversation.button(turn, data)
    elif data == "pd:skip":
        await pending.skip(turn)
    else:
        _stale(turn, press)


async def _staff_button(turn: Turn, press: ButtonPress, key: str, arg: str) -> None:
    button = STAFF_BUTTONS[key]
    in_staff_group = turn.deps.staff_chat_id is not None and turn.chat_id == turn.deps.staff_chat_id
    if not turn.private and not in_staff_group:
        turn.reaction.callback_answer = turn._("Please use this in a private chat with me.")
        turn.reaction.callback_alert = True
        return
    if not await allowed(turn, button.roles, button=True):
        return
    if not turn.private and not button.in_group:  # its answer is for the presser's eyes only
        turn.chat_id, turn.private = turn.user.id, True
        await button.run(turn, arg)
        if turn.reaction.callback_answer is None:
            turn.reaction.callback_answer = (turn._("I sent you a private message: answer there.") if turn.asked
                                             else turn._("I sent it to you in our private chat."))
        return
    await button.run(turn, arg)


async def _dialog_button(turn: Turn, press: ButtonPress, head: str) -> None:
    pick = parse_pick(head, press.data)
    record = await turn.uow.dialogs.get(turn.chat_id)
    expected = intake.DIALOG if head == intake.PREFIX else staff_dialogs.PREFIXES[head]
    if pick is None or record is None or record.dialog != expected:
        _stale(turn, press)
        return
    if expected == intake.DIALOG:
        used = await student.dialog_input(turn, record, pick)
    else:
        used = await staff_dialogs.feed(turn, record, pick)
    if used and press.message_id is not None:
        turn.reaction.outbound.insert(0, ClearButtons(turn.chat_id, press.message_id))


def _stale(turn: Turn, press: ButtonPress) -> None:
    turn.reaction.callback_answer = turn._("This button is no longer active.")
    turn.reaction.callback_alert = True
    if press.message_id is not None:
        turn.reaction.outbound.append(ClearButtons(turn.chat_id, press.message_id))

