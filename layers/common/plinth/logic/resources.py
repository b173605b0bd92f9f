"""Resource use cases: create, get, update, delete, list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from plinth import ids
from plinth.cursor import InvalidCursor, decode_cursor, encode_cursor
from plinth.errors import NotFound, ValidationFailed
from plinth.models.resource import Resource, ResourceCreate, ResourcePatch
from plinth.models.types import ResourceStatus
from plinth.repositories.resources import ResourceRepository
from plinth.timeutil import now_ms

CURSOR_KIND = "resources"
_NOT_FOUND = "No such resource."


def _check_id(resource_id: str) -> None:
    """Ill-formed ids cannot exist: answer 404 without a lookup."""
    if not ids.is_id(resource_id, ids.RESOURCE_PREFIX):
        raise NotFound(_NOT_FOUND, param="id")


def create_resource(
    workspace_id: str,
    body: ResourceCreate,
    repo: ResourceRepository,
    clock: Callable[[], int] = now_ms,
) -> Resource:
    created = clock()
    resource = Resource(
        id=ids.new_resource_id(),
        workspace_id=workspace_id,
        name=body.name,
        description=body.description,
        status=ResourceStatus.ACTIVE,
        metadata=body.metadata,
        created_at=created,
        updated_at=created,
    )
    repo.create(resource)
    return resource


def get_resource(workspace_id: str, resource_id: str, repo: ResourceRepository) -> Resource:
    _check_id(resource_id)
    return repo.get(workspace_id, resource_id)


def update_resource(
    workspace_id: str,
    resource_id: str,
    patch: ResourcePatch,
    repo: ResourceRepository,
    clock: Callable[[], int] = now_ms,
) -> Resource:
    _check_id(resource_id)
    changes = patch.changes()
    if not changes:
        # `{}` changes nothing, `updatedAt` included.
        return repo.get(workspace_id, resource_id)
    return repo.update(workspace_id, resource_id, changes, clock())


def delete_resource(workspace_id: str, resource_id: str, repo: ResourceRepository) -> None:
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
    repo: ResourceRepository,
    signing_key: bytes,
) -> ResourcePage:
    filter_value = status.value if status else None
    after_id = None
    if cursor is not None:
        try:
            after_id = decode_cursor(
                signing_key,
                cursor,
                kind=CURSOR_KIND,
                workspace_id=workspace_id,
                filter_value=filter_value,
                prefix=ids.RESOURCE_PREFIX,
            )
        except InvalidCursor as exc:
            raise ValidationFailed(
                "The cursor is invalid, or was issued for another list or filter. "
                "Use the nextCursor of the previous page with the same query.",
                param="cursor",
            ) from exc
    page = repo.list(workspace_id, limit=limit, status=status, after_id=after_id)
    next_cursor = None
    if page.has_more:
        next_cursor = encode_cursor(
            signing_key,
            kind=CURSOR_KIND,
            workspace_id=workspace_id,
            filter_value=filter_value,
            last_id=page.items[-1].id,
        )
    return ResourcePage(items=page.items, has_more=page.has_more, next_cursor=next_cursor)
