"""The archive store: content-addressed, written once, checked on the way out."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from storage.archive import ArchiveError, ArchiveStore, digest


def test_a_file_is_kept_under_its_hash_once_and_read_back(tmp_path: Path) -> None:
    store = ArchiveStore(tmp_path / "archive")
    data = b"%PDF-1.4 surat pengantar"
    sha = store.put(data)
    assert sha == hashlib.sha256(data).hexdigest() == digest(data)
    assert store.path(sha) == tmp_path / "archive" / sha[:2] / sha[2:4] / sha
    assert store.has(sha) and store.get(sha) == data
    assert store.put(data) == sha  # the same bytes again: one copy
    assert [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()] == [sha]


def test_a_missing_or_altered_file_is_an_archive_error(tmp_path: Path) -> None:
    store = ArchiveStore(tmp_path)
    sha = store.put(b"foto bukti")
    store.path(sha).write_bytes(b"foto lain")
    with pytest.raises(ArchiveError, match="no longer matches"):
        store.get(sha)
    with pytest.raises(ArchiveError, match="not in the archive"):
        store.get(digest(b"never stored"))
    assert not store.has(digest(b"never stored"))


def test_a_name_that_is_no_hash_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ArchiveStore(tmp_path).path("../../etc/passwd")


def test_put_file_keeps_a_file_by_its_hash_and_removes_the_source(tmp_path: Path) -> None:
    store = ArchiveStore(tmp_path / "archive")
    data = bytes(range(256)) * 9000  # more than one block of the streaming hash
    source = tmp_path / "register.xlsx"
    source.write_bytes(data)
    sha = store.put_file(source)
    assert sha == digest(data) and store.get(sha) == data and not source.exists()
    source.write_bytes(data)  # the same bytes again: one copy, the source still removed
    assert store.put_file(source) == sha and not source.exists()
    assert [p.name for p in (tmp_path / "archive").rglob("*") if p.is_file()] == [sha]
