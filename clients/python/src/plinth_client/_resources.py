"""`client.resources`, `client.jobs` and `client.events` (with `redeliver`), sync and
async: thin mappings of calls to requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from plinth_client import _clock
from plinth_client._exceptions import JobFailedError, JobWaitTimeoutError
from plinth_client._models import (
    AsyncPage,
    Event,
    EventType,
    Job,
    JobStatus,
    Page,
    Redelivery,
    Resource,
    ResourceStatus,
)
from plinth_client._types import NOT_GIVEN, NotGiven, ResourceCreateParams

if TYPE_CHECKING:
    from plinth_client._client import AsyncPlinth, Plinth


def _id(value: str) -> str:
    """An id as one path segment: `/` or `?` in it can never reach another route."""
    if not value:
        raise ValueError("id must be a non-empty string")
    return quote(value, safe="")


def _create_body(name: str, description: str | None, metadata: dict[str, str] | None) -> Any:
    body: dict[str, Any] = {"name": name}
    if description is not None:
        body["description"] = description
    if metadata is not None:
        body["metadata"] = metadata
    return body


def _update_body(
    name: str | NotGiven,
    description: str | NotGiven | None,
    status: ResourceStatus | NotGiven,
    metadata: dict[str, str] | NotGiven,
) -> Any:
    given = {"name": name, "description": description, "status": status, "metadata": metadata}
    return {field: value for field, value in given.items() if value is not NOT_GIVEN}


def _export_body(status: ResourceStatus | None) -> Any:
    return {} if status is None else {"status": status}


def _redeliver_body(endpoint: str | None) -> Any:
    return {} if endpoint is None else {"endpoint": endpoint}


def _list_params(limit: int | None, cursor: str | None, status: str | None) -> dict[str, Any]:
    return {"limit": limit, "cursor": cursor, "status": status}


class Resources:
    def __init__(self, client: Plinth) -> None:
        self._client = client

    def create(
        self,
        *,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        data = self._client.request(
            "POST",
            "/resources",
            body=_create_body(name, description, metadata),
            idempotency_key=idempotency_key,
        )
        return Resource.model_validate(data)

    def get(self, id: str) -> Resource:
        return Resource.model_validate(self._client.request("GET", f"/resources/{_id(id)}"))

    def update(
        self,
        id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        status: ResourceStatus | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | NotGiven = NOT_GIVEN,
    ) -> Resource:
        """Only the fields given change; `description=None` clears it; `metadata` replaces
        the whole object."""
        body = _update_body(name, description, status, metadata)
        return Resource.model_validate(
            self._client.request("PATCH", f"/resources/{_id(id)}", body=body)
        )

    def delete(self, id: str) -> None:
        self._client.request("DELETE", f"/resources/{_id(id)}")

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        status: ResourceStatus | None = None,
    ) -> Page[Resource]:
        data = self._client.request("GET", "/resources", params=_list_params(limit, cursor, status))
        page = Page[Resource].model_validate(data)
        page._fetch = lambda next_cursor: self.list(limit=limit, cursor=next_cursor, status=status)
        return page

    def bulk_create(
        self, resources: Sequence[ResourceCreateParams], *, idempotency_key: str | None = None
    ) -> Job:
        """Up to 1,000 creates as one job; `client.jobs.wait(job.id)` for the ids."""
        data = self._client.request(
            "POST",
            "/resources/bulk",
            body={"resources": list(resources)},
            idempotency_key=idempotency_key,
        )
        return Job.model_validate(data)

    def export(
        self, *, status: ResourceStatus | None = None, idempotency_key: str | None = None
    ) -> Job:
        """A JSON Lines export as a job; when completed, `job.result.url` downloads it."""
        data = self._client.request(
            "POST", "/resources/export", body=_export_body(status), idempotency_key=idempotency_key
        )
        return Job.model_validate(data)


class Jobs:
    def __init__(self, client: Plinth) -> None:
        self._client = client

    def get(self, id: str) -> Job:
        return Job.model_validate(self._client.request("GET", f"/jobs/{_id(id)}"))

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        status: JobStatus | None = None,
    ) -> Page[Job]:
        data = self._client.request("GET", "/jobs", params=_list_params(limit, cursor, status))
        page = Page[Job].model_validate(data)
        page._fetch = lambda next_cursor: self.list(limit=limit, cursor=next_cursor, status=status)
        return page

    def wait(self, id: str, *, timeout: float = 300, poll_interval: float = 1.0) -> Job:
        """Poll until the job finishes: the completed job, or `JobFailedError` (with the
        job's `error`), or `JobWaitTimeoutError` (a `TimeoutError`) after `timeout` seconds."""
        deadline = _clock.monotonic() + timeout
        while True:
            job = self.get(id)
            if job.status == "completed":
                return job
            if job.status == "failed":
                raise JobFailedError(job)
            remaining = deadline - _clock.monotonic()
            if remaining <= 0:
                raise JobWaitTimeoutError(job, timeout)
            _clock.sleep(min(poll_interval, remaining))


class Events:
    """The workspace's audit log (scope `events:read`), newest first, the last 30 days."""

    def __init__(self, client: Plinth) -> None:
        self._client = client

    def get(self, id: str) -> Event:
        return Event.model_validate(self._client.request("GET", f"/events/{_id(id)}"))

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        type: EventType | None = None,
    ) -> Page[Event]:
        params = {"limit": limit, "cursor": cursor, "type": type}
        page = Page[Event].model_validate(self._client.request("GET", "/events", params=params))
        page._fetch = lambda next_cursor: self.list(limit=limit, cursor=next_cursor, type=type)
        return page

    def redeliver(
        self, id: str, *, endpoint: str | None = None, idempotency_key: str | None = None
    ) -> Redelivery:
        """Deliver the event again (scope `webhooks:write`) to every enabled webhook
        endpoint that receives its type, or only to `endpoint` (`we_...`); it keeps its
        `webhook-id`, so receivers deduplicate it."""
        data = self._client.request(
            "POST",
            f"/events/{_id(id)}/redeliver",
            body=_redeliver_body(endpoint),
            idempotency_key=idempotency_key,
        )
        return Redelivery.model_validate(data)


