"""The register (Rekapitulasi) as a spreadsheet: rows in, an XLSX or a CSV file out (``reference/lk-form.md``).

Pure: plain dataclasses in, a file out; no database, no Telegram. Rows are written as they come (XlsxWriter's
``constant_memory`` flushes each row to disk), so a register of any length takes the same memory: there is no row
cap. The caller streams rows sheet by sheet in any interleaving, each sheet's rows in order.

- XLSX: sheets Register (one row per ticket), LK, actions, ratings, and totals per month (received, concluded, open
  at the month's end — the paper register's recap). Frozen header, autofilter, dates as dates, column widths.
- CSV: the ticket register only — a CSV holds one table, and the bot sends one file; the other sheets are in the
  XLSX. UTF-8 with a BOM, which Excel needs to read Indonesian text right; the list separator is ``;`` for an
  Indonesian export (Excel set to Indonesian splits on ``;``, its decimal mark being the comma) and ``,`` for
  English, unless the caller chooses (``tanggap export --sep``).

Text never becomes a formula: the XLSX writes every text cell as a string (``strings_to_formulas`` off as well);
the CSV prefixes a text cell starting with ``= + - @``, a tab or a CR with ``'``, as spreadsheets expect.
Labels (sheet names, headers) come through the ``gettext`` passed in; values arrive already in the reader's words.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from reports.xlsx_rows import DAY, NUMBER, TEXT, RowWriter

Gettext = Callable[[str], str]
DESCRIPTION_CHARS = 200
"""A description is shortened to this many characters in the register (the LK holds it whole)."""
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet would read as the start of a formula (or a cell it splits) when a CSV cell begins with it."""


def N_(message: str) -> str:
    """Mark a label for extraction (``pybabel -k N_``); it is translated when the sheet is written."""
    return message


@dataclass(frozen=True)
class TicketLine:
    """One ticket of the register. ``complainant``: the name, or the word for anonymous — never the name of an
    anonymous ticket. ``margin_days``: working days to spare before the standard time ran out (negative: late)."""

    number: str
    received_on: date
    channel: str
    service: str
    kind: str
    complainant: str
    description: str
    status: str
    officer: str
    verdict: str
    lk_numbers: str
    confirmed_on: date | None
    standard_days: int | None
    margin_days: int | None
    closed_on: date | None
    rating: int | None
    rated_on: date | None = None
    rating_comment: str = ""
    concluded: bool = False
    complaint: bool = True


@dataclass(frozen=True)
class LkLine:
    """One LK (Laporan Ketidaksesuaian) or improvement programme."""

    number: str
    service: str
    status: str
    tickets: str
    opened_on: date
    checked_on: date | None
    approved_on: date | None
    closed_on: date | None
    effective: str
    round: int


@dataclass(frozen=True)
class ActionLine:
    """One action of an LK's follow-up programme (tindakan). ``number``: the action's number as the LK form and the
    chat show it (``#12``); ``round``: the LK's round it belongs to; ``days_late``: working days after its due date
    it was done (or, still open, is by now); 0 when on time."""

    lk_number: str
    kind: str
    description: str
    owner: str
    due_on: date
    done_on: date | None
    days_late: int
    number: int = 0
    round: int = 1
    status: str = ""


