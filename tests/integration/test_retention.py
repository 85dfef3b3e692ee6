"""Retention (issue 15 §3): the due-work engine erases the identities of tickets concluded longer ago than
``retention_identity_months`` and deletes the attachments of those concluded longer ago than
``retention_attachments_months`` — only those, in batches, once, logged and recorded in the audit trail; afterwards
the scan finds nothing of a person whose tickets all went. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.catalogue_loader import load_catalogue
from handlers.context import Deps
from handlers.due.engine import run_once
from handlers.i18n import Translator
from handlers.privacy import retention
from handlers.privacy.retention import months_before
from storage.archive import ArchiveStore
from storage.models import ArchiveItemRow, AuditLogRow, PersonRow, TicketRow
from storage.records import Attachment, NewTicket
from storage.uow import SqlUnitOfWork
from tests.privacy_scan import identity_needles, scan_database, scan_files

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
NAME, PHONE, TELEGRAM_ID = "Sri Wahyuningsih", "085712345678", 7003003
NEEDLES = identity_needles(name=NAME, contact=PHONE, telegram_id=TELEGRAM_ID)


def on(year: int, month: int) -> datetime:
    return datetime(year, month, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def archive(tmp_path: Path) -> ArchiveStore:
    return ArchiveStore(tmp_path / "archive")


@pytest.fixture
def deps(archive: ArchiveStore) -> Deps:
    return Deps(catalogue=load_catalogue(), translator=Translator(), clock=lambda: NOW, archive=archive)


async def person(new_uow: Callable[[], SqlUnitOfWork], telegram_id: int, name: str) -> int:
    async with new_uow() as uow:
        found = await uow.persons.ensure_telegram(telegram_id, name)
        await uow.commit()
        return found.id


async def ticket(new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore,
                 person_id: int, at: datetime, status: str = "closed", *, text: str = "Transkrip belum terbit.") -> int:
    """A ticket concluded (or not) at ``at``, with one archived photo."""
    async with new_uow() as uow:
        made = await uow.tickets.add(NewTicket("complaint", "telegram", person_id, "transcript", None, text, None, {},
                                               (Attachment(f"photo-{at:%Y%m}-{person_id}", "photo"),), False,
                                               status, at))
        await uow.commit()
    sha = archive.put(f"photo of {made.number}: {text}".encode())
    async with engine.begin() as connection:  # the fetcher downloaded it
        await connection.execute(update(ArchiveItemRow).where(ArchiveItemRow.status != "stored").values(
            status="stored", sha256=sha, size=10))
    return made.id


async def rows(engine: AsyncEngine) -> dict[int, TicketRow]:
    async with engine.connect() as connection:
        return {r.id: r for r in (await connection.execute(select(TicketRow))).all()}


class TestRetentionPass:
    async def test_only_tickets_past_their_period_lose_identity_or_attachments(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore,
            deps: Deps) -> None:
        budi = await person(new_uow, 7001001, "Budi Santoso")
        old = await ticket(new_uow, engine, archive, budi, on(2024, 9))  # 26 months: identity and files
        middle = await ticket(new_uow, engine, archive, budi, on(2025, 8))  # 15 months: files only
        recent = await ticket(new_uow, engine, archive, budi, on(2026, 9))  # 2 months: everything kept
        active = await ticket(new_uow, engine, archive, budi, on(2023, 1), "in_followup")  # still handled: kept
        done = await retention.run(new_uow, deps)
        assert (done.identities, done.attachments) == (1, 2)
        after = await rows(engine)
        assert after[old].identity_erased_at is not None and after[old].person_id != budi
        assert after[middle].identity_erased_at is None and after[middle].person_id == budi
        assert after[middle].attachments_erased_at is not None and after[old].attachments_erased_at is not None
        for kept in (recent, active):
            assert after[kept].identity_erased_at is None and after[kept].attachments_erased_at is None
        async with engine.connect() as connection:
            stored = (await connection.execute(select(ArchiveItemRow))).all()
            person_row = (await connection.execute(select(PersonRow).where(PersonRow.id == budi))).one()
        assert len(stored) == 2  # the recent and the active ticket's photos
        assert person_row.name == "Budi Santoso" and person_row.telegram_id == 7001001  # open tickets: still named

    async def test_the_delivered_messages_that_carried_its_files_go_with_the_attachments_and_others_stay(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore,
            deps: Deps) -> None:
        """Found by ``outbox.op`` (migration 0023), written with each row: only file messages are read."""
        from storage.models import OutboxRow, TicketAttachmentRow

        budi = await person(new_uow, 7001001, "Budi Santoso")
        old = await ticket(new_uow, engine, archive, budi, on(2025, 8))  # 15 months: its files go
        recent = await ticket(new_uow, engine, archive, budi, on(2026, 9))  # kept
        async with engine.connect() as connection:
            photo = {r.ticket_id: (r.file_id, r.sha256) for r in (await connection.execute(
                select(TicketAttachmentRow.ticket_id, ArchiveItemRow.file_id, ArchiveItemRow.sha256).join(
                    ArchiveItemRow, ArchiveItemRow.ticket_attachment_id == TicketAttachmentRow.id))).all()}
        async with new_uow() as uow:  # an officer opened both photos from /show; and a text message
            sent = await uow.outbox.add_many([
                (-100, {"op": "send_file", "chat_id": -100, "file_type": "photo", "file_id": photo[old][0]}),
                (-100, {"op": "send_file", "chat_id": -100, "file_type": "photo", "file_id": None,
                        "sha256": photo[old][1], "file_name": "KEL-1.jpg"}),
                (-100, {"op": "send_file", "chat_id": -100, "file_type": "photo", "file_id": photo[recent][0]}),
                (-100, {"op": "send", "chat_id": -100, "text": photo[old][0]}),
            ], NOW)
            await uow.commit()
        async with engine.begin() as connection:
            await connection.execute(update(OutboxRow).values(status="sent"))
        async with engine.connect() as connection:
            ops = [r.op for r in (await connection.execute(select(OutboxRow).order_by(OutboxRow.id))).all()]
        assert ops == ["send_file", "send_file", "send_file", "send"]
        assert (await retention.run(new_uow, deps)).attachments == 1
        async with engine.connect() as connection:
            left = [r.id for r in (await connection.execute(select(OutboxRow).order_by(OutboxRow.id))).all()]
        assert left == sent[2:]

    async def test_a_pass_that_deleted_only_attachments_empties_sqlites_write_ahead_log_too(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore,
            deps: Deps) -> None:
        """Review: the attachments' rows (a caption "KTM Budi …") had older versions left in the WAL."""
        if engine.url.get_backend_name() != "sqlite":
            pytest.skip("SQLite's write-ahead log; PostgreSQL's old row versions go with vacuum")
        budi = await person(new_uow, 7001001, "Budi Santoso")
        await ticket(new_uow, engine, archive, budi, on(2025, 8), text="KTM Budi Santoso terlampir.")
        wal = f"{engine.url.database}-wal"
        assert await asyncio.to_thread(os.path.getsize, wal) > 0
        done = await retention.run(new_uow, deps)
        assert (done.identities, done.attachments) == (0, 1)
        assert await asyncio.to_thread(os.path.getsize, wal) == 0

    async def test_a_second_pass_does_nothing_and_zero_months_keeps_for_ever(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore,
            deps: Deps) -> None:
        budi = await person(new_uow, 7001001, "Budi Santoso")
        await ticket(new_uow, engine, archive, budi, on(2024, 1))
        assert (await retention.run(new_uow, replace(deps, retention_identity_months=0,
                                                     retention_attachments_months=0))).identities == 0
        first = await retention.run(new_uow, deps)
        second = await retention.run(new_uow, deps)
        assert (first.identities, first.attachments) == (1, 1) and (second.identities, second.attachments) == (0, 0)
        async with engine.connect() as connection:
            audit = (await connection.execute(select(AuditLogRow))).all()
        assert [(a.kind, a.detail["identities"], a.detail["attachments"]) for a in audit] == [("retention", 1, 1)]

    async def test_a_backlog_goes_in_batches_and_each_pass_is_logged(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore, deps: Deps,
            monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
        monkeypatch.setattr(retention, "BATCH", 2)
        for n in range(3):
            someone = await person(new_uow, 7001001 + n, f"Mahasiswa Nomor{n}")
            await ticket(new_uow, engine, archive, someone, on(2024, 1))
        with caplog.at_level(logging.INFO, logger="handlers.privacy.retention"):
            first = await retention.run(new_uow, deps)
            second = await retention.run(new_uow, deps)
        assert (first.identities, second.identities) == (2, 1)
        logged = [r.getMessage() for r in caplog.records if r.name == "handlers.privacy.retention"]
        # the identities' batch took two tickets' files; the attachments' own batch the third one's
        assert logged[0] == ("retention: identities erased from 2 tickets (2 persons emptied), 3 attachments and 3 "
                             "archived files deleted")
        assert logged[1].startswith("retention: identities erased from 1 tickets")
        assert all(r.identity_erased_at is not None for r in (await rows(engine)).values())

    async def test_a_pass_commits_chunk_by_chunk_each_with_its_audit_row(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore, deps: Deps,
            monkeypatch: pytest.MonkeyPatch) -> None:
        """One transaction for a whole batch held SQLite's write lock for seconds (docs/benchmarks.md §15)."""
        monkeypatch.setattr(retention, "CHUNK", 2)
        for n in range(5):
            someone = await person(new_uow, 7001001 + n, f"Mahasiswa Nomor{n}")
            await ticket(new_uow, engine, archive, someone, on(2024, 1))
        commits = 0
        real = SqlUnitOfWork.commit

        async def counted(self: SqlUnitOfWork) -> None:
            nonlocal commits
            commits += 1
            await real(self)

        monkeypatch.setattr(SqlUnitOfWork, "commit", counted)
        assert (await retention.run(new_uow, deps)).identities == 5
        async with engine.connect() as connection:
            audit = (await connection.execute(select(AuditLogRow).order_by(AuditLogRow.id))).all()
        assert [a.detail["identities"] for a in audit] == [2, 2, 1]
        # the pruning, three chunks of identities, one look for attachments due (none left), the sweep
        assert commits == 6

    async def test_the_due_pass_runs_retention_when_the_clock_moves_and_nothing_of_the_person_is_left(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, archive: ArchiveStore,
            deps: Deps) -> None:
        sri = await person(new_uow, TELEGRAM_ID, NAME)
        async with engine.begin() as connection:
            await connection.execute(update(PersonRow).where(PersonRow.id == sri).values(contact=PHONE))
        ticket_id = await ticket(new_uow, engine, archive, sri, NOW, text=f"Saya {NAME}, WA 0857-1234-5678.")
        async with new_uow() as uow:
            await uow.tickets.record(ticket_id, "complainant_message", actor_person_id=sri, at=NOW,
                                     params={"text": f"{NAME} lagi: tolong segera."})
            await uow.tickets.update(ticket_id, rating=2, rating_comment=f"Kecewa, {NAME}")
            raw = json.dumps({"message": {"from": {"id": TELEGRAM_ID}}})
            await uow.unhandled.add(77, NOW, "ptb", "unreadable", raw)
            await uow.commit()
        await run_once(new_uow, deps, NOW)
        assert await scan_database(engine, NEEDLES)  # closed today: all kept
        later = months_before(NOW, -25)
        await run_once(new_uow, replace(deps, clock=lambda: later), later)
        assert await scan_database(engine, NEEDLES) == []
        assert scan_files(archive.root, NEEDLES) == []
        async with engine.connect() as connection:
            emptied = (await connection.execute(select(PersonRow).where(PersonRow.id == sri))).one()
        assert emptied.telegram_id is None and emptied.contact is None and emptied.forgotten_at is not None


class TestMonthsBefore:
    def test_whole_calendar_months_back_and_the_end_of_a_shorter_month(self) -> None:
        assert months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
        assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 24) == datetime(2024, 1, 15, tzinfo=UTC)
        assert months_before(datetime(2026, 12, 5, tzinfo=UTC), 12) == datetime(2025, 12, 5, tzinfo=UTC)


