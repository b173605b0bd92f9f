"""Helpers for the Python SDK's unit tests: a scripted httpx transport and canned bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from plinth_client import AsyncPlinth, Plinth

BASE = "https://api.test/v1"


def resource_body(id: str = "res_1", **overrides: Any) -> dict[str, Any]:
    return {
        "id": id,
        "object": "resource",
        "name": "n",
        "description": None,
        "status": "active",
        "metadata": {},
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
    } | overrides


def job_body(id: str = "job_1", status: str = "pending", **overrides: Any) -> dict[str, Any]:
    done = status in ("completed", "failed")
    return {
        "id": id,
        "object": "job",
        "type": "resources.bulk_create",
        "status": status,
        "progress": {"processed": 0, "total": 2},
        "result": (
            {"type": "resources.bulk_create", "created": 2, "ids": ["res_a", "res_b"]}
            if status == "completed"
            else None
        ),
        "error": {"code": "job_failed", "message": "boom"} if status == "failed" else None,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "startedAt": "2025-01-01T00:00:01.000Z" if status != "pending" else None,
        "completedAt": "2025-01-01T00:00:02.000Z" if done else None,
    } | overrides


def event_body(
    id: str = "evt_1", type: str = "resource.created", **overrides: Any
) -> dict[str, Any]:
    return {
        "id": id,
        "object": "event",
        "type": type,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "data": {"object": resource_body()},
        **overrides,
    }


def error(status: int, code: str, param: str | None = None, **headers: str) -> httpx.Response:
    body = {"error": {"code": code, "message": f"{code} happened", "param": param}}
    return httpx.Response(status, json=body, headers={"X-Request-Id": f"req-{status}", **headers})


def ok(body: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=body)


type Step = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers each request with the next scripted step, and records the requests."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        step = self.steps.pop(0)
        if isinstance(step, Exception):
            raise step
        if callable(step) and not isinstance(step, httpx.Response):
            return step(request)
        return step


class Sleeps:
    """Stands in for `_clock`: records sleeps and advances a fake monotonic clock."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.now = 1000.0

    def sleep(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def monotonic(self) -> float:
        return self.now


def client(script: Script, **options: Any) -> Plinth:
    http = httpx.Client(transport=httpx.MockTransport(script))
    return Plinth(api_key="sk_test", base_url=BASE, http_client=http, **options)


def async_client(script: Script, **options: Any) -> AsyncPlinth:
    http = httpx.AsyncClient(transport=httpx.MockTransport(script))
    return AsyncPlinth(api_key="sk_test", base_url=BASE, http_client=http, **options)


def api_key_body(id: str = "key_1", **overrides: Any) -> dict[str, Any]:
    return {
        "id": id,
        "object": "api_key",
        "name": None,
        "prefix": "sk_AbCdE",
        "scopes": ["resources:read"],
        "createdAt": "2025-01-01T00:00:00.000Z",
        "lastUsedAt": None,
        "expiresAt": None,
        "revokedAt": None,
    } | overrides


def webhook_endpoint_body(id: str = "we_1", **overrides: Any) -> dict[str, Any]:
    return {
        "id": id,
        "object": "webhook_endpoint",
        "url": "https://hooks.example.com/plinth",
        "enabledEvents": ["resource.created"],
        "description": None,
        "status": "enabled",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "failingSince": None,
        "disabledAt": None,
    } | overrides


def redelivery_body(event: str = "evt_1", *endpoints: str) -> dict[str, Any]:
    return {"object": "redelivery", "event": event, "endpoints": list(endpoints) or ["we_1"]}
