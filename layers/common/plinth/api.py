"""The HTTP edge shared by every function: one resolver factory, one error mapping.

`handle` runs the checks SPEC §3 orders before validation (authentication context,
scope, body size, body syntax), then lets the Powertools resolver route and validate.
Every answer, success or error, leaves through here with `X-Request-Id`.
"""

from __future__ import annotations

import base64
import binascii
import json
from enum import StrEnum
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Route
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from plinth.container import container
from plinth.errors import (
    InvalidJson,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    PlinthError,
    Unauthorized,
    ValidationFailed,
)
from plinth.idempotency import idempotency_middleware
from plinth.logic.auth import require_scope
from plinth.models.auth import Caller
from plinth.observability import logger, metrics
from plinth.routes import ALLOWED_METHODS

JSON = content_types.APPLICATION_JSON
# On every response (SPEC §1); template.yaml's Gateway Responses set the same headers.
SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class BodyMode(StrEnum):
    NONE = "none"  # no body is read (GET, DELETE)
    REQUIRED = "required"  # a JSON object must be sent
    OPTIONAL = "optional"  # an empty body means `{}`


def error_body(code: str, message: str, param: str | None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "param": param}}


def error_response(error: PlinthError) -> Response[str]:
    metrics.add_metric(name=f"Http{error.status}", unit=MetricUnit.Count, value=1)
    if error.status >= 500:
        logger.exception("request failed", extra={"code": error.code})
    else:
        logger.info("request rejected", extra={"code": error.code, "param": error.param})
    return Response(
        status_code=error.status,
        content_type=JSON,
        body=json.dumps(error_body(error.code, error.message, error.param)),
        headers=error.headers(),
    )


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


def _param_from_loc(loc: tuple[Any, ...]) -> str | None:
    """(`body`, `metadata`, `k`) → `metadata.k`; a bad metadata *key* names `metadata`.
    A field name is kept exactly as sent, the empty name `""` included."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("query", "path", "header"):
        # A parameter's name, never the union member pydantic tried (`status.str-enum[…]`).
        return parts[1] if len(parts) > 1 else None
    if parts and parts[0] == "body":
        parts = parts[1:]
    if "[key]" in parts:
        parts = parts[: parts.index("[key]") - 1]
    return ".".join(parts) if parts else None


def _validation_message(error: dict[str, Any], param: str | None) -> str:
    kind = error.get("type")
    if kind == "missing":
        return f"The '{param}' field is required."
    if kind == "extra_forbidden":
        return f"Unknown field '{param}'."
    return f"Invalid '{param}': {error.get('msg', 'invalid value')}."


def validation_error_response(exc: RequestValidationError) -> Response[str]:
    # An unknown field is reported before anything else (SPEC §3): `{"nmae": "x"}` is a
    # typo of `name`, more useful to hear about than the missing `name` it causes.
    errors = sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")
    first = errors[0] if errors else {}
    param = _param_from_loc(tuple(first.get("loc", ())))
    return error_response(ValidationFailed(_validation_message(first, param), param=param))


def _reject_unknown_query(
    app: APIGatewayRestResolver, next_middleware: NextMiddleware
) -> Response[Any]:
    """Unknown query parameters are a 422 naming them (runs after validation)."""
    route: Route = app.context["_route"]
    known = {param.alias for param in route.dependant.query_params}
    for name in sorted(app.current_event.resolved_query_string_parameters or {}):
        if name in known:
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


def create_app() -> APIGatewayRestResolver:
    """A resolver with validation and the shared error mapping. One per function."""
    app = APIGatewayRestResolver(enable_validation=True)
    # Both run after the resolver's request validation, in this order.
    app.use(middlewares=[_reject_unknown_query, idempotency_middleware])

    @app.exception_handler(PlinthError)  # type: ignore[untyped-decorator]
    def _plinth_error(exc: PlinthError) -> Response[str]:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _validation_error(exc: RequestValidationError) -> Response[str]:
        return validation_error_response(exc)

    @app.not_found
    def _not_found(_: NotFoundError) -> Response[str]:
        return error_response(NotFound("No such route."))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(exc: Exception) -> Response[str]:
        del exc
        return error_response(PlinthError("An internal error occurred."))

    return app


def current_caller(app: APIGatewayRestResolver) -> Caller:
    """The authenticated caller `handle` put in the resolver's context."""
    caller: Caller = app.context["caller"]
    return caller


