"""DynamoDB items: the stored shape of each domain object, and the conversions.

Attribute names are the table's; key attributes are declared in template.yaml.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from plinth.models.resource import Resource
from plinth.models.types import ResourceStatus

_ITEM = ConfigDict(frozen=True, extra="ignore")


def status_key(workspace_id: str, status: str) -> str:
    """Partition key of the `byStatus` GSI: one partition per (workspace, status)."""
    return f"{workspace_id}#{status}"


class ResourceItem(BaseModel):
    model_config = _ITEM

    workspaceId: str  # noqa: N815 - table attribute name
    id: str
    workspaceStatus: str  # noqa: N815
    name: str
    description: str | None = None
    status: ResourceStatus
    metadata: dict[str, str]
    createdAt: int  # noqa: N815
    updatedAt: int  # noqa: N815

    @classmethod
    def from_domain(cls, resource: Resource) -> ResourceItem:
        return cls(
            workspaceId=resource.workspace_id,
            id=resource.id,
            workspaceStatus=status_key(resource.workspace_id, resource.status),
            name=resource.name,
            description=resource.description,
            status=resource.status,
            metadata=resource.metadata,
            createdAt=resource.created_at,
            updatedAt=resource.updated_at,
        )

    def to_domain(self) -> Resource:
        return Resource(
            id=self.id,
            workspace_id=self.workspaceId,
            name=self.name,
            description=self.description,
            status=self.status,
            metadata=self.metadata,
            created_at=self.createdAt,
            updated_at=self.updatedAt,
        )


class ApiKeyItem(BaseModel):
    """An API key. Only the SHA-256 of the secret is stored; it is the partition key."""

    model_config = _ITEM

    keyHash: str  # noqa: N815
    keyId: str  # noqa: N815
    workspaceId: str  # noqa: N815
    scopes: list[str]
    createdAt: int  # noqa: N815
    revokedAt: int | None = None  # noqa: N815


class WorkspaceItem(BaseModel):
    model_config = _ITEM

    workspaceId: str  # noqa: N815
    rateLimit: int | None = None  # noqa: N815
    createdAt: int  # noqa: N815
    updatedAt: int  # noqa: N815
