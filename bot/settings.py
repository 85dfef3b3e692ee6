"""All configuration in one object, from the environment or a ``.env`` file."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
OFFICIAL_API = "https://api.telegram.org"
ENGINES = ("aiogram", "ptb")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = OFFICIAL_API
    database_url: str = "sqlite+aiosqlite:///./data/tanggap.db"
    bot_engine: str = "aiogram"
    tanggap_admins: str = ""
    staff_chat_id: int | None = None
    confirm_days: int = 2
    default_locale: str = "id"
    timezone: str = "Asia/Jakarta"
    service_catalogue: Path | None = Field(default=None, description="a TOML file replacing the shipped catalogue")
    holidays_file: Path | None = None
    poll_timeout: int = 25
    # Telegram's flood limits, kept by the notifier; raise them only if Telegram raised yours (paid broadcasts).
    send_rate: float = 30.0
    send_rate_chat: float = 1.0
    send_burst_chat: int = 3
    send_per_minute_group: float = 20.0
    log_level: str = "INFO"

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @property
    def admin_ids(self) -> frozenset[int]:
        """``TANGGAP_ADMINS`` as ids; a malformed entry is a configuration error, not silently dropped."""
        ids = set()
        for part in self.tanggap_admins.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.lstrip("-").isdigit():
                raise ConfigError(f"TANGGAP_ADMINS must be Telegram user ids separated by commas; got {part!r}.")
            ids.add(int(part))
        return frozenset(ids)

    def token(self) -> str:
        """The token, checked; the error text never contains it."""
        raw = self.telegram_bot_token.get_secret_value().strip() if self.telegram_bot_token else ""
        if not raw:
            raise ConfigError(
                "No bot token: set TELEGRAM_BOT_TOKEN (create a bot and get its token from @BotFather in "
                "Telegram), or try Tanggap offline with: tanggap sandbox"
            )
        if not TOKEN_SHAPE.match(raw):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then about 35 letters, "
                "digits, - or _). Copy it again from @BotFather, or try Tanggap offline with: tanggap sandbox"
            )
        return raw

    def check_engine(self) -> str:
        if self.bot_engine not in ENGINES:
            raise ConfigError(f"BOT_ENGINE must be one of {', '.join(ENGINES)}; got {self.bot_engine!r}.")
        if self.bot_engine == "ptb":
            raise ConfigError("BOT_ENGINE=ptb (python-telegram-bot) is not available yet; use BOT_ENGINE=aiogram.")
        return self.bot_engine
