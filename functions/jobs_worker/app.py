"""SQS worker: runs bulk-create and export jobs (Powertools BatchProcessor, partial
batch failures). A failed record returns to the queue; after maxReceiveCount it goes to
the DLQ, and on that last receive the job is marked failed."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.logic.jobs.worker import WorkerConfig, process_message
from plinth.models.job import JobMessage
from plinth.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> str:
    settings = container().settings
    config = WorkerConfig(
        margin_ms=settings.job_time_margin_ms,
        # The lease outlives this invocation by a margin, never a redelivery's delay.
        lease_ms=lambda_context.get_remaining_time_in_millis() + 30_000,
        max_receive_count=settings.max_receive_count,
        part_bytes=settings.export_part_bytes,
    )
    outcome = process_message(
        JobMessage.model_validate_json(record.body),
        receive_count=int(record.attributes.approximate_receive_count),
        owner=f"{lambda_context.aws_request_id}:{record.message_id}",
        remaining_ms=lambda_context.get_remaining_time_in_millis,
        svc=container().jobs,
        config=config,
    )
    metrics.add_metric(name=f"Job_{outcome}", unit=MetricUnit.Count, value=1)
    return outcome.value


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
