"""Reusable constrained types (SPEC §4). Strict: no coercion of `5` into `"5"`."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from annotated_types import Ge, Le, MaxLen
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

# Whitespace as Python's `str.isspace` knows it, spelled so that a JSON Schema (ECMA-262)
# pattern means the same: ECMA's `\s` lacks U+001C-U+001F and U+0085, and adds U+FEFF.
_SPACE = (
    r"\t\n\u000b\f\r \u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
NOT_ONLY_SPACE = f"[^{_SPACE}]"
_NOT_ONLY_SPACE = re.compile(NOT_ONLY_SPACE)


def _not_blank(value: str) -> str:
    if _NOT_ONLY_SPACE.search(value) is None:
        raise ValueError("must not be only whitespace")
    return value


class ResourceStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


# Enums: values arrive as JSON strings; lax mode only accepts the enum's own values.
Status = Annotated[ResourceStatus, Field(strict=False)]
# `pattern` tells clients (and generators) what `_not_blank` enforces: some non-space.
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_not_blank),
    Field(json_schema_extra={"pattern": NOT_ONLY_SPACE}),
]
Description = Annotated[str, StringConstraints(max_length=2000)]
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=40)]
MetadataValue = Annotated[str, StringConstraints(max_length=500)]
Metadata = Annotated[dict[MetadataKey, MetadataValue], Field(max_length=20)]


# The most items a list page holds (`limit`'s maximum, SPEC §5).
MAX_PAGE_LIMIT = 100


def _decimal_digits(value: object) -> object:
    """Query strings: accept `"20"`, refuse `"20.0"`, `" 20"`, `"+20"`, `"2e1"`."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(f"must be an integer between 1 and {MAX_PAGE_LIMIT}")
    return value


PageLimitInput = BeforeValidator(_decimal_digits)
# A list's `limit` query parameter: an integer 1-100, written in decimal digits. Its JSON
# Schema is spelled out: wrapped in the digits check, the bounds would come out of pydantic
# as `ge`/`le` (not JSON Schema) or as floats.
PageLimit = Annotated[
    int,
    Ge(1),
    Le(MAX_PAGE_LIMIT),
    PageLimitInput,
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_PAGE_LIMIT}),
]
# A list page's `data`: never more items than `limit` allows.
PageData = MaxLen(MAX_PAGE_LIMIT)

# An API timestamp (`2025-01-01T00:00:00.000Z`), documented as RFC 3339 date-time.
Timestamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
