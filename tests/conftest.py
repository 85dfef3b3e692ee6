"""Shared fixtures: the shipped catalogue and translations, loaded once."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dialogs.catalogue import Catalogue
from handlers.catalogue_loader import load_catalogue
from handlers.i18n import Translator


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()


#: The longest tests (minutes each on this two-core machine: 50 SIGKILLs, fault bursts, several processes, an
#: outage, whole sandbox sessions, the benchmarks' tiny runs), most expensive first. They are handed out to the
#: workers before everything else: started last, the SIGKILL loop alone kept one worker busy for ten minutes after
#: the others had finished.
HEAVY_FIRST = (
    "tests/e2e/test_kill_load.py",
    "tests/e2e/test_fault_bursts.py",
    "tests/e2e/test_multiprocess.py",
    "tests/e2e/test_database_outage.py",
    "tests/e2e/test_cli.py",
    "tests/bench/",
    "tests/e2e/test_due_work.py",
    "tests/e2e/test_sandbox.py",
    "tests/integration/test_hostile_properties.py",
    "tests/e2e/",  # then every other end-to-end test (each waits on Telegram's pace): a run of 2026-12-04 left them
    # last, and one worker spent its final ~15 minutes on test_filing's 16-combination tests while three stood idle
)


#: Tests marked ``pairwise`` (long walks of the whole procedure) run on four of the eight (engine, mode, database)
#: combinations: each engine on both databases and in both modes, each mode on both databases. The other four are
#: deselected (pytest says how many) unless ``TANGGAP_TEST_ALL_COMBINATIONS=1``. The whole procedure alone took
#: 8 × ~41 s of a worker; what differs between the combinations (the engine's adapter, the update source, the SQL
#: dialect) is each met in two of them, and every other end-to-end test runs all eight.
PAIRWISE = {
    ("aiogram-polling", "sqlite"), ("aiogram-webhook", "postgres"),
    ("ptb-polling", "postgres"), ("ptb-webhook", "sqlite"),
}


def _outside_the_pairs(item: pytest.Item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    if item.get_closest_marker("pairwise") is None or "stack" not in params or "db_url" not in params:
        return False
    return (str(params["stack"]), str(params["db_url"])) not in PAIRWISE


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselects the ``pairwise`` tests' other combinations (:data:`PAIRWISE`), then puts the heavy tests first (in
    :data:`HEAVY_FIRST`'s order), the rest in their usual order. The order is the same in every xdist worker, as it
    must be."""
    if os.environ.get("TANGGAP_TEST_ALL_COMBINATIONS") != "1":
        dropped = [item for item in items if _outside_the_pairs(item)]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = [item for item in items if not _outside_the_pairs(item)]

    def rank(item: pytest.Item) -> int:
        return next((n for n, prefix in enumerate(HEAVY_FIRST) if item.nodeid.startswith(prefix)), len(HEAVY_FIRST))

    items.sort(key=rank)  # stable: the usual order within each group


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is imported by now (aiogram's ~600 pydantic models, SQLAlchemy, the test modules) lives to the end:
    ``gc.freeze()`` moves it out of the collector's sight, so the collection after each test (below) looks only at
    what tests made. Without it each collection took ~0.28 s, most of the time of the unit tests."""
    gc.freeze()


@pytest.fixture(autouse=True)
def archive_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``ARCHIVE_DIR`` in the test's own folder (inherited by bots started as child processes): no test writes
    evidence into the repository's ``data/archive``."""
    folder = tmp_path / "archive"
    monkeypatch.setenv("ARCHIVE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def collect_garbage_after_each_test() -> Iterator[None]:
    """A connection, file or task left unclosed is reported by the garbage collector whenever it happens to run,
    which under ``-W error`` fails whichever test comes next. Collecting after every test pins it on the
    test that leaked it."""
    yield
    gc.collect()


@pytest.fixture
def report_counts(record_property: Callable[[str, object], None]) -> Callable[[str], None]:
    """For tests whose counts are the result (faults, kills, outages): shown at the end of every run,
    also under pytest-xdist, in the section "counts the fault tests saw"."""

    def report(line: str) -> None:
        print(line)
        record_property("counts", line.strip())

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [
        str(value)
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if getattr(report, "when", "") == "call"
        for name, value in getattr(report, "user_properties", [])
        if name == "counts"
    ]
    if lines:
        terminalreporter.section("counts the fault tests saw")
        for line in lines:
            terminalreporter.write_line(line)
