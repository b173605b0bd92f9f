"""Newest-first pages of a workspace-scoped table (resources, jobs, events).

Each table is keyed `workspaceId` (HASH) + time-sortable `id` (RANGE) and carries a
filter GSI on `<workspace>#<value>` (resources and jobs: `byStatus` on `workspaceStatus`;
events: `byType` on `workspaceType`), so one function pages them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plinth.models.items import status_key
from plinth.repositories.aws import aws_errors, from_attributes, to_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

STATUS_INDEX = "byStatus"


@dataclass(frozen=True, slots=True)
class FilterIndex:
    """The GSI a filtered list queries, and its partition attribute."""

    name: str
    attribute: str


BY_STATUS = FilterIndex(STATUS_INDEX, "workspaceStatus")


@dataclass(frozen=True, slots=True)
class RawPage:
    items: list[dict[str, Any]]
    has_more: bool


def query_page(
    client: DynamoDBClient,
    table: str,
    workspace_id: str,
    *,
    limit: int,
    status: str | None,
    after_id: str | None,
    index: FilterIndex = BY_STATUS,
    newer_than: str | None = None,
) -> RawPage:
    """Up to `limit` items after `after_id`, newest first, with an exact `has_more`.

    Asks for `limit + 1` items: normally one Query. DynamoDB may stop early (1 MB read) or
    hand back an empty page with a LastEvaluatedKey; the query then continues from there
    until it has `limit + 1` items or the partition is exhausted. `newer_than` bounds the
    range key in the key condition (ids above it only), so it can never empty a page.
    """
    query: dict[str, Any] = {"TableName": table, "ScanIndexForward": False}
    if status is None:
        condition = "workspaceId = :pk"
        partition = workspace_id
    else:
        query["IndexName"] = index.name
        condition = f"{index.attribute} = :pk"
        partition = status_key(workspace_id, status)
    values = {":pk": partition}
    if newer_than is not None:
        condition += " AND id > :floor"
        values[":floor"] = newer_than
    query["KeyConditionExpression"] = condition
    query["ExpressionAttributeValues"] = to_attributes(values)
    start_key: dict[str, Any] | None = None
    if after_id is not None:
        start = {"workspaceId": workspace_id, "id": after_id}
        if status is not None:
            start[index.attribute] = partition
        start_key = to_attributes(start)
    wanted = limit + 1
    found: list[dict[str, Any]] = []
    while len(found) < wanted:
        if start_key is not None:
            query["ExclusiveStartKey"] = start_key
        query["Limit"] = wanted - len(found)
        with aws_errors("list"):
            response = client.query(**query)
        found.extend(from_attributes(raw) for raw in response.get("Items", []))
        start_key = response.get("LastEvaluatedKey")
        if start_key is None:
            break
    return RawPage(items=found[:limit], has_more=len(found) > limit)
