"""The LK PDF benchmark runs at its smallest size and reports its figure (no timing is asserted)."""

from __future__ import annotations

from bench.lk_pdf import run


async def test_tiny_lk_pdf_benchmark_reports_its_p95() -> None:
    figures = await run("tiny")
    assert [(f.benchmark, f.target) for f in figures] == [("lk_pdf", "<= 300 ms")]
    assert figures[0].value > 0 and figures[0].met is not None
