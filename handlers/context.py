"""What every use case receives besides its input: built once in ``bot/bootstrap.py``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dialogs.calendar import WorkingCalendar
from dialogs.catalogue import DEFAULT_STANDARD_TIMES, Catalogue, StandardTimes
from dialogs.hours import COMPLAINANT_HOURS, OFFICE_HOURS, Window
from dialogs.stats_query import StatsQuery
from dialogs.stemming import IDENTITY, Stem
from handlers.i18n import Translator
from reports.stats_model import StatsFigures
from storage.archive import ArchiveStore

if TYPE_CHECKING:
    from reports.charts import Chart

StatsMaker = Callable[[StatsQuery, str], Awaitable[tuple[StatsFigures, "list[Chart]"]]]
"""Reads the figures of a /stats query and draws their charts, labels in a language (``handlers.stats_jobs``)."""


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
    #: The due-work engine sends the monthly recap on each month's first working day (``MONTHLY_RECAP``).
    monthly_recap: bool = True
    #: "Me too": the days back a filing student is offered open cases of the same service from (0: no offers).
    metoo_days: int = 60
    archive: ArchiveStore = field(default_factory=lambda: ArchiveStore(Path("data/archive")))
    #: Who reads /stats' figures and draws its charts (``handlers.stats_jobs``); None: this process (a thread).
    stats_maker: StatsMaker | None = None
    #: Indonesian word forms to roots for search and similarity (``dialogs.stemming``; built by the bootstrap).
    stem: Stem = IDENTITY
    #: Days after an LK closes as effective before each of its complainants is asked whether it happened again.
    recurrence_check_days: int = 30
    #: Privacy (issue 15): the roles that may see a confidential identity (``officer``: the handling officer only),
    #: the retention periods after a ticket closes in months (0: kept), and the contact the notice names.
    confidential_roles: frozenset[str] = frozenset({"admin", "officer"})
    retention_identity_months: int = 24
    retention_attachments_months: int = 12
    #: Days a delivered message is kept in the outbox (0: for ever); the due-work passes delete older ones.
    outbox_keep_days: int = 30
    privacy_contact: str = "BAPKM ITS"

    def today(self) -> date:
        """Today in the institution's time zone (WIB)."""
        return self.clock().astimezone(self.tz).date()
