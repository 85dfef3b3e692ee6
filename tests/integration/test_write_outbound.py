"""Writing an update's messages to the outbox: each gets its delivery class, and a ticket's card is one message
brought up to date (a newer post or edit replaces the one still waiting, so they never overtake each other)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.delivery import Priority
from handlers.events import EditCard, OutMessage, SendCard
from handlers.outbound import FAN_OUT, write_outbound
from storage.uow import SqlUnitOfWork
from tests.integration.desk import Desk

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
GROUP, OFFICER = -1001234567, 602


async def stored(engine: AsyncEngine) -> dict[str, tuple[str, int]]:
    """Each row's text → (status, class)."""
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload, status, priority FROM outbox ORDER BY id"))
        payloads = [(json.loads(r.payload) if isinstance(r.payload, str) else r.payload, r) for r in rows]
        return {payload["text"]: (r.status, r.priority) for payload, r in payloads}


async def write(new_uow: Callable[[], SqlUnitOfWork], *outbound: OutMessage | SendCard | EditCard,
                replying_to: tuple[int, ...] = ()) -> list[int]:
    async with new_uow() as uow:
        ids = await write_outbound(uow, outbound, NOW, replying_to=replying_to)
        await uow.commit()
    return ids


async def test_a_students_answer_is_queued_as_a_reply(new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine
                                                      ) -> None:
    desk = Desk(new_uow)
    replies = await desk.say(desk.user(601, "Ayu"), "/help")

    assert replies
    rows = await stored(engine)
    assert [rows[t] for t in replies] == [("sent", Priority.REPLY)] * len(replies)


async def test_an_lk_closed_for_many_complainants_queues_their_notices_as_bulk(
    new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine
) -> None:
    told = [OutMessage(1000 + n, f"KEL-2026-{n:05d} selesai") for n in range(FAN_OUT + 1)]
    await write(new_uow, OutMessage(OFFICER, "LK-2026-001 ditutup"), *told,
                OutMessage(603, "LK-2026-001 ditutup (approver)", priority=Priority.NOTICE), replying_to=(OFFICER,))

    rows = await stored(engine)
    assert rows["LK-2026-001 ditutup"] == ("pending", Priority.REPLY)
    assert {rows[m.text] for m in told} == {("pending", Priority.BULK)}
    assert rows["LK-2026-001 ditutup (approver)"] == ("pending", Priority.NOTICE)


async def test_a_newer_card_message_replaces_the_one_still_waiting_for_the_same_ticket(
    new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine
) -> None:
    await write(new_uow, SendCard(GROUP, 1, "KEL 1 · baru"), SendCard(GROUP, 2, "KEL 2 · baru"))
    await write(new_uow, *(OutMessage(1000 + n, f"n{n}") for n in range(FAN_OUT + 1)),
                EditCard(GROUP, 1, "KEL 1 · selesai (fan-out)"))  # a bulk edit waits behind the fan-out
    [newest] = await write(new_uow, EditCard(GROUP, 1, "KEL 1 · dibuka lagi"), replying_to=(GROUP, OFFICER))

    rows = await stored(engine)
    assert rows["KEL 1 · baru"] == ("cancelled", Priority.NOTICE)
    assert rows["KEL 1 · selesai (fan-out)"] == ("cancelled", Priority.BULK)
    assert rows["KEL 1 · dibuka lagi"] == ("pending", Priority.REPLY)
    assert rows["KEL 2 · baru"] == ("pending", Priority.NOTICE)  # another ticket's card is left alone
    async with new_uow() as uow:
        heads = await uow.outbox.due_heads(NOW)
    assert [(h.id, h.payload["op"]) for h in heads if h.chat_id == GROUP] == [(newest, "edit_card")]


async def test_card_messages_of_one_update_are_all_kept_in_order(new_uow: Callable[[], SqlUnitOfWork],
                                                                 engine: AsyncEngine) -> None:
    first, second = await write(new_uow, SendCard(GROUP, 3, "KEL 3 · baru"), EditCard(GROUP, 3, "KEL 3 · diambil"))

    assert first < second
    assert await stored(engine) == {"KEL 3 · baru": ("pending", Priority.NOTICE),
                                    "KEL 3 · diambil": ("pending", Priority.NOTICE)}
