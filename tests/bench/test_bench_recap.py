"""The recap benchmark runs at its smallest size on SQLite and reports its figures (no timing is asserted)."""

from __future__ import annotations

from bench.recap import run


async def test_tiny_recap_benchmark_reports_the_build_time_and_the_reply_ratio() -> None:
    figures = await run("tiny", lambda backend: backend == "sqlite")
    metrics = {f.metric: f for f in figures}
    assert metrics["one recap built, p50, SQLite (s)"].value > 0
    assert "PDFs queued" in metrics["one recap built, p50, SQLite (s)"].note
    assert metrics["student reply while a recap is made / idle, SQLite (ratio of p50)"].target == "<= 1.5"
