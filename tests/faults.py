"""Injected AWS faults: throttling and outages at botocore's HTTP layer.

moto answers every in-process AWS call from a `before-send` hook; the injector stands in
front of it, so a faulted call goes through botocore's own retries (bounded, standard
mode) exactly as a real one would, and every other call reaches moto unchanged. It sees
every client, the idempotency store's and the parameter provider's included.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError


@dataclass(frozen=True)
class Call:
    service: str  # botocore's service id, lower case: dynamodb, sqs, s3, secrets-manager
    operation: str  # PutItem, SendMessage, ...
    tables: frozenset[str]  # DynamoDB tables the call names


@dataclass(frozen=True)
class Fault:
    """`throttled` answers with the service's throttling error; `connection` and `timeout`
    raise what botocore raises when the network fails."""

    kind: str
    code: str = ""
    status: int = 400

    def __str__(self) -> str:
        return self.code or self.kind

    def answer(self, call: Call, url: str) -> AWSResponse:
        from moto.core.botocore_stubber import MockRawResponse

        if self.kind == "connection":
            raise EndpointConnectionError(endpoint_url=url)
        if self.kind == "timeout":
            raise ReadTimeoutError(endpoint_url=url)
        headers = {"x-amzn-RequestId": "fault-injected"}
        if call.service == "s3":
            body = f"<Error><Code>{self.code}</Code><Message>injected</Message></Error>"
            headers["Content-Type"] = "application/xml"
        else:
            body = json.dumps({"__type": self.code, "message": "injected"})
            headers["Content-Type"] = "application/x-amz-json-1.0"
            headers["x-amzn-query-error"] = f"{self.code};Sender"
        return AWSResponse(url, self.status, headers, MockRawResponse(body))


THROTTLED = Fault("throttled", "ProvisionedThroughputExceededException")
THROTTLING = Fault("throttled", "ThrottlingException")
SLOW_DOWN = Fault("throttled", "SlowDown", 503)
CONNECTION = Fault("connection")
TIMEOUT = Fault("timeout")


def _call(event_name: str, request: Any) -> Call:
    _, service, operation = event_name.split(".", 2)
    tables: set[str] = set()
    if service == "dynamodb" and request.body:
        payload = json.loads(request.body)
        if "TableName" in payload:
            tables.add(payload["TableName"])
        tables.update(payload.get("RequestItems", {}))
        tables.update(
            action["TableName"]
            for item in payload.get("TransactItems", [])
            for action in item.values()
        )
    return Call(service, operation, frozenset(tables))


class FaultInjector:
    """`inject(where, fault)`: calls for which `where(call)` is true get `fault`."""

    def __init__(self, monkeypatch: Any) -> None:
        from botocore.retries import standard
        from moto.core.botocore_stubber import BotocoreStubber

        self.rules: list[tuple[Callable[[Call], bool], Fault]] = []
        self.attempts: Counter[tuple[str, str]] = Counter()
        passthrough = BotocoreStubber.__call__
        injector = self

        def intercept(stub: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
            call = _call(event_name, request)
            for where, fault in injector.rules:
                if where(call):
                    injector.attempts[(call.service, call.operation)] += 1
                    return fault.answer(call, request.url)
            return passthrough(stub, event_name, request, **kwargs)

        monkeypatch.setattr(BotocoreStubber, "__call__", intercept)
        # Retries keep their number, not their wait: the matrix runs in seconds.
        monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0)

    def inject(self, where: Callable[[Call], bool], fault: Fault) -> None:
        self.rules.append((where, fault))

    def before(self, where: Callable[[Call], bool], step: Callable[[], None]) -> None:
        """Run `step` before each matching call, which then goes ahead (a race, a crash)."""

        def run(call: Call) -> bool:
            if where(call):
                step()
            return False

        self.rules.append((run, THROTTLED))

    def clear(self) -> None:
        self.rules.clear()
