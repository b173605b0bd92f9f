"""The list endpoints' query parameters, shared (`Query` declares them to Powertools'
validation and to the OpenAPI document; any other parameter is refused)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic.json_schema import SkipJsonSchema

from plinth.models.event import EventTypeFilter
from plinth.models.types import PageLimit, ResourceStatus

Limit = Annotated[PageLimit, Query()]
Cursor = Annotated[str | SkipJsonSchema[None], Query(min_length=1, max_length=512)]
ResourceStatusFilter = Annotated[ResourceStatus | SkipJsonSchema[None], Query()]
EventTypeQuery = Annotated[EventTypeFilter | SkipJsonSchema[None], Query(alias="type")]
