"""All configuration, in one pydantic-settings class (env prefix SCHOOLBOT_, .env file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SCHOOLBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    db: str = Field("sqlite:///schoolbot.db", description="database URL or SQLite file path")
    school: Path | None = Field(None, description="school folder (school.toml + roster.csv); default: built-in demo")
    wechaty_endpoint: str | None = Field(
        None,
        validation_alias=AliasChoices("SCHOOLBOT_WECHATY_ENDPOINT", "WECHATY_PUPPET_SERVICE_ENDPOINT"),
        description="Wechaty puppet service host:port",
    )
    wechaty_token: str | None = Field(
        None, validation_alias=AliasChoices("SCHOOLBOT_WECHATY_TOKEN", "WECHATY_PUPPET_SERVICE_TOKEN")
    )
    wechaty_tls: bool = Field(False, description="python-wechaty 0.10 speaks plaintext gRPC only")
    max_message_age_s: int = Field(300, description="ignore messages older than this at (re)connect")
    log_level: str = "INFO"
    instance_id: str | None = Field(
        None,
        description="name of this bot process when several share one database; default: the id kept in instance_file",
    )
    instance_file: Path = Field(
        Path(".schoolbot/instance-id"),
        description="where a bot process without INSTANCE_ID keeps its id, so a restart is the same instance",
    )
    clock_start: dt.datetime | None = Field(
        None, description="start the bot's clock at this instant and let it run (trials and end-to-end tests)"
    )
    outbox_retry_base_s: float = 5.0
    outbox_max_attempts: int = Field(
        8, description="sends the transport rejects before a message fails (outages never count)"
    )
    outbox_lease_s: float = Field(
        120, description="a claim on a message being sent lasts this long, renewed while sending"
    )
    flood_per_minute: float = Field(6, description="messages a minute the bot sends to one group (token bucket)")
    flood_burst: int = Field(3, description="messages the bot may send to one group at once")
    pending_question_ttl_min: int = 30
    web_url: str = Field(
        "http://127.0.0.1:8080",
        description="the web page's address as staff reach it (https://… behind a reverse proxy): login links use it",
    )
    web_link_minutes: int = Field(10, description="how long a login link sent by DM stays valid")
    web_session_hours: int = Field(12, description="how long a browser stays logged in after a link")
    web_login_per_minute: int = Field(10, description="login attempts one address may make a minute")
    export_dir: Path = Field(
        Path(".schoolbot/exports"), description="where workbooks asked for in chat are written before they are sent"
    )
