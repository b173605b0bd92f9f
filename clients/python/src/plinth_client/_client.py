"""`Plinth` and `AsyncPlinth`: configuration, the request loop with retries, and resources."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import httpx

from plinth_client import _clock
from plinth_client._api_keys import ApiKeys, AsyncApiKeys
from plinth_client._exceptions import (
    APIConnectionError,
    APITimeoutError,
    PlinthError,
    error_from_response,
)
from plinth_client._resources import (
    AsyncEvents,
    AsyncJobs,
    AsyncResources,
    Events,
    Jobs,
    Resources,
)
from plinth_client._retry import RetryPolicy
from plinth_client._version import __version__
from plinth_client._webhook_endpoints import AsyncWebhookEndpoints, WebhookEndpoints

type Params = Mapping[str, str | int | None]


class _BaseClient:
    def __init__(
        self,
        api_key: str | None,
        base_url: str | None,
        timeout: float,
        max_retries: int,
    ) -> None:
        api_key = api_key if api_key is not None else os.environ.get("PLINTH_API_KEY")
        if not api_key:
            raise PlinthError("no API key: pass api_key= or set PLINTH_API_KEY")
        base_url = base_url if base_url is not None else os.environ.get("PLINTH_BASE_URL")
        if not base_url:
            raise PlinthError(
                "no base URL: pass base_url= or set PLINTH_BASE_URL (e.g. https://api.example.com/v1)"
            )
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self._policy = RetryPolicy(max_retries=max_retries)

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        path: str,
        *,
        params: Params | None,
        body: Any,
        idempotency_key: str | None,
    ) -> httpx.Request:
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Accept": "application/json",
            "User-Agent": f"plinth-python/{__version__}",
        }
        if method == "POST":
            # One key per call, reused by every retry of it: a retry never creates twice.
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        query = {k: v for k, v in (params or {}).items() if v is not None}
        return http.build_request(
            method,
            self.base_url + path,
            params=query or None,
            json=body,
            headers=headers,
            timeout=self.timeout,
        )

    @staticmethod
    def _transport_error(exc: httpx.TransportError, request: httpx.Request) -> APIConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(f"Connection error: {exc!r}", request=request)

    @staticmethod
    def _result(response: httpx.Response) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise PlinthError(
                f"{response.status_code} response is not JSON: {response.text[:200]!r}"
            ) from exc


class Plinth(_BaseClient):
    """The Plinth API. `api_key` defaults to PLINTH_API_KEY, `base_url` (ending in `/v1`) to
    PLINTH_BASE_URL. Pass `http_client` to use your own `httpx.Client` (proxies, transports)."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        *,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(api_key, base_url, timeout, max_retries)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.Client()
        self.resources = Resources(self)
        self.jobs = Jobs(self)
        self.events = Events(self)
        self.api_keys = ApiKeys(self)
        self.webhook_endpoints = WebhookEndpoints(self)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        """One API call with retries; returns the decoded JSON body (None for 204)."""
        request = self._build_request(
            self._http, method, path, params=params, body=body, idempotency_key=idempotency_key
        )
        retry = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                error = self._transport_error(exc, request)
                delay = self._policy.delay(retry, None)
                if delay is None:
                    raise error from exc
            else:
                if response.is_success:
                    return self._result(response)
                status_error = error_from_response(response)
                delay = self._policy.delay(retry, response)
                if delay is None:
                    raise status_error
            _clock.sleep(delay)
            retry += 1

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncPlinth(_BaseClient):
    """`Plinth` over `httpx.AsyncClient`: the same surface, every call awaited."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        *,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(api_key, base_url, timeout, max_retries)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient()
        self.resources = AsyncResources(self)
        self.jobs = AsyncJobs(self)
        self.events = AsyncEvents(self)
        self.api_keys = AsyncApiKeys(self)
        self.webhook_endpoints = AsyncWebhookEndpoints(self)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        idempotency_key: str | None = None,
    ) -> Any:
        request = self._build_request(
            self._http, method, path, params=params, body=body, idempotency_key=idempotency_key
        )
        retry = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                error = self._transport_error(exc, request)
                delay = self._policy.delay(retry, None)
                if delay is None:
                    raise error from exc
            else:
                if response.is_success:
                    return self._result(response)
                status_error = error_from_response(response)
                delay = self._policy.delay(retry, response)
                if delay is None:
                    raise status_error
            await _clock.async_sleep(delay)
            retry += 1

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
