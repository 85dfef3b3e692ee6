"""Routes a plain event to its use case: commands, buttons, dialog input. Domain errors become messages here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialogs import intake
from dialogs.ui import FileInput, PickInput, TextInput, parse_pick
from handlers import student
from handlers.events import ButtonPress, ClearButtons, Event, IncomingMessage
from handlers.i18n import N_
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
        name, args = command
        entry = STUDENT_COMMANDS.get(name)
        if entry is None:
            turn.say(_("I don't know the command /{name}. /help lists what I can do.").format(name=name[:32]))
            return
        await entry[0](turn, args)
        return
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is None or record.dialog != intake.DIALOG:
        if message.text is not None and not message.text.strip() and message.file is None:
            turn.say(_("I received an empty message."))
        turn.say(_("To file a complaint or a suggestion, use /new. /help lists what I can do."),
                 student._menu_new(turn))
        return
    if message.file is not None:
        f = message.file
        given: FileInput | TextInput = FileInput(f.file_id, f.file_type, f.file_name, f.mime_type, message.text)
    elif message.text is not None:
        given = TextInput(message.text)
    else:
        turn.say(_("I can read text, photos and PDF documents only."))
        await student._remind_draft(turn, quiet=True)
        return
    await student.dialog_input(turn, record, given)


async def _button(turn: Turn, press: ButtonPress) -> None:
    _ = turn._
    data = press.data
    if data.startswith(intake.PREFIX + ":"):
        pick = parse_pick(intake.PREFIX, data)
        record = await turn.uow.dialogs.get(turn.chat_id)
        if pick is None or record is None or record.dialog != intake.DIALOG:
            _stale(turn, press)
            return
        if await student.dialog_input(turn, record, pick) and press.message_id is not None:
            turn.reaction.outbound.insert(0, ClearButtons(turn.chat_id, press.message_id))
        return
    menu: dict[str, Command] = {"m:new": student.new_ticket, "m:my": student.my_tickets,
                                "m:lang": student.choose_language}
    if data in menu:
        await menu[data](turn, "")
    elif data in ("lang:id", "lang:en"):
        await student.set_language(turn, data[5:])
    elif data.startswith("st:"):
        await student.show_status(turn, data[3:])
    else:
        _stale(turn, press)


def _stale(turn: Turn, press: ButtonPress) -> None:
    turn.reaction.callback_answer = turn._("This button is no longer active.")
    turn.reaction.callback_alert = True
    if press.message_id is not None:
        turn.reaction.outbound.append(ClearButtons(turn.chat_id, press.message_id))


__all__ = ["STUDENT_COMMANDS", "PickInput", "route"]
