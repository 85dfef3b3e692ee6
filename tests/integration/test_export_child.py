"""``/export`` written by a child process (``bot.register_job``): the same file as in-process, progress and the
job's record kept by the bot, a child that fails reported, a stopped bot's child killed — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.register_job import child_writer
from bot.settings import Settings
from dialogs.export_query import ExportQuery
from handlers.export import Written
from handlers.export_jobs import run_pending
from storage.archive import ArchiveStore
from storage.database import make_engine
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk
from tests.integration.test_export import OFFICER_ID, seed


@pytest.fixture
def desk(new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> Desk:
    desk = Desk(new_uow)
    object.__setattr__(desk.deps, "archive", ArchiveStore(tmp_path / "archive"))
    return desk


def gone(pid: int) -> bool:
    """The process ``pid`` has ended (reaped, or a zombie)."""
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "zombie" in status.read_text()


def settings_of(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, archive_dir=tmp_path / "archive")


async def ask_export(desk: Desk, new_uow: Callable[[], SqlUnitOfWork], text: str) -> int:
    await desk.payloads(desk.user(OFFICER_ID, "Olivia"), text)
    async with new_uow() as uow:
        [job] = await uow.register.unfinished_jobs()
        await uow.register.update_job(job.id, message_id=555)  # as the notifier records it when sent
        await uow.commit()
    return job.id


class TestRegisterInAChildProcess:
    async def test_the_child_writes_the_register_and_the_bot_delivers_it(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], db_url: str, tmp_path: Path) -> None:
        numbers = await seed(new_uow)
        job_id = await ask_export(desk, new_uow, "/export 2026-11")
        write = child_writer(settings_of(db_url, tmp_path), lambda: NOW)
        assert await run_pending(new_uow, desk.deps, edit_every=0.0, write=write) == 1
        queued = await desk.deliver_due()
        [file] = [p for p in queued if p["op"] == "send_file"]
        assert file["file_name"] == "register-2026-11.xlsx" and "3 tickets" in file["caption"]
        book = openpyxl.load_workbook(io.BytesIO(desk.deps.archive.get(file["sha256"])))
        rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
        assert sorted(str(r[0]) for r in rows) == sorted(numbers.values())
        async with new_uow() as uow:
            done = await uow.register.get_job(job_id)
        assert done is not None and done.status == "done" and done.progress == 100

    async def test_the_child_reports_its_progress_by_lines(
            self, new_uow: Callable[[], SqlUnitOfWork], db_url: str, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> None:
        await seed(new_uow)
        told: list[int] = []

        async def progress(percent: int) -> None:
            told.append(percent)

        write = child_writer(settings_of(db_url, tmp_path), lambda: NOW, chunk=1)  # progress after each row
        written = await write(ExportQuery(format="csv"), tmp_path / "register.csv", "id", progress)
        assert written == Written(3, 0, 0)
        assert told == sorted(told) and len(told) == 3
        assert (tmp_path / "register.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    async def test_a_child_that_fails_fails_the_job_and_says_so(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        await seed(new_uow)
        job_id = await ask_export(desk, new_uow, "/export 2026-11")
        missing = f"sqlite+aiosqlite:///{tmp_path / 'elsewhere' / 'empty.db'}"  # no tables: the child's read fails
        write = child_writer(settings_of(missing, tmp_path), lambda: NOW)
        assert await run_pending(new_uow, desk.deps, write=write) == 1
        queued = await desk.deliver_due()
        assert "could not be prepared" in [p for p in queued if p["op"] == "edit_progress"][-1]["text"]
        async with new_uow() as uow:
            failed = await uow.register.get_job(job_id)
        assert failed is not None and failed.status == "failed" and "RegisterChildFailed" in (failed.error or "")

    async def test_a_stopped_bot_kills_its_child_and_leaves_the_job_to_be_run_again(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], db_url: str, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "x" * 30)
        await seed(new_uow)
        job_id = await ask_export(desk, new_uow, "/export 2026-11")
        started: list[int] = []
        spawned = asyncio.Event()
        real = asyncio.create_subprocess_exec

        async def spy(*args: str, **kwargs: object) -> asyncio.subprocess.Process:
            assert "TELEGRAM_BOT_TOKEN" not in kwargs["env"]  # type: ignore[operator]  # the child never needs it
            proc = await real(*args, **kwargs)  # type: ignore[arg-type]
            started.append(proc.pid)
            spawned.set()
            return proc

        monkeypatch.setattr(asyncio, "create_subprocess_exec", spy)
        write = child_writer(settings_of(db_url, tmp_path), lambda: NOW, chunk=1)
        running = asyncio.create_task(run_pending(new_uow, desk.deps, write=write))
        await spawned.wait()
        running.cancel()  # the bot stops while its child is at work (it is still importing: ~1 s)
        with pytest.raises(asyncio.CancelledError):
            await running
        [pid] = started
        assert gone(pid)
        async with new_uow() as uow:
            [job] = await uow.register.unfinished_jobs()
        assert job.id == job_id and job.status == "running" and job.attempts == 1


async def test_the_childs_read_only_engine_cannot_write(db_url: str) -> None:
    engine = make_engine(db_url, read_only=True)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM ticket"))).scalar() == 0
            with pytest.raises(DBAPIError, match=r"(?i)read-?only"):
                await connection.execute(text("DELETE FROM ticket"))
    finally:
        await engine.dispose()
