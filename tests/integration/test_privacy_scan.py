"""The scan issue 15's tests rely on finds what it must: a name in a JSON column, a Telegram id inside a text, a name
drawn into a PDF with the forms' font (glyph ids, compressed), a workbook's cell, case ignored; and a clean database
gives nothing."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xlsxwriter
from fpdf import FPDF
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from reports.lk_pdf import FONTS
from storage.models import AuditLogRow, PersonRow
from tests.privacy_scan import identity_needles, scan_bytes, scan_database, scan_files

NEEDLES = identity_needles(name="Budi Santoso", username="@budi_s", contact="0812-3456-7890", telegram_id=70012345)


def test_needles_are_the_name_its_parts_the_username_the_contact_and_the_id() -> None:
    assert NEEDLES == ["Budi Santoso", "Budi", "Santoso", "budi_s", "@budi_s", "0812-3456-7890", "70012345"]
    with pytest.raises(ValueError, match="too short"):
        scan_bytes(b"x", ["ab"], "x")


async def test_the_database_scan_reads_every_text_and_json_column(engine: AsyncEngine) -> None:
    assert await scan_database(engine, NEEDLES) == []
    now = datetime(2026, 12, 4, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.execute(insert(PersonRow), [{"name": "Someone Else", "created_at": now}])
        await connection.execute(insert(AuditLogRow), [{"at": now, "kind": "x", "detail": {"said": "to SANTOSO"}}])
    hits = await scan_database(engine, NEEDLES)
    assert [(h.where.split("[")[0], h.needle) for h in hits] == [("audit_log.detail", "Santoso")]


def test_files_are_read_as_what_they_are(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.cell(0, 10, "Pelapor: Budi Santoso")
    (tmp_path / "form.pdf").write_bytes(bytes(pdf.output()))
    assert b"Santoso" not in (tmp_path / "form.pdf").read_bytes()  # the bytes alone would not show it
    book_bytes = io.BytesIO()
    book = xlsxwriter.Workbook(book_bytes, {"in_memory": True})
    book.add_worksheet().write(0, 0, "id 70012345")
    book.close()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "register.xlsx").write_bytes(book_bytes.getvalue())
    (tmp_path / "note.txt").write_text("written by @BUDI_S", encoding="utf-16")
    (tmp_path / "clean.txt").write_text("nothing here")
    found = {(Path(h.where).name, h.needle) for h in scan_files(tmp_path, NEEDLES)}
    assert found == {("form.pdf", "Budi Santoso"), ("form.pdf", "Budi"), ("form.pdf", "Santoso"),
                     ("register.xlsx", "70012345"), ("note.txt", "Budi"), ("note.txt", "budi_s"),
                     ("note.txt", "@budi_s")}


def test_a_pdfs_own_bookkeeping_is_no_hit_but_its_metadata_is() -> None:
    """CI: a four-digit Telegram id matched the random /ID in a PDF's trailer; its cross-reference offsets are
    digits too. The author and title in the file's metadata are still read."""
    from tests.privacy_scan import scan_bytes

    pdf = FPDF()
    pdf.set_author("Budi Santoso")
    pdf.add_page()
    data = bytes(pdf.output())
    trailer = data[data.rindex(b"trailer"):]
    planted = data.replace(trailer, re.sub(rb"/ID \[<[0-9A-F]+>", b"/ID [<D4573BE0BA1DAF7F56F15001FC7B6801>",
                                           trailer), 1)
    assert b"5001" in planted and b"/ID [<D4573BE0BA1DAF7F56F15001" in planted
    assert {h.needle for h in scan_bytes(planted, ["5001", "Budi Santoso"], "form.pdf")} == {"Budi Santoso"}
