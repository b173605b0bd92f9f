"""Resource use cases: create, get, update, delete, list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plinth import ids
from plinth.errors import NotFound
from plinth.logic.pagination import CursorScope, next_cursor, position_after
from plinth.models.resource import Resource, ResourceCreate, ResourcePatch
from plinth.models.types import ResourceStatus
from plinth.ports import ResourceStore
from plinth.timeutil import now_ms

CURSOR_KIND = "resources"
_NOT_FOUND = "No such resource."


def _check_id(resource_id: str) -> None:
    """Ill-formed ids cannot exist: answer 404 without a lookup."""
    if not ids.is_id(resource_id, ids.RESOURCE_PREFIX):
        raise NotFound(_NOT_FOUND)


def create_resource(
    workspace_id: str,
    body: ResourceCreate,
    repo: ResourceStore,
    clock: Callable[[], int] = now_ms,
) -> Resource:
    resource = Resource.new(ids.new_resource_id(), workspace_id, body, clock())
    repo.create(resource)
    return resource


def get_resource(workspace_id: str, resource_id: str, repo: ResourceStore) -> Resource:
    _check_id(resource_id)
    return repo.get(workspace_id, resource_id)


def update_resource(
    workspace_id: str,
    resource_id: str,
    patch: ResourcePatch,
    repo: ResourceStore,
    clock: Callable[[], int] = now_ms,
) -> Resource:
    _check_id(resource_id)
    changes = patch.changes()
    if not changes:
        # `{}` changes nothing, `updatedAt` included.
        return repo.get(workspace_id, resource_id)
    return repo.update(workspace_id, resource_id, changes, clock())


def delete_resource(workspace_id: str, resource_id: str, repo: ResourceStore) -> None:
    _check_id(resource_id)
    repo.delete(workspace_id, resource_id)


@dataclass(frozen=True, slots=True)
class ResourcePage:
    items: list[Resource]
    has_more: bool
    next_cursor: str | None


def list_resources(
    workspace_id: str,
    *,
    limit: int,
    status: ResourceStatus | None,
    cursor: str | None,
    repo: ResourceStore,
    signing_key: bytes,
) -> ResourcePage:
    scope = CursorScope(CURSOR_KIND, ids.RESOURCE_PREFIX, workspace_id, status)
    after_id = position_after(signing_key, cursor, scope)
    page = repo.list(workspace_id, limit=limit, status=status, after_id=after_id)
    last_id = page.items[-1].id if page.items else None
    return ResourcePage(
        items=page.items,
        has_more=page.has_more,
        next_cursor=next_cursor(signing_key, scope, last_id, page.has_more),
    )
