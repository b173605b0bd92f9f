"""API keys and workspaces in DynamoDB.

API keys table: `keyHash` (HASH) so the authorizer's lookup is one strongly consistent
GetItem; GSI `byWorkspace` (`workspaceId`, `keyId`) for listing and GSI `byKeyId`
(`keyId`) for revocation. Workspaces table: `workspaceId` (HASH).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plinth.errors import ConditionFailed, DependencyUnavailable, NotFound
from plinth.models.key_items import ApiKeyItem, WorkspaceItem
from plinth.repositories.aws import aws_errors, from_attributes, old_item, to_attributes

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
        key_hash = self._hash_of(key_id)
        if key_hash is None:
            raise NotFound(f"No key {key_id}.")
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

    def get(self, key_id: str) -> ApiKeyItem | None:
        """The key by id: its hash from `byKeyId`, then the item (strongly consistent)."""
        key_hash = self._hash_of(key_id)
        if key_hash is None:
            return None
        return self.find_by_hash(key_hash)

    def _hash_of(self, key_id: str) -> str | None:
        with aws_errors("find key"):
            response = self._client.query(
                TableName=self._table,
                IndexName=KEY_ID_INDEX,
                KeyConditionExpression="keyId = :id",
                ExpressionAttributeValues=to_attributes({":id": key_id}),
            )
        items = response.get("Items") or []
        return str(from_attributes(items[0])["keyHash"]) if items else None

    def page(
        self, workspace_id: str, *, limit: int, after_id: str | None
    ) -> tuple[list[ApiKeyItem], bool]:
        """One Query of `byWorkspace` (newest first: key ids are ULIDs), then one
        BatchGetItem for the whole items the index does not project."""
        condition = "workspaceId = :ws" + (" AND keyId < :after" if after_id else "")
        values: dict[str, Any] = {":ws": workspace_id}
        if after_id:
            values[":after"] = after_id
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": WORKSPACE_INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": to_attributes(values),
            "ScanIndexForward": False,
            "ProjectionExpression": "keyHash",
        }
        hashes: list[str] = []
        while len(hashes) <= limit:
            query["Limit"] = limit + 1 - len(hashes)
            with aws_errors("list keys"):
                response = self._client.query(**query)
            hashes += [str(from_attributes(i)["keyHash"]) for i in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                break
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        found = self._batch_get(hashes[:limit])
        return [found[h] for h in hashes[:limit] if h in found], len(hashes) > limit

    def _batch_get(self, hashes: list[str]) -> dict[str, ApiKeyItem]:
        found: dict[str, ApiKeyItem] = {}
        wanted: dict[str, Any] = {
            self._table: {"Keys": [to_attributes({"keyHash": h}) for h in hashes]}
        }
        for _ in range(5):  # unprocessed keys (throttling): a few more tries, then 503
            if not hashes or not wanted.get(self._table, {}).get("Keys"):
                return found
            with aws_errors("get keys"):
                response = self._client.batch_get_item(RequestItems=wanted)
            for raw in response.get("Responses", {}).get(self._table, []):
                item = ApiKeyItem.model_validate(from_attributes(raw))
                found[item.keyHash] = item
            wanted = dict(response.get("UnprocessedKeys") or {})
        if wanted.get(self._table, {}).get("Keys"):
            raise DependencyUnavailable(
                "A dependency is unavailable; retry shortly.", retry_after=1
            )
        return found

    def expire(self, key_hash: str, at_ms: int) -> ApiKeyItem:
        try:
            with aws_errors("expire key"):
                updated = self._client.update_item(
                    TableName=self._table,
                    Key=to_attributes({"keyHash": key_hash}),
                    UpdateExpression="SET expiresAt = :at",
                    ConditionExpression="attribute_exists(keyHash) AND "
                    "attribute_not_exists(revokedAt) AND "
                    "(attribute_not_exists(expiresAt) OR expiresAt > :at)",
                    ExpressionAttributeValues=to_attributes({":at": at_ms}),
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except ConditionFailed as failure:
            old = old_item(failure)
            if old is None or old.get("revokedAt") is not None:
                raise NotFound("No such API key.") from failure
            return ApiKeyItem.model_validate(old)  # it already expires sooner
        return ApiKeyItem.model_validate(from_attributes(updated["Attributes"]))

    def mark_used(self, key_hash: str, now_ms: int, stale_before_ms: int) -> None:
        try:
            with aws_errors("mark key used"):
                self._client.update_item(
                    TableName=self._table,
                    Key=to_attributes({"keyHash": key_hash}),
                    UpdateExpression="SET lastUsedAt = :now",
                    ConditionExpression="attribute_exists(keyHash) AND "
                    "(attribute_not_exists(lastUsedAt) OR lastUsedAt < :stale)",
                    ExpressionAttributeValues=to_attributes(
                        {":now": now_ms, ":stale": stale_before_ms}
                    ),
                )
        except ConditionFailed:
            return  # another request recorded it within the minute


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
