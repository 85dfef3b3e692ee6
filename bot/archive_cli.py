"""``tanggap archive verify`` and ``tanggap archive retry``: the operator's checks of the evidence archive.

``verify`` rehashes every stored file against the database's book and names the missing and the altered ones (exit
status 1 then), so a restore or a disk fault is noticed before an auditor asks for a file; it also counts what is
not archived yet. ``retry`` makes every failed fetch due again (after the cause, e.g. a full disk, is fixed).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.bootstrap import build, migrate
from bot.settings import Settings
from storage.archive import ArchiveStore
from storage.records import ArchiveItemRecord

CHUNK = 1 << 20


@dataclass
class Verification:
    """What ``verify`` found: stored items checked, and those missing or altered."""

    checked: int = 0
    missing: list[ArchiveItemRecord] = field(default_factory=list)
    altered: list[ArchiveItemRecord] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.altered


def file_state(store: ArchiveStore, sha256: str) -> str:
    """"ok", "missing" or "altered": the file rehashed in chunks (a large PDF is not read whole)."""
    path = store.path(sha256)
    if not path.is_file():
        return "missing"
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return "ok" if digest.hexdigest() == sha256 else "altered"


async def verify_archive(settings: Settings, out: list[str]) -> Verification:
    """Check every stored item; the report's lines go to ``out``."""
    app = build(settings)
    store = app.deps.archive
    result = Verification()
    try:
        await migrate(app)
        after = 0
        while True:
            async with app.make_uow() as uow:
                items = await uow.archive.stored(after, limit=1000)
            if not items:
                break
            after = items[-1].id
            for item in items:
                state = await asyncio.to_thread(file_state, store, item.sha256 or "")
                result.checked += 1
                if state != "ok":
                    (result.missing if state == "missing" else result.altered).append(item)
                    out.append(f"{state.upper():8} item {item.id} ({_owner(item)}) sha256 {item.sha256}")
        async with app.make_uow() as uow:
            counts = await uow.archive.counts()
    finally:
        await app.close()
    files = "stored file" if result.checked == 1 else "stored files"
    out.append(f"Archive at {store.root}: {result.checked} {files} checked, {len(result.missing)} missing, "
               f"{len(result.altered)} altered; {counts.get('pending', 0)} waiting to be fetched, "
               f"{counts.get('failed', 0)} failed (see archive_item.last_error).")
    return result


async def retry_failed(settings: Settings) -> int:
    app = build(settings)
    try:
        await migrate(app)
        async with app.make_uow() as uow:
            count = await uow.archive.retry_failed(app.deps.clock())
            await uow.commit()
        return count
    finally:
        await app.close()


def _owner(item: ArchiveItemRecord) -> str:
    if item.ticket_attachment_id is not None:
        return f"ticket attachment {item.ticket_attachment_id}"
    if item.lk_action_id is not None:
        return f"evidence of action {item.lk_action_id}"
    return item.kind
