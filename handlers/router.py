"""Routes a plain event to its use case: commands, buttons, dialog input.

Staff commands and buttons are looked up in ``handlers.commands`` / ``handlers.staff.buttons`` and the role
is checked here for whoever sent the update, before anything is looked up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from dialogs import intake
from dialogs.ui import FileInput, PickInput, TextInput, parse_pick
from handlers import rating, student
from handlers.auth import allowed
from handlers.commands import STAFF_COMMANDS, resolve
from handlers.events import ButtonPress, ClearButtons, Event, IncomingMessage
from handlers.i18n import N_
from handlers.staff import pending, staff_dialogs
from handlers.staff.buttons import STAFF_BUTTONS, split
from handlers.staff.common import PENDING
from handlers.turn import Turn

Command = Callable[[Turn, str], Awaitable[None]]

# Every command a complainant can use; the menu registered with setMyCommands is built from it.
STUDENT_COMMANDS: dict[str, tuple[Command, str]] = {
    "start": (student.start, N_("Welcome and what this bot does")),
    "new": (student.new_ticket, N_("File a complaint or a suggestion")),
    "my": (student.my_tickets, N_("Your tickets and their status")),
    "status": (student.show_status, N_("One ticket in full: /status KEL-2026-00042")),
    "cancel": (student.cancel, N_("Discard the draft you are writing")),
    "lang": (student.choose_language, N_("Bahasa Indonesia / English")),
    "help": (student.help_, N_("What I can do")),
}


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
        return  # in the staff group only commands and buttons are for the bot
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is None:
        if message.text is not None and not message.text.strip() and message.file is None:
            turn.say(_("I received an empty message."))
        turn.say(_("To file a complaint or a suggestion, use /new. /help lists what I can do."),
                 student._menu_new(turn))
        return
    if record.dialog == PENDING:
        await pending.answer(turn, record, message.text, message.file)
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
            await entry[0](turn, args)
        return
    found = resolve(name, args)
    if found is None:
        if turn.private:
            turn.say(turn._("I don't know the command /{name}. /help lists what I can do.").format(
                name=escape(name[:32])))
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
        key, arg = staff
        if await allowed(turn, STAFF_BUTTONS[key].roles, button=True):
            await STAFF_BUTTONS[key].run(turn, arg)
        return
    menu: dict[str, Command] = {"m:new": student.new_ticket, "m:my": student.my_tickets,
                                "m:lang": student.choose_language}
    if data in menu:
        await menu[data](turn, "")
    elif data in ("lang:id", "lang:en"):
        await student.set_language(turn, data[5:])
    elif data.startswith("st:"):
        await student.show_status(turn, data[3:])
    elif data.startswith("rate:"):
        await rating.rate(turn, data)
    elif data == "pd:skip":
        await pending.skip(turn)
    else:
        _stale(turn, press)


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


__all__ = ["STUDENT_COMMANDS", "PickInput", "route"]
