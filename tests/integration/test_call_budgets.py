"""Issue 12: AWS calls per operation are at DynamoDB's floor, and stay there.

The scenario (`plinth_tools.budgets`, shared with `bench/aws_calls.py`) runs every
operation through the gateway emulation, authorizer included, against moto in-process,
and counts each call at botocore's `BaseClient._make_api_call`. Any operation that adds
(or loses) a call fails this test, which prints the whole per-operation breakdown.
"""

from __future__ import annotations

import json
import math

import boto3
import pytest

from plinth_tools import template as tpl
from plinth_tools.budgets import BULK_ITEMS, EXPORT_ITEMS, Measurement, measure_operations
from plinth_tools.local.gateway import Gateway
from plinth_tools.local.stack import seed_demo_workspace
from tests.support import fresh_dependencies

# Small parts so the export crosses several part boundaries (tests/conftest.py lowers
# moto's minimum part size); in AWS a part is 5 MiB.
PART_BYTES = 64 * 1024
EXPORT_PAGE = 1000  # plinth.logic.jobs.worker.EXPORT_PAGE_SIZE
RATE = {"dynamodb:UpdateItem": 1}  # the rate limiter's one UpdateItem on every API call
FLUSH = "apigateway:FlushStageAuthorizersCache"


def _plus(*parts: dict[str, int]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in parts:
        for name, count in part.items():
            total[name] = total.get(name, 0) + count
    return dict(sorted(total.items()))


def _expected(export_parts: int) -> dict[str, dict[str, int]]:
    # One TransactWriteItems per 25 resources, carrying the job's checkpoint with them
    # (the fence that keeps a redelivery from rewriting a chunk): no separate progress writes.
    bulk_chunks = math.ceil(BULK_ITEMS / 25)
    event_source = {"sqs:ReceiveMessage": 1, "sqs:DeleteMessageBatch": 1}
    return {
        "first request on a key (authorizer not cached): GET list": _plus(
            {"dynamodb:GetItem": 2},  # authorizer: key by hash, then its workspace
            {"dynamodb:UpdateItem": 1},  # and its lastUsedAt (at most once a minute)
            {"secretsmanager:GetSecretValue": 1},  # cursor key, cached 1 h per container
            {"dynamodb:Query": 1},
            RATE,
        ),
        "POST /v1/resources": _plus({"dynamodb:PutItem": 1}, RATE),
        "GET /v1/resources/{id}": _plus({"dynamodb:GetItem": 1}, RATE),
        "GET /v1/resources (one page)": _plus({"dynamodb:Query": 1}, RATE),
        "PATCH /v1/resources/{id}": _plus({"dynamodb:UpdateItem": 1}, RATE),
        "PATCH /v1/resources/{id} with {}": _plus({"dynamodb:GetItem": 1}, RATE),
        "DELETE /v1/resources/{id}": _plus({"dynamodb:DeleteItem": 1}, RATE),
        # Powertools idempotency: the in-progress record, then its completion.
        "POST with Idempotency-Key": _plus(
            {"dynamodb:PutItem": 1}, {"dynamodb:PutItem": 1, "dynamodb:UpdateItem": 1}, RATE
        ),
        # The conditional PutItem fails and returns the stored record: no GetItem.
        "replayed POST": _plus({"dynamodb:PutItem": 1}, RATE),
        f"POST /v1/resources/bulk ({BULK_ITEMS} items)": _plus(
            {"s3:PutObject": 1, "dynamodb:PutItem": 1, "sqs:SendMessage": 1}, RATE
        ),
        "GET /v1/jobs/{id}": _plus({"dynamodb:GetItem": 1}, RATE),
        "GET /v1/jobs (one page)": _plus({"dynamodb:Query": 1}, RATE),
        f"worker: bulk create of {BULK_ITEMS}": _plus(
            event_source,
            {"dynamodb:GetItem": 1, "s3:GetObject": 1},  # the job, its payload
            {"dynamodb:TransactWriteItems": bulk_chunks},
            {"dynamodb:UpdateItem": 2},  # the claim and the completion
        ),
        "POST /v1/resources/export": _plus({"dynamodb:PutItem": 1, "sqs:SendMessage": 1}, RATE),
        f"worker: export of {EXPORT_ITEMS}": _plus(
            event_source,
            {"dynamodb:GetItem": 1},
            {"dynamodb:Query": math.ceil(EXPORT_ITEMS / EXPORT_PAGE)},
            {"s3:CreateMultipartUpload": 1, "s3:UploadPart": export_parts},
            {"s3:CompleteMultipartUpload": 1},
            # claim, the upload id, a checkpoint after each full part, the completion
            {"dynamodb:UpdateItem": 1 + 1 + (export_parts - 1) + 1},
        ),
        "POST /v1/api_keys": _plus({"dynamodb:GetItem": 1, "dynamodb:PutItem": 1}, RATE),
        # The ids from byWorkspace, then the whole keys in one BatchGetItem.
        "GET /v1/api_keys (one page)": _plus(
            {"dynamodb:Query": 1, "dynamodb:BatchGetItem": 1}, RATE
        ),
        "GET /v1/api_keys/{id}": _plus({"dynamodb:Query": 1, "dynamodb:GetItem": 1}, RATE),
        # The key (byKeyId, then by hash), its workspace, the new key, the old one's
        # expiry, and the flush of the gateway's cached verdicts.
        "POST /v1/api_keys/{id}/roll": _plus(
            {"dynamodb:Query": 1, "dynamodb:GetItem": 2, "dynamodb:PutItem": 1},
            {"dynamodb:UpdateItem": 1, FLUSH: 1},
            RATE,
        ),
        "DELETE /v1/api_keys/{id}": _plus(
            {"dynamodb:Query": 2, "dynamodb:GetItem": 1, "dynamodb:UpdateItem": 1, FLUSH: 1},
            RATE,
        ),
    }


def _parts_of(export: bytes) -> int:
    """How many parts the worker cuts: a part each time the buffer reaches PART_BYTES
    (whole lines), plus the remainder."""
    parts, buffered = 0, 0
    for line in export.splitlines(keepends=True):
        buffered += len(line)
        if buffered >= PART_BYTES:
            parts, buffered = parts + 1, 0
    return parts + (1 if buffered else 0)


def _breakdown(measured: list[Measurement], expected: dict[str, dict[str, int]]) -> str:
    lines = []
    for m in measured:
        want = expected.get(m.operation)
        mark = "ok  " if want == m.calls else "FAIL"
        lines.append(f"{mark} {m.operation}: {m.total} calls {m.calls}")
        if want != m.calls:
            lines.append(f"     expected {sum((want or {}).values())} calls {want}")
    return "\n".join(lines)


@pytest.fixture
def measured(aws, monkeypatch, control_plane) -> tuple[list[Measurement], bytes]:
    monkeypatch.setenv("EXPORT_PART_BYTES", str(PART_BYTES))
    fresh_dependencies()
    key = seed_demo_workspace()
    # A verdict cached for the whole run (the measurements take more than the default 60 s
    # once the bulk job runs): only the first request pays the authorizer.
    parameters = tpl.parameter_defaults() | {"AuthorizerTtlSeconds": "3600"}
    gateway = Gateway(tpl.load_template(), parameters["StageName"], parameters)
    measurements = measure_operations(gateway, key, aws, api_keys=True)
    s3 = boto3.client("s3")
    bucket = aws["JobsBucket"]
    (export_key,) = [
        o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="exports/")["Contents"]
    ]
    export = s3.get_object(Bucket=bucket, Key=export_key)["Body"].read()
    return measurements, export


