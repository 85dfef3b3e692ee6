"""The one wiring place: settings → database engine, unit-of-work factory, translator, catalogue, deps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from dialogs.calendar import WorkingCalendar
from handlers.catalogue_loader import load_catalogue, load_holidays
from handlers.commands import STUDENT_COMMANDS
from handlers.context import Deps
from handlers.i18n import Translator
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


def build(settings: Settings) -> App:
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    translator = Translator(default=settings.default_locale)
    deps = Deps(
        catalogue=load_catalogue(settings.service_catalogue),
        translator=translator,
        calendar=WorkingCalendar(load_holidays(settings.holidays_file)),
        tz=ZoneInfo(settings.timezone),
        admins=settings.admin_ids,
        staff_chat_id=settings.staff_chat_id,
        confirm_days=settings.confirm_days,
        allow_self_check=settings.allow_self_check,
    )
    return App(settings, engine, lambda: SqlUnitOfWork(sessions), deps)


async def migrate(app: App) -> None:
    await upgrade(app.engine)


def command_menu(translator: Translator) -> dict[str, list[tuple[str, str]]]:
    """setMyCommands entries: Indonesian as the default menu, English for English-speaking clients."""
    menu = {}
    for key, lang in (("", "id"), ("id", "id"), ("en", "en")):
        _ = translator.gettext(lang)
        menu[key] = [(name, _(command.description)) for name, command in STUDENT_COMMANDS.items()]
    return menu
