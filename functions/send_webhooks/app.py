"""The deliveries queue → receivers: one signed POST per message, retried on the
Standard Webhooks schedule through the message's visibility (`plinth.webhook_events`)."""

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.observability import logger, metrics
from plinth.webhook_events import send_batch


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return send_batch(event, context)
