"""The request pipeline every endpoint shares.

`handle` runs the checks SPEC §3 orders before validation (authentication context,
scope, rate limit, body size, body syntax), then lets the Powertools resolver route,
validate and inject dependencies. Every answer, success or error, leaves through here
with `X-Request-Id`, the security headers and the rate-limit fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.depends import DependencyResolutionError
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.errors import NotFound, PlinthError, Unauthorized, ValidationFailed
from plinth.http.body import BodyMode, check_json_body
from plinth.http.errors import JSON, error_response, rate_limit_headers, validation_failure
from plinth.logic.auth import check_not_expired, require_scope, single_authorization
from plinth.models.auth import Caller
from plinth.observability import metrics

if TYPE_CHECKING:
    from plinth.http.endpoint import Endpoint

# On every response (SPEC §1); template.yaml's Gateway Responses set the same headers.
SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def json_response(
    status: int, payload: dict[str, Any] | None, headers: dict[str, str] | None = None
) -> Response[str]:
    """A JSON response; `payload=None` gives an empty body (204)."""
    return Response(
        status_code=status,
        content_type=JSON if payload is not None else None,
        body=json.dumps(payload, ensure_ascii=False) if payload is not None else "",
        headers=headers or {},
    )


def _unknown_query(endpoint: Endpoint) -> Any:
    """Unknown query parameters are a 422 naming them (runs after validation)."""

    def middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
        for name in sorted(app.current_event.resolved_query_string_parameters or {}):
            if name in endpoint.query_params:
                continue
            if name == "offset":
                message = (
                    "Offset pagination is not supported; "
                    "pass the previous page's nextCursor as 'cursor'."
                )
            else:
                message = f"Unknown query parameter '{name}'."
            raise ValidationFailed(message, param=name)
        return next_middleware(app)

    return middleware


def _count_success(endpoint: Endpoint) -> Any:
    """The endpoint's metric, once per operation that ran (a replay runs nothing)."""

    def middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
        response = next_middleware(app)
        if 200 <= response.status_code < 300:
            metrics.add_metric(name=endpoint.metric, unit=MetricUnit.Count, value=1)
        return response

    return middleware


class Resolver(APIGatewayRestResolver):
    """Powertools keeps the current event and Lambda context on a class attribute that
    every resolver in the process shares: harmless in Lambda (one request per process),
    but the local stack runs each warm container's module in one process. This resolver
    keeps them on itself, so different containers resolve at the same time, each seeing
    its own request (a container still serves one request at a time, as in Lambda)."""

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        self._own_context = context
        return super().resolve(event, context)

    def _to_proxy_event(self, event: dict[str, Any]) -> BaseProxyEvent:
        # `resolve` wraps the event once: keep that wrapper, not a second one of our own.
        self._own_event = super()._to_proxy_event(event)
        return self._own_event

    @property  # type: ignore[override]
    def current_event(self) -> BaseProxyEvent:
        return self._own_event

    @current_event.setter
    def current_event(self, value: BaseProxyEvent) -> None:
        self._own_event = value

    @property
    def lambda_context(self) -> LambdaContext:
        return self._own_context

    @lambda_context.setter
    def lambda_context(self, value: LambdaContext) -> None:
        self._own_context = value


def create_app(endpoint: Endpoint) -> Resolver:
    """The endpoint's resolver: validation, its middlewares and the shared error mapping."""
    app = Resolver(enable_validation=True)
    middlewares = [_unknown_query(endpoint)]
    if endpoint.method == "POST":
        # Imported here: only the POST functions load Powertools idempotency.
        from plinth.http.idempotency import idempotency_middleware

        middlewares.append(idempotency_middleware)
    # All run after the resolver's request validation, in this order.
    app.use(middlewares=[*middlewares, _count_success(endpoint)])

    @app.exception_handler(PlinthError)  # type: ignore[untyped-decorator]
    def _plinth_error(exc: PlinthError) -> Response[str]:
        if isinstance(exc, NotFound) and exc.param is None and "{" in endpoint.path:
            exc.param = "id"  # the object the path names (SPEC §3)
        return error_response(exc)

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _validation_error(exc: RequestValidationError) -> Response[str]:
        return error_response(validation_failure(exc))

    @app.exception_handler(DependencyResolutionError)  # type: ignore[untyped-decorator]
    def _dependency_failed(exc: DependencyResolutionError) -> Response[str]:
        # A dependency that raised one of ours (a secret store down: 503) says so itself.
        cause = exc.__cause__
        return error_response(
            cause if isinstance(cause, PlinthError) else PlinthError("An internal error occurred.")
        )

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[str]:
        return error_response(NotFound("No such route."))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(exc: Exception) -> Response[str]:
        del exc
        return error_response(PlinthError("An internal error occurred."))

    return app


def caller_of(event: dict[str, Any]) -> Caller:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    try:
        caller = Caller.from_authorizer_context(context)
    except (KeyError, ValueError) as exc:
        # Only reachable if a route were deployed without the authorizer.
        raise Unauthorized("Missing or invalid API key.") from exc
    check_not_expired(caller)
    return caller


def _request_id(event: dict[str, Any], context: LambdaContext) -> str:
    request_id = (event.get("requestContext") or {}).get("requestId")
    return str(request_id or getattr(context, "aws_request_id", ""))


def proxy_result(response: Response[str]) -> dict[str, Any]:
    headers = {k: [v] for k, v in response.headers.items() if isinstance(v, str)}
    if response.content_type:
        headers["Content-Type"] = [response.content_type]
    # The same shape the REST resolver returns: multi-value headers only.
    return {
        "statusCode": response.status_code,
        "multiValueHeaders": headers,
        "body": response.body or "",
        "isBase64Encoded": False,
    }


def handle(endpoint: Endpoint, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Run one request through the checks in SPEC §3 order, then the resolver."""
    rate_headers: dict[str, str] = {}
    try:
        # Also here: a verdict cached for one of the copies never runs the authorizer.
        single_authorization(event.get("multiValueHeaders"))
        caller = caller_of(event)
        require_scope(caller, endpoint.scope)
        settings = container().settings
        limit = caller.rate_limit or settings.default_rate_limit
        rate_headers = rate_limit_headers(
            container().rate_limiter.check(caller.workspace_id, limit)
        )
        if endpoint.body_mode is not BodyMode.NONE:
            limit_bytes = (
                settings.max_bulk_body_bytes if endpoint.bulk_body else settings.max_body_bytes
            )
            check_json_body(event, endpoint.body_mode, limit_bytes)
        endpoint.app.append_context(caller=caller)  # type: ignore[no-untyped-call]
        result = endpoint.app.resolve(event, context)
    except PlinthError as exc:
        result = proxy_result(error_response(exc))
    except Exception:  # the last line of defence: never a stack trace to the client
        result = proxy_result(error_response(PlinthError("An internal error occurred.")))
    return finish(result, event, context, rate_headers)


def finish(
    result: dict[str, Any],
    event: dict[str, Any],
    context: LambdaContext,
    rate_headers: dict[str, str],
) -> dict[str, Any]:
    for name, value in (rate_headers | SECURITY_HEADERS).items():
        _set_header(result, name, value)
    _set_header(result, "X-Request-Id", _request_id(event, context))
    return result


def _set_header(result: dict[str, Any], name: str, value: str) -> None:
    if "multiValueHeaders" in result:
        result["multiValueHeaders"][name] = [value]
    else:
        result.setdefault("headers", {})[name] = value
