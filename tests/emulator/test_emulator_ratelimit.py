"""Flood control buckets, on a fake clock."""

from __future__ import annotations

from bot.emulator.ratelimit import SendLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: FakeClock, **overrides: float) -> SendLimiter:
    limits = dict(per_chat_burst=20, per_chat_rate=1.0, global_burst=30, global_rate=30.0)
    limits.update(group_burst=20, group_rate=20 / 60)
    limits.update(overrides)
    return SendLimiter(clock=clock, **limits)


class TestPerChat:
    def test_a_burst_of_20_passes_then_the_21st_must_wait_a_second(self) -> None:
        clock = FakeClock()
        sends = limiter(clock)
        assert [sends.acquire(42) for _ in range(20)] == [None] * 20
        assert sends.acquire(42) == 1

    def test_about_one_message_per_second_is_sustained(self) -> None:
        clock = FakeClock()
        sends = limiter(clock, per_chat_burst=1)
        assert sends.acquire(42) is None
        clock.now += 0.5
        assert sends.acquire(42) == 1
        clock.now += 0.5
        assert sends.acquire(42) is None

    def test_retry_after_is_whole_seconds_rounded_up(self) -> None:
        clock = FakeClock()
        sends = limiter(clock, per_chat_burst=1, per_chat_rate=0.25)
        sends.acquire(42)
        clock.now += 0.5
        assert sends.acquire(42) == 4  # 3.5 s still to wait

    def test_chats_have_their_own_buckets(self) -> None:
        sends = limiter(FakeClock(), per_chat_burst=1)
        assert sends.acquire(1) is None
        assert sends.acquire(2) is None
        assert sends.acquire(1) == 1


class TestGlobalAndGroups:
    def test_the_bot_wide_bucket_limits_sends_across_chats(self) -> None:
        sends = limiter(FakeClock(), global_burst=3, global_rate=30.0)
        assert [sends.acquire(chat) for chat in (1, 2, 3)] == [None, None, None]
        assert sends.acquire(4) == 1

    def test_a_refused_send_takes_no_token(self) -> None:
        clock = FakeClock()
        sends = limiter(clock, per_chat_burst=1, global_burst=2)
        sends.acquire(1)
        assert sends.acquire(1) == 1  # refused by the chat bucket ...
        assert sends.acquire(2) is None  # ... so the bot-wide bucket still had this token

    def test_groups_get_20_messages_per_minute(self) -> None:
        clock = FakeClock()
        sends = limiter(clock)
        assert all(sends.acquire(-100123) is None for _ in range(20))
        assert sends.acquire(-100123) == 3  # one token every 3 s
        clock.now += 3
        assert sends.acquire(-100123) is None

    def test_disabled_limiter_lets_everything_through(self) -> None:
        sends = limiter(FakeClock(), per_chat_burst=1)
        sends.enabled = False
        assert [sends.acquire(1) for _ in range(5)] == [None] * 5
