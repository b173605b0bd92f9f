"""AWS calls per operation, counted at botocore's `BaseClient._make_api_call` (so every
client counts, Powertools' own included), through the gateway emulation (so the
authorizer counts too), against whatever AWS the caller set up (moto in-process).

One scenario, two users: `bench/aws_calls.py` prints it and
`tests/integration/test_call_budgets.py` asserts it call for call, so they cannot drift.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import botocore.client

from plinth_tools import template as tpl
from plinth_tools.local.gateway import Gateway, GatewayRequest
from plinth_tools.local.workers import QueuePoller
from plinth_tools.provision import Resolved

BULK_ITEMS = 1000
# What the export finds: the bulk's items and the idempotent POST's (the first is deleted).
# Over 1,000, so it takes two pages.
EXPORT_ITEMS = BULK_ITEMS + 1

_patch_lock = threading.Lock()


@contextmanager
def counting_aws_calls() -> Iterator[Counter[str]]:
    """Count every AWS API call made inside the block, as `service:Operation`."""
    calls: Counter[str] = Counter()
    client_class = botocore.client.BaseClient
    real = client_class._make_api_call  # type: ignore[attr-defined]

    def counting(self: Any, operation: str, params: Any) -> Any:
        calls[f"{self.meta.service_model.service_name}:{operation}"] += 1
        return real(self, operation, params)

    with _patch_lock:
        setattr(client_class, "_make_api_call", counting)  # noqa: B010 (private; no stub)
        try:
            yield calls
        finally:
            setattr(client_class, "_make_api_call", real)  # noqa: B010


@dataclass(frozen=True)
class Measurement:
    operation: str
    status: int
    calls: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def row(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "status": self.status,
            "awsCalls": self.total,
            "byOperation": self.calls,
        }


def measure_operations(
    gateway: Gateway, key: str, resolved: Resolved | None = None, *, api_keys: bool = False
) -> list[Measurement]:
    """Every API operation once, in an order that keeps each measurement to its own cost:
    the first request pays the authorizer (uncached) and the cursor key (cached 1 h).
    With `resolved` (the provisioned names), the bulk and export jobs are then run by the
    worker, one message per invocation as the SQS event source delivers them (its
    ReceiveMessage and DeleteMessageBatch are counted with the invocation). With
    `api_keys`, the keys API too (its roll and revoke flush the authorizer cache: point
    AWS_ENDPOINT_URL_API_GATEWAY at something that answers)."""
    auth = [("Authorization", f"Bearer {key}")]
    json_type = [("Content-Type", "application/json")]
    results: list[Measurement] = []

    def call(
        operation: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        idempotency_key: str | None = None,
        query: str = "",
    ) -> dict[str, Any]:
        headers = auth + (json_type if body is not None else [])
        if idempotency_key:
            headers = [*headers, ("Idempotency-Key", idempotency_key)]
        request = GatewayRequest(
            method, path, query, headers, json.dumps(body).encode() if body is not None else b""
        )
        with counting_aws_calls() as calls:
            result = gateway.handle(request)
        results.append(Measurement(operation, result.status, dict(sorted(calls.items()))))
        loaded: dict[str, Any] = json.loads(result.body) if result.body else {}
        return loaded

    def work(operation: str, poller: QueuePoller) -> None:
        """The invocation that received the message: an empty receive (the message not
        yet visible on a loaded machine) is retried for up to 30 s, and not counted."""
        for _ in range(300):
            with counting_aws_calls() as calls:
                received = poller.poll_once()
            if received:
                break
            time.sleep(0.1)
        results.append(Measurement(operation, received, dict(sorted(calls.items()))))

    call("first request on a key (authorizer not cached): GET list", "GET", "/v1/resources")
    rid = call("POST /v1/resources", "POST", "/v1/resources", {"name": "a"})["id"]
    call("GET /v1/resources/{id}", "GET", f"/v1/resources/{rid}")
    call("GET /v1/resources (one page)", "GET", "/v1/resources", query="limit=1")
    call("PATCH /v1/resources/{id}", "PATCH", f"/v1/resources/{rid}", {"name": "b"})
    call("PATCH /v1/resources/{id} with {}", "PATCH", f"/v1/resources/{rid}", {})
    call("DELETE /v1/resources/{id}", "DELETE", f"/v1/resources/{rid}")
    call(
        "POST with Idempotency-Key",
        "POST",
        "/v1/resources",
        {"name": "c"},
        idempotency_key="budget-1",
    )
    call("replayed POST", "POST", "/v1/resources", {"name": "c"}, idempotency_key="budget-1")
    bulk = {"resources": [{"name": f"r{i}"} for i in range(BULK_ITEMS)]}
    job = call(f"POST /v1/resources/bulk ({BULK_ITEMS} items)", "POST", "/v1/resources/bulk", bulk)
    call("GET /v1/jobs/{id}", "GET", f"/v1/jobs/{job['id']}")
    call("GET /v1/jobs (one page)", "GET", "/v1/jobs")
    poller = _jobs_poller(gateway, resolved) if resolved is not None else None
    if poller is not None:
        work(f"worker: bulk create of {BULK_ITEMS}", poller)
    call("POST /v1/resources/export", "POST", "/v1/resources/export", {})
    if poller is not None:
        work(f"worker: export of {EXPORT_ITEMS}", poller)
    if api_keys:
        _key_operations(call)
    return results


def _key_operations(call: Any) -> None:
    minted = call("POST /v1/api_keys", "POST", "/v1/api_keys", {"scopes": ["resources:read"]})
    path = f"/v1/api_keys/{minted['id']}"
    call("GET /v1/api_keys (one page)", "GET", "/v1/api_keys", query="limit=5")
    call("GET /v1/api_keys/{id}", "GET", path)
    call("POST /v1/api_keys/{id}/roll", "POST", f"{path}/roll", {"expiresIn": 60})
    call("DELETE /v1/api_keys/{id}", "DELETE", path)


def _jobs_poller(gateway: Gateway, resolved: Resolved) -> QueuePoller:
    """The jobs worker's SQS event source, as `plinth dev` builds it."""
    spec = tpl.functions(gateway.template)["JobsWorkerFunction"]
    (source,) = spec.queue_events
    queue_id = source["Queue"]["Fn::GetAtt"][0]
    return QueuePoller(
        gateway.pools[spec.logical_id],
        resolved[queue_id],
        resolved.attribute(queue_id, "Arn"),
        batch_size=int(source.get("BatchSize", 10)),
        report_failures="ReportBatchItemFailures" in source.get("FunctionResponseTypes", []),
        wait_seconds=0,
    )
