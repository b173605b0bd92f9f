"""The local stack's SQS event source, generic over any template (here a test-only one)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import boto3
import pytest

from plinth_tools.local.server import free_port
from plinth_tools.local.stack import LocalStack, StackConfig
from tests.support import fresh_dependencies

pytestmark = pytest.mark.e2e
FIXTURE = Path(__file__).parent / "fixtures" / "sqs_template.yaml"


@pytest.fixture
def sqs_stack():
    saved = dict(os.environ)
    stack = LocalStack(
        StackConfig(port=0, aws_port=free_port(), template_path=FIXTURE, seed=False)
    ).start()
    try:
        yield stack
    finally:
        stack.stop()
        os.environ.clear()
        os.environ.update(saved)
        fresh_dependencies()


def _wait(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_batches_are_processed_failures_retried_then_dead_lettered(sqs_stack):
    sqs = boto3.client("sqs")
    dynamodb = boto3.client("dynamodb")
    queue = sqs_stack.resolved["WorkQueue"]
    dlq = sqs_stack.resolved["WorkDeadLetterQueue"]
    table = sqs_stack.resolved["RecordTable"]
    bodies = [f"ok-{i}" for i in range(7)] + ["fail-1"]
    for body in bodies:
        sqs.send_message(QueueUrl=queue, MessageBody=body)

    def dead_lettered():
        got = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return got.get("Messages", [])

    dead: list = []
    assert _wait(lambda: dead.extend(dead_lettered()) or bool(dead)), "poison never reached the DLQ"
    assert [m["Body"] for m in dead] == ["fail-1"]
    items = dynamodb.scan(TableName=table)["Items"]
    seen = {i["body"]["S"]: int(i["seen"]["N"]) for i in items}
    # Partial batch failure: the good messages of a batch are deleted, not redelivered.
    assert seen == {f"ok-{i}": 1 for i in range(7)}
    attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"


def test_pollers_follow_the_template_batch_size(sqs_stack):
    (poller,) = sqs_stack.pollers
    assert poller.batch_size == 3
    assert poller.report_failures is True
    assert poller.queue_arn.endswith(":plinth-WorkQueue")
