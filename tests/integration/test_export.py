"""The register export: what the spreadsheet holds when read back (openpyxl), the CSV in Excel's encoding, and
/export's answers, job, progress edits and file — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

import openpyxl
import pytest

from bot.port import BotPort
from bot.runner import Runner
from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue, ServiceHandling, standard_times
from domain.vocabulary import Role
from handlers.events import InboundUpdate, IncomingMessage
from handlers.export import write_register
from handlers.export_jobs import run_pending
from storage.archive import ArchiveStore
from storage.records import NewAction, NewLk, NewTicket, RegisterFilter
from storage.uow import SqlUnitOfWork
from tests.integration.desk import NOW, Desk

HOLIDAY = date(2026, 11, 4)  # a Wednesday
RECEIVED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
INJECTION = '=HYPERLINK("http://evil","klik")'
OFFICER_ID = 7001


def new_ticket(person_id: int | None, description: str, *, anonymous: bool = False,
               created_at: datetime = RECEIVED) -> NewTicket:
    return NewTicket("complaint", "telegram", person_id, "transcript", None, description, None, {}, (), anonymous,
                     "received", created_at)


def working_days_by_hand(start: date, end: date) -> int:
    """Working days from ``start`` to ``end`` (signed), counted one day at a time, the holiday skipped."""
    step = 1 if end >= start else -1
    count, day = 0, start
    while day != end:
        day += timedelta(days=step)
        if day.weekday() < 5 and day != HOLIDAY:
            count += step
    return count


@pytest.fixture
def desk(new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> Desk:
    desk = Desk(new_uow, calendar=WorkingCalendar(frozenset({HOLIDAY})))
    object.__setattr__(desk.deps, "archive", ArchiveStore(tmp_path / "archive"))
    return desk


async def seed(new_uow: Callable[[], SqlUnitOfWork]) -> dict[str, str]:
    async with new_uow() as uow:
        named = await uow.persons.ensure_telegram(1001, "Siti Rahma")
        hidden = await uow.persons.ensure_telegram(1002, "Budi Rahasia")
        officer = await uow.persons.ensure_telegram(OFFICER_ID, "Olivia")
        await uow.staff.grant(officer.id, Role.OFFICER.value, by=None, at=NOW)
        a = await uow.tickets.add(new_ticket(named.id, "Transkrip belum terbit"))
        b = await uow.tickets.add(new_ticket(hidden.id, "Nama saya jangan disebut", anonymous=True))
        c = await uow.tickets.add(new_ticket(named.id, INJECTION))
        await uow.tickets.set_status(a.id, "in_followup", actor_person_id=officer.id, at=NOW, code="verdict")
        await uow.tickets.set_status(a.id, "closed", actor_person_id=officer.id, at=NOW, code="closed")
        await uow.tickets.update(a.id, resolved_at=datetime(2026, 11, 20, 5, 0, tzinfo=UTC),
                                 assigned_to=officer.id, rating=4, rating_comment="-cepat", rated_at=NOW)
        await uow.commit()
    return {"named": a.number, "anonymous": b.number, "injection": c.number}


def rows_of(path: Path, sheet: int = 0) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    return [tuple(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


class TestRegisterFile:
    async def test_one_row_per_ticket_with_dates_as_dates_and_the_margin_over_a_holiday(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        numbers = await seed(new_uow)
        path = tmp_path / "register.xlsx"
        written = await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en")
        rows = rows_of(path)
        header, body = rows[0], rows[1:]
        assert written.tickets == 3
        assert [r[0] for r in body] == [numbers["named"], numbers["anonymous"], numbers["injection"]]
        closed = dict(zip(header, body[0], strict=True))
        assert closed["Received"] == datetime(2026, 11, 2)
        assert closed["Concluded"] == datetime(2026, 11, 20)
        days = standard_times("transcript", desk.deps.catalogue, desk.deps.standard_times).close
        deadline = desk.deps.calendar.add_working_days(date(2026, 11, 2), days)
        assert closed["Standard time to close (working days)"] == days
        assert closed["Margin to that deadline (working days)"] == working_days_by_hand(date(2026, 11, 20), deadline)
        assert closed["Officer"] == "Olivia"
        assert closed["Verdict"] == "nonconformity"  # the verdict, not the status it led to (found in a walk)
        assert closed["Complainant"] == "Siti Rahma"
        assert closed["Rating"] == 4
        ratings = rows_of(path, 3)
        assert ratings[1][0] == numbers["named"] and ratings[1][4] == "-cepat"

    async def test_a_formula_in_a_description_stays_text(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        await seed(new_uow)
        path = tmp_path / "register.xlsx"
        await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en")
        book = openpyxl.load_workbook(path)
        cell = book.worksheets[0].cell(row=4, column=7)
        assert cell.value == INJECTION and cell.data_type == "s"

    async def test_an_anonymous_ticket_shows_no_name_anywhere(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        await seed(new_uow)
        for csv_format, name in ((False, "r.xlsx"), (True, "r.csv")):
            path = tmp_path / name
            await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en", csv_format=csv_format)
            if csv_format:
                text = path.read_text(encoding="utf-8-sig")
            else:
                text = repr([rows_of(path, i) for i in range(5)])
            assert "Budi" not in text and "Anonymous" in text

    async def test_the_csv_is_utf8_with_bom_and_formulas_are_quoted(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        await seed(new_uow)
        path = tmp_path / "register.csv"
        await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en", csv_format=True)
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        assert "'" + INJECTION.replace('"', '""') in text
        assert "2026-11-02" in text


    async def test_each_service_has_its_own_standard_time_and_the_default_only_without_one(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        """Found in a walk: every ticket showed 20 working days. The shipped catalogue sets no service's ``close``,
        so 20 (CLOSE_DAYS) is what each has; a service that sets its own gets it."""
        own = replace(desk.deps.catalogue.get("transcript"), handling=ServiceHandling(close=7))
        object.__setattr__(desk.deps, "catalogue", Catalogue(tuple(
            own if s.code == "transcript" else s for s in desk.deps.catalogue)))
        await seed(new_uow)
        async with new_uow() as uow:
            await uow.tickets.add(replace(new_ticket(None, "Legalisir lama"), service_code="legalisation"))
            await uow.commit()
        path = tmp_path / "register.xlsx"
        await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en")
        header, *body = rows_of(path)
        days = {row[0]: dict(zip(header, row, strict=True))["Standard time to close (working days)"] for row in body}
        assert sorted(days.values()) == [7, 7, 7, desk.deps.standard_times.close]

    async def test_the_actions_sheet_has_each_actions_number_round_and_status(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        await seed(new_uow)
        async with new_uow() as uow:
            officer = await uow.persons.get_by_telegram_id(OFFICER_ID)
            assert officer is not None
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP 1", "Late", "No deputy", officer.id,
                                         RECEIVED))
            first = await uow.lks.add_action(NewAction(lk.id, "correction", "Issue it", officer.id, date(2026, 11, 5),
                                                       1, RECEIVED))
            second = await uow.lks.add_action(NewAction(lk.id, "preventive", "Deputies", None, date(2026, 11, 30), 2,
                                                        RECEIVED, owner_name="Bagian Umum"))
            await uow.lks.complete_action(first.id, by=officer.id, at=RECEIVED + timedelta(days=1),
                                          evidence_text="done")
            await uow.commit()
        path = tmp_path / "register.xlsx"
        await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en")
        header, *body = rows_of(path, 2)
        assert header[:3] == ("LK", "Action no.", "Round") and "Status" in header
        rows = [dict(zip(header, row, strict=True)) for row in body]
        assert [(r["LK"], r["Action no."], r["Round"], r["Status"], r["Owner"]) for r in rows] == [
            (lk.number, first.id, 1, "done", "Olivia"), (lk.number, second.id, 2, "open", "Bagian Umum")]

    async def test_the_csv_separator_follows_the_language_or_the_callers_choice(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        """Excel set to Indonesian splits a CSV on ";" (its decimal mark is the comma): a "," file opened as one
        column there."""
        await seed(new_uow)
        for locale, separator, expected in (("id", None, ";"), ("en", None, ","), ("id", ",", ",")):
            path = tmp_path / f"register-{locale}-{separator}.csv"
            await write_register(new_uow, desk.deps, RegisterFilter(), path, locale=locale, csv_format=True,
                                 separator=separator)
            raw = path.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf")
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=expected))
            assert len(rows) == 4 and len(set(map(len, rows))) == 1 and len(rows[0]) > 10, (locale, separator)


class TestExportCommand:
    async def test_bad_dates_get_the_usage_line(self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        await seed(new_uow)
        officer = desk.user(OFFICER_ID, "Olivia")
        for words in ("2026-13", "2026-02-30", "2026-12 2026-11", "kemarin-lusa 2026-99-01", "31-02-2026", "13-2026"):
            [reply] = await desk.say(officer, f"/export {words}")
            assert "/export [from] [to]" in reply, words

    async def test_an_empty_period_says_so_and_sends_nothing(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        await seed(new_uow)
        payloads = await desk.payloads(desk.user(OFFICER_ID, "Olivia"), "/export 2025-01")
        assert [p["op"] for p in payloads] == ["send"]
        assert "nothing to export" in payloads[0]["text"]
        assert await run_pending(new_uow, desk.deps) == 0

    async def test_a_queued_export_wakes_the_export_runner_after_its_commit(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        """The bot's runner wakes its export runner at once (else the job waits for its next look, up to 2 s); not
        for an /export that queued nothing. The port is never used: no button to answer."""
        await seed(new_uow)
        runner = Runner(cast(BotPort, object()), new_uow, desk.deps)
        woken: list[str] = []
        runner.export_queued = lambda: woken.append("export runner")
        officer = desk.user(OFFICER_ID, "Olivia")
        for update_id, text in ((9001, "/export 2025-01"), (9002, "/export 2026-13"), (9003, "/export 2026-11")):
            done = await runner.handle(InboundUpdate(update_id, IncomingMessage(OFFICER_ID, officer, update_id, text,
                                                                                private=True)))
            assert done.export_queued is (update_id == 9003), text
        assert woken == ["export runner"]
        async with new_uow() as uow:
            assert len(await uow.register.unfinished_jobs()) == 1

    async def test_the_job_edits_its_progress_message_and_sends_the_archived_file(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("handlers.export.CHUNK", 1)  # a chunk per row: progress after each
        await seed(new_uow)
        [reply] = await desk.payloads(desk.user(OFFICER_ID, "Olivia"), "/export 2026-11")
        assert reply["progress_of"] and "0 %" in reply["text"]
        async with new_uow() as uow:
            [job] = await uow.register.unfinished_jobs()
            await uow.register.update_job(job.id, message_id=555)  # as the notifier records it when sent
            await uow.commit()
        assert await run_pending(new_uow, desk.deps, edit_every=0.0) == 1
        queued = await desk.deliver_due()
        edits = [p for p in queued if p["op"] == "edit_progress"]
        [file] = [p for p in queued if p["op"] == "send_file"]
        assert edits and edits[-1]["text"].startswith("The register is ready")
        assert file["file_name"] == "register-2026-11.xlsx"
        assert desk.deps.archive.has(file["sha256"])

        async with new_uow() as uow:
            done = await uow.register.get_job(job.id)
        assert done is not None and done.status == "done" and done.file_sha256 == file["sha256"]

    async def test_the_file_is_named_after_the_period_asked_or_the_datas_span(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        """Found in a walk: "/export" alone sent "register.xlsx", which says nothing of what it holds."""
        await seed(new_uow)
        async with new_uow() as uow:
            await uow.tickets.add(new_ticket(None, "Later", created_at=datetime(2026, 11, 27, 20, 0, tzinfo=UTC)))
            await uow.commit()
        officer = desk.user(OFFICER_ID, "Olivia")
        for words, name in (("", "register-2026-11-02_2026-11-28.xlsx"),  # 20:00 UTC is the 28th in WIB
                            ("2026-11-01", "register-2026-11-01_2026-11-28.xlsx"),
                            ("2026-10 2026-11 csv", "register-2026-10-01_2026-11-30.csv"),
                            # found in a walk: every other date the bot asks for is DD-MM-YYYY, and this refused it
                            ("01-11-2026", "register-2026-11-01_2026-11-28.xlsx"),
                            ("10-2026 30/11/2026 csv", "register-2026-10-01_2026-11-30.csv")):
            await desk.payloads(officer, f"/export {words}".strip())
            assert await run_pending(new_uow, desk.deps) == 1
            [file] = [p for p in await desk.deliver_due() if p["op"] == "send_file"]
            assert file["file_name"] == name, words

    async def test_a_job_left_running_is_started_again(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork]) -> None:
        await seed(new_uow)
        await desk.payloads(desk.user(OFFICER_ID, "Olivia"), "/export 2026-11 csv")
        async with new_uow() as uow:
            [job] = await uow.register.unfinished_jobs()
            await uow.register.update_job(job.id, status="running", attempts=1)  # a process stopped mid-way
            await uow.commit()
        assert await run_pending(new_uow, desk.deps) == 1
        async with new_uow() as uow:
            done = await uow.register.get_job(job.id)
        assert done is not None and done.status == "done" and done.attempts == 2
        assert done.file_name == "register-2026-11.csv"
        [file] = [p for p in await desk.deliver_due() if p["op"] == "send_file"]
        assert file["caption"].startswith("Register (CSV, tickets only): ")  # found in a walk: it said "0 LK"
        assert " LK" not in file["caption"]


class TestIdentityLevels:
    """Issue 15: the register names named complainants only, and each name it shows is one audit row."""

    async def test_confidential_reads_as_its_label_and_the_jobs_file_records_one_view_per_name(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        numbers = await seed(new_uow)
        async with new_uow() as uow:
            secret = await uow.persons.ensure_telegram(1003, "Zulkarnain Wibisono")
            ticket = await uow.tickets.add(replace(new_ticket(secret.id, "Rahasiakan nama saya"),
                                                   identity_level="confidential"))
            await uow.commit()
        path = tmp_path / "register.xlsx"
        await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en")
        by_number = {row[0]: row for row in rows_of(path)[1:]}
        assert "Confidential" in by_number[ticket.number] and "Anonymous" in by_number[numbers["anonymous"]]
        assert "Zulkarnain" not in repr(rows_of(path)) and "Budi" not in repr(rows_of(path))

        await desk.payloads(desk.user(OFFICER_ID, "Olivia"), "/export")
        assert await run_pending(new_uow, desk.deps, edit_every=0.0) == 1
        async with new_uow() as uow:
            views = await uow.audit.listed(kinds=["identity_view"])
            officer = await uow.persons.get_by_telegram_id(OFFICER_ID)
            siti = [await uow.tickets.get_by_number(numbers[k]) for k in ("named", "injection")]
        # "named" and "injection" are Siti Rahma's: one row each; the anonymous and the confidential ones none
        assert sorted(v.ticket_id or 0 for v in views) == sorted(t.id for t in siti if t is not None)
        assert {v.place for v in views} == {"export"}
        assert officer is not None and {v.actor_id for v in views} == {officer.id}

    async def test_a_protected_complainants_own_identifiers_are_masked_in_the_description_and_comment(
            self, desk: Desk, new_uow: Callable[[], SqlUnitOfWork], tmp_path: Path) -> None:
        """Found in a walk: a confidential complainant who signs "Terima kasih, Siti" was named in the register by
        their own words. A named ticket's text is left as it was written."""
        async with new_uow() as uow:
            secret = await uow.persons.ensure_telegram(1003, "Zulkarnain Wibisono")
            said = ("Saya Zulkarnain (NRP 5025201234), hubungi 0812-3456-7890 atau zul@its.ac.id. "
                    "Transkrip belum terbit.")
            # the third walk: a name corrected afterwards left "[…] Wibisono" in the register, the old one unknown
            await uow.persons.correct(secret.id, NOW, name="Zulkarnain Putra")
            ticket = await uow.tickets.add(replace(new_ticket(secret.id, said), identity_level="confidential"))
            await uow.tickets.update(ticket.id, rating=2, rating_comment="Terima kasih, Zulkarnain Wibisono")
            named = await uow.persons.ensure_telegram(1004, "Budi Santoso")
            open_ = await uow.tickets.add(new_ticket(named.id, "Saya Budi Santoso, 081298765432."))
            await uow.commit()
        path = tmp_path / "register.xlsx"
        await write_register(new_uow, desk.deps, RegisterFilter(), path, locale="en")
        book = openpyxl.load_workbook(path)  # the tickets' sheet and the ratings' sheet
        row = repr([r for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) if r[0] == ticket.number])
        by_number = {row[0]: row for row in rows_of(path)[1:]}
        for needle in ("Zulkarnain", "Wibisono", "5025201234", "0812-3456-7890", "zul@its.ac.id"):
            assert needle not in row, needle
        assert "Transkrip belum terbit" in row and "Terima kasih, […]" in row and "Saya […] (NRP […])" in row
        assert "Saya Budi Santoso, 081298765432." in repr(by_number[open_.number])

