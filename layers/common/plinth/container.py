"""The one place dependencies are built: AWS clients and repositories, from validated
settings, once per Lambda container (each on first use, and each repository's module
imported then, so a function pays at cold start only for what it touches: the resource
functions never import the jobs or API-key modules).

Handlers ask `container()` for what they need; tests and the local stack build their own
`Container` (with other clients, or other repositories) and `install` it.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from plinth.errors import DependencyUnavailable
from plinth.logic.rate_limit import RateLimiter
from plinth.observability import logger, metrics
from plinth.repositories import aws
from plinth.repositories.rate_limits import DynamoRateLimitRepository
from plinth.settings import Settings, get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

    from plinth.logic.jobs.common import JobServices
    from plinth.logic.jobs.worker import WorkerConfig
    from plinth.logic.webhooks import DeliveryPolicy
    from plinth.ports import (
        Counter,
        DeliveryQueue,
        EventStore,
        KeyStore,
        ResourceStore,
        VerdictCache,
        WebhookEndpointStore,
        WebhookTransport,
        WorkspaceStore,
    )


def _limiter_failed(failure: DependencyUnavailable) -> None:
    logger.warning("rate limiter unavailable; failing open", exc_info=failure)
    metrics.add_metric(name="RateLimiterFailOpen", unit="Count", value=1)


class Container:
    """Everything a function needs, built lazily and kept for the container's life.

    Any attribute may be given instead of built (`Container(settings, dynamodb=stub)`
    rebuilds every DynamoDB repository on `stub`; `resources=fake` swaps one repository).
    """

    def __init__(self, settings: Settings, **given: object) -> None:
        self.settings = settings
        unknown = set(given) - {
            name for name, value in vars(Container).items() if isinstance(value, cached_property)
        }
        if unknown:
            raise TypeError(f"Container has no dependency named {', '.join(sorted(unknown))}")
        self.__dict__.update(given)

    # ---------------------------------------------------------------- AWS clients
    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return aws.dynamodb()

    @cached_property
    def sqs(self) -> SQSClient:
        from plinth.repositories.queue import sqs

        return sqs()

    @cached_property
    def s3(self) -> S3Client:
        from plinth.repositories.blobs import s3

        return s3()

    @cached_property
    def apigateway(self) -> APIGatewayClient:
        from plinth.repositories.verdicts import apigateway

        return apigateway()

    # ---------------------------------------------------------------- repositories
    @cached_property
    def resources(self) -> ResourceStore:
        from plinth.repositories.resources import DynamoResourceRepository

        return DynamoResourceRepository(self.dynamodb, self.settings.resources_table)

    @cached_property
    def api_keys(self) -> KeyStore:
        from plinth.repositories.api_keys import DynamoApiKeyRepository

        return DynamoApiKeyRepository(self.dynamodb, self.settings.api_keys_table)

    @cached_property
    def workspaces(self) -> WorkspaceStore:
        from plinth.repositories.api_keys import DynamoWorkspaceRepository

        return DynamoWorkspaceRepository(self.dynamodb, self.settings.workspaces_table)

    @cached_property
    def events(self) -> EventStore:
        from plinth.repositories.events import DynamoEventRepository

        return DynamoEventRepository(self.dynamodb, self.settings.events_table)

    @cached_property
    def webhook_endpoints(self) -> WebhookEndpointStore:
        from plinth.repositories.webhooks import DynamoWebhookEndpointRepository

        return DynamoWebhookEndpointRepository(self.dynamodb, self.settings.webhook_endpoints_table)

    @cached_property
    def deliveries(self) -> DeliveryQueue:
        from plinth.repositories.webhooks import SqsDeliveryQueue

        return SqsDeliveryQueue(self.sqs, self.settings.webhook_queue_url)

    @cached_property
    def webhook_transport(self) -> WebhookTransport:
        from plinth.logic.webhooks import is_public_address
        from plinth.repositories.webhook_http import HttpWebhookTransport

        allow_any = self.settings.webhooks_allow_private  # plinth dev: 127.0.0.1 too
        return HttpWebhookTransport(
            (lambda _: True) if allow_any else is_public_address,
            self.settings.webhook_timeout_seconds,
            self.settings.webhook_loopback_alias or None,
        )

    @cached_property
    def delivery_policy(self) -> DeliveryPolicy:
        from plinth.logic.webhooks import DeliveryPolicy, parse_schedule

        return DeliveryPolicy(
            schedule_s=parse_schedule(self.settings.webhook_retry_schedule),
            disable_after_ms=self.settings.webhook_disable_after_seconds * 1000,
        )

    @cached_property
    def idempotency_store(self) -> DynamoDBPersistenceLayer:
        # Powertools makes its own client, with our bounded retries and short timeouts.
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        return DynamoDBPersistenceLayer(
            table_name=self.settings.idempotency_table, boto_config=aws.CLIENT_CONFIG
        )

    @cached_property
    def rate_limits(self) -> Counter:
        return DynamoRateLimitRepository(self.dynamodb, self.settings.rate_limit_table)

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        return RateLimiter(self.rate_limits, on_failure=_limiter_failed)

    @cached_property
    def jobs(self) -> JobServices:
        # Imported here: the resource functions never load the jobs modules (~14 ms).
        from plinth.logic.jobs.common import JobServices
        from plinth.repositories.blobs import S3JobStore
        from plinth.repositories.jobs import DynamoJobRepository
        from plinth.repositories.queue import SqsJobQueue

        return JobServices(
            jobs=DynamoJobRepository(
                self.dynamodb, self.settings.jobs_table, self.settings.resources_table
            ),
            queue=SqsJobQueue(self.sqs, self.settings.jobs_queue_url),
            store=S3JobStore(self.s3, self.settings.jobs_bucket),
            resources=self.resources,
        )

    def worker_config(self, lease_ms: int) -> WorkerConfig:
        """The job worker's limits from settings; `lease_ms` from the invocation's time."""
        from plinth.logic.jobs.worker import WorkerConfig

        return WorkerConfig(
            margin_ms=self.settings.job_time_margin_ms,
            lease_ms=lease_ms,
            max_receive_count=self.settings.max_receive_count,
            part_bytes=self.settings.export_part_bytes,
        )

    def verdicts(self, rest_api_id: str, stage: str) -> VerdictCache:
        """The API's cached authorizer verdicts (ids from the request's context)."""
        from plinth.repositories.verdicts import NoVerdictCache, StageVerdictCache

        if self.settings.authorizer_ttl_seconds == 0:
            return NoVerdictCache()
        return StageVerdictCache(self.apigateway, rest_api_id, stage)

    def signing_key(self) -> bytes:
        """Not kept here: Powertools Parameters caches it (max_age), so rotation is seen."""
        from plinth.repositories.secrets import cursor_signing_key

        return cursor_signing_key(self.settings.cursor_secret_arn)


_installed: Container | None = None


def container() -> Container:
    """This Lambda container's dependencies, built from the environment on first use."""
    global _installed  # noqa: PLW0603 - one per Lambda container, by design
    if _installed is None:
        _installed = Container(get_settings())
    return _installed


def install(replacement: Container | None) -> Container | None:
    """Use `replacement` from now on (None: rebuild from the environment on next use,
    re-reading it). Returns the one it replaces, so a caller can put it back."""
    global _installed
    previous, _installed = _installed, replacement
    if replacement is None:
        get_settings.cache_clear()
    return previous
