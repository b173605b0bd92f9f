"""Resources: request bodies, the domain object, the API shape and the DynamoDB item."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from plinth.models.types import (
    Description,
    Metadata,
    Name,
    PageData,
    ResourceStatus,
    Status,
    Timestamp,
)
from plinth.timeutil import format_ms

_REQUEST = ConfigDict(strict=True, extra="forbid", frozen=True)
# API responses: camelCase; documented as sent, so fields with defaults (`object`) are
# required in the schema too.
RESPONSE_CONFIG = ConfigDict(
    alias_generator=to_camel,
    populate_by_name=True,
    frozen=True,
    json_schema_mode_override="serialization",
    json_schema_serialization_defaults_required=True,
)


class ResourceCreate(BaseModel):
    """Body of POST /v1/resources. `status` is not settable here: it is an unknown field."""

    model_config = _REQUEST

    name: Name
    description: Description | None = None
    metadata: Metadata = Field(default_factory=dict)


_NOT_NULLABLE = ("name", "status", "metadata")


def _refuse_null_in_schema(schema: dict[str, Any]) -> None:
    """`None` on a PATCH field stands for "not sent" (only `description` may be cleared
    with null): the document says what a client may send, so null is not in it."""
    for name in _NOT_NULLABLE:
        field = schema["properties"][name]
        branches = [b for b in field.pop("anyOf") if b != {"type": "null"}]
        field.update(branches[0])


class ResourcePatch(BaseModel):
    """Body of PATCH /v1/resources/{id}. Only fields that were sent change."""

    model_config = _REQUEST | ConfigDict(json_schema_extra=_refuse_null_in_schema)

    name: Name | None = None
    description: Description | None = None
    status: Status | None = None
    metadata: Metadata | None = None

    @field_validator(*_NOT_NULLABLE, mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Absent means "unchanged"; only `description` may be cleared with null.
        if value is None:
            raise ValueError("may not be null")
        return value

    def changes(self) -> dict[str, Any]:
        """The sent fields with their new values; `name: null` was rejected by validation."""
        return {field: getattr(self, field) for field in self.model_fields_set}


class Resource(BaseModel):
    """The domain object."""

    model_config = ConfigDict(frozen=True)

    id: str
    workspace_id: str
    name: str
    description: str | None
    status: ResourceStatus
    metadata: dict[str, str]
    created_at: int
    updated_at: int

    @classmethod
    def new(cls, resource_id: str, workspace_id: str, body: ResourceCreate, at: int) -> Resource:
        """A resource as created from a create body: active, `updatedAt` = `createdAt`."""
        return cls(
            id=resource_id,
            workspace_id=workspace_id,
            name=body.name,
            description=body.description,
            status=ResourceStatus.ACTIVE,
            metadata=body.metadata,
            created_at=at,
            updated_at=at,
        )


class ResourceResponse(BaseModel):
    """The API shape of a resource (camelCase, millisecond ISO timestamps)."""

    model_config = RESPONSE_CONFIG

    id: str
    object: Literal["resource"] = "resource"
    name: str
    description: str | None
    status: ResourceStatus
    metadata: dict[str, str]
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def from_domain(cls, resource: Resource) -> ResourceResponse:
        return cls(
            id=resource.id,
            name=resource.name,
            description=resource.description,
            status=resource.status,
            metadata=resource.metadata,
            created_at=format_ms(resource.created_at),
            updated_at=format_ms(resource.updated_at),
        )

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ResourceList(BaseModel):
    """A page: `{"object": "list", "data": [...], "hasMore": bool, "nextCursor": str | null}`."""

    model_config = RESPONSE_CONFIG

    object: Literal["list"] = "list"
    data: Annotated[list[ResourceResponse], PageData]
    has_more: bool
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")

    @classmethod
    def of(cls, items: list[Resource], has_more: bool, next_cursor: str | None) -> ResourceList:
        return cls(
            data=[ResourceResponse.from_domain(r) for r in items],
            has_more=has_more,
            next_cursor=next_cursor,
        )

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
