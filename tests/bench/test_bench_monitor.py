"""The monitoring benchmark runs at its smallest size and reports its figures (no timing is asserted)."""

from __future__ import annotations

import re

from bench.common import Figure
from bench.monitor import run


async def test_tiny_monitor_benchmark_reports_latency_and_generation_time() -> None:
    figures = await run("tiny")
    assert all(isinstance(f, Figure) and f.benchmark == "monitor" for f in figures)
    metrics = {f.metric: f for f in figures}
    for name in ("/monitor p95 latency, SQLite (ms)", "/monitor p50 latency, SQLite (ms)",
                 "data generation, SQLite (s)"):
        assert metrics[name].value > 0
    postgres = metrics.get("/monitor p95 latency, PostgreSQL (ms)")
    if postgres is not None:
        assert postgres.target == "<= 100 ms" and postgres.met is not None
    # every section had something to show: the generated data reaches all ten
    note = metrics["/monitor p95 latency, SQLite (ms)"].note
    counts = [int(n) for n in re.findall(r"\((\d+)\)", note.split("section counts ")[1])]
    assert len(counts) == 10 and all(counts), note
