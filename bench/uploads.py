"""Uploads: the bot process's memory while it sends a 40 MB document from the archive store, on each engine.

The document is read from the archive once (checked against its hash) and handed to the engine as bytes; the
engines stream it into the request (aiogram in 64 kB chunks, python-telegram-bot's httpx from the bytes), so
the peak should be about one copy of the file above the idle process, not several. The emulator runs in its
own process, so its copy of the upload is not counted; the bot side runs in a child process of its own per
engine, whose peak resident memory (VmHWM, reset just before the send) is compared with its memory before.

``python -m bench --only uploads``; a child: ``python -m bench.uploads <engine> <api_url> <archive> <sha256>``.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Figure, Size

NAME = "uploads"
ENGINES = ("aiogram", "ptb")
SIZE_MB = {"tiny": 4, "full": 40}
CHAT = 7001
TOKEN = "1000001:AAEmulatorTokenNotASecret"  # the emulator's (bot id 1000001)
COPIES_TARGET = 1.5  # the checked bytes once, and the engine's chunks in flight


async def run(size: Size) -> list[Figure]:
    return await asyncio.to_thread(_measure, SIZE_MB[size])


def _measure(megabytes: int) -> list[Figure]:
    from storage.archive import ArchiveStore

    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="tanggap-bench-uploads-") as folder:
        archive = Path(folder) / "archive"
        sha = ArchiveStore(archive).put(os.urandom(megabytes * 1024 * 1024))
        with subprocess.Popen(
            [sys.executable, "-m", "bot.emulator", "--port", "0", "--user", str(CHAT), "--no-rate-limits"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        ) as emulator:  # fmt: skip
            try:
                url = _base_url(emulator)
                for engine in ENGINES:
                    out = subprocess.run([sys.executable, "-m", "bench.uploads", engine, url, str(archive), sha],
                                         capture_output=True, text=True, check=True)
                    figures += _figures(engine, megabytes, json.loads(out.stdout.strip().splitlines()[-1]))
            finally:
                emulator.terminate()
                emulator.wait(timeout=10)
    return figures


def _figures(engine: str, megabytes: int, seen: dict[str, float]) -> list[Figure]:
    copies = (seen["peak_mb"] - seen["before_mb"]) / (megabytes * 1.048576)  # MB of 10**6 bytes, file in MiB
    return [
        Figure(NAME, f"{engine}: RSS before sending (MB)", round(seen["before_mb"], 1), "MB"),
        Figure(NAME, f"{engine}: peak RSS sending {megabytes} MB (MB)", round(seen["peak_mb"], 1), "MB"),
        Figure(NAME, f"{engine}: peak above before, in copies of the file", round(copies, 2), "copies",
               f"<= {COPIES_TARGET:g}", copies <= COPIES_TARGET),
    ]


def _base_url(emulator: subprocess.Popen[str]) -> str:
    assert emulator.stdout is not None
    line = emulator.stdout.readline()
    found = re.search(r"http://[0-9.]+:\d+", line)
    if found is None:
        raise RuntimeError(f"the emulator did not say where it listens: {line!r}")
    return found.group(0)


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field}")


def _reset_peak() -> None:
    """VmHWM back to the current RSS (Linux)."""
    Path("/proc/self/clear_refs").write_text("5")


async def _child(engine: str, url: str, archive_dir: str, sha: str) -> None:
    """Send the archived file once (a warm-up text first, so the engine's imports and pools are counted before)."""
    from bot.port import make_port
    from handlers.events import SendFile
    from storage.archive import ArchiveStore

    port = make_port(engine, TOKEN, url, archive=ArchiveStore(Path(archive_dir)))
    await port.start()
    try:
        await port.deliver({"op": "send", "chat_id": CHAT, "text": "warm-up", "buttons": []})
        before = _status_mb("VmRSS")
        _reset_peak()
        await port.deliver(SendFile(CHAT, "document", sha256=sha, file_name="register.xlsx").to_payload())
        peak = _status_mb("VmHWM")
    finally:
        await port.close()
    print(json.dumps({"before_mb": before, "peak_mb": peak}))


if __name__ == "__main__":
    asyncio.run(_child(*sys.argv[1:5]))
