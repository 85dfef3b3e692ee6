"""The statistics benchmark runs at its smallest size and reports its figures (no timing is asserted)."""

from __future__ import annotations

from bench.common import Figure
from bench.stats import run


async def test_tiny_stats_benchmark_reports_latency_figures_and_the_reply_ratio() -> None:
    figures = await run("tiny", lambda backend: backend == "sqlite")
    assert all(isinstance(f, Figure) and f.benchmark == "stats" for f in figures)
    metrics = {f.metric: f for f in figures}
    for name in ("/stats p95, SQLite (ms)", "figures query p95, last 12 months, SQLite (ms)",
                 "figures query p95, three years, SQLite (ms)", "data generation, SQLite (s)"):
        assert metrics[name].value > 0
    assert metrics["/stats p95, SQLite (ms)"].target == "<= 2000 ms"
    ratio = metrics["student reply while /stats runs / idle, SQLite (ratio of p50)"]
    assert ratio.value > 0 and ratio.met is not None
    assert "tickets, confirmed within" in metrics["/stats p95, SQLite (ms)"].note  # the figures are printed
