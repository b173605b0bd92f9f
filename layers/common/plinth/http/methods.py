"""Methods each API path allows, and the 405 that names them in `Allow`.

tests/unit/test_template.py asserts this matches the routes in template.yaml.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.errors import NotFound, PlinthError
from plinth.http.errors import MethodNotAllowed, error_response
from plinth.http.pipeline import caller_of, finish, proxy_result

ALLOWED_METHODS: dict[str, list[str]] = {
    "/v1/resources": ["GET", "POST"],
    "/v1/resources/{id}": ["DELETE", "GET", "PATCH"],
    "/v1/resources/bulk": ["POST"],
    "/v1/resources/export": ["POST"],
    "/v1/jobs": ["GET"],
    "/v1/jobs/{id}": ["GET"],
    "/v1/api_keys": ["GET", "POST"],
    "/v1/api_keys/{id}": ["DELETE", "GET"],
    "/v1/api_keys/{id}/roll": ["POST"],
    "/v1/events": ["GET"],
    "/v1/events/{id}": ["GET"],
    "/v1/events/{id}/redeliver": ["POST"],
    "/v1/webhook_endpoints": ["GET", "POST"],
    "/v1/webhook_endpoints/{id}": ["DELETE", "GET"],
}


def refuse_method(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """A method the path does not serve: 405 with `Allow`, checked right after
    authentication, before scope, rate limit, query string and body (SPEC §3)."""
    try:
        caller_of(event)
        allowed = ALLOWED_METHODS.get(str(event.get("resource")))
        if allowed is None:
            raise NotFound("No such route.")
        raise MethodNotAllowed(str(event.get("httpMethod")), allowed)
    except PlinthError as exc:
        result = proxy_result(error_response(exc))
    return finish(result, event, context, {})
