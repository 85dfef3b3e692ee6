"""Updates: N students at once each file a whole complaint through the emulator against the real bot process.

Three runs, each with a fresh emulator (its own flood limits off) and a fresh SQLite file:

1. Tanggap with its flood limits lifted (SEND_RATE*, the "processing ceiling"): compared with the echo bot.
2. A bare aiogram echo bot (``bench/echo_bot.py``) under the same load shape: as many students, each sending
   as many messages as the filing dialog has steps, waiting for each echo.
3. Tanggap with Telegram's real limits (the defaults: 30 messages/s for the bot, 1/s per chat after a burst
   of 3) and fewer students: its throughput is capped at ~30 answers/s by design.

Latency of an update: from its being queued (available to getUpdates) to the arrival at the emulator of the
bot's first message/edit in that chat.
"""

from __future__ import annotations

import sys

from bench.common import Figure, Size, percentile
from bench.students import FILING, Load, add_students, child, emulator_and_dir, run_students, tanggap

NAME = "updates"
SIZES = {"tiny": (3, 1), "full": (500, 40)}  # (students, students with Telegram's real limits)
P95_TARGET_MS = 50.0
RATIO_TARGET = 0.6
STUDENTS: int | None = None  # ``python -m bench --students N``: overrides the size's count (not the limited run's)


async def tanggap_load(students: int, *, lifted: bool, steps: int = len(FILING)) -> Load:
    async with emulator_and_dir() as (emulator, workdir), tanggap(emulator, workdir, lifted=lifted) as proc:
        return await run_students(emulator, add_students(emulator, students), FILING[:steps], proc.pid)


async def echo_load(students: int) -> Load:
    steps = [("text", f"Pesan nomor {i + 1} untuk bot gema.") for i in range(len(FILING))]
    async with emulator_and_dir() as (emulator, workdir), child(
        emulator, ["-m", "bench.echo_bot"], {}, workdir / "echo.log"
    ) as proc:
        return await run_students(emulator, add_students(emulator, students), steps, proc.pid)


def _latency_figures(label: str, load: Load, *, target: bool) -> list[Figure]:
    ms = [x * 1000 for x in load.latencies]
    figures = []
    for pct in (50, 95, 99):
        value = percentile(ms, pct)
        if target and pct == 95:
            figures.append(Figure(NAME, f"{label} p95 latency", round(value, 1), "ms", f"< {P95_TARGET_MS:g} ms",
                                  value < P95_TARGET_MS))
        else:
            figures.append(Figure(NAME, f"{label} p{pct} latency", round(value, 1), "ms"))
    return figures


async def run(size: Size) -> list[Figure]:
    students, limited_students = SIZES[size]
    students = STUDENTS or students
    print(f"  updates: Tanggap, limits lifted, {students} students ...", file=sys.stderr)
    ours = await tanggap_load(students, lifted=True)
    print(f"  updates: echo bot, {students} students ...", file=sys.stderr)
    echo = await echo_load(students)
    print(f"  updates: Tanggap, Telegram's limits, {limited_students} students ...", file=sys.stderr)
    # tiny: only the first steps (within the per-chat burst of 3), so the test suite does not wait 1 s a step
    limited = await tanggap_load(limited_students, lifted=False, steps=len(FILING) if size == "full" else 3)

    ratio = ours.per_second / echo.per_second if echo.per_second else 0.0
    steps = len(FILING)
    note = f"{students} students x {steps} steps"
    return [
        Figure(NAME, "students (concurrent)", students, "", note=f"each files a complaint: {steps} updates"),
        Figure(NAME, "updates answered", ours.updates, "", f"= {students * steps}",
               ours.updates == students * steps and ours.failed == 0, note=f"{ours.failed} students failed"),
        Figure(NAME, "Tanggap updates/s (limits lifted)", round(ours.per_second, 1), "1/s", note=note),
        Figure(NAME, "echo bot updates/s", round(echo.per_second, 1), "1/s",
               note=f"{echo.updates} answered, {echo.failed} students failed"),
        Figure(NAME, "Tanggap / echo updates/s", round(ratio, 3), "", f">= {RATIO_TARGET:g}", ratio >= RATIO_TARGET),
        Figure(NAME, "Tanggap Bot API requests per update", round(ours.requests_per_update, 2), "",
               note="answerCallbackQuery, removing the used keyboard, the next question"),
        Figure(NAME, "echo bot Bot API requests per update", round(echo.requests_per_update, 2), ""),
        Figure(NAME, "Tanggap CPU per update (bot process)", round(ours.cpu_ms_per_update, 2), "ms",
               note="all threads, /proc/<pid>/stat; steadier than wall-clock figures on a shared machine"),
        Figure(NAME, "echo bot CPU per update", round(echo.cpu_ms_per_update, 2), "ms"),
        *_latency_figures("Tanggap", ours, target=True),
        *_latency_figures("echo", echo, target=False),
        Figure(NAME, "Tanggap updates/s (Telegram's limits)", round(limited.per_second, 1), "1/s",
               note=f"{limited_students} students; {limited.updates} answered, {limited.failed} failed; "
                    "capped by 30 msg/s bot-wide and 1 msg/s per chat"),
        Figure(NAME, "Tanggap p95 latency (Telegram's limits)",
               round(percentile([x * 1000 for x in limited.latencies], 95), 1), "ms"),
    ]