def test_every_operation_makes_exactly_its_budgeted_aws_calls(measured):
    measurements, export = measured
    assert len(export.splitlines()) == EXPORT_ITEMS
    assert json.loads(export.splitlines()[0])["object"] == "resource"
    parts = _parts_of(export)
    assert parts >= 3, "the export should cross several part boundaries"
    expected = _expected(parts)
    statuses = {m.operation: m.status for m in measurements}
    assert all(200 <= s < 300 or s == 1 for s in statuses.values()), statuses
    actual = {m.operation: m.calls for m in measurements}
    assert actual == expected, "AWS calls per operation:\n" + _breakdown(measurements, expected)

    # The headline numbers of issue 12, as totals.
    totals = {m.operation: m.total for m in measurements}
    api_floor = ["POST /v1/resources", "GET /v1/resources/{id}", "GET /v1/resources (one page)"]
    api_floor += ["PATCH /v1/resources/{id}", "DELETE /v1/resources/{id}", "replayed POST"]
    assert {op: totals[op] for op in api_floor} == dict.fromkeys(api_floor, 2)
    assert totals["POST with Idempotency-Key"] == 4
    assert actual[f"worker: bulk create of {BULK_ITEMS}"]["dynamodb:TransactWriteItems"] <= 40


def test_a_recorded_stream_batch_costs_one_put_per_event_and_nothing_per_ignored_record(api, aws):
    """The recorder's own calls (Lambda's GetRecords is the event source's, not counted):
    one conditional PutItem per event; a record that is no event costs nothing; a
    redelivered batch costs the same PutItems, each refused, and writes nothing."""
    from plinth_tools.budgets import counting_aws_calls
    from plinth_tools.lambdas import FakeLambdaContext, load_handler
    from plinth_tools.local.workers import StreamPoller

    created = [
        api.request("POST", "/v1/resources", json_body={"name": f"r{i}"}).body for i in range(3)
    ]
    api.request("PATCH", f"/v1/resources/{created[0]['id']}", json_body={})  # no write at all
    api.request("PATCH", f"/v1/resources/{created[1]['id']}", json_body={"name": "x"})
    spec = tpl.functions()["EventsRecorderFunction"]
    handler = load_handler(spec)
    batches: list[dict] = []

    class Invoker:
        def __init__(self) -> None:
            self.spec = spec

        def invoke(self, event, request_id):
            batches.append(event)
            with counting_aws_calls() as calls:
                result = handler(event, FakeLambdaContext(spec.logical_id, request_id))
            batches[-1] = {"event": event, "calls": dict(calls), "result": result}
            return result

    stream = aws.attribute("ResourcesTable", "StreamArn")
    StreamPoller(Invoker(), stream, starting_position="TRIM_HORIZON").poll_once()
    (batch,) = batches
    assert len(batch["event"]["Records"]) == 4
    assert batch["calls"] == {"dynamodb:PutItem": 4}
    with counting_aws_calls() as calls:
        handler(batch["event"], FakeLambdaContext(spec.logical_id, "again"))
    assert dict(calls) == {"dynamodb:PutItem": 4}
    items = boto3.client("dynamodb").scan(TableName=aws["EventsTable"])["Items"]
    assert len(items) == 4

    key_item = {"keyHash": {"S": "h"}, "keyId": {"S": "key_x"}, "workspaceId": {"S": "ws_a"}}
    key_item |= {"scopes": {"L": []}, "createdAt": {"N": "1"}}
    record = {
        "eventID": "e1",
        "eventName": "MODIFY",
        "eventSourceARN": aws.attribute("ApiKeysTable", "StreamArn"),
        "dynamodb": {
            "ApproximateCreationDateTime": 1,
            "SequenceNumber": "1",
            "OldImage": key_item,
            "NewImage": key_item | {"lastUsedAt": {"N": "2"}},
        },
    }
    with counting_aws_calls() as calls:
        handler({"Records": [record]}, FakeLambdaContext(spec.logical_id, "used"))
    assert dict(calls) == {}
