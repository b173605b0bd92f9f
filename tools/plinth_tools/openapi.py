"""The OpenAPI 3.1 document of the API (`docs/openapi.json`, `plinth openapi`).

Paths, parameters, request bodies and each operation's id, summary, tags and success
response come from the functions' endpoint declarations (`plinth.http.endpoint`):
Powertools builds them from the route functions and the pydantic models. Each
operation's error responses are derived from the errors its endpoint can raise (their
docstrings, codes, statuses and headers: `plinth.http.errors`), plus API Gateway's own.
They are mapped onto the template's routes; what is the same for every operation is
added here, once: the headers every response carries, the `Idempotency-Key` header of
every POST, the bearer scheme and the links between operations.
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from plinth.errors import PlinthError
from plinth.http.endpoint import Endpoint
from plinth.http.errors import STATUS, header_names
from plinth.logic.rate_limit import SHARD_CAPACITY
from plinth_tools import template as tpl
from plinth_tools.lambdas import load_handler

DOCUMENT = tpl.ROOT / "docs" / "openapi.json"
_REF = "#/components/schemas/{model}"
_HEADER_REF = "#/components/headers/{name}"


class ErrorDetail(BaseModel):
    model_config = ConfigDict(title="ErrorDetail")

    code: str
    message: str
    param: str | None


class ErrorResponse(BaseModel):
    """Every error body (SPEC §3)."""

    error: ErrorDetail


def _header(description: str, schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    # A header's `required` lives here, not beside a `$ref` (OpenAPI ignores siblings):
    # the optional ones are optional wherever they appear; the others are only referenced
    # by the responses that always carry them.
    return {"description": description, "required": required, "schema": schema}


_DIGITS = {"type": "string", "pattern": "^[1-9][0-9]*$"}
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": _header(
        "The request's id (API Gateway's request id); quote it when reporting a problem.",
        {"type": "string"},
    ),
    "Cache-Control": _header(
        "Responses are never cached.", {"type": "string", "const": "no-store"}
    ),
    "X-Content-Type-Options": _header(
        "Browsers must not sniff the content type.", {"type": "string", "const": "nosniff"}
    ),
    "RateLimit-Policy": _header(
        "The workspace's limit (IETF httpapi RateLimit fields, draft 10): "
        '`"workspace";q=<requests>;w=1`. Absent on API Gateway\'s own answers.',
        {"type": "string", "pattern": '^"workspace";q=[0-9]+;w=1$'},
        required=False,
    ),
    "RateLimit": _header(
        'Requests left in the current window: `"workspace";r=<left>;t=<seconds>`. '
        f"Exact for a limit of up to {SHARD_CAPACITY} requests per second. Above that the "
        "window is counted on shards and `r` is an estimate: the room left on the one shard "
        "this request counted on, times the number of shards, at most the limit; a request "
        "can be refused while another answer's `r` was above 0. "
        "Absent on API Gateway's own answers and when the counter was unavailable.",
        {"type": "string", "pattern": '^"workspace";r=[0-9]+;t=[0-9]+$'},
        required=False,
    ),
    "Retry-After": _header("Seconds to wait before retrying (at least 1).", _DIGITS),
    "Allow": _header(
        "The methods this path serves.",
        {"type": "string", "pattern": "^[A-Z]+(, [A-Z]+)*$"},
    ),
    "WWW-Authenticate": _header(
        "The authentication scheme (RFC 6750 §3).",
        {"type": "string", "const": 'Bearer realm="plinth"'},
    ),
    "Idempotent-Replayed": _header(
        "Present on a replay of the first response to this Idempotency-Key.",
        {"type": "string", "const": "true"},
        required=False,
    ),
}
# On every response, the API's and API Gateway's own.
_ALWAYS = ("X-Request-Id", "Cache-Control", "X-Content-Type-Options")
_WHEN_COUNTED = ("RateLimit-Policy", "RateLimit")

# What API Gateway adds to the functions' own errors; 502 and 504 are its alone.
_GATEWAY = {
    401: "API Gateway answers it too, in the same shape (the authorizer's verdict).",
    413: "API Gateway refuses bodies over 10 MB itself, in the same shape.",
    429: "API Gateway's stage throttling answers in the same shape.",
    503: "So does API Gateway when the authorizer could not decide.",
}
_GATEWAY_ONLY: dict[int, tuple[str, tuple[str, ...]]] = {
    502: ("API Gateway: the function failed (`service_unavailable`).", ("Retry-After",)),
    504: ("API Gateway: the function timed out (`service_unavailable`).", ()),
}


def _error_responses(endpoint: Endpoint) -> dict[int, tuple[str, tuple[str, ...]]]:
    """Each status the endpoint can answer with an error: the description (the error
    classes' docstrings and codes) and the headers those classes carry."""
    by_status: dict[int, list[type[PlinthError]]] = {}
    for cls in endpoint.errors:
        by_status.setdefault(STATUS[cls], []).append(cls)
    responses = dict(_GATEWAY_ONLY)
    for status, classes in by_status.items():
        parts = [f"{_doc(cls)} (`{cls.code}`)" for cls in classes]
        parts[1:] = [part[0].lower() + part[1:] for part in parts[1:]]
        description = "; or ".join(parts) + (f". {_GATEWAY[status]}" if status in _GATEWAY else ".")
        headers = tuple(sorted({name for cls in classes for name in header_names(cls)}))
        responses[status] = (description, headers)
    return responses


def _doc(cls: type) -> str:
    return " ".join((inspect.getdoc(cls) or "").split()).rstrip(".")


# Stateful links: what a response's body tells a client to call next.
_LINKS: dict[str, dict[str, str]] = {
    "createResource": {
        "GetResource": "getResource",
        "UpdateResource": "updateResource",
        "DeleteResource": "deleteResource",
    },
    "bulkCreateResources": {"GetJob": "getJob"},
    "exportResources": {"GetJob": "getJob"},
}


def _schemas() -> dict[str, Any]:
    generated = ErrorResponse.model_json_schema(ref_template=_REF)
    schemas: dict[str, Any] = generated.pop("$defs", {})
    schemas[ErrorResponse.__name__] = generated
    return schemas


def build() -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Plinth API",
            "version": "1",
            "description": "Workspace-scoped resources and jobs. The contract: SPEC.md.",
        },
        "servers": [{"url": "https://api.yourdomain.com"}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "Resources", "description": "Resources: CRUD and cursor-paginated lists."},
            {"name": "Jobs", "description": "Long-running operations: poll until finished."},
            {"name": "API keys", "description": "Self-serve keys: mint, list, roll, revoke."},
            {"name": "Events", "description": "The workspace's audit log of the last 30 days."},
            {
                "name": "Webhooks",
                "description": "Events POSTed to your endpoints, signed per the Standard "
                "Webhooks spec (see `webhooks.event`), retried for about 28 hours.",
            },
        ],
        "paths": {},
        "components": {
            "schemas": {},
            "headers": {name: HEADERS[name] for name in sorted(HEADERS)},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`Authorization: Bearer sk_…`, a workspace's API key.",
                }
            },
        },
    }
    for spec in tpl.functions().values():
        if spec.logical_id in tpl.METHOD_NOT_ALLOWED_FUNCTIONS or not spec.routes:
            continue
        load_handler(spec)
        endpoint: Endpoint = sys.modules[f"plinth_function_{spec.logical_id}"].endpoint
        part = endpoint.app.get_openapi_schema(title="part", version="1").model_dump(
            by_alias=True, exclude_none=True, mode="json"
        )
        for route in spec.routes:
            for path_item in part["paths"].values():
                operation = path_item.get(route.method.lower())
                if operation is not None:
                    document["paths"].setdefault(route.path, {})[route.method.lower()] = _operation(
                        route, operation, endpoint
                    )
        for name, schema in part.get("components", {}).get("schemas", {}).items():
            if name not in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
                document["components"]["schemas"][name] = schema
    document["components"]["schemas"].update(_schemas())
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    document["paths"] = dict(sorted(document["paths"].items()))
    document["webhooks"] = WEBHOOKS
    return document