Column = tuple[str, str, int]  # label, kind, width
TICKET_COLUMNS: tuple[Column, ...] = (
    (N_("Number"), TEXT, 16), (N_("Received"), DAY, 11), (N_("Channel"), TEXT, 12), (N_("Service"), TEXT, 28),
    (N_("Kind"), TEXT, 9), (N_("Complainant"), TEXT, 18), (N_("Description"), TEXT, 50), (N_("Status"), TEXT, 16),
    (N_("Officer"), TEXT, 18), (N_("Verdict"), TEXT, 16), (N_("LK"), TEXT, 13), (N_("Confirmed"), DAY, 11),
    (N_("Standard time to close (working days)"), NUMBER, 10),
    (N_("Margin to that deadline (working days)"), NUMBER, 10),
    (N_("Concluded"), DAY, 11), (N_("Rating"), NUMBER, 7),
)
LK_COLUMNS: tuple[Column, ...] = (
    (N_("LK"), TEXT, 13), (N_("Service"), TEXT, 28), (N_("Status"), TEXT, 18), (N_("Tickets"), TEXT, 30),
    (N_("Opened"), DAY, 11), (N_("Checked"), DAY, 11), (N_("Approved"), DAY, 11), (N_("Closed"), DAY, 11),
    (N_("Effectiveness"), TEXT, 14), (N_("Round"), NUMBER, 7),
)
ACTION_COLUMNS: tuple[Column, ...] = (
    (N_("LK"), TEXT, 13), (N_("Action no."), NUMBER, 8), (N_("Round"), NUMBER, 7), (N_("Kind"), TEXT, 18),
    (N_("Action"), TEXT, 50), (N_("Owner"), TEXT, 20), (N_("Due"), DAY, 11), (N_("Done"), DAY, 11),
    (N_("Status"), TEXT, 10), (N_("Days late"), NUMBER, 9),
)
RATING_COLUMNS: tuple[Column, ...] = (
    (N_("Number"), TEXT, 16), (N_("Service"), TEXT, 28), (N_("Rated"), DAY, 11), (N_("Rating"), NUMBER, 7),
    (N_("Comment"), TEXT, 60),
)
TOTAL_COLUMNS: tuple[Column, ...] = (
    (N_("Month"), TEXT, 9), (N_("Received"), NUMBER, 10), (N_("Complaints"), NUMBER, 10),
    (N_("Suggestions"), NUMBER, 10), (N_("Concluded"), NUMBER, 10), (N_("Open at the month's end"), NUMBER, 12),
)
SHEETS = {"tickets": N_("Register"), "lks": N_("LK"), "actions": N_("Actions"), "ratings": N_("Ratings"),
          "totals": N_("Totals per month")}


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """One line of at most ``limit`` characters, ending in "…" when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def csv_safe(value: str) -> str:
    """A CSV text cell a spreadsheet shows as text: one starting like a formula gets a leading ``'``."""
    return "'" + value if value.startswith(DANGEROUS) else value


def ticket_cells(t: TicketLine) -> tuple[Any, ...]:
    return (t.number, t.received_on, t.channel, t.service, t.kind, t.complainant, shorten(t.description), t.status,
            t.officer, t.verdict, t.lk_numbers, t.confirmed_on, t.standard_days, t.margin_days, t.closed_on, t.rating)


class _Totals:
    """Received and concluded tickets per month (``YYYY-MM``), gathered while the tickets stream past."""

    def __init__(self) -> None:
        self.received: dict[str, list[int]] = {}  # month → [all, complaints, suggestions]
        self.concluded: dict[str, int] = {}

    def add(self, line: TicketLine) -> None:
        received = line.received_on
        counts = self.received.setdefault(f"{received.year:04d}-{received.month:02d}", [0, 0, 0])
        counts[0] += 1
        counts[1 if line.complaint else 2] += 1
        closed = line.closed_on
        if line.concluded and closed is not None:
            month = f"{closed.year:04d}-{closed.month:02d}"
            self.concluded[month] = self.concluded.get(month, 0) + 1

    def rows(self) -> list[tuple[str, int, int, int, int, int]]:
        """One row per month from the first to the last seen; "open" counts every ticket received by the month's
        end and not concluded by then (tickets of the export's filter only)."""
        months = sorted(set(self.received) | set(self.concluded))
        rows, still_open = [], 0
        for month in months:
            received = self.received.get(month, [0, 0, 0])
            concluded = self.concluded.get(month, 0)
            still_open += received[0] - concluded
            rows.append((month, received[0], received[1], received[2], concluded, still_open))
        return rows


