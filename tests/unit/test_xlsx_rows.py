"""The register's row writer writes exactly the XML XlsxWriter's own cell calls write (so the file stays one Excel
opens as before), and what openpyxl reads back is the values given: text as text (formulas too), dates as dates."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter  # type: ignore[import-untyped]

from reports.xlsx_rows import DAY, EXCEL_DAY_ZERO, NUMBER, TEXT, RowWriter, column_letters, inline_text

KINDS = (TEXT, DAY, NUMBER, TEXT, TEXT, DAY, NUMBER)
ROWS: list[tuple[Any, ...]] = [
    ("KEL-2026-00001", date(2026, 11, 2), 20, "Transkrip belum terbit", "", None, -3),
    ('=HYPERLINK("http://evil","klik")', None, None, "a & b <c> \"d\"", "baris\nbaru", date(2024, 2, 29), 0),
    (" spasi di depan", date(1900, 3, 1), 4, "di belakang ", "kontrol \x01\x1f dan _x0041_", None, 5),
    ("\t-tab", None, None, "", None, None, None),  # a row of one cell
    (None, None, None, "", "", None, None),  # nothing: no row written, the next one keeps its number
    ("x" * 40000, None, 1, "emoji 😀 é", "\ufffe\uffff", date(2026, 12, 4), 1.5),
]


def new_book(path: Path) -> tuple[Any, Any, Any]:
    """A workbook as the register's, its sheet with a header row written, and its date format."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("Register")
    for col in range(len(KINDS)):
        sheet.write_string(0, col, f"header {col}", book.add_format({"bold": True}) if col == 0 else None)
    return book, sheet, day


def by_xlsxwriter(path: Path) -> None:
    book, sheet, day = new_book(path)
    for row, cells in enumerate(ROWS, start=1):
        for col, (kind, value) in enumerate(zip(KINDS, cells, strict=True)):
            if value is None or value == "":
                continue
            if kind == DAY:
                sheet.write_number(row, col, value.toordinal() - EXCEL_DAY_ZERO, day)
            elif kind == NUMBER:
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(ROWS), len(KINDS) - 1)
    book.close()


def by_row_writer(path: Path) -> None:
    book, sheet, day = new_book(path)
    rows = RowWriter(sheet, KINDS, day)
    for cells in ROWS:
        rows.write(cells)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows.row, len(KINDS) - 1)
    book.close()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}  # core: a timestamp


class TestRowWriter:
    def test_the_file_is_byte_for_byte_what_xlsxwriters_own_calls_make(self, tmp_path: Path) -> None:
        by_xlsxwriter(tmp_path / "own.xlsx")
        by_row_writer(tmp_path / "rows.xlsx")
        own, rows = parts(tmp_path / "own.xlsx"), parts(tmp_path / "rows.xlsx")
        assert set(own) == set(rows)
        for name in own:
            assert rows[name] == own[name], name
        assert b'<pane ySplit="1"' in rows["xl/worksheets/sheet1.xml"]  # the frozen header
        assert b"<autoFilter " in rows["xl/worksheets/sheet1.xml"]

    def test_values_read_back_as_given(self, tmp_path: Path) -> None:
        by_row_writer(tmp_path / "rows.xlsx")
        sheet = openpyxl.load_workbook(tmp_path / "rows.xlsx").worksheets[0]
        first, injection, spaces = (sheet[i] for i in (2, 3, 4))
        assert [c.value for c in first] == ["KEL-2026-00001", datetime(2026, 11, 2), 20, "Transkrip belum terbit",
                                            None, None, -3]
        assert injection[0].value == '=HYPERLINK("http://evil","klik")' and injection[0].data_type == "s"
        assert injection[3].value == 'a & b <c> "d"' and injection[4].value == "baris\nbaru"
        assert injection[5].value == datetime(2024, 2, 29) and injection[5].number_format == "yyyy-mm-dd"
        assert spaces[0].value == " spasi di depan" and spaces[3].value == "di belakang "
        assert spaces[1].value == datetime(1900, 3, 1)
        assert sheet.cell(row=5, column=1).value == "\t-tab"
        assert all(c.value is None for c in sheet[6])  # the empty row
        last = sheet[7]
        assert last[0].value == "x" * 32767  # Excel's longest text, as XlsxWriter truncates
        assert last[3].value == "emoji 😀 é" and last[6].value == 1.5


class TestInlineText:
    @pytest.mark.parametrize(("text", "xml"), [
        ("plain", "<t>plain</t>"),
        ("a<b>&c", "<t>a&lt;b&gt;&amp;c</t>"),
        (" edge", '<t xml:space="preserve"> edge</t>'),
        ("bell\x07", "<t>bell_x0007_</t>"),
        ("_x0041_", "<t>_x005F_x0041_</t>"),
    ])
    def test_escapes_as_xlsxwriter(self, text: str, xml: str) -> None:
        assert inline_text(text) == xml


def test_column_letters() -> None:
    assert [column_letters(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_a_workbook_without_constant_memory_is_refused(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    try:
        with pytest.raises(ValueError, match="constant_memory"):
            RowWriter(book.add_worksheet(), KINDS, book.add_format())
    finally:
        book.close()
