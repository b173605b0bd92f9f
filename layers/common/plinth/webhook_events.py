"""The two halves of webhook delivery, as their functions receive them.

- `dispatch_record`: a DynamoDB Streams record of the events table. A new event is queued
  once per endpoint that wants it (`plinth.logic.webhooks.dispatch`); TTL deletions and
  anything else are ignored. A failure retries the record (Lambda's stream retries), and
  receivers deduplicate a second queueing on `webhook-id`.
- `send_record`: an SQS record of the deliveries queue, one attempt of one delivery. The
  records of a batch are attempted at once (Powertools' AsyncBatchProcessor, each attempt
  in a thread), so a receiver that hangs for its 10 s delays no other delivery. A
  failed attempt sets the message's visibility to the schedule's next delay and reports the
  record failed, so SQS hands it back then; `ApproximateReceiveCount` numbers the
  attempts. An exhausted schedule, a deleted or disabled endpoint: the message is done.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    AsyncBatchProcessor,
    BatchProcessor,
    EventType,
    async_process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.logic.webhooks import Outcome, deliver, dispatch
from plinth.models.event_items import EventItem
from plinth.models.webhook import Delivery
from plinth.observability import logger, metrics
from plinth.repositories.aws import from_attributes

stream_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
# Every record of a batch may fail (one receiver down): that is no function error.
queue_processor = AsyncBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class AttemptFailed(Exception):
    """This attempt failed; the message returns after the schedule's next delay."""


def dispatch_record(record: DynamoDBRecord) -> int:
    raw = record.raw_event
    if raw.get("eventName") != "INSERT":
        return 0
    image = from_attributes(raw["dynamodb"]["NewImage"])
    event = EventItem.model_validate(image).to_domain()
    deps = container()
    queued = len(dispatch(event, deps.webhook_endpoints, deps.deliveries))
    metrics.add_metric(name="WebhooksQueued", unit=MetricUnit.Count, value=queued)
    return queued


def send_batch(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Every record of the batch attempted at once."""
    deps = container()
    # Built here, once: boto3 clients must not be created by several threads at a time.
    _ = (deps.webhook_endpoints, deps.deliveries, deps.webhook_transport, deps.delivery_policy)
    return async_process_partial_response(event, send_record, queue_processor, context)


async def send_record(record: SQSRecord) -> str:
    """One attempt, in a thread: the batch's attempts run concurrently."""
    return await asyncio.to_thread(_attempt, record)


def _attempt(record: SQSRecord) -> str:
    deps = container()
    delivery = Delivery.model_validate_json(record.body)
    attempt = int(record.attributes.approximate_receive_count)
    result = deliver(
        delivery,
        attempt,
        deps.webhook_endpoints,
        deps.webhook_transport,
        policy=deps.delivery_policy,
    )
    metrics.add_metric(name=f"Webhook_{result.outcome}", unit=MetricUnit.Count, value=1)
    if result.outcome is not Outcome.DELIVERED and result.outcome is not Outcome.DROPPED:
        logger.warning(
            "webhook attempt failed",
            extra={
                "endpoint": delivery.endpointId,
                "event": delivery.eventId,
                "attempt": attempt,
                "status": result.status,
                "error": result.error,
                "outcome": result.outcome,
            },
        )
    if result.outcome is Outcome.RETRY and result.retry_in_s is not None:
        deps.deliveries.retry_in(record.receipt_handle, result.retry_in_s)
        raise AttemptFailed(f"attempt {attempt} failed; next in {result.retry_in_s} s")
    return result.outcome.value
