"""The due-work morning's benchmark runs at its smallest size: the real bot issues exactly the notices its data makes
due and delivers each message once while students file (no timing is asserted)."""

from __future__ import annotations

import pytest

from bench.due_morning import run
from bench.due_morning_data import MORNINGS, morning_data


def test_the_tiny_morning_makes_every_kind_of_notice_due() -> None:
    data = morning_data(MORNINGS["tiny"])
    assert set(data.notices) == {"complainant_late", "confirm_escalation", "rating_reminder", "auto_close", "unread",
                                 "officer_digest", "owner_digest", "overdue_reviewer", "overdue_approver",
                                 "lk_waiting", "verify_waiting"}
    assert data.total_messages > data.total_notices  # escalations and waiting LKs go to several people


@pytest.mark.e2e
async def test_tiny_due_morning_benchmark_delivers_every_notice_once_while_students_file() -> None:
    metrics = {f.metric: f for f in await run("tiny")}
    assert {f.benchmark for f in metrics.values()} == {"due_morning"}
    assert metrics["notices issued"].met, metrics["notices issued"]  # exactly what the data makes due, by kind
    assert metrics["messages delivered"].met, metrics["messages delivered"]
    assert metrics["messages lost"].value == 0
    assert metrics["messages sent twice or unasked"].value == 0
    for run_name in ("idle", "during the morning"):
        assert metrics[f"{run_name}: steps answered"].met, metrics[f"{run_name}: steps answered"]
    assert metrics["answer p95, during the morning / idle"].value > 0  # both runs were timed
    assert metrics["the morning's messages/s, first to last delivery"].value > 0
    pace = metrics["all of the bot's messages/s, first to last of the morning's"]
    assert pace.value >= metrics["the morning's messages/s, first to last delivery"].value  # answers count too
