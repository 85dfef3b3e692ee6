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
    #: Segregation of duties: False (the default) keeps whoever prepared an LK from checking or approving it and
    #: its checker from approving it; a very small office may allow it (the LK then says so).
    allow_self_check: bool = False

    def today(self) -> date:
        """Today in the institution's time zone (WIB)."""
        return self.clock().astimezone(self.tz).date()
