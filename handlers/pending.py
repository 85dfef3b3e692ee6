"""The answer to a required-text question asked by ``common.ask`` (an explanation, a reason, a note, evidence, a
comment, a complainant's addition): the next message in that private chat completes the step.

The question is forgotten before its step runs, so the step may ask the next one; if the step refuses, the
whole turn rolls back and the question stays open. Roles are checked again now, not when it was asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from domain.vocabulary import Role, TicketStatus
from handlers import conversation, correct, rating
from handlers.asking import OPTIONAL, PENDING, SKIPPABLE
from handlers.auth import allowed
from handlers.errors import Refusal
from handlers.events import FileRef
from handlers.procedure.checks import lk_by_id, ticket_by_id
from handlers.staff import due_work, tickets
from handlers.staff import lk as lks
from handlers.turn import Turn
from storage.records import DialogRecord

OFFICER = frozenset({Role.OFFICER})
VERDICTS = {"conforming": TicketStatus.CONFORMING, "reject": TicketStatus.REJECTED, "accept": TicketStatus.ACCEPTED,
            "decline": TicketStatus.DECLINED}
FILES_ALLOWED = frozenset({"evidence", "add_info", conversation.LOOSE, "forget"})
Handler = Callable[[Turn, dict[str, Any], str, FileRef | None], Awaitable[None]]


async def answer(turn: Turn, record: DialogRecord, text: str | None, file: FileRef | None) -> None:
    """Complete the pending step with this message."""
    kind, data = record.state, record.data
    handler = HANDLERS.get(kind)
    if handler is None:
        await turn.uow.dialogs.delete(turn.chat_id)
        return
    if file is not None and kind not in FILES_ALLOWED:
        raise Refusal(turn._("Please answer with text."))
    await turn.uow.dialogs.delete(turn.chat_id)
    await handler(turn, data, text or "", file)


async def skip(turn: Turn) -> None:
    """The Skip button of an optional answer (a rating's comment)."""
    record = await turn.uow.dialogs.get(turn.chat_id)
    if record is not None and record.dialog == PENDING and record.state in SKIPPABLE:
        await turn.uow.dialogs.delete(turn.chat_id)
        await rating.comment(turn, int(record.data["ticket_id"]), None)
    elif record is not None and record.dialog == PENDING and record.state in OPTIONAL:  # "✔ Close without a line"
        await turn.uow.dialogs.delete(turn.chat_id)
        await lks.close(turn, await lk_by_id(await turn.ctx(), record.data["lk_id"]), None)
    else:
        turn.reaction.callback_answer = turn._("This button is no longer active.")


async def _verdict(turn: Turn, data: dict[str, Any], text: str, kind: str) -> None:
    if await allowed(turn, OFFICER):
        await tickets.verdict(turn, await ticket_by_id(await turn.ctx(), data["ticket_id"]), VERDICTS[kind], text)


def _verdict_of(kind: str) -> Handler:
    async def run(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
        await _verdict(turn, data, text, kind)

    return run


async def _duplicate(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    if await allowed(turn, OFFICER):
        ticket = await ticket_by_id(await turn.ctx(), data["ticket_id"])
        await tickets.mark_duplicate(turn, ticket, text.strip().split(" ")[0])


async def _reply(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    if await allowed(turn, OFFICER):
        await tickets.send_reply(turn, await ticket_by_id(await turn.ctx(), data["ticket_id"]), text)


def _lk_step(step: Callable[[Turn, Any, str], Awaitable[None]]) -> Handler:
    async def run(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
        await step(turn, await lk_by_id(await turn.ctx(), data["lk_id"]), text)

    return run


async def _evidence(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    action = await turn.uow.lks.get_action(int(data["action_id"]))
    if action is None:
        raise Refusal(turn._("That action no longer exists."))
    await lks.complete_action(turn, action, text, file.file_id if file else None, file.file_type if file else None,
                              file.file_name if file else None)


async def _comment(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await rating.comment(turn, int(data["ticket_id"]), text)


async def _add_info(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await conversation.add(turn, int(data["ticket_id"]), text, file, again=bool(data.get("focus")))


async def _extension(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await due_work.more_time(turn, int(data["action_id"]), text)


async def _loose(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    """A message held until its owner said where it belongs; a new message takes its place."""
    await conversation.free_message(turn, text, file)


def _correction(field: str | None) -> Handler:
    async def run(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
        await correct.answered(turn, field or str(data.get("field")), text)

    return run


async def _withdraw(turn: Turn, data: dict[str, Any], text: str, file: FileRef | None) -> None:
    await conversation.withdraw(turn, int(data["ticket_id"]), text)


HANDLERS: dict[str, Handler] = {
    **{kind: _verdict_of(kind) for kind in VERDICTS},
    "duplicate": _duplicate,
    "reply": _reply,
    "return": _lk_step(lks.return_lk),
    "lk_response": _lk_step(lks.close),
    "lk_close_answered": _lk_step(lks.close),
    "not_effective": _lk_step(lks.not_effective),
    "correction_response": _lk_step(lks.respond),
    "evidence": _evidence,
    "rating_comment": _comment,
    "rating_complaint": _comment,
    "add_info": _add_info,
    "withdraw": _withdraw,
    conversation.LOOSE: _loose,
    "forget": _loose,  # an erasure waiting for its confirmation: a message instead is a message like any other
    "extension": _extension,
    **{kind: _correction(field) for field, kind in correct.ASKS.items()},
    correct.CONFIRM: _correction(None),  # a new value typed instead of pressing Confirm: asked to confirm that one
}
