"""The archive's book (``archive_item``) and the fetcher over it, on SQLite and PostgreSQL: every recorded file gets
a pending item in the same transaction; a fetch stores the stripped bytes by their hash, a passing failure is
retried with backoff, a refusal waits for the operator; ``tanggap archive verify`` names missing and altered files."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.archive_cli import verify_archive
from bot.archiving import ArchiveFetcher, backoff
from bot.errors import Rejected, RetryLater
from bot.files import Downloaded
from bot.settings import Settings
from handlers.context import Deps
from handlers.i18n import Translator
from storage.archive import ArchiveStore, digest
from storage.records import Attachment, NewAction, NewLk
from storage.uow import SqlUnitOfWork
from tests.integration.test_tickets import new_ticket

AT = datetime(2026, 12, 21, 2, 0, tzinfo=UTC)


def gps_photo() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (7.0, 16.0, 48.0), 3: "E", 4: (112.0, 47.0, 42.0)}
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


class FakePort:
    """Telegram's files by id; ``failures`` are raised, one per call, before any file is given."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files, self.failures, self.asked = files, list[Exception](), list[str]()

    async def download(self, file_id: str, limit: int = 20 * 1024 * 1024) -> Downloaded:
        self.asked.append(file_id)
        if self.failures:
            raise self.failures.pop(0)
        return Downloaded(self.files[file_id], "u-" + file_id)


class Clock:
    def __init__(self) -> None:
        self.now = AT

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def fetcher(port: FakePort, new_uow: Callable[[], SqlUnitOfWork], store: ArchiveStore, clock: Clock
            ) -> ArchiveFetcher:
    deps = Deps(catalogue=None, translator=Translator(), clock=clock, archive=store)  # type: ignore[arg-type]
    return ArchiveFetcher(port, new_uow, deps, store)  # type: ignore[arg-type]


