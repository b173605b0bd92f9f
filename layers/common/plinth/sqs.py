"""The job queue's SQS records, as the worker function receives them: one record is one
step of one job (`plinth.logic.jobs.worker.process_message`).

Powertools' BatchProcessor reports partial batch failures: a failed record returns to the
queue; after maxReceiveCount it goes to the DLQ, and on that last receive the job is
marked failed.
"""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.logic.jobs.worker import process_message
from plinth.models.job import JobMessage
from plinth.observability import metrics

# The lease on a job outlives the invocation by this much, never a redelivery's delay.
LEASE_MARGIN_MS = 30_000
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord, lambda_context: LambdaContext) -> str:
    remaining_ms = lambda_context.get_remaining_time_in_millis
    outcome = process_message(
        JobMessage.model_validate_json(record.body),
        receive_count=int(record.attributes.approximate_receive_count),
        owner=f"{lambda_context.aws_request_id}:{record.message_id}",
        remaining_ms=remaining_ms,
        svc=container().jobs,
        config=container().worker_config(lease_ms=remaining_ms() + LEASE_MARGIN_MS),
    )
    metrics.add_metric(name=f"Job_{outcome}", unit=MetricUnit.Count, value=1)
    return outcome.value