def _caller(event: dict[str, Any]) -> Caller:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    try:
        return Caller.from_authorizer_context(context)
    except (KeyError, ValueError) as exc:
        # Only reachable if a route were deployed without the authorizer.
        raise Unauthorized("Missing or invalid API key.") from exc


_JSON_MEDIA_TYPES = ("application/json",)


def _header(event: dict[str, Any], name: str) -> str | None:
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """object_pairs_hook: a key repeated in one object is refused (parsers disagree on
    which copy wins), at any depth."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def check_json_body(event: dict[str, Any], mode: BodyMode, max_bytes: int) -> None:
    """Size (413), then syntax (400): the body must be a UTF-8 JSON object."""
    raw = event.get("body") or ""
    try:
        data = (
            base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else raw.encode()
        )
    except (binascii.Error, ValueError) as exc:
        raise InvalidJson("The body is not valid base64.") from exc
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"The body exceeds {max_bytes} bytes.")
    if not data.strip():
        if mode is BodyMode.REQUIRED:
            raise InvalidJson("A JSON object body is required.")
        # No body at all (`{}` for an optional one): its Content-Type says nothing.
        _declare_json(event)
        return
    content_type = (_header(event, "content-type") or "").split(";")[0].strip().lower()
    if (
        content_type
        and content_type not in _JSON_MEDIA_TYPES
        and not content_type.endswith("+json")
    ):
        raise InvalidJson(
            "Send the body as JSON with 'Content-Type: application/json'.", param="Content-Type"
        )
    try:
        parsed = json.loads(
            data.decode("utf-8"), parse_constant=_reject_constant, object_pairs_hook=_unique_keys
        )
    except UnicodeDecodeError as exc:
        raise InvalidJson("The body is not valid UTF-8.") from exc
    except _DuplicateKey as exc:
        raise InvalidJson(f"The body repeats the key '{exc}' in one object.") from exc
    except ValueError as exc:
        raise InvalidJson("The body is not valid JSON.") from exc
    except RecursionError as exc:
        raise InvalidJson("The body is nested too deeply.") from exc
    if not isinstance(parsed, dict):
        raise InvalidJson("The body must be a JSON object.")
    _declare_json(event)


def _declare_json(event: dict[str, Any]) -> None:
    """The body is now known to be a JSON object (or absent): tell the resolver's
    validation, whose Content-Type matching is case-sensitive and knows no `+json` types,
    in its own terms."""
    headers = {k: v for k, v in (event.get("headers") or {}).items() if k.lower() != "content-type"}
    event["headers"] = headers | {"Content-Type": JSON}


def _request_id(event: dict[str, Any], context: LambdaContext) -> str:
    request_id = (event.get("requestContext") or {}).get("requestId")
    return str(request_id or getattr(context, "aws_request_id", ""))


def _proxy_result(response: Response[str]) -> dict[str, Any]:
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


def handle(
    app: APIGatewayRestResolver,
    event: dict[str, Any],
    context: LambdaContext,
    *,
    scope: str,
    body: BodyMode = BodyMode.NONE,
    max_body_bytes: int | None = None,
) -> dict[str, Any]:
    """Run one request through the checks in SPEC §3 order, then the resolver."""
    rate_headers: dict[str, str] = {}
    try:
        caller = _caller(event)
        require_scope(caller, scope)
        limit = caller.rate_limit or container().settings.default_rate_limit
        rate_headers = container().rate_limiter.check(caller.workspace_id, limit).headers()
        if body is not BodyMode.NONE:
            check_json_body(event, body, max_body_bytes or container().settings.max_body_bytes)
        app.append_context(caller=caller)  # type: ignore[no-untyped-call]
        result = app.resolve(event, context)
    except PlinthError as exc:
        result = _proxy_result(error_response(exc))
    except Exception:  # the last line of defence: never a stack trace to the client
        result = _proxy_result(error_response(PlinthError("An internal error occurred.")))
    return _finish(result, event, context, rate_headers)


def refuse_method(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """A method the path does not serve: 405 with `Allow`, checked right after
    authentication, before scope, rate limit, query string and body (SPEC §3)."""
    try:
        _caller(event)
        allowed = ALLOWED_METHODS.get(str(event.get("resource")))
        if allowed is None:
            raise NotFound("No such route.")
        raise MethodNotAllowed(str(event.get("httpMethod")), allowed)
    except PlinthError as exc:
        result = _proxy_result(error_response(exc))
    return _finish(result, event, context, {})


def _finish(
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
