"""The DynamoDB Streams records of the resources, jobs and API-keys tables, as the events
recorder receives them: each record is decoded into a `Change` and recorded once
(`plinth.logic.events.record_change`).

Powertools' BatchProcessor reports partial batch failures by sequence number: Lambda
retries the batch from the first failed record (bisecting on function errors), and after
MaximumRetryAttempts sends the batch's description to the events DLQ.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from plinth.container import container
from plinth.logic.events import Change, Source, record_change
from plinth.observability import metrics
from plinth.repositories.aws import from_attributes

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def table_of(stream_arn: str) -> str:
    """`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>` → `<name>`."""
    return stream_arn.split(":table/", 1)[1].split("/stream/", 1)[0]


def change_of(record: DynamoDBRecord) -> Change:
    settings = container().settings
    sources = {
        settings.resources_table: Source.RESOURCES,
        settings.jobs_table: Source.JOBS,
        settings.api_keys_table: Source.API_KEYS,
    }
    raw = record.raw_event
    stream = raw["dynamodb"]
    images = {name: stream.get(name) for name in ("OldImage", "NewImage")}
    return Change(
        source=sources[table_of(raw["eventSourceARN"])],
        action=raw["eventName"],
        record_id=raw["eventID"],
        at_ms=int(float(stream["ApproximateCreationDateTime"]) * 1000),
        old=from_attributes(images["OldImage"]) if images["OldImage"] else None,
        new=from_attributes(images["NewImage"]) if images["NewImage"] else None,
    )


def record_handler(record: DynamoDBRecord) -> str:
    outcome = record_change(change_of(record), container().events)
    metrics.add_metric(name=f"Events_{outcome}", unit=MetricUnit.Count, value=1)
    return outcome.value
