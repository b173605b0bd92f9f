"""Lambda's event sources, as template.yaml declares them: SQS queues and `rate()`
schedules (`event_sources`).

`QueuePoller` long-polls a queue and invokes the function with SQS event batches, honouring
`BatchSize` and `batchItemFailures` the way Lambda's event source mapping does (failed
messages return after the visibility timeout and reach the DLQ after `maxReceiveCount`,
through the queue's own redrive policy). `ScheduledInvoker` sends EventBridge's
'Scheduled Event' at the schedule's rate.
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import boto3

from plinth_tools import template as tpl
from plinth_tools.local import StackError, log
from plinth_tools.local.aws import ACCOUNT, REGION
from plinth_tools.local.runtime import Invoker
from plinth_tools.provision import Resolved


def event_sources(
    template: dict[str, Any], invokers: Mapping[str, Invoker], resolved: Resolved
) -> list[QueuePoller | ScheduledInvoker]:
    """A poller for every SQS event and a timer for every schedule in the template, each
    invoking its function through `invokers` (not started)."""
    sources: list[QueuePoller | ScheduledInvoker] = []
    for logical_id, spec in tpl.functions(template).items():
        sources.extend(ScheduledInvoker(invokers[logical_id], s) for s in spec.schedules)
        for source in spec.queue_events:
            queue_ref = source["Queue"]
            queue_id = queue_ref["Fn::GetAtt"][0] if "Fn::GetAtt" in queue_ref else None
            if queue_id is None:
                raise StackError(f"{logical_id}: SQS Queue must be !GetAtt <Queue>.Arn")
            sources.append(
                QueuePoller(
                    invokers[logical_id],
                    queue_url=resolved[queue_id],
                    queue_arn=resolved.attribute(queue_id, "Arn"),
                    batch_size=int(source.get("BatchSize", 10)),
                    report_failures="ReportBatchItemFailures"
                    in (source.get("FunctionResponseTypes") or []),
                )
            )
    return sources


class QueuePoller(threading.Thread):
    def __init__(
        self,
        pool: Invoker,
        queue_url: str,
        queue_arn: str,
        *,
        batch_size: int = 10,
        report_failures: bool = False,
        wait_seconds: int = 1,
    ) -> None:
        super().__init__(name=f"sqs-{pool.spec.logical_id}", daemon=True)
        self.pool = pool
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.batch_size = batch_size
        self.report_failures = report_failures
        self.wait_seconds = wait_seconds
        self._stop = threading.Event()
        self._sqs = boto3.client("sqs")

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                log.exception("poller %s failed; retrying", self.name)
                self._stop.wait(1)

    def poll_once(self) -> int:
        """Receive one batch and invoke the function with it; returns messages received."""
        received = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(self.batch_size, 10),
            WaitTimeSeconds=self.wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return 0
        event = {"Records": [self._record(dict(m)) for m in received]}
        try:
            result = self.pool.invoke(event, str(uuid.uuid4()))
        except Exception:
            log.exception("%s raised; the whole batch returns to the queue", self.name)
            return len(received)
        failed: set[str] = set()
        if self.report_failures and isinstance(result, dict):
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
        done = [m for m in received if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + 10])
                ],
            )
        log.info("SQS %s: %d ok, %d failed", self.pool.spec.logical_id, len(done), len(failed))
        return len(received)

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        attributes = {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": value["DataType"],
            }
            for name, value in (message.get("MessageAttributes") or {}).items()
        }
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody")
            or hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> int:
    """`rate(5 minutes)` → 300. cron() schedules are not emulated."""
    found = _RATE.match(expression.strip())
    if found is None:
        raise ValueError(f"unsupported schedule {expression!r}; use rate(N minutes)")
    return int(found.group(1)) * _UNIT_SECONDS[found.group(2).rstrip("s")]


class ScheduledInvoker(threading.Thread):
    """Invokes a function with an EventBridge 'Scheduled Event' at its template rate."""

    def __init__(self, pool: Invoker, expression: str) -> None:
        super().__init__(name=f"schedule-{pool.spec.logical_id}", daemon=True)
        self.pool = pool
        self.interval = rate_seconds(expression)
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.fire()

    def fire(self) -> Any:
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": ACCOUNT,
            "time": datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{self.pool.spec.logical_id}"],
            "detail": {},
        }
        try:
            return self.pool.invoke(event, str(uuid.uuid4()))
        except Exception:
            log.exception("scheduled %s failed", self.pool.spec.logical_id)
            return None
