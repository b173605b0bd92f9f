"""Reusable constrained types (SPEC §4). Strict: no coercion of `5` into `"5"`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be only whitespace")
    return value


class ResourceStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


# Enums: values arrive as JSON strings; lax mode only accepts the enum's own values.
Status = Annotated[ResourceStatus, Field(strict=False)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)]
Description = Annotated[str, StringConstraints(max_length=2000)]
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=40)]
MetadataValue = Annotated[str, StringConstraints(max_length=500)]
Metadata = Annotated[dict[MetadataKey, MetadataValue], Field(max_length=20)]


def _decimal_digits(value: object) -> object:
    """Query strings: accept `"20"`, refuse `"20.0"`, `" 20"`, `"+20"`, `"2e1"`."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("must be an integer between 1 and 100")
    return value


PageLimitInput = BeforeValidator(_decimal_digits)
