"""The events table's stream → the deliveries queue: each new event is queued for every
webhook endpoint that receives its type (`plinth.webhook_events`)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.observability import logger, metrics
from plinth.webhook_events import dispatch_record, stream_processor


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event, dispatch_record, stream_processor, context)
