"""Configuration from the environment, validated when a function is first invoked (cached),
never at import time. A missing or empty table name fails the invocation with a message
naming the variable, instead of a confusing AWS error later.

Values template.yaml sets for every function (Globals) have no default here: the template
is their one source of truth (tests/unit/test_settings.py checks they are all there).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Name = Annotated[str, Field(min_length=1)]
Positive = Annotated[int, Field(gt=0)]


class SettingsError(RuntimeError):
    """The function's environment is incomplete or invalid (a deployment bug)."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    resources_table: Name = Field(alias="RESOURCES_TABLE")
    api_keys_table: Name = Field(alias="API_KEYS_TABLE")
    workspaces_table: Name = Field(alias="WORKSPACES_TABLE")
    cursor_secret_arn: Name = Field(alias="CURSOR_SECRET_ARN")
    authorizer_ttl_seconds: int = Field(ge=0, alias="AUTHORIZER_TTL_SECONDS")
    idempotency_table: Name = Field(alias="IDEMPOTENCY_TABLE")
    rate_limit_table: Name = Field(alias="RATE_LIMIT_TABLE")
    default_rate_limit: Positive = Field(alias="DEFAULT_RATE_LIMIT")
    jobs_table: Name = Field(alias="JOBS_TABLE")
    events_table: Name = Field(alias="EVENTS_TABLE")
    jobs_queue_url: Name = Field(alias="JOBS_QUEUE_URL")
    webhook_endpoints_table: Name = Field(alias="WEBHOOK_ENDPOINTS_TABLE")
    webhook_queue_url: Name = Field(alias="WEBHOOK_QUEUE_URL")
    # "public": https to public addresses only (AWS); "any": plinth dev's http://127.0.0.1.
    webhook_targets: Name = Field(alias="WEBHOOK_TARGETS")
    # plinth dev --sam: where a container reaches the host's 127.0.0.1; empty in AWS.
    webhook_loopback_alias: str = Field(alias="WEBHOOK_LOOPBACK_ALIAS")
    webhook_retry_schedule: str = Field(
        default="5,300,1800,7200,18000,36000,36000", alias="WEBHOOK_RETRY_SCHEDULE"
    )
    webhook_disable_after_seconds: Positive = Field(
        default=5 * 86_400, alias="WEBHOOK_DISABLE_AFTER_SECONDS"
    )
    webhook_timeout_seconds: Positive = Field(default=10, alias="WEBHOOK_TIMEOUT_SECONDS")
    jobs_bucket: Name = Field(alias="JOBS_BUCKET")
    max_receive_count: Positive = Field(alias="JOBS_MAX_RECEIVE_COUNT")
    job_stale_after_seconds: Positive = Field(alias="JOB_STALE_AFTER_SECONDS")
    job_time_margin_ms: Positive = Field(default=15_000, alias="JOB_TIME_MARGIN_MS")
    # S3 multipart parts must be at least 5 MiB, except the last.
    export_part_bytes: Positive = Field(default=5 * 1024 * 1024, alias="EXPORT_PART_BYTES")
    export_url_ttl_seconds: Positive = Field(default=3600, alias="EXPORT_URL_TTL_SECONDS")
    max_body_bytes: int = 1024 * 1024
    max_bulk_body_bytes: int = 5 * 1024 * 1024
    pending_grace_ms: int = 3 * 60 * 1000
    max_enqueue_attempts: int = 5

    @property
    def webhooks_allow_private(self) -> bool:
        return self.webhook_targets == "any"

    @property
    def job_stale_after_ms(self) -> int:
        return self.job_stale_after_seconds * 1000


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Settings from `environ`; `SettingsError` names every missing or invalid variable."""
    try:
        return Settings.model_validate(dict(environ))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise SettingsError(f"invalid function environment: {problems}") from None


@cache
def get_settings() -> Settings:
    return load_settings(os.environ)
