"""Count the AWS calls each kind of request makes (`make bench`), through the gateway
emulation (authorizer included) against moto in-process.

Counted at botocore's `_make_api_call`, so every client counts, Powertools' own included.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

os.environ.update(
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",
    AWS_DEFAULT_REGION="us-east-1",
    POWERTOOLS_LOG_LEVEL="ERROR",
    POWERTOOLS_METRICS_DISABLED="true",
)
os.environ.pop("AWS_ENDPOINT_URL", None)

import botocore.client
from moto import mock_aws

from plinth_tools import template as tpl
from plinth_tools.local.gateway import Gateway, GatewayRequest
from plinth_tools.local.stack import seed_demo_workspace
from plinth_tools.provision import function_environment, provision

calls: Counter[str] = Counter()
_real = botocore.client.BaseClient._make_api_call


def _counting(self: Any, operation: str, params: Any) -> Any:
    calls[f"{self.meta.service_model.service_name}:{operation}"] += 1
    return _real(self, operation, params)


def main() -> None:
    with mock_aws():
        resolved = provision("bench-")
        for name in tpl.functions():
            os.environ.update(function_environment(name, resolved))
        key = seed_demo_workspace()
        parameters = tpl.parameter_defaults()
        gateway = Gateway(tpl.load_template(), parameters["StageName"], parameters)
        auth = [("Authorization", f"Bearer {key}")]
        json_type = [("Content-Type", "application/json")]

        def measure(label: str, request: GatewayRequest) -> dict[str, Any]:
            calls.clear()
            result = gateway.handle(request)
            return {
                "request": label,
                "status": result.status,
                "awsCalls": sum(calls.values()),
                "byOperation": dict(sorted(calls.items())),
                "body": result.body,
            }

        botocore.client.BaseClient._make_api_call = _counting  # type: ignore[method-assign]

        def post(body: bytes, key: str | None = None) -> GatewayRequest:
            idem = [("Idempotency-Key", key)] if key else []
            return GatewayRequest("POST", "/v1/resources", "", auth + json_type + idem, body)

        first = measure(
            "first request (authorizer not cached): GET list",
            GatewayRequest("GET", "/v1/resources", "", auth, b""),
        )
        created = measure("POST without Idempotency-Key", post(b'{"name":"a"}'))
        rid = json.loads(created["body"])["id"]
        rows = [
            first,
            measure(
                "GET /v1/resources/{id}",
                GatewayRequest("GET", f"/v1/resources/{rid}", "", auth, b""),
            ),
            created,
            measure("POST with Idempotency-Key", post(b'{"name":"b"}', "k1")),
            measure("replayed POST", post(b'{"name":"b"}', "k1")),
        ]
        for row in rows:
            row.pop("body")
            print(json.dumps(row))


if __name__ == "__main__":
    main()
