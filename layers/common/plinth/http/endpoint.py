"""Each endpoint declared once: method, path, operation, scope, body, success response,
metric. The pipeline (`plinth.http.pipeline`), the function's logging and metrics, and
the OpenAPI document (`plinth_tools.openapi`) all derive from it.

A function declares its endpoint, decorates its route function with `endpoint.route`,
and exports `lambda_handler = endpoint.lambda_handler`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar, get_args, get_origin, get_type_hints

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from plinth.errors import (
    DependencyUnavailable,
    Forbidden,
    NotFound,
    PlinthError,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from plinth.http.body import BodyMode
from plinth.http.errors import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InvalidJson,
    MethodNotAllowed,
    PayloadTooLarge,
)
from plinth.http.methods import ALLOWED_METHODS
from plinth.http.pipeline import create_app, handle, json_response
from plinth.models.auth import Scope
from plinth.observability import logger, metrics

__all__ = ["Endpoint", "Response", "Success"]

RESOURCES, JOBS, KEYS, EVENTS = "Resources", "Jobs", "API keys", "Events"
WEBHOOKS = "Webhooks"
_PATH_PARAM = re.compile(r"\{(\w+)\}")
Route = TypeVar("Route", bound=Callable[..., Response[str]])


@dataclass(frozen=True, slots=True)
class Success:
    """The one success response: status, description, body model (None: no body)."""

    status: int
    description: str
    model: type[BaseModel] | None = None
    # A 201 or 202 names what it created (an object, or a job) in `Location`; False for a
    # 202 that queues work with nothing to poll (a redelivery).
    creates: bool = True


@dataclass(kw_only=True, eq=False)
class Endpoint:
    method: str
    path: str  # `/v1/resources/{resource_id}`: the route function's argument names
    operation_id: str
    summary: str
    scope: Scope
    success: Success
    metric: str  # counted once per operation that ran
    body: BodyMode | None = None  # None: a JSON object for POST and PATCH, else none
    bulk_body: bool = False  # the bulk size limit instead of the default one
    details: str | None = None  # the operation's description
    app: APIGatewayRestResolver = field(init=False, repr=False)
    query_params: frozenset[str] = field(init=False, default=frozenset())
    lambda_handler: Callable[[dict[str, Any], LambdaContext], dict[str, Any]] = field(
        init=False, repr=False
    )

    def __post_init__(self) -> None:
        self.app = create_app(self)
        self.lambda_handler = logger.inject_lambda_context(
            correlation_id_path=correlation_paths.API_GATEWAY_REST
        )(metrics.log_metrics(self._handle))

    @property
    def resource(self) -> str:
        """The path as API Gateway names it (`/v1/resources/{id}`)."""
        return _PATH_PARAM.sub("{id}", self.path)

    @property
    def body_mode(self) -> BodyMode:
        if self.body is not None:
            return self.body
        return BodyMode.REQUIRED if self.method in ("POST", "PATCH") else BodyMode.NONE

    @property
    def tags(self) -> list[str]:
        """Resources, Jobs, API keys, Events or Webhooks by path; an endpoint answering
        with a job (a 202 that creates) is Resources and Jobs; a redelivery is Events and
        Webhooks."""
        tags = [RESOURCES] if self.path.startswith("/v1/resources") else []
        if self.path.startswith("/v1/api_keys"):
            tags.append(KEYS)
        if self.path.startswith("/v1/jobs") or (self.success.status == 202 and self.location):
            tags.append(JOBS)
        if self.path.startswith("/v1/events"):
            tags.append(EVENTS)
        if self.path.startswith("/v1/webhook_endpoints") or self.path.endswith("/redeliver"):
            tags.append(WEBHOOKS)
        return tags

    @property
    def errors(self) -> list[type[PlinthError]]:
        """The errors this endpoint can answer with, in SPEC §3's order of checks."""
        errors: list[type[PlinthError]] = [Unauthorized]
        if self._shadows_another_path():
            errors.append(MethodNotAllowed)
        errors += [Forbidden, RateLimited, PayloadTooLarge]
        if self.body_mode is not BodyMode.NONE:
            errors.append(InvalidJson)
        errors.append(ValidationFailed)
        if "{" in self.path:
            errors.append(NotFound)
        if self.method == "POST":
            errors += [IdempotencyKeyInUse, IdempotencyKeyReused]
        return [*errors, DependencyUnavailable, PlinthError]

    def _shadows_another_path(self) -> bool:
        """An id that is another path's name (`/v1/resources/bulk`) meets that path's
        `Allow` when it does not serve this method."""
        if "{" not in self.path:
            return False
        shape = re.compile(_PATH_PARAM.sub("[^/]+", self.resource))
        return any(
            path != self.resource and shape.fullmatch(path) and self.method not in methods
            for path, methods in ALLOWED_METHODS.items()
        )

    @property
    def location(self) -> bool:
        """A 201 or 202 names what it created in `Location`."""
        return self.success.status in (201, 202) and self.success.creates

    def route(self, function: Route) -> Route:
        """Register the route function (path arguments, `Query`/`Body` parameters and
        `Depends` dependencies in its signature) on this endpoint's resolver."""
        self.query_params = _query_params(function)
        register = self.app.route(
            rule=_PATH_PARAM.sub(r"<\1>", self.path),
            method=self.method,
            operation_id=self.operation_id,
            summary=self.summary,
            description=self.details,
            tags=self.tags,
            responses=self._responses(),
        )
        register(function)
        return function

    def respond(
        self, payload: BaseModel | None = None, *, location: str | None = None
    ) -> Response[str]:
        """The success response: the declared status, the payload in its API shape."""
        body = payload.model_dump(mode="json", by_alias=True) if payload is not None else None
        return json_response(
            self.success.status, body, {"Location": location} if location else None
        )

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return handle(self, event, context)

    def _responses(self) -> dict[int, OpenAPIResponse]:
        response: OpenAPIResponse = {"description": self.success.description}
        if self.success.model is not None:
            response["content"] = {"application/json": {"model": self.success.model}}
        if self.location:
            response["headers"] = {
                "Location": {
                    "description": "The path of the new object (a job: where to poll it).",
                    "required": True,  # type: ignore[typeddict-unknown-key]
                    "schema": {"type": "string"},
                }
            }
        return {self.success.status: response}


def _query_params(function: Callable[..., Any]) -> frozenset[str]:
    """The names of the function's `Query` parameters: any other is refused (422)."""
    names = set()
    for name, hint in get_type_hints(function, include_extras=True).items():
        if get_origin(hint) is Annotated:
            for meta in get_args(hint)[1:]:
                if isinstance(meta, Query):
                    names.add(meta.alias or name)
    return frozenset(names)
