"""API objects as pydantic models: snake_case attributes over the API's camelCase JSON.

Unknown fields are ignored, so a newer API never breaks an older client; the test suite
checks these models against docs/openapi.json, so they cannot drift from the API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr
from pydantic.alias_generators import to_camel

type ResourceStatus = Literal["active", "paused", "archived"]
type JobStatus = Literal["pending", "running", "completed", "failed"]
type JobType = Literal["resources.bulk_create", "resources.export"]
type EventType = Literal[
    "resource.created",
    "resource.updated",
    "resource.deleted",
    "job.created",
    "job.running",
    "job.completed",
    "job.failed",
    "api_key.created",
    "api_key.updated",
    "api_key.revoked",
]
type WebhookEndpointStatus = Literal["enabled", "disabled"]


class APIModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class Resource(APIModel):
    id: str
    object: Literal["resource"] = "resource"
    name: str
    description: str | None
    status: ResourceStatus
    metadata: dict[str, str]
    created_at: AwareDatetime
    updated_at: AwareDatetime


class JobProgress(APIModel):
    processed: int
    total: int | None


class JobError(APIModel):
    code: str
    message: str


class BulkCreateResult(APIModel):
    """`result` of a completed `resources.bulk_create` job: ids in request order."""

    type: Literal["resources.bulk_create"] = "resources.bulk_create"
    created: int
    ids: list[str]


class ExportResult(APIModel):
    """`result` of a completed `resources.export` job: a presigned JSON Lines download."""

    type: Literal["resources.export"] = "resources.export"
    count: int
    url: str
    expires_at: AwareDatetime


# `type` (the job's type) says which result it is.
JobResult = Annotated[BulkCreateResult | ExportResult, Field(discriminator="type")]


class Job(APIModel):
    id: str
    object: Literal["job"] = "job"
    type: JobType
    status: JobStatus
    progress: JobProgress
    result: JobResult | None  # None until completed
    error: JobError | None
    created_at: AwareDatetime
    started_at: AwareDatetime | None
    completed_at: AwareDatetime | None


class EventData(APIModel):
    object: dict[str, Any]
    """The object as its GET returns it (for a deletion, as it was before), as JSON:
    `resource.*` a resource, `job.*` a job, `api_key.*` a key's public view."""


class Event(APIModel):
    """One entry of the workspace's audit log (the last 30 days)."""

    id: str
    object: Literal["event"] = "event"
    type: EventType
    created_at: AwareDatetime
    data: EventData


class ApiKey(APIModel):
    """An API key as listed: never its secret."""

    id: str
    object: Literal["api_key"] = "api_key"
    name: str | None
    prefix: str | None
    scopes: list[str]
    created_at: AwareDatetime
    last_used_at: AwareDatetime | None
    expires_at: AwareDatetime | None
    revoked_at: AwareDatetime | None


class ApiKeyCreated(ApiKey):
    """A new key (created or rolled): the one answer that carries its `secret`."""

    secret: str


class WebhookEndpoint(APIModel):
    """A webhook endpoint as listed: never its secret."""

    id: str
    object: Literal["webhook_endpoint"] = "webhook_endpoint"
    url: str
    enabled_events: list[str]
    """The event types delivered here; `"*"` is every type."""
    description: str | None
    status: WebhookEndpointStatus
    """`disabled` after its deliveries failed for 5 days: nothing is delivered to it."""
    created_at: AwareDatetime
    failing_since: AwareDatetime | None
    """The first failed delivery since the last success; None when healthy."""
    disabled_at: AwareDatetime | None


class WebhookEndpointCreated(WebhookEndpoint):
    """A new endpoint: the one answer that carries its signing `secret` (`whsec_...`)."""

    secret: str


class Redelivery(APIModel):
    """`events.redeliver`: the endpoints the event was queued for."""

    object: Literal["redelivery"] = "redelivery"
    event: str
    endpoints: list[str]


class BasePage[T](APIModel):
    """One page of a list: `data`, newest first; `next_cursor` is None when `has_more` is
    False."""

    object: Literal["list"] = "list"
    data: list[T]
    has_more: bool
    next_cursor: str | None


class Page[T](BasePage[T]):
    _fetch: Callable[[str], Page[T]] | None = PrivateAttr(default=None)

    def next_page(self) -> Page[T] | None:
        """The following page (same filter and limit), or None after the last one."""
        if not self.has_more or self.next_cursor is None:
            return None
        if self._fetch is None:
            raise RuntimeError("this page was not fetched by a client")
        return self._fetch(self.next_cursor)

    def auto_paging_iter(self) -> Iterator[T]:
        """Every item from this page on, fetching each following page only when reached."""
        page: Page[T] | None = self
        while page is not None:
            yield from page.data
            page = page.next_page()


class AsyncPage[T](BasePage[T]):
    _fetch: Callable[[str], Awaitable[AsyncPage[T]]] | None = PrivateAttr(default=None)

    async def next_page(self) -> AsyncPage[T] | None:
        if not self.has_more or self.next_cursor is None:
            return None
        if self._fetch is None:
            raise RuntimeError("this page was not fetched by a client")
        return await self._fetch(self.next_cursor)

    async def auto_paging_iter(self) -> AsyncIterator[T]:
        page: AsyncPage[T] | None = self
        while page is not None:
            for item in page.data:
                yield item
            page = await page.next_page()
