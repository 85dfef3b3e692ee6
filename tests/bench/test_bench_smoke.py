"""Every benchmark runs once at its tiny size and returns sane figures. No timing is asserted here."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bench.__main__ import BENCHMARKS, load, table
from bench.common import Figure


def by_metric(figures: list[Figure]) -> dict[str, Figure]:
    return {f.metric: f for f in figures}


#: Benchmarks whose tiny run a test of their own makes and checks (``tests/bench/test_bench_<name>.py``, fanout and
#: search in ``test_bench_fanout_search.py``): run once, not twice — each takes half a minute or more.
OWN_TEST = frozenset({"due", "due_morning", "export", "fanout", "search", "lk_pdf", "monitor", "lk_close"})


def test_every_benchmark_is_run_by_some_test() -> None:
    here = Path(__file__).parent
    for name in OWN_TEST:
        assert name in BENCHMARKS
        assert (here / f"test_bench_{name}.py").exists() or name in (here / "test_bench_fanout_search.py").read_text()


@pytest.mark.parametrize("name", [name for name in BENCHMARKS if name not in OWN_TEST])
async def test_benchmark_runs_at_tiny_size(name: str) -> None:
    run = load(name)
    assert run is not None, f"bench.{name} is missing"
    figures = await run("tiny")
    assert figures, f"{name} returned no figures"
    for figure in figures:
        assert isinstance(figure, Figure) and figure.benchmark == name
        assert math.isfinite(figure.value) and figure.value >= 0, figure
    assert name in table(figures)
    metrics = by_metric(figures)
    if name == "updates":
        assert metrics["updates answered"].met, metrics["updates answered"]  # every step answered, none lost
        assert metrics["echo bot updates/s"].value > 0
        assert metrics["Tanggap updates/s (Telegram's limits)"].value > 0
        assert metrics["echo bot Bot API requests per update"].value == 1  # one echo per message
        assert metrics["Tanggap Bot API requests per update"].value >= 1  # every step is answered
        assert metrics["Tanggap CPU per update (bot process)"].value > 0  # the bot process was measured
        assert metrics["echo bot CPU per update"].value > 0
    if name == "memory":
        for engine in ("aiogram", "ptb"):
            assert metrics[f"{engine}: dialogs opened"].met
            assert metrics[f"{engine}: RSS idle after start"].value > 10  # a real process was measured
    if name == "replies":
        for run in ("idle", "during fan-out"):
            assert metrics[f"{run}: steps answered"].met, metrics[f"{run}: steps answered"]  # every step answered
        assert metrics["fan-out: notices lost"].met and metrics["fan-out: notices sent twice"].met
        assert metrics["answer p95, during fan-out / idle"].value > 0  # both runs were timed
