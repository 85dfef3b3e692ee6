"""Rows of an XlsxWriter worksheet written as one XML string each — the register's 100,000 rows at a fraction of the
cost of XlsxWriter's per-cell calls (issue 13 §3).

XlsxWriter is pure Python: each ``write_string``/``write_number`` goes through argument conversion, a bounds check,
a cell tuple, then, when the row is complete, attribute lists, three regular expressions and a file write per cell
(~0.1 ms per 16-cell row, more than half of the register's CPU). A register row has fixed columns of three kinds
(text, day, number), so :class:`RowWriter` builds the row's ``<row>`` element itself — exactly the XML XlsxWriter
writes in ``constant_memory`` mode: in-line strings, ``r`` references, the same escapes (``&<>``, control
characters as ``_xHHHH_``, ``xml:space="preserve"`` for edge whitespace, 32,767 UTF-16 units at most) — and appends
it to the worksheet's row file. Everything else (the workbook, styles, header, column widths, frozen pane,
autofilter, the ZIP) is still XlsxWriter's.

It relies on two things of XlsxWriter's ``constant_memory`` mode that are not public API (checked against XlsxWriter
3.2; ``tests/unit/test_xlsx_rows.py`` compares its rows with XlsxWriter's own and fails if they drift): the
worksheet's rows go to its file handle ``fh`` until the workbook is closed, and ``_check_dimensions`` records the
sheet's extent; ``_write_single_row`` flushes the header row XlsxWriter holds before the first raw row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

TEXT, DAY, NUMBER = "text", "day", "number"
EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()
"""Excel's day 0 in the 1900 date system: a date is written as its serial number (right from March 1900 on) with a
date format, which is what XlsxWriter's ``write_datetime`` does after more work per cell."""
MAX_UNITS = 32767
"""Excel's longest cell text, in UTF-16 units (XlsxWriter truncates to it too)."""

_PLAIN_NOT = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
"""What makes a text need more than being put between ``<t>`` tags (nearly no register text does)."""
_ESCAPED_LOOKALIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")


def column_letters(index: int) -> str:
    """``A`` for column 0, ``Z`` for 25, ``AA`` for 26 …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def inline_text(text: str) -> str:
    """The ``<is>`` content of an in-line string cell, as XlsxWriter writes it."""
    if _PLAIN_NOT.search(text) is None and len(text) <= MAX_UNITS // 2:
        return f"<t>{text}</t>"
    if len(text) > MAX_UNITS // 2 and len(text.encode("utf-16-le")) // 2 > MAX_UNITS:
        text = text.encode("utf-16-le")[: MAX_UNITS * 2].decode("utf-16-le", errors="ignore")
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F\1", text)  # a literal "_x0041_" must not read as an escape
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{space}>{text}</t>"


class RowWriter:
    """Rows after the header of one ``constant_memory`` worksheet, each cell's kind fixed by its column: text (an
    in-line string — never a formula), day (a date as its serial number with ``day_format``) or number. Empty
    cells (None or "") are left out. Write the header with XlsxWriter first, then only rows through this."""

    def __init__(self, sheet: Any, kinds: Sequence[str], day_format: Any) -> None:
        if not sheet.constant_memory:
            raise ValueError("RowWriter needs a worksheet of a constant_memory workbook")
        self.sheet = sheet
        self.kinds = tuple(kinds)
        self.letters = tuple(column_letters(i) for i in range(len(self.kinds)))
        self.day_format = day_format
        self.day = 0  # its index among the workbook's formats: taken once the header is out, as XlsxWriter does
        self.row = 0  # the header's
        self.started = False

    def write(self, cells: Sequence[Any]) -> None:
        """The next row (0-based index ``self.row + 1``), its cells in column order."""
        sheet = self.sheet
        if not self.started:  # XlsxWriter still holds the header row: have it written out first
            sheet._write_single_row(self.row + 1)
            self.day = self.day_format._get_xf_index()
            self.started = True
        self.row += 1
        r = self.row + 1
        day, plain_not = self.day, _PLAIN_NOT.search
        parts = [f'<row r="{r}">']
        for letter, kind, value in zip(self.letters, self.kinds, cells, strict=True):
            if value is None or value == "":
                continue
            if kind == TEXT:
                text = value if isinstance(value, str) else str(value)
                if plain_not(text) is None and len(text) <= MAX_UNITS // 2:  # the usual case, inline_text's first
                    parts.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{text}</t></is></c>')
                else:
                    parts.append(f'<c r="{letter}{r}" t="inlineStr"><is>{inline_text(text)}</is></c>')
            elif kind == DAY:
                parts.append(f'<c r="{letter}{r}" s="{day}"><v>{value.toordinal() - EXCEL_DAY_ZERO}</v></c>')
            else:
                parts.append(f'<c r="{letter}{r}"><v>{value:.16G}</v></c>')
        if len(parts) == 1:
            return  # nothing to show: XlsxWriter writes no row either
        # the columns' extent is the header's; the rows' grows here
        if sheet._check_dimensions(self.row, 0) == -1:
            raise ValueError(f"row {r} is past the worksheet's last row ({sheet.xls_rowmax})")
        parts.append("</row>")
        sheet.fh.write("".join(parts))
