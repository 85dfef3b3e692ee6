"""Lines of /audit (handlers/staff/audit_views.py) that need no database: the retention pass's line reads right
for one and for many (it said "1 identities erased, 1 tickets' attachments deleted")."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.vocabulary import AuditKind
from handlers.i18n import Translator
from handlers.staff.audit_views import Looked, entry_line
from storage.records import AuditRecord

AT = datetime(2026, 12, 4, 3, 15, tzinfo=UTC)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "retention — identities erased: 1; tickets whose attachments were deleted: 12"),
    ("id", "masa simpan — identitas dihapus: 1; tiket yang lampirannya dihapus: 12"),
])
def test_the_retention_line_counts_without_a_plural_to_get_wrong(lang: str, expected: str) -> None:
    look = Looked({}, {}, Translator().gettext(lang), lang, ZoneInfo("Asia/Jakarta"))
    row = AuditRecord(1, AT, AuditKind.RETENTION, None, None, None, None, {"identities": 1, "attachments": 12})
    line = entry_line(row, look)
    assert line.startswith("• ") and line.endswith(expected)
