"""The pacer keeps Telegram's limits before sending: per bot, per private chat, per group; bounded memory."""

from __future__ import annotations

import pytest

from bot.pacing import Pacer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def sent_within(pacer: Pacer, clock: FakeClock, chat_id: int, seconds: float, step: float = 0.25) -> int:
    """How many messages to ``chat_id`` the pacer lets go in ``seconds`` when asked every ``step``."""
    sent, end = 0, clock.now + seconds
    while clock.now < end - 1e-9:
        if pacer.take(chat_id):
            sent += 1
        clock.advance(step)
    return sent


def test_private_chat_gets_a_burst_of_three_then_one_a_second(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    assert [pacer.take(7) for _ in range(4)] == [True, True, True, False]
    assert pacer.chat_wait(7) == pytest.approx(1.0)
    clock.advance(0.99)
    assert not pacer.take(7)
    clock.advance(0.01)
    assert pacer.take(7)
    assert sent_within(pacer, clock, 7, 10.0) == 9  # the next at +10.0 s


def test_group_chat_gets_twenty_a_minute(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    assert sent_within(pacer, clock, -100123, 59.0, step=0.5) == 3 + 19  # burst + one every 3 s
    assert pacer.chat_wait(-100123) == pytest.approx(1.0)  # the 23rd at 60 s


def test_the_bot_as_a_whole_sends_at_most_thirty_a_second(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    assert sum(pacer.take(chat) for chat in range(1, 41)) == 10  # a burst of 10, below Telegram's 30
    assert pacer.global_wait() == pytest.approx(1 / 30)
    assert pacer.wait(35) == pytest.approx(1 / 30)
    sent, chat = 0, 1000
    for _tick in range(300):  # 3 s of asking every 10 ms, always for a fresh chat
        clock.advance(0.01)
        chat += 1
        sent += pacer.take(chat)
    assert 88 <= sent <= 90  # 30 a second sustained


def test_a_full_chat_does_not_hold_up_others(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    for _ in range(3):
        assert pacer.take(1)
    assert not pacer.take(1)
    assert pacer.take(2)
    assert pacer.chat_wait(2) == 0.0
    assert pacer.chat_wait(1) > 0


def test_a_refused_take_uses_no_token(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock, global_burst=1, global_rate=1.0)
    assert pacer.take(1)
    assert not pacer.take(2)  # the bot-wide bucket is empty
    clock.advance(1.0)
    assert [pacer.take(2) for _ in range(3)] == [True, False, False]
    clock.advance(1.0)
    assert pacer.take(2)  # chat 2 kept its burst: only global tokens were lacking


def test_pause_holds_a_chat_or_everyone(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.pause(5, 1)
    assert not pacer.take(1)
    assert pacer.chat_wait(1) == pytest.approx(5)
    assert pacer.take(2)
    pacer.pause(2)
    assert not pacer.take(3)
    assert pacer.global_wait() == pytest.approx(2)
    clock.advance(2)
    assert pacer.take(3)
    assert not pacer.take(1)
    clock.advance(3)
    assert pacer.take(1)


def test_a_shorter_pause_does_not_shorten_a_longer_one(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    pacer.pause(10, 1)
    pacer.pause(1, 1)
    assert pacer.chat_wait(1) == pytest.approx(10)


def test_idle_tells_whether_the_chat_limit_could_be_the_cause(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    assert pacer.idle(1)
    pacer.take(1)
    assert not pacer.idle(1)
    clock.advance(1.0)
    assert pacer.idle(1)  # refilled: as if nothing had been sent


def test_idle_buckets_are_dropped(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock, sweep_at=100, global_rate=1e6, global_burst=10**6)
    for chat in range(1, 101):
        pacer.take(chat)
    assert len(pacer) == 100
    clock.advance(1.0)  # all refilled
    pacer.take(1000)
    assert len(pacer) == 1
    for chat in range(2000, 5000):
        pacer.take(chat)
        clock.advance(0.1)  # each chat refills within a second: at most ~10 busy at a time
    assert len(pacer) <= 200


def test_busy_and_paused_buckets_are_kept(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock, sweep_at=4, global_rate=1e6, global_burst=10**6)
    pacer.pause(60, 1)
    for chat in (2, 3, 4):
        pacer.take(chat)
    clock.advance(0.5)
    pacer.take(5)  # sweep: 2-4 are not full yet, 1 is paused
    assert len(pacer) == 5
    clock.advance(1.0)
    for chat in (6, 7, 8, 9):
        pacer.take(chat)
    assert pacer.chat_wait(1) > 0  # still paused after the sweeps


def test_removing_a_keyboard_does_not_use_the_chats_message_pace(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    for _ in range(3):
        assert pacer.take(42)
    assert not pacer.take(42)
    assert pacer.take(42, per_chat=False)  # only the bot's 30/s applies
    pacer.pause(5, 42)
    assert not pacer.take(42, per_chat=False)  # but a 429 pause still holds it


def test_the_notifier_keeps_the_pacer_it_is_given(clock: FakeClock) -> None:
    """A fresh Pacer has no buckets and is falsy (``__len__``): it must still replace the defaults."""
    from bot.notifier import Notifier

    pacer = Pacer(clock=clock, global_rate=1000.0)
    notifier = Notifier(port=None, make_uow=lambda: None, clock=lambda: None, pacer=pacer)  # type: ignore[arg-type]
    assert len(pacer) == 0 and notifier.pacer is pacer


def test_bulk_leaves_its_reserve_of_the_bots_tokens_for_replies(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)  # a burst of 10 for the bot
    assert sum(pacer.take(chat, reserve=5) for chat in range(1, 21)) == 5  # bulk stops with 5 left
    assert pacer.global_wait(reserve=5) == pytest.approx(1 / 30)
    assert pacer.global_wait() == 0.0
    assert sum(pacer.take(chat) for chat in range(100, 120)) == 5  # a reply takes them at once


def test_with_a_reserve_bulk_still_goes_at_the_bots_full_rate(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock)
    sent, chat = 0, 1000
    for _tick in range(300):  # 3 s of asking every 10 ms, always for a fresh chat, leaving 5 tokens
        clock.advance(0.01)
        chat += 1
        sent += pacer.take(chat, reserve=5)
    assert 93 <= sent <= 95  # its 5 of the burst, then 30 a second sustained
    assert pacer.global_wait() == 0.0  # the reserve is still there


def test_a_reserve_is_never_more_than_the_burst_less_one(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock, global_burst=4)
    assert pacer.take(1, reserve=100)  # only when the bucket is full
    assert not pacer.take(2, reserve=100)
    clock.advance(1 / 30)
    assert pacer.take(2, reserve=100)
