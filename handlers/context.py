"""What every use case receives besides its input: built once in ``bot/bootstrap.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import Catalogue
from handlers.i18n import Translator


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    """The service catalogue, the calendar, translations, the clock and the settings use cases need."""

    catalogue: Catalogue
    translator: Translator
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    admins: frozenset[int] = frozenset()
    confirm_days: int = 2
    staff_chat_id: int | None = None
    clock: Callable[[], datetime] = utc_now

    def today(self) -> date:
        """Today in the institution's time zone (WIB)."""
        return self.clock().astimezone(self.tz).date()
