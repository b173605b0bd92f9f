"""Lambda's event sources, as template.yaml declares them: SQS queues, DynamoDB streams
and `rate()` schedules (`event_sources`).

`QueuePoller` long-polls a queue and invokes the function with SQS event batches, honouring
`BatchSize` and `batchItemFailures` the way Lambda's event source mapping does (failed
messages return after the visibility timeout and reach the DLQ after `maxReceiveCount`,
through the queue's own redrive policy). `StreamPoller` reads a table's stream and
invokes the function with DynamoDB Streams batches as Lambda's stream event source mapping
does. `ScheduledInvoker` sends EventBridge's 'Scheduled Event' at the schedule's rate.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config

from plinth_tools import template as tpl
from plinth_tools.local import StackError, log
from plinth_tools.local.aws import ACCOUNT, REGION
from plinth_tools.local.runtime import Invoker
from plinth_tools.provision import Resolved


def event_sources(
    template: dict[str, Any], invokers: Mapping[str, Invoker], resolved: Resolved
) -> list[EventSource]:
    """A poller for every SQS and DynamoDB event and a timer for every schedule in the
    template, each invoking its function through `invokers` (not started)."""
    sources: list[EventSource] = []
    for logical_id, spec in tpl.functions(template).items():
        sources.extend(ScheduledInvoker(invokers[logical_id], s) for s in spec.schedules)
        sources.extend(
            stream_poller(invokers[logical_id], source, resolved) for source in spec.stream_events
        )
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


def stream_poller(pool: Invoker, source: dict[str, Any], resolved: Resolved) -> StreamPoller:
    """The poller of one DynamoDB event (`Stream: !GetAtt <Table>.StreamArn`)."""
    stream = source["Stream"]
    if "Fn::GetAtt" not in stream:
        raise StackError(f"{pool.spec.logical_id}: Stream must be !GetAtt <Table>.StreamArn")
    failure = ((source.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    queue_id = failure["Fn::GetAtt"][0] if isinstance(failure, dict) else None
    return StreamPoller(
        pool,
        resolved.attribute(stream["Fn::GetAtt"][0], "StreamArn"),
        starting_position=str(source.get("StartingPosition", "LATEST")),
        batch_size=int(source.get("BatchSize", 100)),
        report_failures="ReportBatchItemFailures" in (source.get("FunctionResponseTypes") or []),
        max_retries=int(source.get("MaximumRetryAttempts", -1)),
        on_failure_url=resolved[queue_id] if queue_id else None,
    )


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


class StreamPoller(threading.Thread):
    """Lambda's DynamoDB Streams event source mapping, for one stream: every shard from
    `StartingPosition`, batches of up to `BatchSize` records in order. A batch whose
    invocation raises, or whose `batchItemFailures` names a record, is retried from the
    first failed record; after `MaximumRetryAttempts` retries its description goes to the
    `OnFailure` queue and the shard moves on. Not emulated: BisectBatchOnFunctionError
    (the retry starts at the failed record instead) and shards splitting (moto has one)."""

    def __init__(
        self,
        pool: Invoker,
        stream_arn: str,
        *,
        starting_position: str = "LATEST",
        batch_size: int = 100,
        report_failures: bool = False,
        max_retries: int = -1,
        on_failure_url: str | None = None,
        interval: float = 0.25,
    ) -> None:
        super().__init__(name=f"stream-{pool.spec.logical_id}", daemon=True)
        self.pool = pool
        self.stream_arn = stream_arn
        self.starting_position = starting_position
        self.batch_size = batch_size
        self.report_failures = report_failures
        self.max_retries = max_retries
        self.on_failure_url = on_failure_url
        self.interval = interval
        self._stop = threading.Event()
        # botocore sends calls naming a stream ARN to the account's endpoint
        # (<account>.streams-ddb.<region>…), which moto does not serve: the regional one.
        self._streams = boto3.client(
            "dynamodbstreams", config=Config(account_id_endpoint_mode="disabled")
        )
        self._iterators: dict[str, str] | None = None
        self._attempts: dict[str, int] = {}

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.poll_once() == 0:
                    self._stop.wait(self.interval)
            except Exception:
                log.exception("poller %s failed; retrying", self.name)
                self._stop.wait(1)

    def poll_once(self) -> int:
        """One batch from every shard; returns the records read."""
        if self._iterators is None:
            shards = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]
            self._iterators = {
                shard["ShardId"]: self._iterator(shard["ShardId"], self.starting_position)
                for shard in shards.get("Shards", [])
            }
        return sum(self._poll_shard(shard) for shard in list(self._iterators))

    def _iterator(self, shard_id: str, kind: str, sequence: str | None = None) -> str:
        extra = {"SequenceNumber": sequence} if sequence else {}
        found = self._streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=kind, **extra
        )
        return str(found["ShardIterator"])

    def _poll_shard(self, shard_id: str) -> int:
        assert self._iterators is not None
        read = self._streams.get_records(
            ShardIterator=self._iterators[shard_id], Limit=self.batch_size
        )
        records = [self._record(dict(r)) for r in read.get("Records", [])]
        if not records:
            self._iterators[shard_id] = read["NextShardIterator"]
            return 0
        failed = self._invoke({"Records": records})
        attempts = self._attempts.get(shard_id, 0) + 1
        if failed is None or 0 <= self.max_retries < attempts:
            if failed is not None:
                self._give_up(shard_id, records)
            self._attempts.pop(shard_id, None)
            self._iterators[shard_id] = read["NextShardIterator"]
        else:
            self._attempts[shard_id] = attempts
            self._iterators[shard_id] = self._iterator(shard_id, "AT_SEQUENCE_NUMBER", failed)
        return len(records)

    def _invoke(self, event: dict[str, Any]) -> str | None:
        """None when the batch succeeded, else the sequence number to retry from."""
        sequences = [str(r["dynamodb"]["SequenceNumber"]) for r in event["Records"]]
        try:
            result = self.pool.invoke(event, str(uuid.uuid4()))
        except Exception:
            log.exception("%s raised; the batch is retried", self.name)
            return sequences[0]
        if not (self.report_failures and isinstance(result, dict)):
            return None
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
        return next((s for s in sequences if s in failed), None)

    def _give_up(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        """What Lambda sends the OnFailure destination: where the batch is, not its data."""
        log.warning("%s: batch given up after %d retries", self.name, self.max_retries)
        if self.on_failure_url is None:
            return
        first, last = records[0]["dynamodb"], records[-1]["dynamodb"]
        description = {
            "DDBStreamBatchInfo": {
                "shardId": shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "batchSize": len(records),
                "streamArn": self.stream_arn,
            }
        }
        boto3.client("sqs").send_message(
            QueueUrl=self.on_failure_url, MessageBody=json.dumps(description)
        )

    def _record(self, record: dict[str, Any]) -> dict[str, Any]:
        """A stream record as Lambda delivers it: the creation time in epoch seconds."""
        stream = dict(record["dynamodb"])
        created = stream.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            stream["ApproximateCreationDateTime"] = int(created.timestamp())
        return {**record, "dynamodb": stream, "eventSourceARN": self.stream_arn}


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


EventSource = QueuePoller | StreamPoller | ScheduledInvoker
