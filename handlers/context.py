"""What every use case receives besides its input: built once in ``bot/bootstrap.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import DEFAULT_STANDARD_TIMES, Catalogue, StandardTimes
from dialogs.hours import COMPLAINANT_HOURS, OFFICE_HOURS, Window
from handlers.i18n import Translator
from storage.archive import ArchiveStore


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
    #: The default standard times (confirm, respond, close, in working days); a service may set its own:
    #: ``dialogs.catalogue.standard_times(code, catalogue, deps.standard_times)`` gives a service's.
    standard_times: StandardTimes = DEFAULT_STANDARD_TIMES
    #: When staff are told things (working days only) and when complainants are (every day), in ``tz``.
    office_hours: Window = OFFICE_HOURS
    complainant_hours: Window = COMPLAINANT_HOURS
    staff_chat_id: int | None = None
    clock: Callable[[], datetime] = utc_now
    #: Segregation of duties: False (the default) keeps whoever prepared an LK from checking or approving it and
    #: its checker from approving it; a very small office may allow it (the LK then says so).
    allow_self_check: bool = False
    #: Days after an auto-close in which the complainant may still rate the ticket (1–2 reopens it).
    rating_days_after_close: int = 30
    archive: ArchiveStore = field(default_factory=lambda: ArchiveStore(Path("data/archive")))

    def today(self) -> date:
        """Today in the institution's time zone (WIB)."""
        return self.clock().astimezone(self.tz).date()
