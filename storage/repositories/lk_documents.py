"""The issued versions of LK forms (``lk_document``): what ``/verify`` checks a printed copy's code against."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.columns import require_aware
from storage.models import LkDocumentRow
from storage.records import LkDocumentRecord
from storage.repositories._sql import insert_or_ignore


def _record(row: LkDocumentRow) -> LkDocumentRecord:
    return LkDocumentRecord(row.id, row.lk_id, row.version, row.language, row.code, row.content_sha256,
                            row.created_at, row.archived_sha256)


class LkDocumentRepository:
    """Issued LK form versions within the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_code(self, code: str) -> LkDocumentRecord | None:
        row = await self._session.scalar(select(LkDocumentRow).where(LkDocumentRow.code == code))
        return _record(row) if row is not None else None

    async def of_content(self, lk_id: int, content_sha256: str) -> list[LkDocumentRecord]:
        """The issued copies (any language) of this content of the LK."""
        rows = await self._session.scalars(select(LkDocumentRow).where(
            LkDocumentRow.lk_id == lk_id, LkDocumentRow.content_sha256 == content_sha256).order_by(LkDocumentRow.id))
        return [_record(row) for row in rows]

    async def archived(self, lk_id: int, language: str) -> LkDocumentRecord | None:
        """The closed LK's archived copy in ``language`` (None: none archived yet)."""
        row = await self._session.scalar(select(LkDocumentRow).where(
            LkDocumentRow.lk_id == lk_id, LkDocumentRow.language == language,
            LkDocumentRow.archived_sha256.is_not(None)).order_by(LkDocumentRow.version.desc()).limit(1))
        return _record(row) if row is not None else None

    async def latest_version(self, lk_id: int) -> int:
        """The LK's newest version number (0: none issued yet)."""
        statement = select(func.max(LkDocumentRow.version)).where(LkDocumentRow.lk_id == lk_id)
        return int(await self._session.scalar(statement) or 0)

    async def add(self, lk_id: int, version: int, language: str, code: str, content_sha256: str,
                  at: datetime) -> LkDocumentRecord:
        """Record an issued copy; the same (LK, version, language) issued meanwhile by another process is kept."""
        values = {"lk_id": lk_id, "version": version, "language": language, "code": code,
                  "content_sha256": content_sha256, "created_at": require_aware(at, "at")}
        await insert_or_ignore(self._session, LkDocumentRow, values, ["lk_id", "version", "language"])
        found = await self.by_code(code)
        if found is None:  # another process issued this version first, under the same code by construction
            raise LookupError(f"LK document {code} was not recorded")
        return found

    async def set_archived(self, document_id: int, sha256: str) -> None:
        await self._session.execute(update(LkDocumentRow).where(LkDocumentRow.id == document_id)
                                    .values(archived_sha256=sha256))
