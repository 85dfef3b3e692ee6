"""The due-work engine's benchmark runs at its smallest size and reports its figures (no timing is asserted)."""

from __future__ import annotations

from bench.common import Figure
from bench.due import run


async def test_tiny_due_benchmark_issues_the_backlog_once_and_reports_pass_times() -> None:
    figures = await run("tiny")
    assert all(isinstance(f, Figure) and f.benchmark == "due" for f in figures)
    metrics = {f.metric: f for f in figures}
    for backend in ("SQLite", "PostgreSQL"):
        steady = metrics.get(f"steady pass p95, {backend} (ms)")
        if steady is None:
            assert backend == "PostgreSQL"  # no server here
            continue
        assert steady.value > 0 and steady.target == "<= 200 ms" and steady.met is not None
        assert metrics[f"steady pass p50, {backend} (ms)"].value > 0
        first = metrics[f"first pass (the morning's backlog), {backend} (ms)"]
        assert first.value > 0 and not first.note.startswith("0 notices"), first.note
        # the later passes issued nothing a second time; the new unread messages were issued, once
        assert metrics[f"notices issued twice, {backend}"].value == 0
        assert metrics[f"pass after 20 messages became unread, {backend} (ms)"].value > 0
        new = metrics[f"notices issued by that pass, {backend}"]
        assert new.met, new
