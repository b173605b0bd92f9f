"""Configuration from the environment, read on first use (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Settings:
    resources_table: str
    api_keys_table: str
    workspaces_table: str
    cursor_secret_arn: str
    idempotency_table: str
    rate_limit_table: str
    default_rate_limit: int
    max_body_bytes: int = 1024 * 1024


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@cache
def get_settings() -> Settings:
    return Settings(
        resources_table=_env("RESOURCES_TABLE"),
        api_keys_table=_env("API_KEYS_TABLE"),
        workspaces_table=_env("WORKSPACES_TABLE"),
        cursor_secret_arn=_env("CURSOR_SECRET_ARN"),
        idempotency_table=_env("IDEMPOTENCY_TABLE"),
        rate_limit_table=_env("RATE_LIMIT_TABLE"),
        default_rate_limit=int(_env("DEFAULT_RATE_LIMIT", "50")),
    )
