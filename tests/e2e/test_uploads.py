"""Files the bot made, uploaded from the archive store through the outbox, on each engine's real HTTP stack
(aiogram, python-telegram-bot) against the emulator: what arrives is the archived bytes, under their name, with
the caption; what Telegram refuses (too large, a file id it no longer knows) and what the archive cannot give
(missing, altered) end as Telegram and the SOP need, one row at a time."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import bot.adapter
from bot.emulator import BotApiEmulator
from bot.emulator.samples import tiny_pdf
from bot.errors import Rejected
from bot.notifier import Notifier
from bot.port import BotPort, make_port
from handlers.events import IncomingMessage, SendFile
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork

pytestmark = pytest.mark.e2e
STAFF = 7001
STUDENT = 7002
MB = 1024 * 1024


def now() -> datetime:
    return datetime.now(UTC)


def pdf(title: str, filler: int = 34 * 1024) -> bytes:
    """A small well-formed PDF (one page, ``title`` on it), padded with a comment to about ``filler`` bytes."""
    return tiny_pdf(title, filler)


@dataclass
class Row:
    chat_id: int
    status: str
    attempts: int
    last_error: str | None


@dataclass
class Rig:
    emulator: BotApiEmulator
    engine: AsyncEngine
    make_uow: Callable[[], SqlUnitOfWork]
    port: BotPort
    archive: ArchiveStore

    async def queue(self, *items: SendFile | tuple[int, str]) -> list[int]:
        """Outbox rows in one transaction, as a use case writes them: files, and (chat, text) messages."""
        async with self.make_uow() as uow:
            ids = []
            for item in items:
                if isinstance(item, SendFile):
                    ids.append(await uow.outbox.add(item.chat_id, item.to_payload(), now()))
                else:
                    chat_id, message = item
                    payload = {"op": "send", "chat_id": chat_id, "text": message, "buttons": []}
                    ids.append(await uow.outbox.add(chat_id, payload, now()))
            await uow.commit()
        return ids

    async def rows(self) -> dict[int, Row]:
        async with self.engine.connect() as conn:
            result = await conn.execute(text("SELECT id, chat_id, status, attempts, last_error FROM outbox"))
            return {r.id: Row(r.chat_id, r.status, r.attempts, r.last_error) for r in result}

    async def delivered(self, timeout: float = 60.0) -> dict[int, Row]:
        """Runs the notifier until every row is sent or failed (waits on that condition, never blindly)."""
        notifier = Notifier(self.port, self.make_uow, now)
        task = asyncio.create_task(notifier.run())
        try:
            async def done() -> bool:
                return all(r.status != "pending" for r in (await self.rows()).values())

            await eventually(done, timeout)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return await self.rows()

    def uploads(self, method: str) -> list[int]:
        """The statuses of the emulator's answers to ``method`` calls that carried a file part."""
        return [c.status for c in self.emulator.calls if c.method == method and "multipart" in c.content_type]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(0.05)


@pytest.fixture(params=["aiogram", "ptb"])
async def rig(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Rig]:
    emulator = BotApiEmulator()
    await emulator.start()
    emulator.add_user(STAFF, "Olivia")
    emulator.add_user(STUDENT, "Siti")
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'uploads.db'}")
    await upgrade(engine)
    sessions = make_session_factory(engine)
    archive = ArchiveStore(tmp_path / "archive")
    port = make_port(request.param, emulator.token, emulator.base_url, archive=archive)
    await port.start()
    yield Rig(emulator, engine, lambda: SqlUnitOfWork(sessions), port, archive)
    await port.close()
    await engine.dispose()
    await emulator.stop()


class TestGeneratedFilesArrive:
    async def test_a_generated_pdf_arrives_with_its_bytes_name_and_caption(self, rig: Rig) -> None:
        data = pdf("LK-2026-001")
        sha = rig.archive.put(data)
        [row] = await rig.queue(SendFile(STAFF, "document", caption="LK <b>LK-2026-001</b> · versi 2", sha256=sha,
                                         file_name="LK-2026-001.pdf"))
        rows = await rig.delivered()

        assert rows[row].status == "sent"
        [message] = rig.emulator.messages(STAFF)
        stored = rig.emulator.file(message.file_id or "")
        assert (message.kind, message.caption) == ("document", "LK LK-2026-001 · versi 2")
        assert (stored.file_name, stored.mime_type) == ("LK-2026-001.pdf", "application/pdf")
        assert hashlib.sha256(stored.data).hexdigest() == sha

    async def test_a_generated_picture_arrives_as_a_photo(self, rig: Rig) -> None:
        data = b"\x89PNG\r\n\x1a\n" + os.urandom(200 * 1024)
        sha = rig.archive.put(data)
        await rig.queue(SendFile(STUDENT, "photo", caption="Grafik", sha256=sha, file_name="grafik.png"))
        await rig.delivered()

        [message] = rig.emulator.messages(STUDENT)
        assert (message.kind, message.caption) == ("photo", "Grafik")
        assert hashlib.sha256(rig.emulator.file_content(message.file_id or "")).hexdigest() == sha


