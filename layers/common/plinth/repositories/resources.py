"""Resources in DynamoDB.

Table keys: `workspaceId` (HASH), `id` (RANGE). GSI `byStatus`: `workspaceStatus`
(`<workspace>#<status>`, HASH), `id` (RANGE). Ids are time-sortable, so both orderings
are newest-first with `ScanIndexForward=False`.
"""

from __future__ import annotations

import builtins
import random
import time
from typing import TYPE_CHECKING, Any

from plinth.errors import ConditionFailed, DependencyUnavailable, NotFound
from plinth.models.items import ResourceItem, status_key
from plinth.models.resource import Resource
from plinth.models.types import ResourceStatus
from plinth.ports import Page
from plinth.repositories.aws import (
    aws_errors,
    from_attributes,
    old_item,
    to_attributes,
)
from plinth.repositories.paging import query_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_NOT_FOUND = "No such resource."
_UPDATE_ATTEMPTS = 5
_BATCH_ATTEMPTS = 8
_BACKOFF_BASE_S = 0.05
_BACKOFF_CAP_S = 2.0


class DynamoResourceRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def create(self, resource: Resource) -> None:
        item = ResourceItem.from_domain(resource).model_dump(mode="json")
        with aws_errors("create resource"):
            self._client.put_item(
                TableName=self._table,
                Item=to_attributes(item),
                ConditionExpression="attribute_not_exists(id)",
            )

    def get(self, workspace_id: str, resource_id: str) -> Resource:
        with aws_errors("get resource"):
            response = self._client.get_item(
                TableName=self._table, Key=self._key(workspace_id, resource_id)
            )
        if "Item" not in response:
            raise NotFound(_NOT_FOUND)
        return ResourceItem.model_validate(from_attributes(response["Item"])).to_domain()

    def update(
        self, workspace_id: str, resource_id: str, changes: dict[str, Any], now_ms: int
    ) -> Resource:
        """One conditional UpdateItem. `updatedAt` strictly advances: if the stored value is
        not older than `now_ms` (same millisecond, clock skew), the write is retried once
        just past it."""
        sets = ["updatedAt = :now"]
        removes: list[str] = []
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        for index, (field, value) in enumerate(sorted(changes.items())):
            names[f"#f{index}"] = field
            if value is None:
                removes.append(f"#f{index}")
                continue
            sets.append(f"#f{index} = :v{index}")
            values[f":v{index}"] = value.value if isinstance(value, ResourceStatus) else value
            if field == "status":
                sets.append("workspaceStatus = :ws")
                values[":ws"] = status_key(workspace_id, value)
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(workspace_id, resource_id),
            "UpdateExpression": expression,
            "ConditionExpression": "attribute_exists(id) AND updatedAt < :now",
            "ReturnValues": "ALL_NEW",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if names:
            request["ExpressionAttributeNames"] = names
        for _attempt in range(_UPDATE_ATTEMPTS):
            values[":now"] = now_ms
            request["ExpressionAttributeValues"] = to_attributes(values)
            try:
                with aws_errors("update resource"):
                    response = self._client.update_item(**request)
            except ConditionFailed as failure:
                old = old_item(failure)
                if old is None:
                    raise NotFound(_NOT_FOUND) from failure
                now_ms = int(old["updatedAt"]) + 1
                continue
            return ResourceItem.model_validate(from_attributes(response["Attributes"])).to_domain()
        # Concurrent writers kept moving updatedAt past us: let the client retry.
        raise DependencyUnavailable("The resource is being updated concurrently; retry.")

    def delete(self, workspace_id: str, resource_id: str) -> None:
        try:
            with aws_errors("delete resource"):
                self._client.delete_item(
                    TableName=self._table,
                    Key=self._key(workspace_id, resource_id),
                    ConditionExpression="attribute_exists(id)",
                )
        except ConditionFailed as failure:
            raise NotFound(_NOT_FOUND) from failure

    def list(
        self,
        workspace_id: str,
        *,
        limit: int,
        status: ResourceStatus | None,
        after_id: str | None,
    ) -> Page:
        page = query_page(
            self._client,
            self._table,
            workspace_id,
            limit=limit,
            status=status.value if status else None,
            after_id=after_id,
        )
        items = [ResourceItem.model_validate(raw).to_domain() for raw in page.items]
        return Page(items=items, has_more=page.has_more)

    def put_batch(self, resources: builtins.list[Resource]) -> None:
        """BatchWriteItem (≤ 25 puts), retrying `UnprocessedItems` with capped exponential
        backoff. Puts overwrite: callers give deterministic ids, so a retry rewrites the
        same items instead of duplicating them."""
        requests: builtins.list[Any] = [
            {
                "PutRequest": {
                    "Item": to_attributes(ResourceItem.from_domain(r).model_dump(mode="json"))
                }
            }
            for r in resources
        ]
        for attempt in range(_BATCH_ATTEMPTS):
            with aws_errors("write resources"):
                response = self._client.batch_write_item(RequestItems={self._table: requests})
            requests = (response.get("UnprocessedItems") or {}).get(self._table, [])
            if not requests:
                return
            time.sleep(min(_BACKOFF_CAP_S, _BACKOFF_BASE_S * 2**attempt) * random.uniform(0.5, 1))  # noqa: S311
        raise DependencyUnavailable("DynamoDB kept throttling the batch write; retry later.")

    @staticmethod
    def _key(workspace_id: str, resource_id: str) -> dict[str, Any]:
        return to_attributes({"workspaceId": workspace_id, "id": resource_id})
