"""The retention benchmark runs at its smallest size and reports its figures (no timing is asserted)."""

from __future__ import annotations

import re

from bench.common import Figure
from bench.retention import run


async def test_tiny_retention_benchmark_reports_pass_times_and_the_reply_ratio() -> None:
    figures = await run("tiny", lambda backend: backend == "sqlite")
    assert all(isinstance(f, Figure) and f.benchmark == "retention" for f in figures)
    metrics = {f.metric: f for f in figures}
    for name in ("pass, nothing due, p50, SQLite (ms)", "pass, nothing due, p95, SQLite (ms)",
                 "pass, nothing due, within 2 days of an erasure, p95, SQLite (ms)",
                 "pass, full batch due, p50, SQLite (ms)", "pass, full batch due, max, SQLite (ms)",
                 "first pass after the upgrade, SQLite (ms)", "passes pruning the old outbox, max, SQLite (ms)",
                 "data generation, SQLite (s)"):
        assert metrics[name].value > 0, name
    assert metrics["pass, nothing due, p95, SQLite (ms)"].target == "<= 50 ms"
    ratio = metrics["student reply during a full-batch pass / idle, SQLite (ratio of p95)"]
    assert ratio.value > 0 and ratio.met is not None
    first = metrics["first pass after the upgrade, SQLite (ms)"].note
    assert re.search(r"prunes [1-9][\d,]* old messages and erases 20 identities", first)  # pruned and erased a batch
    drained = metrics["passes pruning the old outbox, max, SQLite (ms)"].note
    assert "100 identities, 200 attachments erased in all" in drained  # every batch due was erased