def _signed_header(name: str, description: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    }


# What a webhook endpoint receives (OpenAPI 3.1 `webhooks`): one event, signed.
WEBHOOKS: dict[str, Any] = {
    "event": {
        "post": {
            "summary": "An event, delivered to a webhook endpoint",
            "description": "Verify `webhook-signature` before trusting the body: "
            "`v1,` + base64(HMAC-SHA256(base64-decoded secret after `whsec_`, "
            "`<webhook-id>.<webhook-timestamp>.<raw body>`)); refuse timestamps more than "
            "5 minutes off. Answer 2xx within 10 s; anything else (redirects too) is "
            "retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h. Deduplicate on "
            "`webhook-id`: a retry or a redelivery repeats it.",
            "tags": ["Webhooks"],
            "parameters": [
                _signed_header("webhook-id", "The event's id, the same on every attempt.", "evt_…"),
                _signed_header(
                    "webhook-timestamp", "This attempt's time, epoch seconds.", "1735689600"
                ),
                _signed_header(
                    "webhook-signature",
                    "Space-separated `v1,<base64>` signatures (one per active secret).",
                    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                ),
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/EventResponse"}}
                },
            },
            "responses": {"200": {"description": "Any 2xx acknowledges the delivery."}},
        }
    }
}


# The schema gives the shape ids have (`plinth.http.path`); the API does not refuse another
# as invalid, it looks it up like any id and finds nothing.
_PATH_ID = "The object's id; one of another shape answers 404, as an unknown id does."


