"""Settings from the environment (and a `.env` file in the working directory)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def parse_host_port(value: str) -> tuple[str, int]:
    """'host:port' (or ':port', meaning all interfaces) -> (host, port); ValueError if not."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(
            f"{value!r} is not host:port with a port from 1 to 65535, e.g. 0.0.0.0:8080"
        )
    return host.strip("[]") or "0.0.0.0", int(port_text)


class SettingsError(Exception):
    """A setting has a bad value; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite+aiosqlite:///tutor.db", alias="DATABASE_URL")
    content_dir: Path = Field(SHIPPED_CONTENT, alias="TUTOR_CONTENT_DIR")
    default_tz: str = Field("UTC", alias="TUTOR_DEFAULT_TZ")
    # The pack a new user studies (/track changes it); the first loaded pack if not loaded.
    default_pack: str = Field("saa", alias="TUTOR_DEFAULT_PACK")
    log_level: str = Field("INFO", alias="TUTOR_LOG_LEVEL")
    # auto: JSON lines when stdout is not a terminal, readable lines when it is.
    log_format: Literal["auto", "json", "text"] = Field("auto", alias="TUTOR_LOG_FORMAT")
    # host:port for /healthz and /metrics during `tutor run`; off when unset.
    http_listen: str | None = Field(None, alias="TUTOR_HTTP")

    telegram_token: SecretStr | None = Field(None, alias="TELEGRAM_TOKEN")
    telegram_api_url: str = Field("https://api.telegram.org", alias="TELEGRAM_API_URL")
    telegram_admins: str = Field("", alias="TELEGRAM_ADMINS")
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: SecretStr | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_webhook_listen: str = Field("0.0.0.0", alias="TELEGRAM_WEBHOOK_LISTEN")
    telegram_webhook_port: int = Field(8443, alias="TELEGRAM_WEBHOOK_PORT", ge=1, le=65535)
    # Daily questions per second through Telegram (its bulk limit is about 30/s in all).
    telegram_daily_rate: float = Field(25.0, alias="TELEGRAM_DAILY_RATE", gt=0, le=30)

    discord_token: SecretStr | None = Field(None, alias="DISCORD_TOKEN")
    # Guilds whose slash commands are synced at start (instant; for development). Unset:
    # commands are synced globally (Discord may take a while to show changes).
    discord_guild_ids: str = Field("", alias="DISCORD_GUILD_IDS")
    # Discord's REST API base (the gateway is found through it); a local fake in tests.
    discord_api_url: str = Field("https://discord.com", alias="DISCORD_API_URL")
    # Daily questions sent as DMs per second (Discord's DM limits are far below Telegram's).
    discord_daily_rate: float = Field(5.0, alias="DISCORD_DAILY_RATE", gt=0, le=50)
    # Discord user ids that get the daily summary of question reports by DM.
    discord_admins: str = Field("", alias="DISCORD_ADMINS")

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                f"(got {value.split('://')[0] or 'nothing'}://)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        if value.strip().upper() not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level; use one of {', '.join(LOG_LEVELS)}")
        return value.strip().upper()

    @field_validator("default_tz")
    @classmethod
    def _check_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Berlin") from None
        return value

    @field_validator("http_listen", mode="before")
    @classmethod
    def _check_http(cls, value: object) -> object:
        if value in ("", None):
            return None
        parse_host_port(str(value))
        return value

    @field_validator("telegram_admins")
    @classmethod
    def _check_admins(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not part.lstrip("-").isdigit():
                raise ValueError(f"{part!r} is not a numeric Telegram user id")
        return value

    @field_validator("discord_guild_ids")
    @classmethod
    def _check_guilds(cls, value: str) -> str:
        return _check_ids(value, "Discord server (guild) id")

    @field_validator("discord_admins")
    @classmethod
    def _check_discord_admins(cls, value: str) -> str:
        return _check_ids(value, "Discord user id")

    @field_validator("telegram_token", "discord_token", "telegram_webhook_secret", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def telegram_admin_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.telegram_admins.split(",") if p.strip())

    @property
    def discord_guilds(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.discord_guild_ids.split(",") if p.strip())

    @property
    def discord_admin_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.discord_admins.split(",") if p.strip())


def _check_ids(value: str, what: str) -> str:
    """Comma-separated Discord snowflakes (digits only)."""
    for part in filter(None, (p.strip() for p in value.split(","))):
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a numeric {what}")
    return value


def load_settings() -> Settings:
    """Read settings; a bad value raises SettingsError with one line naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        info = Settings.model_fields.get(field)
        name = (info.alias if info and info.alias else field).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None
