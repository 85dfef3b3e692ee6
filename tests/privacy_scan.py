"""Finds a person's identity wherever the bot keeps anything (issue 15's scan): every text and JSON column of every
table, and every file under a folder (the evidence archive, exports, PDFs), read as what it is — a PDF's text and
metadata through pypdf, a workbook's cells through openpyxl, anything else as bytes in UTF-8 and UTF-16.

The tables come from the models' metadata, so a table added later is scanned without anyone remembering to add it.
Matching ignores case; a needle shorter than 3 characters is refused (it would match everywhere).

    needles = identity_needles(name="Budi Santoso", username="budi_s", contact="0812…", telegram_id=7001)
    assert await scan_database(engine, needles) == []
    assert scan_files(archive_dir, needles) == []
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import Base


@dataclass(frozen=True)
class Hit:
    """Where a needle was found: ``table.column`` (with the row's primary key) or a file's path."""

    where: str
    needle: str
    excerpt: str


def identity_needles(*, name: str | None = None, username: str | None = None, contact: str | None = None,
                     nrp: str | None = None, telegram_id: int | None = None) -> list[str]:
    """The strings that would give the person away: the whole name and each part of it of 4 letters or more, the
    username with and without its @, the contact, the NRP, the Telegram id."""
    needles: list[str] = []
    if name:
        needles.append(name)
        needles += [part for part in name.split() if len(part) >= 4]
    if username:
        needles += [username.lstrip("@"), "@" + username.lstrip("@")]
    needles += [value for value in (contact, nrp) if value]
    if telegram_id is not None:
        needles.append(str(telegram_id))
    return list(dict.fromkeys(needles))


def _check(needles: Iterable[str]) -> list[str]:
    wanted = [n for n in needles if n]
    short = [n for n in wanted if len(n) < 3]
    if short:
        raise ValueError(f"needles too short to mean anything: {short}")
    return wanted


def find_in_text(text: str, needles: Iterable[str], where: str) -> list[Hit]:
    folded = text.casefold()
    hits = []
    for needle in _check(needles):
        at = folded.find(needle.casefold())
        if at >= 0:
            hits.append(Hit(where, needle, text[max(0, at - 30): at + len(needle) + 30]))
    return hits


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


async def scan_database(engine: AsyncEngine, needles: Iterable[str]) -> list[Hit]:
    """Every String, Text and JSON column of every table (the models' metadata), row by row."""
    wanted = _check(needles)
    hits: list[Hit] = []
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON) and not c.computed]
            if not columns:
                continue
            keys = list(table.primary_key.columns)
            result = await connection.stream(select(*keys, *columns))
            async for row in result:
                key = ",".join(str(row[i]) for i in range(len(keys)))
                for i, column in enumerate(columns, start=len(keys)):
                    text = _as_text(row[i])
                    if text:
                        hits += find_in_text(text, wanted, f"{table.name}.{column.name}[{key}]")
    return hits


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [str(value) for value in (reader.metadata or {}).values()]
    return "\n".join(parts)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
             if cell is not None]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # the document's properties (author, title) too
        cells += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                  if name.startswith("docProps/")]
    return "\n".join(cells)


def _pdf_raw(data: bytes) -> str:
    """A PDF's bytes as text for the scan (its metadata — author, title — and any uncompressed text), without the
    file's own bookkeeping: the trailer's random /ID and the cross-reference offsets are digits and hex that matched a
    four-digit Telegram id by chance (CI: "5001" in "/ID [<D4573BE0…>]")."""
    raw = data.decode("latin-1")
    raw = re.sub(r"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]", "", raw)
    raw = re.sub(r"(?s)\bxref\b.*?\btrailer\b", "trailer", raw)
    return re.sub(r"\bstartxref\s+\d+", "startxref", raw)


def file_text(data: bytes) -> str:
    """What a reader would find in a file: a PDF's or a workbook's text, else the bytes as UTF-8 and UTF-16."""
    if data.startswith(b"%PDF"):
        return _pdf_text(data) + "\n" + _pdf_raw(data)
    if data.startswith(b"PK") and b"xl/" in data[:4096]:
        return _xlsx_text(data)
    return data.decode("utf-8", "replace") + "\n" + data.decode("utf-16-le", "replace")


def scan_files(folder: Path, needles: Iterable[str]) -> list[Hit]:
    """Every file under ``folder`` (recursively)."""
    wanted = _check(needles)
    hits: list[Hit] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hits += find_in_text(file_text(path.read_bytes()), wanted, str(path))
    return hits


def scan_bytes(data: bytes, needles: Iterable[str], where: str) -> list[Hit]:
    """One document (a PDF or an export sent in the chat, a JSON file)."""
    return find_in_text(file_text(data), _check(needles), where)
