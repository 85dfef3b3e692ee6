"""The export benchmark runs at its smallest size and reports its figures (no timing is asserted)."""

from __future__ import annotations

from bench.export import ENGINES, run


async def test_tiny_export_benchmark_reports_time_memory_and_the_filing_ratio() -> None:
    figures = await run("tiny")
    assert {f.benchmark for f in figures} == {"export"}
    metrics = {f.metric: f for f in figures}
    for engine in ENGINES:
        assert metrics[f"{engine}: /export → XLSX delivered (s)"].value > 0
        assert metrics[f"{engine}: bot process peak RSS (VmHWM, MB)"].value > 0
        assert metrics[f"{engine}: register rows in the XLSX"].met  # the file holds every generated ticket
        assert metrics[f"{engine}: answer p95, during /export / idle"].target == "<= 1.5"
    assert metrics["data generation (s)"].value > 0
