"""Delivery classes in the outbox: each chat's head is its first pending row by (class, id), and heads come
replies first, then notices, then bulk, each oldest first (so the notifier gives replies the bot-wide rate first)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.delivery import Priority
from storage.repositories.outbox import Queued
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)
REPLY, NOTICE, BULK = Priority.REPLY, Priority.NOTICE, Priority.BULK


async def put(uow: SqlUnitOfWork, *rows: tuple[int, Priority]) -> list[int]:
    """Rows ``(chat, class)`` queued in this order in one transaction; their ids."""
    async with uow:
        ids = await uow.outbox.queue([Queued(chat, {"text": f"{chat}/{cls.name}"}, cls) for chat, cls in rows], NOW)
        await uow.commit()
    return ids


async def heads(uow: SqlUnitOfWork, at: datetime = NOW, limit: int = 1000) -> list[int]:
    async with uow:
        return [m.id for m in await uow.outbox.due_heads(at, limit=limit)]


async def test_heads_come_replies_first_then_notices_then_bulk_each_oldest_first(uow: SqlUnitOfWork) -> None:
    bulk_a, notice_b, bulk_c, reply_d, notice_e, reply_f = await put(
        uow, (1, BULK), (2, NOTICE), (3, BULK), (4, REPLY), (5, NOTICE), (6, REPLY))

    assert await heads(uow) == [reply_d, reply_f, notice_b, notice_e, bulk_a, bulk_c]
    assert await heads(uow, limit=3) == [reply_d, reply_f, notice_b]


async def test_a_reply_goes_before_the_older_bulk_of_its_own_chat_which_keeps_its_order(uow: SqlUnitOfWork) -> None:
    bulk1, bulk2, notice, reply = await put(uow, (7, BULK), (7, BULK), (7, NOTICE), (7, REPLY))
    sent = []
    for _ in range(4):
        [head] = await heads(uow)
        sent.append(head)
        async with uow:
            await uow.outbox.mark_sent(head, NOW)
            await uow.commit()

    assert sent == [reply, notice, bulk1, bulk2]
    assert await heads(uow) == []


async def test_a_fan_out_of_many_chats_does_not_push_a_later_reply_out_of_a_limited_round(
    uow: SqlUnitOfWork,
) -> None:
    bulk = await put(uow, *((chat, BULK) for chat in range(1000, 1300)))
    [reply] = await put(uow, (42, REPLY))

    assert await heads(uow, limit=100) == [reply, *bulk[:99]]


async def test_a_reply_waiting_for_a_retry_holds_back_its_chats_bulk_but_not_the_reverse(uow: SqlUnitOfWork) -> None:
    waiting_reply, held_bulk, waiting_bulk, free_reply = await put(uow, (1, REPLY), (1, BULK), (2, BULK), (2, REPLY))
    retry_at = NOW + timedelta(seconds=30)
    async with uow:
        await uow.outbox.mark_sent(free_reply, NOW)  # chat 2's reply went; its bulk now waits for a retry
        await uow.outbox.reschedule(waiting_reply, retry_at, "502 Bad Gateway")
        await uow.outbox.reschedule(waiting_bulk, retry_at, "502 Bad Gateway")
        await uow.commit()
    [later_reply] = await put(uow, (2, REPLY))

    assert await heads(uow) == [later_reply]  # chat 1 waits with its reply; chat 2's reply passes its bulk
    assert await heads(uow, retry_at) == [waiting_reply, later_reply]
    assert held_bulk not in await heads(uow, retry_at)


async def test_a_scheduled_reply_not_yet_due_holds_up_none_of_its_chats_messages(uow: SqlUnitOfWork) -> None:
    async with uow:
        [later] = await uow.outbox.add_many([(9, {"text": "alert"})], NOW, not_before=NOW + timedelta(minutes=10),
                                            key="reopen-alert:1", priority=REPLY)
        await uow.commit()
    [bulk] = await put(uow, (9, BULK))

    assert await heads(uow) == [bulk]
    assert await heads(uow, NOW + timedelta(minutes=10)) == [later]


async def test_each_rows_class_is_stored_notice_by_default_and_kept_when_requeued(
    uow: SqlUnitOfWork, engine: AsyncEngine
) -> None:
    async with uow:
        plain = await uow.outbox.add(5, {"text": "plain", "resend": True}, NOW)
        bulk = await uow.outbox.add(5, {"text": "digest", "resend": True}, NOW, priority=BULK)
        reply = (await uow.outbox.add_many([(5, {"text": "answer"})], NOW, priority=REPLY))[0]
        for row_id in (plain, bulk):
            await uow.outbox.mark_failed(row_id, "unreachable: Forbidden: bot was blocked by the user")
        await uow.commit()
    async with uow:
        assert await uow.outbox.requeue_unreachable(5, NOW + timedelta(hours=1)) == 2
        await uow.commit()

    async with engine.connect() as conn:
        stored = {row.id: row.priority for row in await conn.execute(text("SELECT id, priority FROM outbox"))}
    assert stored == {plain: NOTICE, bulk: BULK, reply: REPLY}
    assert await heads(uow, NOW + timedelta(hours=1)) == [reply]


async def test_cancelling_keys_cancels_only_their_pending_rows(uow: SqlUnitOfWork) -> None:
    async with uow:
        a, b, c = await uow.outbox.queue([Queued(-100, {"text": "card 1"}, key="card:1"),
                                          Queued(-100, {"text": "card 2"}, key="card:2"),
                                          Queued(-100, {"text": "card 3"}, key="card:3")], NOW)
        await uow.outbox.mark_sent(b, NOW)
        await uow.commit()
    async with uow:
        assert await uow.outbox.cancel_keys(["card:1", "card:2", "card:1", "card:9"]) == 1
        assert await uow.outbox.cancel_keys([]) == 0
        await uow.commit()

    assert await heads(uow) == [c]
    assert a not in await heads(uow, NOW + timedelta(days=1))


async def test_heads_match_the_rule_among_many_rows_of_every_class_and_state(uow: SqlUnitOfWork) -> None:
    rng = random.Random(12)
    rows = [(rng.randrange(40), rng.choice(list(Priority))) for _ in range(600)]
    ids = await put(uow, *rows)
    sent, retrying = set(rng.sample(ids, 150)), set(rng.sample(ids, 60))
    retrying -= sent
    async with uow:
        await uow.outbox.mark_sent_many(sorted(sent), NOW)
        for row_id in sorted(retrying):
            await uow.outbox.reschedule(row_id, NOW + timedelta(seconds=60), "429")
        await uow.commit()

    first: dict[int, tuple[Priority, int]] = {}  # each chat's first pending row by (class, id)
    for row_id, (chat, cls) in zip(ids, rows, strict=True):
        if row_id not in sent:
            first[chat] = min(first.get(chat, (cls, row_id)), (cls, row_id))
    expected = sorted((cls, row_id) for cls, row_id in first.values() if row_id not in retrying)
    assert await heads(uow) == [row_id for _cls, row_id in expected]
