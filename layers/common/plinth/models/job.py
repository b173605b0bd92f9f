"""Jobs (SPEC §8): request bodies, the domain object and the API shape.

The stored shape is `plinth.models.items.JobItem`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from plinth.models.resource import RESPONSE_CONFIG, ResourceCreate
from plinth.models.types import PageData, Status, Timestamp
from plinth.timeutil import format_ms

MAX_BULK_ITEMS = 1000


class JobType(StrEnum):
    BULK_CREATE = "resources.bulk_create"
    EXPORT = "resources.export"


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED)


JobStatusFilter = Annotated[JobStatus, Field(strict=False)]


class BulkCreateRequest(BaseModel):
    """Body of POST /v1/resources/bulk: every item is validated up front."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    resources: Annotated[list[ResourceCreate], Field(min_length=1, max_length=MAX_BULK_ITEMS)]


class ExportRequest(BaseModel):
    """Body of POST /v1/resources/export; an empty body means `{}` (everything)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    status: Status | None = None


class JobError(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    message: str


class Checkpoint(BaseModel):
    """Where a job resumes: items done and, for exports, the multipart upload so far."""

    model_config = ConfigDict(frozen=True)

    processed: int = 0
    after_id: str | None = None
    upload_id: str | None = None
    parts: list[dict[str, Any]] = Field(default_factory=list)


class Job(BaseModel):
    """The domain object (stored as `JobItem`)."""

    model_config = ConfigDict(frozen=True)

    id: str
    workspace_id: str
    type: JobType
    status: JobStatus
    total: int | None
    params: dict[str, Any] = Field(default_factory=dict)
    checkpoint: Checkpoint = Field(default_factory=Checkpoint)
    result: dict[str, Any] | None = None
    error: JobError | None = None
    created_at: int
    started_at: int | None = None
    completed_at: int | None = None
    updated_at: int
    enqueued_at: int | None = None
    enqueue_attempts: int = 0
    heartbeat_at: int | None = None
    lease_owner: str | None = None
    lease_until: int | None = None


_RESPONSE = RESPONSE_CONFIG


class JobProgress(BaseModel):
    model_config = _RESPONSE

    processed: int
    total: int | None


class BulkCreateResult(BaseModel):
    """`result` of a completed `resources.bulk_create` job: ids in request order."""

    model_config = _RESPONSE

    type: Literal[JobType.BULK_CREATE] = JobType.BULK_CREATE
    created: int
    ids: list[str]


class ExportResult(BaseModel):
    """`result` of a completed `resources.export` job: a presigned JSON Lines download."""

    model_config = _RESPONSE

    type: Literal[JobType.EXPORT] = JobType.EXPORT
    count: int
    url: str = Field(json_schema_extra={"format": "uri"})
    expires_at: Timestamp


# Tagged by the job's `type`, so clients can narrow `result` (OpenAPI `discriminator`).
JobResult = Annotated[BulkCreateResult | ExportResult, Field(discriminator="type")]


class JobResponse(BaseModel):
    model_config = _RESPONSE

    id: str
    object: Literal["job"] = "job"
    type: JobType
    status: JobStatus
    progress: JobProgress
    result: JobResult | None
    error: JobError | None
    created_at: Timestamp
    started_at: Timestamp | None
    completed_at: Timestamp | None

    @classmethod
    def from_domain(cls, job: Job, result: dict[str, Any] | None) -> JobResponse:
        """`result` is passed in: an export's download URL is signed at read time."""
        return cls(
            id=job.id,
            type=job.type,
            status=job.status,
            progress=JobProgress(processed=job.checkpoint.processed, total=job.total),
            result=_result(job.type, result),
            error=job.error,
            created_at=format_ms(job.created_at),
            started_at=format_ms(job.started_at) if job.started_at else None,
            completed_at=format_ms(job.completed_at) if job.completed_at else None,
        )

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


def _result(kind: JobType, result: dict[str, Any] | None) -> JobResult | None:
    if result is None:
        return None
    if kind is JobType.EXPORT:
        return ExportResult.model_validate(result)
    return BulkCreateResult.model_validate(result)


class JobList(BaseModel):
    """A page of jobs, shaped like every list (`ResourceList`)."""

    model_config = _RESPONSE

    object: Literal["list"] = "list"
    data: Annotated[list[JobResponse], PageData]
    has_more: bool
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class JobMessage(BaseModel):
    """The SQS message body: which job to work on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    job_id: str = Field(alias="jobId")
    workspace_id: str = Field(alias="workspaceId")