class AsyncResources:
    def __init__(self, client: AsyncPlinth) -> None:
        self._client = client

    async def create(
        self,
        *,
        name: str,
        description: str | None = None,
        metadata: dict[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Resource:
        data = await self._client.request(
            "POST",
            "/resources",
            body=_create_body(name, description, metadata),
            idempotency_key=idempotency_key,
        )
        return Resource.model_validate(data)

    async def get(self, id: str) -> Resource:
        return Resource.model_validate(await self._client.request("GET", f"/resources/{_id(id)}"))

    async def update(
        self,
        id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        status: ResourceStatus | NotGiven = NOT_GIVEN,
        metadata: dict[str, str] | NotGiven = NOT_GIVEN,
    ) -> Resource:
        body = _update_body(name, description, status, metadata)
        return Resource.model_validate(
            await self._client.request("PATCH", f"/resources/{_id(id)}", body=body)
        )

    async def delete(self, id: str) -> None:
        await self._client.request("DELETE", f"/resources/{_id(id)}")

    async def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        status: ResourceStatus | None = None,
    ) -> AsyncPage[Resource]:
        data = await self._client.request(
            "GET", "/resources", params=_list_params(limit, cursor, status)
        )
        page = AsyncPage[Resource].model_validate(data)

        async def fetch(next_cursor: str) -> AsyncPage[Resource]:
            return await self.list(limit=limit, cursor=next_cursor, status=status)

        page._fetch = fetch
        return page

    async def bulk_create(
        self, resources: Sequence[ResourceCreateParams], *, idempotency_key: str | None = None
    ) -> Job:
        data = await self._client.request(
            "POST",
            "/resources/bulk",
            body={"resources": list(resources)},
            idempotency_key=idempotency_key,
        )
        return Job.model_validate(data)

    async def export(
        self, *, status: ResourceStatus | None = None, idempotency_key: str | None = None
    ) -> Job:
        data = await self._client.request(
            "POST", "/resources/export", body=_export_body(status), idempotency_key=idempotency_key
        )
        return Job.model_validate(data)


class AsyncJobs:
    def __init__(self, client: AsyncPlinth) -> None:
        self._client = client

    async def get(self, id: str) -> Job:
        return Job.model_validate(await self._client.request("GET", f"/jobs/{_id(id)}"))

    async def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        status: JobStatus | None = None,
    ) -> AsyncPage[Job]:
        data = await self._client.request(
            "GET", "/jobs", params=_list_params(limit, cursor, status)
        )
        page = AsyncPage[Job].model_validate(data)

        async def fetch(next_cursor: str) -> AsyncPage[Job]:
            return await self.list(limit=limit, cursor=next_cursor, status=status)

        page._fetch = fetch
        return page

    async def wait(self, id: str, *, timeout: float = 300, poll_interval: float = 1.0) -> Job:
        deadline = _clock.monotonic() + timeout
        while True:
            job = await self.get(id)
            if job.status == "completed":
                return job
            if job.status == "failed":
                raise JobFailedError(job)
            remaining = deadline - _clock.monotonic()
            if remaining <= 0:
                raise JobWaitTimeoutError(job, timeout)
            await _clock.async_sleep(min(poll_interval, remaining))


class AsyncEvents:
    def __init__(self, client: AsyncPlinth) -> None:
        self._client = client

    async def get(self, id: str) -> Event:
        return Event.model_validate(await self._client.request("GET", f"/events/{_id(id)}"))

    async def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        type: EventType | None = None,
    ) -> AsyncPage[Event]:
        params = {"limit": limit, "cursor": cursor, "type": type}
        page = AsyncPage[Event].model_validate(
            await self._client.request("GET", "/events", params=params)
        )

        async def fetch(next_cursor: str) -> AsyncPage[Event]:
            return await self.list(limit=limit, cursor=next_cursor, type=type)

        page._fetch = fetch
        return page

    async def redeliver(
        self, id: str, *, endpoint: str | None = None, idempotency_key: str | None = None
    ) -> Redelivery:
        data = await self._client.request(
            "POST",
            f"/events/{_id(id)}/redeliver",
            body=_redeliver_body(endpoint),
            idempotency_key=idempotency_key,
        )
        return Redelivery.model_validate(data)
