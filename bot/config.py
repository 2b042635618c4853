"""Settings from the environment or `.env`, all prefixed HOURGLASS_."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.defaults import DEFAULT_DATABASE_URL

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"
_TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{10,}$")


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HOURGLASS_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    # Connections each process keeps open (None: 20 on SQLite, SQLAlchemy's 5 on PostgreSQL).
    database_pool_size: int | None = Field(default=None, ge=1, le=1000)
    telegram_api_url: str = TELEGRAM_API_URL
    telegram_file_url: str | None = None
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"

    def token(self) -> str:
        """The bot token, checked for Telegram's shape (never printed)."""
        if self.telegram_token is None or not self.telegram_token.get_secret_value().strip():
            raise ConfigurationError(
                "HOURGLASS_TELEGRAM_TOKEN is not set: put the token @BotFather gave you "
                "in the environment or in .env."
            )
        token = self.telegram_token.get_secret_value().strip()
        if not _TOKEN_SHAPE.match(token):
            raise ConfigurationError(
                "HOURGLASS_TELEGRAM_TOKEN does not look like a bot token "
                "(expected digits, a colon, then letters, e.g. 123456:ABC-def…)."
            )
        return token

    def webhook_secret_for(self, token: str) -> str:
        """The secret Telegram must send with every webhook request (never printed).

        HOURGLASS_WEBHOOK_SECRET when set; otherwise one derived from the token, the same in
        every process of the bot.
        """
        from bot.webhook import MIN_SECRET_CHARS, SECRET_SHAPE, derived_secret

        if self.webhook_secret is None or not self.webhook_secret.get_secret_value().strip():
            return derived_secret(token)
        secret = self.webhook_secret.get_secret_value().strip()
        if not SECRET_SHAPE.match(secret) or len(secret) < MIN_SECRET_CHARS:
            raise ConfigurationError(
                f"HOURGLASS_WEBHOOK_SECRET must be {MIN_SECRET_CHARS} to 256 letters, digits, "
                "_ or - (or leave it unset and a strong one is derived from the token)."
            )
        return secret

    def file_url(self) -> str:
        if self.telegram_file_url:
            return self.telegram_file_url
        if self.telegram_api_url.rstrip("/").endswith("/bot"):
            return self.telegram_api_url.rstrip("/")[: -len("/bot")] + "/file/bot"
        return TELEGRAM_FILE_URL
