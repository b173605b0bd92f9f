"""What route functions receive, through Powertools' `Depends` (tests swap any of them
with `endpoint.app.dependency_overrides[resource_store] = ...`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request

from plinth.container import container
from plinth.models.auth import Caller
from plinth.ports import (
    EventStore,
    KeyStore,
    ResourceStore,
    VerdictCache,
    WebhookEndpointStore,
    WorkspaceStore,
)


def current_caller(request: Request) -> Caller:
    """The authenticated caller the pipeline put in the resolver's context."""
    caller: Caller = request.context["caller"]
    return caller


def resource_store() -> ResourceStore:
    return container().resources


def key_store() -> KeyStore:
    return container().api_keys


def workspace_store() -> WorkspaceStore:
    return container().workspaces


def verdict_cache(request: Request) -> VerdictCache:
    """The cached authorizer verdicts of the API and stage this request came through."""
    context = request.resolved_event.raw_event.get("requestContext") or {}
    return container().verdicts(str(context.get("apiId", "")), str(context.get("stage", "")))


def event_store() -> EventStore:
    return container().events


def webhook_endpoint_store() -> WebhookEndpointStore:
    return container().webhook_endpoints


def signing_key() -> bytes:
    """The cursor signing key (Secrets Manager, cached with a max age)."""
    return container().signing_key()


CurrentCaller = Annotated[Caller, Depends(current_caller)]
Resources = Annotated[ResourceStore, Depends(resource_store)]
Events = Annotated[EventStore, Depends(event_store)]
SigningKey = Annotated[bytes, Depends(signing_key)]
Keys = Annotated[KeyStore, Depends(key_store)]
Workspaces = Annotated[WorkspaceStore, Depends(workspace_store)]
Verdicts = Annotated[VerdictCache, Depends(verdict_cache)]
WebhookEndpoints = Annotated[WebhookEndpointStore, Depends(webhook_endpoint_store)]
