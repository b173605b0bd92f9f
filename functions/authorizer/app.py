"""Lambda REQUEST authorizer: `Authorization: Bearer sk_…` → workspace, key, scopes, limit
(`plinth.http.authorizer` says what API Gateway makes of each answer)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.http.authorizer import authorize
from plinth.observability import logger, metrics


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return authorize(event, container().api_keys, container().workspaces)
