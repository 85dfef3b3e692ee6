"""``tanggap privacy``'s arguments: the window's moments and the breach's name, each refused with one clear line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import ConfigError
from bot.privacy_cli import breach_name, window


def test_a_window_is_two_aware_moments_in_order() -> None:
    since, until = window("2026-11-10T00:00+07:00", "2026-11-20T08:30+07:00")
    assert since == datetime(2026, 11, 9, 17, 0, tzinfo=UTC) and until == datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(("since", "until", "says"), [
    ("2026-11-10", "2026-11-20T00:00+07:00", "--since '2026-11-10' has no time zone"),
    ("2026-11-10T00:00Z", "20/11/2026", "--until '20/11/2026' is not a moment"),
    ("2026-11-20T00:00+07:00", "2026-11-20T00:00+07:00", "is not before --until"),
    ("2999-01-01T00:00+07:00", None, "--since '2999-01-01T00:00+07:00' is in the future"),
])  # fmt: skip
def test_a_bad_window_says_which_flag_and_how_to_write_it(since: str, until: str | None, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        window(since, until)
    assert says in str(caught.value) and "\n" not in str(caught.value)


def test_a_breach_name_is_short_and_plain() -> None:
    assert breach_name("2026-11-token-leak") == "2026-11-token-leak" and breach_name(None) is None
    for bad in ("", "has space", "x" * 41, "naïve", "a:b"):
        with pytest.raises(ConfigError, match="must be 1 to 40 letters"):
            breach_name(bad)
