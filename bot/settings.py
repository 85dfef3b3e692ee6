"""All configuration in one object, from the environment or a ``.env`` file."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError
from dialogs.catalogue import StandardTimes
from dialogs.hours import Window, WindowError
from handlers.identity import confidential_roles

TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
OFFICIAL_API = "https://api.telegram.org"
ENGINES = ("aiogram", "ptb")
SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token


@dataclass(frozen=True)
class WebhookConfig:
    """Where the webhook server listens, and what Telegram is told: the public URL and the secret header."""

    url: str
    path: str
    listen: str
    port: int
    secret: str
    max_connections: int


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = OFFICIAL_API
    database_url: str = "sqlite+aiosqlite:///./data/tanggap.db"
    bot_engine: str = "aiogram"
    tanggap_admins: str = ""
    staff_chat_id: int | None = None
    # Standard times for handling a complaint, in working days (a service may set its own in the catalogue):
    # receipt → the officer's verdict, the verdict → the concluding response, receipt → closed.
    confirm_days: int = 3
    respond_days: int = 5
    close_days: int = 20
    # When people are told things (local time, TIMEZONE): staff on working days only, complainants every day.
    office_hours: str = "08:00-16:00"
    complainant_hours: str = "07:00-21:00"
    # Segregation of duties: whoever prepared an LK may not check or approve it, nor its checker approve it,
    # unless a very small office allows it here (the LK then says so).
    allow_self_check: bool = False
    default_locale: str = "id"
    timezone: str = "Asia/Jakarta"
    service_catalogue: Path | None = Field(default=None, description="a TOML file replacing the shipped catalogue")
    holidays_file: Path | None = Field(default=None, description="a TOML file replacing the campus's own days off")
    archive_dir: Path = Path("data/archive")  # ARCHIVE_DIR: evidence and documents, kept outside Telegram
    # The sandbox only: where the files the bot sends are saved under their names (default: sandbox-files beside
    # the sandbox's SQLite file, ./data/sandbox-files).
    sandbox_files_dir: Path | None = None
    poll_timeout: int = 25
    telegram_request_timeout: float = 30.0  # seconds for each Bot API call but the long poll
    # Telegram's flood limits, kept by the notifier; raise them only if Telegram raised yours (paid broadcasts).
    send_rate: float = 30.0
    send_rate_chat: float = 1.0
    send_burst_chat: int = 3
    send_per_minute_group: float = 20.0
    log_level: str = "INFO"
    # The due-work engine: seconds between its passes (reminders, escalations, digests, auto-close).
    due_interval: float = 60.0
    # Tests and demos only: the bot's clock starts at this moment (ISO 8601 with a zone) and runs on from there.
    clock_start: datetime | None = None
    # How long after an auto-close the complainant may still rate (and so reopen) the ticket, in days.
    rating_days_after_close: int = 30
    # The monthly recap to the approvers and monitors on each month's first working day (off: only /recap makes one).
    monthly_recap: bool = True
    # Days after an LK closes as effective before its complainants are asked "did it happen again?".
    recurrence_check_days: int = 30
    # "Me too": while filing, open cases of the same service filed within this many days are offered to join (0: no
    # offer at all).
    metoo_days: int = 60
    # Privacy (UU PDP, issue 15). The roles that may see a confidential complainant's identity, besides nobody else:
    # "officer" means the ticket's handling officer only (comma-separated; default admin and the handling officer).
    confidential_roles: str = "admin,officer"
    # Months after a ticket is closed before the due-work engine erases the complainant's identity from it, and
    # before it deletes the ticket's attachments (0: never).
    retention_identity_months: int = 24
    retention_attachments_months: int = 12
    # Days a delivered message's text is kept in the outbox (0: for ever); older ones are deleted by the due-work
    # engine's passes (names and what people wrote serve nothing once sent).
    outbox_keep_days: int = 30
    # Who answers privacy questions and requests, as the notice names them (e.g. "BAPKM ITS, bapkm@its.ac.id").
    privacy_contact: str = "BAPKM ITS"
    # Webhook mode (`tanggap webhook`): Telegram POSTs updates to WEBHOOK_URL, served on WEBHOOK_LISTEN:WEBHOOK_PORT.
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_max_connections: int = 40

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

    def standard_times(self) -> StandardTimes:
        """``CONFIRM_DAYS``, ``RESPOND_DAYS``, ``CLOSE_DAYS``: the defaults for services that set none."""
        for name, days in (("CONFIRM_DAYS", self.confirm_days), ("RESPOND_DAYS", self.respond_days),
                           ("CLOSE_DAYS", self.close_days)):
            if days <= 0:
                raise ConfigError(f"{name} must be a positive whole number of working days; got {days}.")
        return StandardTimes(confirm=self.confirm_days, respond=self.respond_days, close=self.close_days)

    def confidential(self) -> frozenset[str]:
        """``CONFIDENTIAL_ROLES``, checked: an unknown role name is a configuration error, not silently ignored."""
        try:
            return confidential_roles(self.confidential_roles)
        except ValueError as exc:
            raise ConfigError(f"CONFIDENTIAL_ROLES: {exc}.") from None

    def office_window(self) -> Window:
        """``OFFICE_HOURS``: when staff are sent reminders and digests, on working days."""
        return _window("OFFICE_HOURS", self.office_hours, working_days_only=True)

    def complainant_window(self) -> Window:
        """``COMPLAINANT_HOURS``: when complainants are sent notices, every day."""
        return _window("COMPLAINANT_HOURS", self.complainant_hours, working_days_only=False)

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
        return self.bot_engine

    def secrets(self) -> list[str]:
        """What must never appear in a log line: the bot token and the webhook secret."""
        values = [s.get_secret_value().strip() for s in (self.telegram_bot_token, self.webhook_secret) if s]
        return [v for v in values if v]

    def webhook(self) -> WebhookConfig:
        """The webhook settings, checked; each error says what to set."""
        url = self.webhook_url.strip()
        if not url:
            raise ConfigError(
                "Webhook mode needs WEBHOOK_URL: the public https:// address Telegram will POST "
                "updates to (for example https://tanggap.example.ac.id/telegram)."
            )
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ConfigError(f"WEBHOOK_URL must be an https:// address; got {url!r}.")
        if parts.scheme == "http" and not _loopback(parts.hostname):
            raise ConfigError(
                "WEBHOOK_URL must be https:// (Telegram posts only to HTTPS; put Tanggap behind a "
                "reverse proxy that holds the certificate). Plain http:// is allowed for loopback "
                "addresses only, for the local emulator."
            )
        secret = self.webhook_secret.get_secret_value().strip() if self.webhook_secret else ""
        if not SECRET_SHAPE.match(secret):
            raise ConfigError(
                "Webhook mode needs WEBHOOK_SECRET: 1 to 256 letters, digits, _ or - (for example "
                'the output of: python -c "import secrets; print(secrets.token_urlsafe(32))").'
            )
        if not 1 <= self.webhook_port <= 65535:
            raise ConfigError(f"WEBHOOK_PORT must be a TCP port (1-65535); got {self.webhook_port}.")
        if not 1 <= self.webhook_max_connections <= 100:
            raise ConfigError(
                "WEBHOOK_MAX_CONNECTIONS must be between 1 and 100 (Telegram's range); "
                f"got {self.webhook_max_connections}."
            )
        return WebhookConfig(
            url, parts.path or "/", self.webhook_listen, self.webhook_port, secret, self.webhook_max_connections
        )


def _window(name: str, value: str, *, working_days_only: bool) -> Window:
    try:
        return Window.parse(value, working_days_only=working_days_only)
    except WindowError as exc:
        raise ConfigError(f"{name}: {exc}.") from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
