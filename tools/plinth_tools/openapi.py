"""The OpenAPI 3.1 document of the API (`docs/openapi.json`, `plinth openapi`).

Paths, parameters and request bodies come from the functions' own resolvers (Powertools
builds them from the route signatures and pydantic models) and are mapped onto the
template's routes; response bodies and the SPEC's error shape are added here, once.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from plinth_tools import template as tpl
from plinth_tools.lambdas import load_handler

DOCUMENT = tpl.ROOT / "docs" / "openapi.json"
_REF = "#/components/schemas/{model}"


class ErrorDetail(BaseModel):
    model_config = ConfigDict(title="ErrorDetail")

    code: str
    message: str
    param: str | None


class ErrorResponse(BaseModel):
    """Every error body (SPEC §3)."""

    error: ErrorDetail


_ERRORS = {
    "400": "Malformed body: empty, not UTF-8, not JSON, not an object (`invalid_json`).",
    "401": "Missing or invalid API key (`unauthorized`).",
    "403": "The key lacks the scope this endpoint needs (`forbidden`).",
    "404": "Unknown id, another workspace's id, or unknown route (`not_found`).",
    "405": "Known path, other method; see `Allow` (`method_not_allowed`).",
    "413": "Body too large (`payload_too_large`).",
    "422": "A field, query parameter or header failed validation (`validation_error`); "
    "or an Idempotency-Key reused with another body (`idempotency_key_reused`).",
    "429": "Over the workspace's rate limit; see `Retry-After` (`rate_limited`).",
    "500": "A bug; the message never leaks internals (`internal_error`).",
    "503": "A dependency is unavailable; see `Retry-After` (`service_unavailable`).",
}


def _success(method: str, path: str) -> tuple[str, str, dict[str, Any] | None]:
    """(status, description, schema) of an operation's success response."""
    from plinth.models.job import JobResponse
    from plinth.models.resource import ResourceResponse

    resource = {"$ref": _REF.format(model=ResourceResponse.__name__)}
    job = {"$ref": _REF.format(model=JobResponse.__name__)}

    def page(item: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["object", "data", "hasMore", "nextCursor"],
            "properties": {
                "object": {"const": "list"},
                "data": {"type": "array", "items": item},
                "hasMore": {"type": "boolean"},
                "nextCursor": {"type": ["string", "null"]},
            },
        }

    table: dict[tuple[str, str], tuple[str, str, dict[str, Any] | None]] = {
        ("POST", "/v1/resources"): ("201", "Created; `Location` names it.", resource),
        ("GET", "/v1/resources"): ("200", "A page of resources, newest first.", page(resource)),
        ("GET", "/v1/resources/{id}"): ("200", "The resource.", resource),
        ("PATCH", "/v1/resources/{id}"): ("200", "The updated resource.", resource),
        ("DELETE", "/v1/resources/{id}"): ("204", "Deleted; no body.", None),
        ("POST", "/v1/resources/bulk"): ("202", "Accepted as a job; `Location` names it.", job),
        ("POST", "/v1/resources/export"): ("202", "Accepted as a job; `Location` names it.", job),
        ("GET", "/v1/jobs"): ("200", "A page of jobs, newest first.", page(job)),
        ("GET", "/v1/jobs/{id}"): ("200", "The job.", job),
    }
    return table[(method, path)]


def _schemas() -> dict[str, Any]:
    from plinth.models.job import JobResponse
    from plinth.models.resource import ResourceResponse

    schemas: dict[str, Any] = {}
    for model in (ResourceResponse, JobResponse, ErrorResponse):
        generated = model.model_json_schema(by_alias=True, ref_template=_REF, mode="serialization")
        schemas.update(generated.pop("$defs", {}))
        schemas[model.__name__] = generated
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
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }
    for spec in tpl.functions().values():
        if spec.logical_id == tpl.METHOD_NOT_ALLOWED_FUNCTION or not spec.routes:
            continue
        routes = list(spec.routes)
        if not routes:
            continue
        load_handler(spec)
        app = sys.modules[f"plinth_function_{spec.logical_id}"].app
        part = app.get_openapi_schema(title="part", version="1").model_dump(
            by_alias=True, exclude_none=True, mode="json"
        )
        for route in routes:
            for path_item in part["paths"].values():
                operation = path_item.get(route.method.lower())
                if operation is not None:
                    document["paths"].setdefault(route.path, {})[route.method.lower()] = _operation(
                        route, operation
                    )
        for name, schema in part.get("components", {}).get("schemas", {}).items():
            if name not in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
                document["components"]["schemas"][name] = schema
    document["components"]["schemas"].update(_schemas())
    document["paths"] = dict(sorted(document["paths"].items()))
    return document


def _operation(route: tpl.Route, generated: dict[str, Any]) -> dict[str, Any]:
    operation = {k: v for k, v in generated.items() if k not in ("responses", "summary")}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            parameter["name"] = "id"
    status, description, schema = _success(route.method, route.path)
    success: dict[str, Any] = {"description": description}
    if schema is not None:
        success["content"] = {"application/json": {"schema": schema}}
    error = {"$ref": _REF.format(model=ErrorResponse.__name__)}
    operation["summary"] = f"{route.method} {route.path}"
    operation["responses"] = {status: success} | {
        code: {"description": text, "content": {"application/json": {"schema": error}}}
        for code, text in _ERRORS.items()
    }
    if route.method == "POST":
        operation.setdefault("parameters", []).append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Replays the first 2xx response for 24 h (SPEC §6).",
            }
        )
    return operation


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=False) + "\n"


def main() -> int:
    DOCUMENT.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOCUMENT.relative_to(tpl.ROOT)}\n")
    return 0
