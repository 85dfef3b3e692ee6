"""The LK close benchmark runs at its smallest size and reports its figures (no timing is asserted)."""

from __future__ import annotations

from bench.lk_close import SIZES, run


async def test_tiny_lk_close_benchmark_reports_the_close_its_checks_and_the_filing_ratio() -> None:
    figures = await run("tiny")
    assert {f.benchmark for f in figures} == {"lk_close"}
    metrics = {f.metric: f for f in figures}
    tickets = SIZES["tiny"][0]
    assert metrics[f"SQLite: close p50 ({tickets:,} tickets)"].value > 0
    assert metrics[f"SQLite: close p95 ({tickets:,} tickets)"].target == "<= 1 s"
    assert metrics["SQLite: every ticket resolved, one event and two messages each"].met
    assert metrics["SQLite: staff group card edits per close"].met  # one card for the case, not one per ticket
    assert metrics["idle: steps answered"].met and metrics["during the close: steps answered"].met
    assert metrics["answer p95, during the close / idle"].target == "<= 1.5"
    assert metrics["through the bot: response sent → the monitor's answer"].value > 0
