"""Memory: resident memory (VmRSS) of the real bot process idle after start, and with 1,000 dialogs open,
on each engine (aiogram, python-telegram-bot).

Each student sends /new, picks "complaint" and a service, and leaves the dialog there. Dialog state lives in
the database, so open dialogs should cost the process little. The flood limits are lifted so the dialogs open
quickly (with them on, the pacer keeps a token bucket per recently active chat: a few hundred bytes each).
"""

from __future__ import annotations

import asyncio
import sys

from bench.common import Figure, Size
from bench.students import (
    OPEN_DIALOG,
    add_students,
    child,
    emulator_and_dir,
    proc_status_mb,
    rss_mb,
    run_students,
    tanggap,
)

NAME = "memory"
DIALOGS = {"tiny": 5, "full": 1000}
IDLE_TARGET_MB = 120.0
OPEN_TARGET_MB = 200.0
SETTLE_S = 1.5
ENGINES = ("aiogram", "ptb")


async def run(size: Size) -> list[Figure]:
    figures: list[Figure] = []
    for engine in ENGINES:
        figures += await measure(size, engine)
    async with emulator_and_dir() as (emulator, workdir), child(
        emulator, ["-m", "bench.echo_bot"], {}, workdir / "echo.log"
    ) as echo:
        await asyncio.sleep(SETTLE_S)
        echo_idle = rss_mb(echo.pid)
    figures.append(Figure(NAME, "echo bot RSS idle (baseline)", round(echo_idle, 1), "MB",
                          note="a bare aiogram bot: importing aiogram's pydantic types alone costs ~150 MB"))
    return figures


async def measure(size: Size, engine: str) -> list[Figure]:
    """The bot on ``engine`` (BOT_ENGINE): idle, then with the dialogs open."""
    dialogs = DIALOGS[size]
    print(f"  memory: {engine}, {dialogs} dialogs ...", file=sys.stderr)
    async with emulator_and_dir() as (emulator, workdir), tanggap(emulator, workdir, lifted=True,
                                                                   engine=engine) as proc:
        await asyncio.sleep(SETTLE_S)
        idle = rss_mb(proc.pid)
        load = await run_students(emulator, add_students(emulator, dialogs), OPEN_DIALOG)
        await emulator.wait_idle(timeout=30)
        await asyncio.sleep(SETTLE_S)
        busy, peak = rss_mb(proc.pid), proc_status_mb(proc.pid, "VmHWM")
    return [
        Figure(NAME, f"{engine}: RSS idle after start", round(idle, 1), "MB", f"<= {IDLE_TARGET_MB:g} MB",
               idle <= IDLE_TARGET_MB),
        Figure(NAME, f"{engine}: RSS with {dialogs} dialogs open", round(busy, 1), "MB",
               f"<= {OPEN_TARGET_MB:g} MB", busy <= OPEN_TARGET_MB,
               note=f"{load.updates} updates answered, {load.failed} students failed"),
        Figure(NAME, f"{engine}: peak RSS (VmHWM)", round(peak, 1), "MB"),
        Figure(NAME, f"{engine}: dialogs opened", dialogs - load.failed, "", f"= {dialogs}", load.failed == 0),
    ]
