"""DynamoDB Streams → the audit log: every change of a resource, job or API key that is
an event is recorded once (`plinth.streams`)."""

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.observability import logger, metrics
from plinth.streams import processor, record_handler


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event, record_handler, processor, context)
