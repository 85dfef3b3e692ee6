"""What every benchmark returns: named figures with their unit and, where the issue sets one, the target."""

from __future__ import annotations

import asyncio
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Size = Literal["tiny", "full"]


@dataclass(frozen=True)
class Figure:
    benchmark: str  # e.g. "updates", "fanout", "search", "memory", "monitor"
    metric: str  # e.g. "p95 latency (ms)"
    value: float
    unit: str
    target: str = ""  # human-readable, e.g. "<= 50 ms"
    met: bool | None = None  # None where there is no target
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (0–100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, max(0, round(pct) - 1))]


def migrate_sqlite(path: Path) -> None:
    """Create (or bring up to date) the SQLite database at ``path`` with the app's migrations; call it from a
    thread (``asyncio.to_thread``): it runs its own event loop."""
    from storage.database import make_engine  # the benchmarks that need no database do not import the storage
    from storage.migrate import upgrade

    async def migrate() -> None:
        engine = make_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