class TestBooking:
    async def test_filing_and_adding_files_and_evidence_books_each_file_in_the_same_transaction(
            self, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        async with new_uow() as uow:
            person = await uow.persons.ensure_telegram(1, "Siti")
            ticket = await uow.tickets.add(new_ticket(person.id, created_at=AT))
            later = await uow.tickets.add_attachment(ticket.id, Attachment("later-id", "document", "surat.pdf",
                                                                           mime_type="application/pdf"), AT)
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP", "Late.", "Cause.", person.id, AT,
                                         "approved"))
            action = await uow.lks.add_action(NewAction(lk.id, "correction", "Issue it.", person.id, AT.date(), 1,
                                                        AT))
            await uow.lks.complete_action(action.id, by=person.id, at=AT, evidence_text="Done.",
                                          evidence_file_id="evidence-id", evidence_file_type="photo")
            assert uow.files_recorded is False  # not before the commit
            await uow.commit()
        assert uow.files_recorded is True
        async with new_uow() as uow:
            ticket = await uow.tickets.get(ticket.id)
            assert ticket is not None
            items = await uow.archive.for_attachments(a.id for a in ticket.attachments if a.id)
            evidence = await uow.archive.for_actions([action.id])
            due = await uow.archive.due(AT)
        assert sorted(i.file_id or "" for i in items.values()) == ["later-id", "pdf-file-id", "photo-file-id"]
        assert {i.status for i in items.values()} == {"pending"} and items[later.id or 0].mime == "application/pdf"
        assert evidence[action.id].file_id == "evidence-id" and evidence[action.id].mime == "image/jpeg"
        assert len(due) == 4

    async def test_a_rolled_back_filing_books_nothing(self, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        async with new_uow() as uow:
            person = await uow.persons.ensure_telegram(1, "Siti")
            await uow.tickets.add(new_ticket(person.id, created_at=AT))
        assert uow.files_recorded is False
        async with new_uow() as uow:
            assert await uow.archive.due(AT) == [] and await uow.archive.counts() == {}


class TestFetching:
    async def file(self, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        async with new_uow() as uow:
            person = await uow.persons.ensure_telegram(1, "Siti")
            await uow.tickets.add(new_ticket(person.id, created_at=AT))
            await uow.commit()

    async def test_a_photo_is_stored_stripped_and_a_pdf_as_it_is(
            self, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, clock: Clock) -> None:
        await self.file(new_uow)
        photo, pdf = gps_photo(), b"%PDF-1.4\n%bukti\n%%EOF\n"
        store = ArchiveStore(tmp_path / "archive")
        await fetcher(FakePort({"photo-file-id": photo, "pdf-file-id": pdf}), new_uow, store, clock).fetch_due()
        async with new_uow() as uow:
            items = sorted(await uow.archive.stored(), key=lambda i: i.file_id or "")
        assert [(i.file_id, i.status) for i in items] == [("pdf-file-id", "stored"), ("photo-file-id", "stored")]
        assert store.get(items[0].sha256 or "") == pdf and items[0].sha256 == digest(pdf)
        kept = store.get(items[1].sha256 or "")
        assert kept != photo and not Image.open(io.BytesIO(kept)).getexif() and items[1].size == len(kept)
        assert items[1].file_unique_id == "u-photo-file-id" and items[1].stored_at == AT

    async def test_an_image_is_known_by_its_bytes_and_one_that_cannot_be_cleaned_is_marked_so(
            self, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, clock: Clock) -> None:
        """Review of issue 15: a JPEG sent as ``application/octet-stream`` was kept with its GPS position, and an
        iPhone's HEIC (which Pillow cannot read here) was kept as it came and later sent as "the copy without its
        metadata" for a confidential ticket."""
        await self.file(new_uow)
        heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
        async with new_uow() as uow:
            [ticket] = await uow.tickets.list_for_person((await uow.persons.get_by_telegram_id(1)).id)  # type: ignore[union-attr]
            for file_id, name, mime in (("octet-id", "bukti.bin", "application/octet-stream"),
                                        ("heic-id", "IMG_0001.HEIC", "image/heic")):
                await uow.tickets.add_attachment(ticket.id, Attachment(file_id, "document", name, mime_type=mime), AT)
            await uow.commit()
        store = ArchiveStore(tmp_path / "archive")
        files = {"photo-file-id": gps_photo(), "pdf-file-id": b"%PDF-1.4\n%%EOF\n", "octet-id": gps_photo(),
                 "heic-id": heic}
        await fetcher(FakePort(files), new_uow, store, clock).fetch_due()
        async with new_uow() as uow:
            items = {i.file_id: i for i in await uow.archive.stored()}
        assert {k: i.cleaned for k, i in items.items()} == {"photo-file-id": True, "pdf-file-id": None,
                                                             "octet-id": True, "heic-id": False}
        assert not Image.open(io.BytesIO(store.get(items["octet-id"].sha256 or ""))).getexif()
        assert store.get(items["heic-id"].sha256 or "") == heic  # kept as it came: the evidence matters

    async def test_a_passing_failure_is_retried_with_backoff_and_a_refusal_waits_for_the_operator(
            self, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, clock: Clock) -> None:
        await self.file(new_uow)
        port = FakePort({"photo-file-id": gps_photo(), "pdf-file-id": b"%PDF-1.4\n"})
        port.failures = [RetryLater("Bad Gateway"), Rejected("Bad Request: file is too big")]
        work = fetcher(port, new_uow, ArchiveStore(tmp_path / "archive"), clock)
        pause = await work.fetch_due()
        async with new_uow() as uow:
            failed = sorted((await uow.archive.for_attachments(range(1, 10))).values(), key=lambda i: i.id)
        assert [i.status for i in failed] == ["failed", "failed"] and pause == backoff(1) == 30.0
        assert failed[0].next_try_at == AT + timedelta(seconds=30) and failed[1].next_try_at is None
        assert "file is too big" in (failed[1].last_error or "")

        clock.now = AT + timedelta(seconds=29)
        await work.fetch_due()
        assert len(port.asked) == 2  # not due yet
        clock.now = AT + timedelta(seconds=30)
        await work.fetch_due()
        async with new_uow() as uow:
            counts = await uow.archive.counts()
            retried = await uow.archive.retry_failed(clock.now)
            await uow.commit()
        assert counts == {"stored": 1, "failed": 1} and retried == 1
        await work.fetch_due()  # the operator ran `tanggap archive retry`
        async with new_uow() as uow:
            assert await uow.archive.counts() == {"stored": 2}

    async def test_verify_names_missing_and_altered_files(
            self, db_url: str, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path, clock: Clock) -> None:
        await self.file(new_uow)
        store = ArchiveStore(tmp_path / "archive")
        await fetcher(FakePort({"photo-file-id": gps_photo(), "pdf-file-id": b"%PDF-1.4\n"}), new_uow, store,
                      clock).fetch_due()
        settings = Settings(_env_file=None, database_url=db_url, archive_dir=store.root)  # type: ignore[call-arg]
        lines: list[str] = []
        assert (await verify_archive(settings, lines)).ok
        assert "2 stored files checked, 0 missing, 0 altered" in lines[-1]
        async with new_uow() as uow:
            photo, pdf = sorted(await uow.archive.stored(), key=lambda i: i.file_id or "", reverse=True)
        store.path(photo.sha256 or "").write_bytes(b"not the photo")
        store.path(pdf.sha256 or "").unlink()
        lines = []
        result = await verify_archive(settings, lines)
        assert [i.id for i in result.altered] == [photo.id] and [i.id for i in result.missing] == [pdf.id]
        assert "1 missing, 1 altered" in lines[-1]
