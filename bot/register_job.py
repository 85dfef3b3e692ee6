"""The register written by a child process: ``/export``'s heavy part off the bot process (issue 13 §3).

Reading 100,000 tickets, turning them into the register's lines and XlsxWriter's cell writing are pure Python:
run in the bot process, they held the interpreter lock its event loop needs (students' answers slowed by ~1.8x) and
their libraries and buffers counted in its memory. :func:`child_writer` gives the bot a
:data:`handlers.export_jobs.WriteRegister` that starts ``python -m bot.register_job`` instead; the job's record
(status, attempts, progress edits, the file's delivery) stays with the bot (:mod:`handlers.export_jobs`).

The order goes to the child on its standard input as one JSON line — the settings it needs (never the bot's
token), the job's filters, the reader's language, the moment "today" is taken from and the file to write — so no
password appears on a command line. The child reads the database itself through its own engine, read-only (on
SQLite a WAL reader that never takes the write lock; one short transaction per chunk, as in-process), writes the
file, and reports on its standard output, one line each: ``progress <percent>`` after every chunk, then
``written {"tickets": …, "lks": …, "actions": …}``. Its standard error is the bot's (tracebacks land in the bot's
log). If the bot stops, the child is killed and the job, still ``running``, is started afresh by the next lease
holder (up to ``MAX_STARTS``); a child that fails makes the job fail and the person who asked is told. If the bot
dies outright, the child stops at its next progress line (its output pipe is gone).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from bot.bootstrap import build
from bot.errors import RegisterChildFailed
from bot.settings import Settings
from dialogs.export_query import ExportQuery
from handlers.export import Progress, Written, register_filter, write_register
from handlers.export_jobs import WriteRegister, filters_of, query_from

SETTINGS = frozenset({"database_url", "service_catalogue", "holidays_file", "timezone", "default_locale",
                      "confirm_days", "respond_days", "close_days", "archive_dir"})
"""What the child needs of the bot's settings: the database, and what the register's lines are computed from."""
WITHHELD = frozenset({"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET"})
"""Left out of the child's environment: it never talks to Telegram."""
ROOT = Path(__file__).resolve().parent.parent


def child_writer(settings: Settings, clock: Callable[[], datetime], *, chunk: int | None = None) -> WriteRegister:
    """Registers written by a child process reading the database of ``settings``; "today" is ``clock()`` at the
    start of each (the sandbox's clock may have been moved). ``chunk``: rows per read (default
    :data:`handlers.export.CHUNK`)."""

    async def write(query: ExportQuery, path: Path, locale: str, progress: Progress) -> Written:
        order = {"settings": settings.model_dump(mode="json", include=set(SETTINGS)), "filters": filters_of(query),
                 "locale": locale, "now": clock().isoformat(), "out": str(path), "chunk": chunk}
        path_env = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {k: v for k, v in os.environ.items() if k.upper() not in WITHHELD}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.register_job", stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, env={**env, "PYTHONPATH": path_env})
        written: Written | None = None
        try:
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps(order).encode() + b"\n")
            await proc.stdin.drain()
            proc.stdin.close()
            async for raw in proc.stdout:
                word, _, rest = raw.decode().strip().partition(" ")
                if word == "progress":
                    await progress(int(rest))
                elif word == "written":
                    written = Written(**json.loads(rest))
            code = await proc.wait()
        finally:
            if proc.returncode is None:  # the bot is stopping (or reading failed): the job is started again later
                proc.kill()
                await proc.wait()
        if code != 0 or written is None:
            raise RegisterChildFailed(f"the register's child process exited with {code} (its error is logged above)")
        return written

    return write


async def run_order(order: dict[str, object]) -> Written:
    """The child's work: the register of ``order`` (see the module's doc) written, progress told on stdout."""
    settings = Settings(**order["settings"])  # type: ignore[arg-type]
    now = datetime.fromisoformat(str(order["now"]))
    app = build(settings, clock=lambda: now, read_only=True)

    async def progress(percent: int) -> None:
        print(f"progress {percent}", flush=True)

    try:
        query = query_from(order["filters"])  # type: ignore[arg-type]
        return await write_register(app.make_uow, app.deps, register_filter(app.deps, query), Path(str(order["out"])),
                                    locale=str(order["locale"]), csv_format=query.format == "csv", progress=progress,
                                    chunk=int(str(order["chunk"])) if order.get("chunk") else None)
    finally:
        await app.close()


def main() -> int:
    order = json.loads(sys.stdin.readline())
    written = asyncio.run(run_order(order))
    print("written " + json.dumps(asdict(written)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
