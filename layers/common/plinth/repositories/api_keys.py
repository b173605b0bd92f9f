"""API keys and workspaces in DynamoDB.

API keys table: `keyHash` (HASH) so the authorizer's lookup is one strongly consistent
GetItem; GSI `byWorkspace` (`workspaceId`, `keyId`) for listing and GSI `byKeyId`
(`keyId`) for revocation. Workspaces table: `workspaceId` (HASH).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plinth.errors import ConditionFailed, NotFound
from plinth.models.items import ApiKeyItem, WorkspaceItem
from plinth.repositories.aws import aws_errors, from_attributes, to_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WORKSPACE_INDEX = "byWorkspace"
KEY_ID_INDEX = "byKeyId"


class DynamoApiKeyRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(self, item: ApiKeyItem) -> None:
        with aws_errors("create key"):
            self._client.put_item(
                TableName=self._table,
                Item=to_attributes(item.model_dump()),
                ConditionExpression="attribute_not_exists(keyHash)",
            )

    def find_by_hash(self, key_hash: str) -> ApiKeyItem | None:
        with aws_errors("get key"):
            response = self._client.get_item(
                TableName=self._table, Key=to_attributes({"keyHash": key_hash})
            )
        item = response.get("Item")
        return ApiKeyItem.model_validate(from_attributes(item)) if item else None

    def list_for_workspace(self, workspace_id: str) -> list[ApiKeyItem]:
        items: list[ApiKeyItem] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": WORKSPACE_INDEX,
            "KeyConditionExpression": "workspaceId = :ws",
            "ExpressionAttributeValues": to_attributes({":ws": workspace_id}),
        }
        while True:
            with aws_errors("list keys"):
                response = self._client.query(**query)
            items.extend(ApiKeyItem.model_validate(from_attributes(i)) for i in response["Items"])
            if "LastEvaluatedKey" not in response:
                return items
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def revoke(self, key_id: str, now_ms: int) -> ApiKeyItem:
        with aws_errors("find key"):
            response = self._client.query(
                TableName=self._table,
                IndexName=KEY_ID_INDEX,
                KeyConditionExpression="keyId = :id",
                ExpressionAttributeValues=to_attributes({":id": key_id}),
            )
        if not response["Items"]:
            raise NotFound(f"No key {key_id}.")
        key_hash = from_attributes(response["Items"][0])["keyHash"]
        try:
            with aws_errors("revoke key"):
                updated = self._client.update_item(
                    TableName=self._table,
                    Key=to_attributes({"keyHash": key_hash}),
                    UpdateExpression="SET revokedAt = if_not_exists(revokedAt, :now)",
                    ConditionExpression="attribute_exists(keyHash)",
                    ExpressionAttributeValues=to_attributes({":now": now_ms}),
                    ReturnValues="ALL_NEW",
                )
        except ConditionFailed as failure:
            raise NotFound(f"No key {key_id}.") from failure
        return ApiKeyItem.model_validate(from_attributes(updated["Attributes"]))


class DynamoWorkspaceRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def upsert(self, workspace_id: str, rate_limit: int | None, now_ms: int) -> WorkspaceItem:
        """Create the workspace, or update its rate limit (`None` leaves it as it is)."""
        sets = ["createdAt = if_not_exists(createdAt, :now)", "updatedAt = :now"]
        values: dict[str, Any] = {":now": now_ms}
        if rate_limit is not None:
            sets.append("rateLimit = :limit")
            values[":limit"] = rate_limit
        with aws_errors("upsert workspace"):
            response = self._client.update_item(
                TableName=self._table,
                Key=to_attributes({"workspaceId": workspace_id}),
                UpdateExpression="SET " + ", ".join(sets),
                ExpressionAttributeValues=to_attributes(values),
                ReturnValues="ALL_NEW",
            )
        return WorkspaceItem.model_validate(from_attributes(response["Attributes"]))

    def get(self, workspace_id: str) -> WorkspaceItem | None:
        with aws_errors("get workspace"):
            response = self._client.get_item(
                TableName=self._table, Key=to_attributes({"workspaceId": workspace_id})
            )
        item = response.get("Item")
        return WorkspaceItem.model_validate(from_attributes(item)) if item else None
