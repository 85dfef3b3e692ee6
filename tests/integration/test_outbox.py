"""OutboxRepository: messages queue in order, wait for their time, retry and give up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.errors import OutboxMessageNotFound
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)


async def queue(uow: SqlUnitOfWork, *chat_ids: int) -> list[int]:
    async with uow:
        ids = [await uow.outbox.add(chat, {"text": f"hello {chat}"}, NOW) for chat in chat_ids]
        await uow.commit()
    return ids


async def test_queued_messages_are_due_oldest_first_with_their_payload(uow: SqlUnitOfWork) -> None:
    first, second, third = await queue(uow, 5_000_000_001, 2, 3)

    async with uow:
        due = await uow.outbox.due(NOW)
        limited = await uow.outbox.due(NOW, limit=2)

    assert [m.id for m in due] == [first, second, third]
    assert [m.id for m in limited] == [first, second]
    assert (due[0].chat_id, due[0].payload, due[0].attempts) == (
        5_000_000_001,
        {"text": "hello 5000000001"},
        0,
    )
    assert (due[0].not_before, due[0].created_at) == (NOW, NOW)


async def test_messages_added_together_get_ids_ascending_in_the_order_given(uow: SqlUnitOfWork) -> None:
    # An update's replies are queued with one statement; a chat's messages are sent by id, so the ids must
    # follow the order of the reaction (e.g. the used keyboard's removal before the next question).
    chats = [7, 3, 7, 9, 3, 7] * 200  # 1,200 rows of interleaved chats: more than one of SQLAlchemy's 1,000-row pages
    async with uow:
        before = await uow.outbox.add(1, {"text": "earlier"}, NOW)
        ids = await uow.outbox.add_many([(chat, {"text": f"n{n}"}) for n, chat in enumerate(chats)], NOW)
        assert await uow.outbox.add_many([], NOW) == []
        await uow.commit()
    assert len(ids) == len(chats) and ids == sorted(ids) and len(set(ids)) == len(ids) and ids[0] > before
    async with uow:
        due = {m.id: m for m in await uow.outbox.due(NOW, limit=2000)}
    assert [(due[i].chat_id, due[i].payload["text"]) for i in ids] == [
        (chat, f"n{n}") for n, chat in enumerate(chats)
    ]


async def test_a_message_is_not_due_before_its_time(uow: SqlUnitOfWork) -> None:
    async with uow:
        later = await uow.outbox.add(1, {"text": "reminder"}, NOW, not_before=NOW + timedelta(hours=1))
        await uow.commit()

    async with uow:
        assert await uow.outbox.due(NOW) == []
        assert [m.id for m in await uow.outbox.due(NOW + timedelta(hours=1))] == [later]


async def test_a_rescheduled_message_waits_counts_the_attempt_and_lets_others_go_first(
    uow: SqlUnitOfWork,
) -> None:
    first, second = await queue(uow, 1, 2)
    retry_at = NOW + timedelta(seconds=30)
    async with uow:
        await uow.outbox.reschedule(first, retry_at, "429: retry after 30")
        await uow.commit()

    async with uow:
        now_due = await uow.outbox.due(NOW)
        retry_due = await uow.outbox.due(retry_at)

    assert [m.id for m in now_due] == [second]
    assert [(m.id, m.attempts) for m in retry_due] == [(first, 1), (second, 0)]
    assert retry_due[0].not_before == retry_at


async def test_sent_and_failed_messages_are_no_longer_due_or_pending(uow: SqlUnitOfWork) -> None:
    sent, failed, waiting = await queue(uow, 1, 2, 3)
    async with uow:
        assert await uow.outbox.pending_count() == 3
        await uow.outbox.mark_sent(sent, NOW)
        await uow.outbox.mark_failed(failed, "403: bot was blocked by the user")
        await uow.commit()

    async with uow:
        assert [m.id for m in await uow.outbox.due(NOW)] == [waiting]
        assert await uow.outbox.pending_count() == 1


async def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent(uow: SqlUnitOfWork) -> None:
    async with uow:
        await uow.outbox.add(1, {"text": "ticket received"}, NOW)

    async with uow:
        assert await uow.outbox.due(NOW) == []
        assert await uow.outbox.pending_count() == 0


async def test_acting_on_an_unknown_message_fails(uow: SqlUnitOfWork) -> None:
    async with uow:
        with pytest.raises(OutboxMessageNotFound):
            await uow.outbox.mark_sent(999, NOW)
        with pytest.raises(OutboxMessageNotFound):
            await uow.outbox.reschedule(999, NOW, "boom")
        with pytest.raises(OutboxMessageNotFound):
            await uow.outbox.mark_failed(999, "boom")


class TestDueHeads:
    async def test_only_the_oldest_pending_message_of_each_chat_is_offered(self, uow: SqlUnitOfWork) -> None:
        a1, b1, a2, c1, b2 = await queue(uow, 1, 2, 1, 3, 2)

        async with uow:
            heads = await uow.outbox.due_heads(NOW)
            limited = await uow.outbox.due_heads(NOW, limit=2)

        assert [m.id for m in heads] == [a1, b1, c1]
        assert [m.id for m in limited] == [a1, b1]
        assert {a2, b2}.isdisjoint(m.id for m in heads)

    async def test_a_chats_next_message_follows_once_the_head_is_sent_or_failed(
        self, uow: SqlUnitOfWork
    ) -> None:
        a1, b1, a2, b2 = await queue(uow, 1, 2, 1, 2)
        async with uow:
            await uow.outbox.mark_sent(a1, NOW)
            await uow.outbox.mark_failed(b1, "403: blocked")
            await uow.commit()

        async with uow:
            assert [m.id for m in await uow.outbox.due_heads(NOW)] == [a2, b2]

    async def test_a_head_waiting_for_a_retry_holds_back_the_rest_of_its_chat(
        self, uow: SqlUnitOfWork
    ) -> None:
        a1, b1, a2 = await queue(uow, 1, 2, 1)
        retry_at = NOW + timedelta(seconds=30)
        async with uow:
            await uow.outbox.reschedule(a1, retry_at, "429: retry after 30")
            await uow.commit()

        async with uow:
            now_heads = await uow.outbox.due_heads(NOW)
            later_heads = await uow.outbox.due_heads(retry_at)

        assert [m.id for m in now_heads] == [b1]
        assert [(m.id, m.attempts) for m in later_heads] == [(a1, 1), (b1, 0)]
        assert a2 not in [m.id for m in later_heads]


async def test_several_messages_are_marked_sent_in_one_statement(uow: SqlUnitOfWork) -> None:
    first, second, third = await queue(uow, 1, 2, 1)
    async with uow:
        await uow.outbox.mark_sent_many([first, second], NOW)
        await uow.commit()

    async with uow:
        assert [m.id for m in await uow.outbox.due_heads(NOW)] == [third]
        assert await uow.outbox.pending_count() == 1


async def test_marking_several_sent_fails_whole_when_one_is_unknown(uow: SqlUnitOfWork) -> None:
    first, second = await queue(uow, 1, 2)
    async with uow:
        with pytest.raises(OutboxMessageNotFound, match="999"):
            await uow.outbox.mark_sent_many([first, 999, second], NOW)

    async with uow:  # rolled back with its transaction
        assert await uow.outbox.pending_count() == 2


async def test_due_heads_are_each_chats_oldest_pending_row_among_many(uow: SqlUnitOfWork) -> None:
    chats = [(n * 7) % 23 for n in range(200)]
    ids = await queue(uow, *chats)
    done = ids[::3]
    async with uow:
        await uow.outbox.mark_sent_many(done, NOW)
        await uow.commit()

    async with uow:
        heads = await uow.outbox.due_heads(NOW, limit=1000)

    expected: dict[int, int] = {}
    for row_id, chat in zip(ids, chats, strict=True):
        if row_id not in done:
            expected.setdefault(chat, row_id)
    assert [(m.chat_id, m.id) for m in heads] == sorted(expected.items(), key=lambda item: item[1])
