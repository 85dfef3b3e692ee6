"""The one wiring place: settings → database engine, unit-of-work factory, translator, catalogue, deps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import AdjustableClock
from bot.errors import ConfigError
from bot.settings import Settings
from dialogs.catalogue import catalogue_words
from dialogs.stemming import IndonesianStemmer
from handlers.calendar_loader import HolidayListError, load_calendar
from handlers.catalogue_loader import CatalogueError, load_catalogue
from handlers.context import Deps, utc_now
from handlers.i18n import Translator
from storage.archive import ArchiveStore
from storage.database import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWork, UnitOfWork


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    make_uow: Callable[[], UnitOfWork]
    deps: Deps

    async def close(self) -> None:
        await self.engine.dispose()


def build(settings: Settings, *, clock: Callable[[], datetime] | None = None, read_only: bool = False) -> App:
    """Everything the bot needs, from ``settings``; a bad setting or data file is a :class:`ConfigError`.
    ``clock``: a clock of the caller's (the sandbox's), else the real one, or one started at ``CLOCK_START``.
    ``read_only``: a process that only reads the database (the register's child, :mod:`bot.register_job`)."""
    translator = Translator(default=settings.default_locale)
    tz = ZoneInfo(settings.timezone)
    try:
        catalogue = load_catalogue(settings.service_catalogue)
        calendar = load_calendar(settings.holidays_file, today=datetime.now(tz).date())
    except (CatalogueError, HolidayListError) as exc:  # one line naming the file, the entry and the field
        raise ConfigError(str(exc)) from None
    deps = Deps(
        catalogue=catalogue,
        translator=translator,
        calendar=calendar,
        tz=tz,
        admins=settings.admin_ids,
        staff_chat_id=settings.staff_chat_id,
        standard_times=settings.standard_times(),
        office_hours=settings.office_window(),
        complainant_hours=settings.complainant_window(),
        allow_self_check=settings.allow_self_check,
        clock=clock or (AdjustableClock(settings.clock_start) if settings.clock_start else utc_now),
        rating_days_after_close=settings.rating_days_after_close,
        monthly_recap=settings.monthly_recap,
        metoo_days=settings.metoo_days,
        confidential_roles=settings.confidential(),
        retention_identity_months=settings.retention_identity_months,
        retention_attachments_months=settings.retention_attachments_months,
        outbox_keep_days=settings.outbox_keep_days,
        privacy_contact=settings.privacy_contact,
        archive=ArchiveStore(settings.archive_dir),
        stem=IndonesianStemmer(catalogue_words(catalogue)),
        recurrence_check_days=settings.recurrence_check_days,
    )
    engine = make_engine(settings.database_url, read_only=read_only)
    sessions = make_session_factory(engine)
    return App(settings, engine, lambda: SqlUnitOfWork(sessions), deps)


async def migrate(app: App) -> None:
    await upgrade(app.engine)


def command_menu(translator: Translator) -> dict[str, list[tuple[str, str]]]:
    """setMyCommands entries: Indonesian as the default menu, English for English-speaking clients."""
    from handlers.commands import STUDENT_COMMANDS  # the whole chat; not needed by the register's child process

    menu = {}
    for key, lang in (("", "id"), ("id", "id"), ("en", "en")):
        _ = translator.gettext(lang)
        menu[key] = [(name, _(command.description)) for name, command in STUDENT_COMMANDS.items()]
    return menu
