"""The archive fetcher (SOP step g): every attachment and evidence file is downloaded from Telegram, an image's
metadata stripped, and kept in the archive store, so the record outlives the bot's token and Telegram's retention.

It runs beside the outbox sender, only in the process holding the sender lease (one fetcher per database: a file
is not downloaded twice at once), as a companion loop of the notifier rather than a producer of the due-work
engine: a fetch is network I/O that must not run inside a transaction, and the engine's passes are transactions
that write notices, minutes apart. The loop is woken right after an update that carried a file is committed (the
reply is not held up: the fetch is another task), and otherwise sleeps until the earliest retry is due.

A failed fetch is never lost: its ``archive_item`` row stays ``failed`` with the next try's moment, backing off
from 30 s to 6 h. Telegram refusing the file itself (an unknown file id, one over its 20 MB download limit) is
not retried by itself; ``tanggap archive retry`` makes every failed item due again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.errors import Rejected, RetryLater
from bot.port import BotPort
from handlers.context import Deps
from storage.archive import ArchiveStore
from storage.records import ArchiveItemRecord
from storage.stripping import is_image, looks_like_image, strip_metadata
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)
FIRST_RETRY = 30.0  # seconds after the first failure
LAST_RETRY = 6 * 3600.0  # the longest wait between tries
IDLE_CHECK = 300.0  # seconds between looks at the book when nothing is due (another process may have added rows)
BATCH = 20


def backoff(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 30 s, 1 min, 2 min, … up to 6 h."""
    return min(FIRST_RETRY * 2.0 ** max(attempts - 1, 0), LAST_RETRY)


class ArchiveFetcher:
    """Fetches due archive items until cancelled (a companion of the notifier: run by the sender lease holder)."""

    def __init__(self, port: BotPort, make_uow: Callable[[], UnitOfWork], deps: Deps, store: ArchiveStore) -> None:
        self.port, self.make_uow, self.deps, self.store = port, make_uow, deps, store
        self._wake = asyncio.Event()
        self.fetched = self.failed = 0

    def wake(self) -> None:
        """A file was recorded: fetch it now (called after the update's commit)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            pause = IDLE_CHECK
            try:
                pause = await self.fetch_due()
            except Exception:
                log.exception("archive fetch round failed; trying again in %ss", FIRST_RETRY)
                pause = FIRST_RETRY
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._wake.wait()

    async def fetch_due(self) -> float:
        """Fetch every item due now, a batch at a time; returns seconds until the next is due."""
        while True:
            async with self.make_uow() as uow:
                items = await uow.archive.due(self.deps.clock(), limit=BATCH)
            for item in items:
                await self.fetch(item)
            if len(items) < BATCH:
                break
        async with self.make_uow() as uow:
            next_at = await uow.archive.next_due_at()
        if next_at is None:
            return IDLE_CHECK
        return float(min(max((next_at - self.deps.clock()).total_seconds(), 1.0), IDLE_CHECK))

    async def fetch(self, item: ArchiveItemRecord) -> bool:
        """Download one item, strip it, store it, and book the outcome; True when it is stored."""
        if not item.file_id:
            return False
        try:
            downloaded = await self.port.download(item.file_id)
            sha256, size, mime, cleaned = await asyncio.to_thread(self._keep, item, downloaded.data)
        except (RetryLater, Rejected) as exc:
            await self._failed(item, exc)
            return False
        except Exception as exc:  # a full disk, an unreadable archive folder: the operator's to fix, then retried
            log.exception("archive item %s could not be stored", item.id)
            await self._failed(item, exc)
            return False
        async with self.make_uow() as uow:
            await uow.archive.mark_stored(item.id, sha256=sha256, size=size, mime=mime, cleaned=cleaned,
                                          file_unique_id=downloaded.file_unique_id, at=self.deps.clock())
            await uow.commit()
        self.fetched += 1
        log.info("archive item %s stored (%s bytes, sha256 %s)", item.id, size, sha256[:12])
        return True

    def _keep(self, item: ArchiveItemRecord, data: bytes) -> tuple[str, int, str | None, bool | None]:
        """Strip an image's metadata and put the bytes in the store (blocking: runs in a thread); the last value:
        an image cleaned (True), an image that could not be (False), no image (None). An image is known by its type
        or by its first bytes (a JPEG sent as ``application/octet-stream`` is one too)."""
        mime, cleaned = item.mime, None
        if is_image(item.mime, item.file_type) or looks_like_image(data):
            stripped = strip_metadata(data)
            cleaned = stripped is not None
            if stripped is not None:
                data, mime = stripped
        return self.store.put(data), len(data), mime, cleaned

    async def _failed(self, item: ArchiveItemRecord, exc: Exception) -> None:
        self.failed += 1
        permanent = isinstance(exc, Rejected)
        attempts = item.attempts + 1
        next_try: datetime | None = None
        if not permanent:
            wait = exc.retry_after if isinstance(exc, RetryLater) and exc.retry_after else backoff(attempts)
            next_try = self.deps.clock() + timedelta(seconds=wait)
        error = f"{type(exc).__name__}: {exc}"
        if permanent:
            log.warning("archive item %s: Telegram refuses the file (%s); not retried by itself", item.id, exc)
        else:
            log.warning("archive item %s: fetch failed (%s); retrying at %s", item.id, error, next_try)
        async with self.make_uow() as uow:
            await uow.archive.mark_failed(item.id, error, next_try)
            await uow.commit()