class TestTooLarge:
    async def test_a_51_mb_document_is_refused_once_and_recorded_and_the_rest_go_on(self, rig: Rig) -> None:
        sha = rig.archive.put(os.urandom(51 * MB))
        big, after, other = await rig.queue(
            SendFile(STAFF, "document", caption="Register", sha256=sha, file_name="register.xlsx"),
            (STAFF, "Register terlalu besar untuk Telegram"),
            SendFile(STUDENT, "document", sha256=rig.archive.put(pdf("LK-2026-002")), file_name="LK-2026-002.pdf"),
        )
        rows = await rig.delivered()

        assert (rows[big].status, rows[big].attempts) == ("failed", 1)
        assert "register.xlsx is 51.0 MB" in (rows[big].last_error or "")
        assert rows[after].status == rows[other].status == "sent"
        assert rig.uploads("sendDocument") == [200]  # the big one was never sent: its size was known

    @pytest.mark.parametrize(("kind", "size", "status", "refusal"), [
        ("document", 51 * MB, 413, "Request Entity Too Large"),
        ("photo", 11 * MB, 400, "PHOTO_SAVE_FILE_INVALID"),
        ("document", 0, 400, "file must be non-empty"),
    ])  # fmt: skip
    async def test_what_telegram_refuses_is_a_refusal_not_a_retry_on_each_engine(
        self, rig: Rig, monkeypatch: pytest.MonkeyPatch, kind: str, size: int, status: int, refusal: str
    ) -> None:
        monkeypatch.setitem(bot.adapter.UPLOAD_LIMITS, kind, 100 * MB)  # as if the port did not know the limits
        sha = rig.archive.put(os.urandom(size))
        payload = SendFile(STAFF, kind, sha256=sha, file_name="besar.bin").to_payload()

        with pytest.raises(Rejected, match=f"(?i){refusal}"):  # PTB capitalizes: "Photo_save_file_invalid"
            await rig.port.deliver(payload)
        method = "sendPhoto" if kind == "photo" else "sendDocument"
        assert rig.uploads(method) == [status]
        assert rig.emulator.messages(STAFF) == []


class TestFileIdFallback:
    async def test_a_file_id_telegram_no_longer_knows_falls_back_to_the_archived_copy(self, rig: Rig) -> None:
        data = pdf("bukti")
        sha = rig.archive.put(data)
        gone = "BQACAgUAAxkBAAIfromanoldbottoken"
        [row] = await rig.queue(SendFile(STAFF, "document", file_id=gone, caption="Bukti", sha256=sha,
                                         file_name="bukti.pdf"))
        rows = await rig.delivered()

        assert rows[row].status == "sent"
        refused = [c for c in rig.emulator.calls if c.method == "sendDocument" and c.status == 400]
        assert [c.description for c in refused] == ["Bad Request: wrong file identifier/HTTP URL specified"]
        [message] = rig.emulator.messages(STAFF)
        assert message.caption == "Bukti"
        assert hashlib.sha256(rig.emulator.file_content(message.file_id or "")).hexdigest() == sha

    async def test_a_file_id_telegram_knows_is_used_and_nothing_is_uploaded(self, rig: Rig) -> None:
        rig.emulator.send_document(STUDENT, "surat.pdf")
        [known] = [u.event.file for u in await rig.port.get_updates(None, 0) if isinstance(u.event, IncomingMessage)]
        assert known is not None
        sha = rig.archive.put(pdf("surat"))
        await rig.queue(SendFile(STAFF, "document", file_id=known.file_id, sha256=sha, file_name="surat.pdf"))
        await rig.delivered()

        [message] = rig.emulator.messages(STAFF)
        assert message.file_id == known.file_id
        assert rig.uploads("sendDocument") == []

    async def test_a_file_id_refused_without_an_archived_copy_is_a_refusal(self, rig: Rig) -> None:
        [row] = await rig.queue(SendFile(STAFF, "document", file_id="BQACAgUAAxkBAAIgone"))
        rows = await rig.delivered()

        assert rows[row].status == "failed"
        assert "wrong file identifier" in (rows[row].last_error or "").casefold()


class TestArchiveCannotGive:
    async def test_a_missing_archive_file_fails_that_row_only(self, rig: Rig) -> None:
        missing = hashlib.sha256(b"never archived").hexdigest()
        lost, after, other = await rig.queue(
            SendFile(STAFF, "document", caption="LK", sha256=missing, file_name="LK-2026-003.pdf"),
            (STAFF, "Berikutnya"),
            SendFile(STUDENT, "document", sha256=rig.archive.put(pdf("LK-2026-004")), file_name="LK-2026-004.pdf"),
        )
        rows = await rig.delivered()

        assert (rows[lost].status, rows[lost].attempts) == ("failed", 1)
        assert "is not in the archive" in (rows[lost].last_error or "")
        assert rows[after].status == rows[other].status == "sent"
        assert [m.body for m in rig.emulator.messages(STAFF)] == ["Berikutnya"]

    async def test_an_altered_archive_file_is_never_sent(self, rig: Rig) -> None:
        sha = rig.archive.put(pdf("LK-2026-005"))
        rig.archive.path(sha).write_bytes(pdf("LK-2026-005 (diubah)"))
        [row] = await rig.queue(SendFile(STAFF, "document", sha256=sha, file_name="LK-2026-005.pdf"))
        rows = await rig.delivered()

        assert rows[row].status == "failed"
        assert "no longer matches its hash" in (rows[row].last_error or "")
        assert rig.emulator.messages(STAFF) == []
