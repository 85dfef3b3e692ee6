"""``python -m bench [--size tiny|full] [--only updates,memory,...] [--out bench/results.json] [--students N]``.

Runs every benchmark module present, prints a table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from bench.common import Figure, Size

BENCHMARKS = ("updates", "fanout", "replies", "search", "stemming", "memory", "monitor", "uploads", "lk_pdf", "due",
              "export", "due_morning", "lk_close", "stats", "recap", "metoo", "retention")
DEFAULT_OUT = Path(__file__).resolve().parent / "results.json"
Runner = Callable[[Size], Awaitable[list[Figure]]]


def load(name: str) -> Runner | None:
    """``bench.<name>.run``, or None (with a note) where that benchmark does not exist yet."""
    module_name = f"bench.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # the module exists but something it imports is missing: that is a bug, not "not yet"
        print(f"note: {module_name} does not exist (yet); skipped", file=sys.stderr)
        return None
    return cast(Runner, module.run)


async def run_all(names: list[str], size: Size) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        runner = load(name)
        if runner is None:
            continue
        print(f"{name} ({size}) ...", file=sys.stderr)
        started = time.monotonic()
        figures.extend(await runner(size))
        print(f"{name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return figures


def table(figures: list[Figure]) -> str:
    rows = [("benchmark", "metric", "value", "unit", "target", "met")]
    for f in figures:
        met = "" if f.met is None else ("yes" if f.met else "NO")
        rows.append((f.benchmark, f.metric, f"{f.value:g}", f.unit, f.target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i != 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths,
             strict=True))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Tanggap's benchmarks.")
    parser.add_argument("--size", choices=("tiny", "full"), default="full",
                        help="tiny: a few students and seconds (what the test suite runs); full: the issue's sizes")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file for the figures")
    parser.add_argument("--students", type=int, default=None,
                        help="updates, replies, due_morning: this many concurrent students instead of the size's")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    size = cast(Size, args.size)
    if args.students is not None:
        if args.students < 1:
            parser.error("--students must be at least 1")
        import bench.due_morning
        import bench.replies
        import bench.updates

        bench.updates.STUDENTS = bench.replies.STUDENTS = bench.due_morning.STUDENTS = args.students
    started = datetime.now(UTC)
    figures = asyncio.run(run_all(names, size))
    print(table(figures))
    report = {"size": size, "started": started.isoformat(timespec="seconds"), "machine": machine(),
              "figures": [f.as_dict() for f in figures]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
