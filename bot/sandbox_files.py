"""The files the bot sends in the sandbox, saved under readable names where a person can open them.

The bot's archive keeps each file by its SHA-256 (``data/archive/22/cd/22cd…``), which nobody finds as "the LK's
PDF". As each document or photo arrives in a chat, the sandbox also saves it as ``<folder>/<chat>/<its name>``
(``data/sandbox-files/1001/LK-2026-001.pdf``) and the chat shows that path. A later file of the same name never
overwrites an earlier one: it becomes ``LK-2026-001 (2).pdf``; the very same file sent again keeps its first path.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

UNSAFE = re.compile(r'[\x00-\x1f/\\:*?"<>|]+')
"""Characters no file name on Linux, macOS or Windows may hold (and the path separators)."""
MAX_NAME = 120
PNG = b"\x89PNG\r\n\x1a\n"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def readable_name(file_name: str | None, kind: str, mime_type: str | None, message_id: int, data: bytes = b"") -> str:
    """The file's name as sent (its last part, if it came with a path), made safe for any file system; else
    ``photo-12.jpg`` / ``document-12.pdf``."""
    name = UNSAFE.sub("_", (file_name or "").replace("\\", "/").rpartition("/")[2]).strip(" .")
    if kind == "photo" and not (mime_type or "").startswith("image/"):  # a photo's part came as octet-stream
        mime_type = "image/png" if data.startswith(PNG) else "image/jpeg"
    guessed = EXTENSIONS.get(mime_type or "") or mimetypes.guess_extension(mime_type or "") or ""
    if not name or name == kind:  # no name, or only the form field's ("photo"): say which message it came with
        return f"{kind}-{message_id}{guessed}"
    suffix = Path(name).suffix[:16] or guessed
    stem = name.removesuffix(Path(name).suffix)
    return stem[: MAX_NAME - len(suffix)] + suffix


def save(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as ``folder/name``; when that name is taken by other bytes, as ``name (2)``, ``name (3)``…
    (the same bytes already saved under one of these names: that path, nothing written)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, 10_000):
        path = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        try:
            with path.open("xb") as out:  # never overwrites, even with a second sandbox in the same folder
                out.write(data)
            return path
        except FileExistsError:
            if path.read_bytes() == data:
                return path
    raise FileExistsError(f"{folder / name}: 10,000 files of that name already")


def shown_path(path: Path) -> str:
    """The path as a person types it: relative to the current folder when under it (``./data/…``), else absolute."""
    try:
        return f"./{path.resolve().relative_to(Path.cwd().resolve())}"
    except ValueError:
        return str(path.resolve())
