"""Which file a ``send_file`` sends: its Telegram file id, or the archived copy uploaded; and what happens when
neither can be sent. The engines' calls are faked here (the real ones: tests/e2e/test_uploads.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.adapter import Adapter, Failure, Upload
from bot.errors import FileUnavailable, Rejected
from bot.files import Downloaded
from handlers.events import Keyboard, SendFile
from storage.archive import ArchiveStore

CHAT = 42


class Refused(Exception):
    """A fake engine's 400."""


class FakeAdapter(Adapter):
    """Records the calls; refuses the file ids in ``unknown`` as Telegram does."""

    engine = "fake"
    api_url = "http://127.0.0.1:1"

    def __init__(self, archive: ArchiveStore | None, unknown: str = "wrong file identifier/HTTP URL specified"
                 ) -> None:
        self.archive = archive
        self.refusal = unknown
        self.unknown: set[str] = set()
        self.calls: list[tuple[str, Any]] = []

    async def send_file(self, chat_id: int, kind: str, file_id: str, caption: str | None, buttons: Keyboard) -> int:
        self.calls.append(("by id", file_id))
        if file_id in self.unknown:
            raise Refused(f"Bad Request: {self.refusal}")
        return 1

    async def upload_file(self, chat_id: int, kind: str, upload: Upload, caption: str | None, buttons: Keyboard
                          ) -> int:
        self.calls.append(("upload", (upload.name, upload.data, caption)))
        return 2

    def failure(self, exc: BaseException) -> Failure | None:
        return Failure("bad_request", str(exc)) if isinstance(exc, Refused) else None

    def read(self, data: dict[str, Any]) -> Any: ...
    async def send_text(self, chat_id: int, text: str, buttons: Keyboard) -> int: return 0
    async def edit_text(self, chat_id: int, message_id: int, text: str, buttons: Keyboard) -> None: ...
    async def clear_buttons(self, chat_id: int, message_id: int) -> None: ...
    async def _set_commands(self, language: str, entries: list[tuple[str, str]]) -> None: ...
    async def _setup_call(self, call: Any) -> Any: ...
    async def _download(self, file_id: str, limit: int) -> Downloaded: raise NotImplementedError


@pytest.fixture
def archive(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(tmp_path / "archive")


class TestChoice:
    async def test_an_archived_copy_alone_is_uploaded_under_its_name(self, archive: ArchiveStore) -> None:
        port = FakeAdapter(archive)
        sha = archive.put(b"%PDF-1.7 LK")
        sent = await port.deliver(SendFile(CHAT, "document", caption="LK", sha256=sha,
                                           file_name="LK-2026-001.pdf").to_payload())
        assert (sent, port.calls) == (2, [("upload", ("LK-2026-001.pdf", b"%PDF-1.7 LK", "LK"))])

    async def test_a_known_file_id_is_used_and_the_archive_not_read(self, tmp_path: Path) -> None:
        port = FakeAdapter(ArchiveStore(tmp_path / "empty"))
        sha = "ab" * 32  # not even in the archive: never looked at
        await port.deliver(SendFile(CHAT, "photo", file_id="AgAC-known", sha256=sha).to_payload())
        assert port.calls == [("by id", "AgAC-known")]

    @pytest.mark.parametrize("refusal", [
        "wrong file identifier/HTTP URL specified", "wrong remote file identifier specified: Wrong string length",
        "wrong padding in the string", "FILE_REFERENCE_EXPIRED", "type of file mismatch",
    ])  # fmt: skip
    async def test_a_file_id_telegram_does_not_know_falls_back_to_the_upload(
        self, archive: ArchiveStore, refusal: str
    ) -> None:
        port = FakeAdapter(archive, refusal)
        port.unknown.add("BQAC-old-token")
        sha = archive.put(b"bukti")
        sent = await port.deliver(SendFile(CHAT, "document", file_id="BQAC-old-token", sha256=sha,
                                           file_name="bukti.pdf").to_payload())
        assert sent == 2 and [c[0] for c in port.calls] == ["by id", "upload"]

    async def test_other_refusals_of_a_file_id_are_not_retried_as_an_upload(self, archive: ArchiveStore) -> None:
        port = FakeAdapter(archive, "message caption is too long")
        port.unknown.add("BQAC")
        with pytest.raises(Rejected, match="caption is too long"):
            await port.deliver(SendFile(CHAT, "document", file_id="BQAC", sha256=archive.put(b"x")).to_payload())
        assert [c[0] for c in port.calls] == ["by id"]


class TestUnavailable:
    async def test_a_missing_copy_is_unavailable(self, archive: ArchiveStore) -> None:
        with pytest.raises(FileUnavailable, match="not in the archive"):
            await FakeAdapter(archive).deliver(SendFile(CHAT, "document", sha256="cd" * 32).to_payload())

    async def test_an_altered_copy_is_unavailable(self, archive: ArchiveStore) -> None:
        sha = archive.put(b"asli")
        archive.path(sha).write_bytes(b"palsu")
        with pytest.raises(FileUnavailable, match="no longer matches"):
            await FakeAdapter(archive).deliver(SendFile(CHAT, "document", sha256=sha).to_payload())

    async def test_a_photo_over_10_mb_is_unavailable_before_it_is_read(self, archive: ArchiveStore) -> None:
        port = FakeAdapter(archive)
        sha = archive.put(b"\xff" * (10 * 1024 * 1024 + 1))
        with pytest.raises(FileUnavailable, match=r"foto.jpg is 10.0 MB; Telegram takes a photo of up to 10 MB"):
            await port.deliver(SendFile(CHAT, "photo", sha256=sha, file_name="foto.jpg").to_payload())
        assert port.calls == []

    async def test_without_an_archive_store_only_file_ids_can_be_sent(self) -> None:
        with pytest.raises(FileUnavailable, match="no archive store"):
            await FakeAdapter(None).deliver(SendFile(CHAT, "document", sha256="ef" * 32).to_payload())


class TestWiring:
    async def test_archive_dir_becomes_the_use_cases_archive_store(self, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
        from bot.bootstrap import build
        from bot.settings import Settings

        monkeypatch.setenv("ARCHIVE_DIR", str(tmp_path / "arsip"))
        app = build(Settings(_env_file=None, database_url="sqlite+aiosqlite:///:memory:"))  # type: ignore[call-arg]
        try:
            assert app.deps.archive.root == tmp_path / "arsip"
        finally:
            await app.close()

    def test_the_sandbox_keeps_its_archive_beside_its_database(self) -> None:
        from bot.sandbox import SANDBOX_DATABASE, archive_beside

        assert archive_beside(SANDBOX_DATABASE) == Path("data/archive")
        assert archive_beside("sqlite+aiosqlite:////srv/demo/box.db") == Path("/srv/demo/archive")
        assert archive_beside("postgresql+asyncpg://u@h/db") == Path("data/archive")
