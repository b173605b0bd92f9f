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
    jobs_table: str
    jobs_queue_url: str
    jobs_bucket: str
    max_receive_count: int
    job_time_margin_ms: int
    job_stale_after_ms: int
    export_part_bytes: int
    export_url_ttl_seconds: int
    max_body_bytes: int = 1024 * 1024
    max_bulk_body_bytes: int = 5 * 1024 * 1024
    pending_grace_ms: int = 3 * 60 * 1000
    max_enqueue_attempts: int = 5


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
        jobs_table=_env("JOBS_TABLE"),
        jobs_queue_url=_env("JOBS_QUEUE_URL"),
        jobs_bucket=_env("JOBS_BUCKET"),
        max_receive_count=int(_env("JOBS_MAX_RECEIVE_COUNT", "3")),
        job_time_margin_ms=int(_env("JOB_TIME_MARGIN_MS", "15000")),
        job_stale_after_ms=int(_env("JOB_STALE_AFTER_SECONDS", "3600")) * 1000,
        # S3 multipart parts must be at least 5 MiB, except the last.
        export_part_bytes=int(_env("EXPORT_PART_BYTES", str(5 * 1024 * 1024))),
        export_url_ttl_seconds=int(_env("EXPORT_URL_TTL_SECONDS", "3600")),
    )
