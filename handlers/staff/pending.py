"""The answer to a required-text question (explanation, reason, note, evidence, comment) asked by ``common.ask``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from dialogs.workflow import Role
from handlers import rating
from handlers.auth import allowed
from handlers.errors import Refusal
from handlers.events import FileRef
from handlers.staff import lk as lks
from handlers.staff import tickets
from handlers.staff.common import lk_by_id, ticket_by_id
from handlers.turn import Turn
from storage.records import DialogRecord

OFFICER = frozenset({Role.OFFICER})
VERDICTS = {"conforming": "conforming", "reject": "rejected", "accept": "accepted", "decline": "declined"}


async def answer(turn: Turn, record: DialogRecord, text: str | None, file: FileRef | None) -> None:
    """Complete the pending step with this message; roles are checked again now, not when it was asked."""
    kind, data = record.state, record.data
    handler = HANDLERS.get(kind)
    if handler is None:
        await turn.uow.dialogs.delete(turn.chat_id)
        return
    if file is not None and kind != "evidence":
        raise Refusal(turn._("Please answer with text."))
    await handler(turn, data, text or "", file)
    await turn.uow.dialogs.delete(turn.chat_id)


async def skip(turn: Turn) -> None:
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is not None and record.dialog == "pending" and record.state == "rating_comment":
        await turn.uow.dialogs.delete(turn.chat_id)
        turn.say(turn._("Thank you!"))
    else:
        turn.reaction.callback_answer = turn._("This button is no longer active.")


async def _verdict(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None, kind: str = "") -> None:
    if await allowed(turn, OFFICER):
        await tickets.verdict(turn, await ticket_by_id(turn, data["ticket_id"]), VERDICTS[kind], text)


def _verdict_of(kind: str) -> Callable[[Turn, dict[str, Any], str, FileRef | None], Awaitable[None]]:
    async def run(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
        await _verdict(turn, data, text, file, kind)

    return run


async def _duplicate(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    if await allowed(turn, OFFICER):
        await tickets.mark_duplicate(turn, await ticket_by_id(turn, data["ticket_id"]), text.strip().split(" ")[0])


async def _reply(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    if await allowed(turn, OFFICER):
        await tickets.send_reply(turn, await ticket_by_id(turn, data["ticket_id"]), text)


async def _return(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await lks.return_lk(turn, await lk_by_id(turn, data["lk_id"]), text)


async def _close(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await lks.close(turn, await lk_by_id(turn, data["lk_id"]), text)


async def _evidence(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    action = await turn.uow.lks.get_action(int(data["action_id"]))
    if action is None:
        raise Refusal(turn._("That action no longer exists."))
    await lks.complete_action(turn, action, text, file.file_id if file else None, file.file_type if file else None)


async def _comment(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await rating.comment(turn, int(data["ticket_id"]), text)


HANDLERS: dict[str, Callable[[Turn, dict[str, Any], str, FileRef | None], Awaitable[None]]] = {
    **{kind: _verdict_of(kind) for kind in VERDICTS},
    "duplicate": _duplicate,
    "reply": _reply,
    "return": _return,
    "lk_response": _close,
    "evidence": _evidence,
    "rating_comment": _comment,
}
