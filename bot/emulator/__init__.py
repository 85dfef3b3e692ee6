"""A local Telegram Bot API emulator: the real bot, on its real framework HTTP stack, offline.

Start it, point aiogram (``TelegramAPIServer.from_base(emu.base_url)``) or python-telegram-bot
(``base_url=f"{emu.base_url}/bot"``) at it, and act as users through :class:`BotApiEmulator`. Updates go to
getUpdates, or, once the bot called setWebhook (``http://`` allowed on loopback hosts), are POSTed to it.
"""

from .emulator import BotApiEmulator
from .errors import ApiError, EmulatorError
from .html import HtmlParseError, parse_html
from .models import ApiCall, CallbackQuery, SentMessage, StoredFile, WebhookDelivery

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "CallbackQuery",
    "EmulatorError",
    "HtmlParseError",
    "SentMessage",
    "StoredFile",
    "WebhookDelivery",
    "parse_html",
]