class TestOutboxPruning:
    async def test_delivered_messages_older_than_the_setting_go_and_the_rest_stay(
            self, new_uow: Callable[[], SqlUnitOfWork], engine: AsyncEngine, deps: Deps) -> None:
        from storage.models import OutboxRow

        old, recent = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
        rows = [{"chat_id": 7000 + i, "payload": {"text": f"Halo Sri {i}"}, "status": status, "attempts": 1,
                 "not_before": at, "created_at": at, "priority": 1}
                for i, (status, at) in enumerate([("sent", old), ("cancelled", old), ("failed", old), ("pending", old),
                                                   ("sent", recent)])]
        async with engine.begin() as connection:
            await connection.execute(OutboxRow.__table__.insert(), rows)
        await retention.run(new_uow, replace(deps, outbox_keep_days=30))  # NOW is 2026-11-25: Oct 1 is 55 days ago
        async with engine.connect() as connection:
            left = {(r.status, r.not_before.month) for r in (await connection.execute(select(OutboxRow))).all()}
        assert left == {("failed", 10), ("pending", 10), ("sent", 11)}
        await retention.run(new_uow, replace(deps, outbox_keep_days=0))  # 0: kept for ever
        async with engine.connect() as connection:
            assert len((await connection.execute(select(OutboxRow))).all()) == 3
