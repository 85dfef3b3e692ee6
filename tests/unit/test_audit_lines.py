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


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "whom a breach affects was listed on the office PC (tanggap privacy affected): "
           "20261109T1700Z-20261119T1700Z, people: 7"),
    ("id", "daftar orang yang terdampak kebocoran dibuat di PC kantor (tanggap privacy affected): "
           "20261109T1700Z-20261119T1700Z, orang: 7"),
])
def test_a_breach_listing_is_a_line_of_its_own(lang: str, expected: str) -> None:
    look = Looked({}, {}, Translator().gettext(lang), lang, ZoneInfo("Asia/Jakarta"))
    row = AuditRecord(2, AT, AuditKind.BREACH_LIST, None, None, None, "cli",
                      {"breach": "20261109T1700Z-20261119T1700Z", "people": 7, "file": True})
    assert entry_line(row, look).endswith(expected)
