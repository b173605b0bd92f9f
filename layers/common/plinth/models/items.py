"""DynamoDB items: the stored shape of each domain object, and the conversions.

Attribute names are the table's; key attributes are declared in template.yaml.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from plinth.models.job import Checkpoint, Job, JobError, JobStatus, JobType
from plinth.models.resource import Resource
from plinth.models.types import ResourceStatus

_ITEM = ConfigDict(frozen=True, extra="ignore")

# Partition of the sparse `byActivity` GSI: only pending and running jobs carry it, so
# the sweeper finds them with a Query instead of a Scan.
ACTIVE_KEY = "active"


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


class JobItem(BaseModel):
    """A job. Same keys as a resource, plus `activeKey` while it is unfinished. The lease
    (`leaseOwner`, `leaseUntil`) is only ever written by the repository's updates."""

    model_config = _ITEM

    workspaceId: str  # noqa: N815
    id: str
    workspaceStatus: str  # noqa: N815
    activeKey: str | None = None  # noqa: N815
    type: JobType
    status: JobStatus
    total: int | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    checkpoint: Checkpoint = Field(default_factory=Checkpoint)
    result: dict[str, Any] | None = None
    error: JobError | None = None
    createdAt: int  # noqa: N815
    startedAt: int | None = None  # noqa: N815
    completedAt: int | None = None  # noqa: N815
    updatedAt: int  # noqa: N815
    enqueuedAt: int | None = None  # noqa: N815
    enqueueAttempts: int = 0  # noqa: N815
    heartbeatAt: int | None = None  # noqa: N815
    leaseOwner: str | None = None  # noqa: N815
    leaseUntil: int | None = None  # noqa: N815

    @classmethod
    def from_domain(cls, job: Job) -> JobItem:
        return cls(
            workspaceId=job.workspace_id,
            id=job.id,
            workspaceStatus=status_key(job.workspace_id, job.status),
            activeKey=None if job.status.finished else ACTIVE_KEY,
            type=job.type,
            status=job.status,
            total=job.total,
            params=job.params,
            checkpoint=job.checkpoint,
            result=job.result,
            error=job.error,
            createdAt=job.created_at,
            startedAt=job.started_at,
            completedAt=job.completed_at,
            updatedAt=job.updated_at,
            enqueuedAt=job.enqueued_at,
            enqueueAttempts=job.enqueue_attempts,
            heartbeatAt=job.heartbeat_at,
            leaseOwner=job.lease_owner,
            leaseUntil=job.lease_until,
        )

    def to_domain(self) -> Job:
        return Job(
            id=self.id,
            workspace_id=self.workspaceId,
            type=self.type,
            status=self.status,
            total=self.total,
            params=self.params,
            checkpoint=self.checkpoint,
            result=self.result,
            error=self.error,
            created_at=self.createdAt,
            started_at=self.startedAt,
            completed_at=self.completedAt,
            updated_at=self.updatedAt,
            enqueued_at=self.enqueuedAt,
            enqueue_attempts=self.enqueueAttempts,
            heartbeat_at=self.heartbeatAt,
            lease_owner=self.leaseOwner,
            lease_until=self.leaseUntil,
        )
