"""Newest-first pages of a workspace-scoped table (resources, jobs).

Both tables are keyed `workspaceId` (HASH) + time-sortable `id` (RANGE) and carry a
`byStatus` GSI on `workspaceStatus` = `<workspace>#<status>`, so one function pages both.
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
) -> RawPage:
    """Up to `limit` items after `after_id`, newest first, with an exact `has_more`.

    Asks for `limit + 1` items: normally one Query. DynamoDB may stop early (1 MB read) or
    hand back an empty page with a LastEvaluatedKey; the query then continues from there
    until it has `limit + 1` items or the partition is exhausted.
    """
    query: dict[str, Any] = {"TableName": table, "ScanIndexForward": False}
    if status is None:
        query["KeyConditionExpression"] = "workspaceId = :pk"
        partition = workspace_id
    else:
        query["IndexName"] = STATUS_INDEX
        query["KeyConditionExpression"] = "workspaceStatus = :pk"
        partition = status_key(workspace_id, status)
    query["ExpressionAttributeValues"] = to_attributes({":pk": partition})
    start_key: dict[str, Any] | None = None
    if after_id is not None:
        start = {"workspaceId": workspace_id, "id": after_id}
        if status is not None:
            start["workspaceStatus"] = partition
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
