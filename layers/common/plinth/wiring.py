"""Default repositories for the handlers, built from settings on first use."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from plinth.errors import DependencyUnavailable
from plinth.logic.rate_limit import RateLimiter
from plinth.observability import logger, metrics
from plinth.repositories.api_keys import DynamoApiKeyRepository, DynamoWorkspaceRepository
from plinth.repositories.rate_limits import DynamoRateLimitRepository
from plinth.repositories.resources import DynamoResourceRepository
from plinth.repositories.secrets import cursor_signing_key
from plinth.settings import get_settings

if TYPE_CHECKING:
    from plinth.logic.jobs import JobServices


@cache
def resource_repository() -> DynamoResourceRepository:
    return DynamoResourceRepository(get_settings().resources_table)


@cache
def api_key_repository() -> DynamoApiKeyRepository:
    return DynamoApiKeyRepository(get_settings().api_keys_table)


@cache
def workspace_repository() -> DynamoWorkspaceRepository:
    return DynamoWorkspaceRepository(get_settings().workspaces_table)


def signing_key() -> bytes:
    """Cached by Powertools Parameters (max_age), so rotation is picked up."""
    return cursor_signing_key(get_settings().cursor_secret_arn)


def _limiter_failed(failure: DependencyUnavailable) -> None:
    logger.warning("rate limiter unavailable; failing open", exc_info=failure)
    metrics.add_metric(name="RateLimiterFailOpen", unit="Count", value=1)


@cache
def rate_limiter() -> RateLimiter:
    return RateLimiter(
        DynamoRateLimitRepository(get_settings().rate_limit_table), on_failure=_limiter_failed
    )


@cache
def job_services() -> JobServices:
    # Imported here: the resource functions never load the jobs modules (~14 ms at import).
    from plinth.logic.jobs import JobServices
    from plinth.repositories.blobs import S3JobStore
    from plinth.repositories.jobs import DynamoJobRepository
    from plinth.repositories.queue import SqsJobQueue

    settings = get_settings()
    return JobServices(
        jobs=DynamoJobRepository(settings.jobs_table),
        queue=SqsJobQueue(settings.jobs_queue_url),
        store=S3JobStore(settings.jobs_bucket),
        resources=resource_repository(),
    )
