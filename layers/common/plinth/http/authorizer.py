"""The REQUEST authorizer's verdict in API Gateway's terms: a policy, or its refusals.

A missing, unknown, malformed or revoked key raises `Exception("Unauthorized")`, the exact
message API Gateway turns into its UNAUTHORIZED gateway response (401 in the SPEC shape).
A dependency failure propagates: API Gateway answers AUTHORIZER_FAILURE (503,
`Retry-After`) and caches nothing. The policy allows every route of the stage, so the
cached answer (TTL in template.yaml) serves them all.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
    APIGatewayAuthorizerResponse,
)

from plinth.errors import DependencyUnavailable, Unauthorized
from plinth.logic.auth import authenticate, single_authorization
from plinth.observability import logger, metrics
from plinth.ports import KeyStore, WorkspaceStore


def authorize(event: dict[str, Any], keys: KeyStore, workspaces: WorkspaceStore) -> dict[str, Any]:
    request = APIGatewayAuthorizerRequestEvent(event)
    headers = {k.lower(): v for k, v in (request.headers or {}).items()}
    try:
        single_authorization(event.get("multiValueHeaders"))
        caller = authenticate(headers.get("authorization"), keys, workspaces)
    except Unauthorized:
        metrics.add_metric(name="AuthorizationDenied", unit=MetricUnit.Count, value=1)
        raise Exception("Unauthorized") from None  # noqa: TRY002 - API Gateway's contract
    except DependencyUnavailable:
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