class XlsxRegister:
    """The register written to an XLSX file as rows arrive; :meth:`close` finishes the file."""

    def __init__(self, path: Path, gettext: Gettext) -> None:
        import xlsxwriter  # imported by whoever writes a register (the export's child process), not by every importer

        self._ = gettext
        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        })
        self.day = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                            "valign": "top"})
        self.sheets: dict[str, Any] = {}
        self.writers: dict[str, RowWriter] = {}
        self.columns: dict[str, tuple[Column, ...]] = {}
        self.totals = _Totals()
        for key, columns in (("tickets", TICKET_COLUMNS), ("lks", LK_COLUMNS), ("actions", ACTION_COLUMNS),
                             ("ratings", RATING_COLUMNS), ("totals", TOTAL_COLUMNS)):
            self._sheet(key, columns)

    def _sheet(self, key: str, columns: tuple[Column, ...]) -> None:
        sheet = self.book.add_worksheet(self._(SHEETS[key])[:31])
        for i, (label, _kind, width) in enumerate(columns):
            sheet.set_column(i, i, width)
            sheet.write_string(0, i, self._(label), self.header)
        sheet.freeze_panes(1, 0)
        self.sheets[key], self.columns[key] = sheet, columns
        self.writers[key] = RowWriter(sheet, [kind for _label, kind, _width in columns], self.day)

    def _write(self, key: str, cells: tuple[Any, ...]) -> None:
        self.writers[key].write(cells)

    def ticket(self, line: TicketLine) -> None:
        self._write("tickets", ticket_cells(line))
        self.totals.add(line)
        if line.rating is not None:
            self._write("ratings", (line.number, line.service, line.rated_on, line.rating, line.rating_comment))

    def lk(self, line: LkLine) -> None:
        self._write("lks", (line.number, line.service, line.status, line.tickets, line.opened_on, line.checked_on,
                            line.approved_on, line.closed_on, line.effective, line.round))

    def action(self, line: ActionLine) -> None:
        self._write("actions", (line.lk_number, line.number, line.round, line.kind, line.description, line.owner,
                                line.due_on, line.done_on, line.status, line.days_late))

    def close(self) -> None:
        for row in self.totals.rows():
            self._write("totals", row)
        for key, sheet in self.sheets.items():
            sheet.autofilter(0, 0, max(self.writers[key].row, 1), len(self.columns[key]) - 1)
        self.book.close()


class CsvRegister:
    """The ticket register as CSV (UTF-8 with BOM); LKs and actions are not part of it (see the module's doc).
    ``separator``: the list separator (``,``; ``;`` for a spreadsheet set to Indonesian, which reads a ``,`` file as
    one column: its decimal mark is the comma)."""

    def __init__(self, path: Path, gettext: Gettext, separator: str = ",") -> None:
        self.file: TextIO = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file, delimiter=separator)
        self.writer.writerow([gettext(label) for label, _kind, _width in TICKET_COLUMNS])

    def ticket(self, line: TicketLine) -> None:
        self.writer.writerow([_csv_cell(v) for v in ticket_cells(line)])

    def lk(self, line: LkLine) -> None:
        """Not in the CSV."""

    def action(self, line: ActionLine) -> None:
        """Not in the CSV."""

    def close(self) -> None:
        self.file.close()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_safe(value)
    return str(value)


Register = XlsxRegister | CsvRegister


SEPARATORS = {"id": ";", "en": ","}
"""The CSV's list separator by the export's language, as that language's spreadsheets expect."""


def open_register(path: Path, gettext: Gettext, *, csv_format: bool = False, separator: str = ",") -> Register:
    """A register writing to ``path``: XLSX, or with ``csv_format`` the ticket register as CSV with ``separator``."""
    return CsvRegister(path, gettext, separator) if csv_format else XlsxRegister(path, gettext)
