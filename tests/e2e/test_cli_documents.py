"""``tanggap lk-pdf`` and ``tanggap export`` as the office runs them: files written from the bot's database, read
back (pypdf, openpyxl, the CSV's UTF-8 with BOM), and one clear line for an LK that does not exist."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.records import NewLk, NewTicket
from storage.uow import SqlUnitOfWork
from tests.e2e.test_cli import tanggap

pytestmark = pytest.mark.e2e
CREATED = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB


async def seed(url: str) -> None:
    """Three tickets (one anonymous), an LK linked to two of them awaiting approval."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
        async with SqlUnitOfWork(make_session_factory(engine)) as uow:
            officer = await uow.persons.ensure_telegram(9402, "Olivia Officer", "en")
            await uow.staff.grant(officer.id, "officer", by=None, at=CREATED)
            ids = []
            for n, name in enumerate(("Siti Rahma", "Budi", "Rina")):
                person = await uow.persons.ensure_telegram(5400 + n, name, "id")
                ticket = await uow.tickets.add(NewTicket(
                    "complaint", "telegram", person.id, "transcript", None, f"Transkrip saya belum terbit ({n})",
                    None, {}, (), n == 2, "in_followup", CREATED))
                ids.append(ticket.id)
            lk = await uow.lks.add(NewLk("nonconformity", "transcript", "SOP PM-BAPKM.AP.1-05",
                                         "Transkrip terlambat", "Tanda tangan dekan menumpuk", officer.id, CREATED,
                                         status="awaiting_approval"))
            await uow.lks.link(lk.id, ids[:2])
            await uow.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def office(tmp_path: Path, archive_in_tmp: Path) -> dict[str, str]:
    """The environment of ``tanggap`` on the office PC: the bot's database (seeded), its archive, no INFO log lines."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'tanggap.db'}"
    asyncio.run(seed(url))
    return {"DATABASE_URL": url, "ARCHIVE_DIR": str(archive_in_tmp), "LOG_LEVEL": "WARNING"}


def test_lk_pdf_writes_the_form_with_its_number_and_verification_code(tmp_path: Path, office: dict[str, str]
                                                                       ) -> None:
    out = tmp_path / "LK-2026-001.pdf"
    result = tanggap(["lk-pdf", "lk-2026-001", "--out", str(out), "--lang", "en"], tmp_path, **office)
    assert result.returncode == 0, result.stderr
    said = re.fullmatch(r"(.+): LK-2026-001, version 1, verification code (\S+)\n", result.stdout)
    assert said is not None and said[1] == str(out), result.stdout
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "LK-2026-001" in text and said[2] in text
    assert "Transkrip terlambat" in text and "KEL-2026-00001" in text and "KEL-2026-00002" in text

    again = tanggap(["lk-pdf", "LK-2026-001", "--out", str(tmp_path / "again.pdf")], tmp_path, **office)
    assert again.returncode == 0, again.stderr
    assert "LK-2026-001, version 1," in again.stdout  # the same content keeps its version
    assert PdfReader(tmp_path / "again.pdf").pages[0].extract_text().count("LK-2026-001") >= 1


def test_lk_pdf_of_an_unknown_lk_is_one_clear_line(tmp_path: Path, office: dict[str, str]) -> None:
    out = tmp_path / "none.pdf"
    result = tanggap(["lk-pdf", "LK-2026-009", "--out", str(out)], tmp_path, **office)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "LK-2026-009" in result.stderr
    assert not out.exists()


def test_export_writes_the_register_as_xlsx_and_as_csv(tmp_path: Path, office: dict[str, str]) -> None:
    xlsx = tmp_path / "register.xlsx"
    result = tanggap(["export", "--out", str(xlsx), "--from", "2026-11", "--to", "2026-11", "--lang", "en"],
                     tmp_path, **office)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Register written to {xlsx} (3 tickets, 1 LK, 0 actions).\n"
    book = openpyxl.load_workbook(xlsx, read_only=True)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        lks = list(book.worksheets[1].iter_rows(values_only=True))
    finally:
        book.close()
    assert [r[0] for r in rows[1:]] == ["KEL-2026-00001", "KEL-2026-00002", "KEL-2026-00003"]
    assert "Siti Rahma" in rows[1] and "Rina" not in rows[3] and "Anonymous" in rows[3]
    assert any(cell == "LK-2026-001" for cell in rows[1]) and lks[1][0] == "LK-2026-001"
    views = sqlite3.connect(office["DATABASE_URL"].split("///", 1)[1]).execute(
        "SELECT actor_id, ticket_id, place FROM audit_log WHERE kind = 'identity_view' ORDER BY ticket_id").fetchall()
    assert views == [(None, 1, "export_cli"), (None, 2, "export_cli")]  # the two names the file shows (issue 15)

    csv_out = tmp_path / "register.csv"
    result = tanggap(["export", "--csv", "--out", str(csv_out), "--from", "2026-12"], tmp_path, **office)
    assert result.returncode == 0 and "(0 tickets)" in result.stdout  # nothing received from December on
    result = tanggap(["export", "--csv", "--out", str(csv_out)], tmp_path, **office)
    assert result.returncode == 0 and "(3 tickets)" in result.stdout, result.stderr
    data = csv_out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))  # Indonesian: Excel's ";"
    assert [line[0] for line in lines[1:]] == ["KEL-2026-00001", "KEL-2026-00002", "KEL-2026-00003"]
    assert len(lines[0]) > 10 and lines[0][0] == "Nomor"


def test_export_into_a_folder_names_the_file_after_its_period_and_sep_picks_the_separator(
        tmp_path: Path, office: dict[str, str]) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = tanggap(["export", "--csv", "--sep", ",", "--out", str(folder)], tmp_path, **office)
    assert result.returncode == 0, result.stderr
    written = folder / "register-2026-11-02_2026-11-02.csv"  # no period asked: the days tickets were received
    assert [p.name for p in folder.iterdir()] == [written.name] and f"to {written} (3 tickets)" in result.stdout
    lines = list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["KEL-2026-00001", "KEL-2026-00002", "KEL-2026-00003"]


def test_export_with_a_date_it_cannot_read_is_one_clear_line(tmp_path: Path, office: dict[str, str]) -> None:
    result = tanggap(["export", "--out", str(tmp_path / "r.xlsx"), "--from", "last week"], tmp_path, **office)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "'last week'" in result.stderr
    missing = tmp_path / "no-such-folder" / "r.xlsx"  # found in a walk: a traceback
    result = tanggap(["export", "--out", str(missing)], tmp_path, **office)
    assert result.returncode == 2 and result.stderr == f"tanggap: the folder {missing.parent} does not exist: " \
                                                       "create it or choose another --out\n"
    named = tmp_path / "r.csv"  # found in a walk: an XLSX written into a .csv file
    result = tanggap(["export", "--out", str(named)], tmp_path, **office)
    assert result.returncode == 0 and named.read_bytes().startswith(b"\xef\xbb\xbf"), result.stderr
