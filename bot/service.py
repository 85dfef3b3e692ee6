"""The bot's life: migrate, register the command menu, poll until cancelled, close everything."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError

from bot.aiogram_port import AiogramPort
from bot.bootstrap import App, build, command_menu, migrate
from bot.errors import ConfigError
from bot.pacing import Pacer
from bot.runner import Runner
from bot.settings import Settings

log = logging.getLogger("tanggap")


async def serve(settings: Settings, *, token: str | None = None) -> None:
    """Migrate, register the command menu, and poll until stopped."""
    token = token or settings.token()
    settings.check_engine()
    app = build(settings)
    port = AiogramPort(token, settings.telegram_api_url)
    try:
        await migrate(app)
        try:
            await port.delete_webhook()
            await port.set_commands(command_menu(app.deps.translator))
        except TelegramUnauthorizedError as exc:
            raise ConfigError("Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN "
                              "with @BotFather.") from exc
        except TelegramAPIError as exc:
            raise ConfigError(f"Cannot reach the Bot API at {settings.telegram_api_url}: {exc.message}") from exc
        log.info("Tanggap is running (engine %s, database %s)", settings.bot_engine, db_label(app))
        pacer = Pacer(global_rate=settings.send_rate, global_burst=max(1, int(settings.send_rate / 3)),
                      chat_rate=settings.send_rate_chat, chat_burst=settings.send_burst_chat,
                      group_rate=settings.send_per_minute_group / 60)
        await Runner(port, app.make_uow, app.deps, poll_timeout=settings.poll_timeout, pacer=pacer).run()
    finally:
        await port.close()
        await app.close()


def db_label(app: App) -> str:
    return app.engine.url.render_as_string(hide_password=True)
