"""Lambda REQUEST authorizer: `Authorization: Bearer sk_…` → workspace, key, scopes, limit.

A missing, unknown, malformed or revoked key raises `Unauthorized`, which API Gateway
turns into its UNAUTHORIZED gateway response (401 in the SPEC shape). The policy allows
every route of the stage, so the cached answer (TTL in template.yaml) serves them all.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.errors import DependencyUnavailable, Unauthorized
from plinth.logic.auth import authenticate
from plinth.observability import logger, metrics


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(event)
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    try:
        caller = authenticate(
            headers.get("authorization"), container().api_keys, container().workspaces
        )
    except Unauthorized:
        metrics.add_metric(name="AuthorizationDenied", unit=MetricUnit.Count, value=1)
        # The exact message API Gateway expects for a 401.
        raise Exception("Unauthorized") from None  # noqa: TRY002
    except DependencyUnavailable:
        # API Gateway answers AUTHORIZER_FAILURE (503, Retry-After) and caches nothing.
        logger.exception("authorizer dependency unavailable")
        metrics.add_metric(name="AuthorizationUnavailable", unit=MetricUnit.Count, value=1)
        raise
    arn = request.parsed_arn
    policy = APIGatewayAuthorizerResponse(
        principal_id=caller.key_id,
        region=arn.region,
        aws_account_id=arn.aws_account_id,
        api_id=arn.api_id,
        stage=arn.stage,
        context=caller.to_authorizer_context(),
    )
    policy.allow_all_routes()
    metrics.add_metric(name="AuthorizationGranted", unit=MetricUnit.Count, value=1)
    return policy.asdict()
