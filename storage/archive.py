"""The archive store: files kept outside Telegram, content-addressed by SHA-256 (SOP step g).

Evidence (student photos and PDFs, letters from ``/intake``, action evidence) and the documents the bot makes
(the closed LK's PDF) are kept here, so the record outlives a bot token and Telegram's own retention. A file
is named by the SHA-256 of its bytes (``ab/cd/abcd…``): storing the same bytes twice keeps one copy, a file
can be checked against its name at any time, and nothing is ever overwritten with other content.

Written atomically (a temporary file in the same folder, flushed to disk, then renamed), so a crash leaves
either the whole file or none; a half-written temporary file is ignored and cleaned on the next write to that
folder. Plain files in a folder, not a database blob: they are backed up with ``rsync``/``tar`` beside the
database dump (docs/operations.md), and a store of hundreds of thousands of photos does not bloat the database.

The calls are blocking file I/O; from the event loop, call them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"[0-9a-f]{64}")


class ArchiveError(Exception):
    """A file is missing from the archive, or its bytes no longer match its name."""


def digest(data: bytes) -> str:
    """The SHA-256 of ``data`` as 64 lowercase hex digits: a file's name in the archive."""
    return hashlib.sha256(data).hexdigest()


class ArchiveStore:
    """Files under ``root`` by content hash; ``put`` returns the hash, ``get`` gives the bytes back, checked."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the file of ``sha256`` lives (whether or not it is there)."""
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> str:
        """Keep ``data`` (once: the same bytes again are not written twice) and return its SHA-256."""
        sha256 = digest(data)
        target = self.path(sha256)
        if target.is_file():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_folder(target.parent)
        return sha256

    def put_file(self, source: Path) -> str:
        """Keep the file at ``source`` (copied into the archive, then removed; only removed when the archive has it) and
        return its SHA-256. Read in blocks to hash it, never whole: a generated register of many megabytes adds
        no more than a block to the process's memory (``put`` of its bytes would hold it all)."""
        sha = hashlib.sha256()
        with source.open("rb") as data:
            while block := data.read(1 << 20):
                sha.update(block)
        sha256 = sha.hexdigest()
        target = self.path(sha256)
        if target.is_file():
            source.unlink()
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out, source.open("rb") as data:
                shutil.copyfileobj(data, out, 1 << 20)  # a copy, not a rename: source may be on another disk
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_folder(target.parent)
        source.unlink()
        return sha256

    def delete(self, sha256: str) -> bool:
        """Remove the file of ``sha256`` (an erasure, issue 15); False when it was not there."""
        try:
            self.path(sha256).unlink()
        except FileNotFoundError:
            return False
        return True

    def get(self, sha256: str) -> bytes:
        """The bytes of ``sha256``; :class:`ArchiveError` when the file is missing or was altered."""
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise ArchiveError(f"{sha256} is not in the archive at {self.root}") from None
        if digest(data) != sha256:
            raise ArchiveError(f"{sha256} in the archive at {self.root} no longer matches its hash")
        return data


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: fsync the directory); a no-op where directories cannot be opened."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