def _operation(route: tpl.Route, generated: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    operation = {k: v for k, v in generated.items() if k != "responses"}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            parameter["name"] = "id"
            parameter["description"] = _PATH_ID
    if route.method == "POST":
        operation.setdefault("parameters", []).append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "Replays the first 2xx response for 24 h (SPEC §6).",
                "schema": {"type": "string", "pattern": "^[\\x20-\\x7e]{1,255}$"},
            }
        )
    responses: dict[str, Any] = {}
    for status, documented in generated["responses"].items():
        if status == "422":
            continue  # Powertools' own validation error shape; ours is below
        # A 204 has no body, whatever the handler's return annotation says.
        response = {k: v for k, v in documented.items() if status != "204" or k != "content"}
        headers = dict(response.get("headers") or {})
        if route.method == "POST":
            headers["Idempotent-Replayed"] = _ref_header("Idempotent-Replayed")
        responses[status] = response | {"headers": _headers(headers, _WHEN_COUNTED)}
        links = _LINKS.get(operation["operationId"])
        if links:
            responses[status]["links"] = {
                name: {"operationId": target, "parameters": {"id": "$response.body#/id"}}
                for name, target in links.items()
            }
    error = {"$ref": _REF.format(model=ErrorResponse.__name__)}
    for status, (description, required) in _error_responses(endpoint).items():
        headers = {name: _ref_header(name) for name in required}
        responses[str(status)] = {
            "description": description,
            "headers": _headers(headers, _WHEN_COUNTED),
            "content": {"application/json": {"schema": error}},
        }
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def _ref_header(name: str) -> dict[str, Any]:
    return {"$ref": _HEADER_REF.format(name=name)}


def _headers(own: dict[str, Any], optional: tuple[str, ...]) -> dict[str, Any]:
    headers = {name: _ref_header(name) for name in (*_ALWAYS, *optional)}
    headers.update(own)
    return dict(sorted(headers.items()))


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    DOCUMENT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOCUMENT.relative_to(tpl.ROOT)}\n")
    return 0
