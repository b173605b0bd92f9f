"""The list endpoints' query parameters, shared (`Query` declares them to Powertools'
validation and to the OpenAPI document; any other parameter is refused)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BeforeValidator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from plinth.http.errors import WORDED
from plinth.logic.pagination import INVALID_CURSOR
from plinth.models.event import EventTypeFilter
from plinth.models.types import PageLimit, ResourceStatus

MAX_CURSOR_LENGTH = 512  # a signed cursor is far shorter: a longer one was never issued
EMPTY_CURSOR = (
    "The cursor must not be empty: omit it for the first page, "
    "or pass the nextCursor of the previous page."
)


def _cursor_text(value: object) -> object:
    """An empty or oversized `cursor=` in words (pydantic's would say "at least 1 item")."""
    if isinstance(value, str) and not value:
        raise PydanticCustomError(WORDED, EMPTY_CURSOR)
    if isinstance(value, str) and len(value) > MAX_CURSOR_LENGTH:
        raise PydanticCustomError(WORDED, INVALID_CURSOR)
    return value


Limit = Annotated[PageLimit, Query()]
Cursor = Annotated[
    str | SkipJsonSchema[None],
    BeforeValidator(_cursor_text),
    Query(min_length=1, max_length=MAX_CURSOR_LENGTH),
]
ResourceStatusFilter = Annotated[ResourceStatus | SkipJsonSchema[None], Query()]
EventTypeQuery = Annotated[EventTypeFilter | SkipJsonSchema[None], Query(alias="type")]
