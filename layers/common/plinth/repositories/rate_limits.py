"""Fixed-window request counters: one atomic, conditional UpdateItem per request.

Table key: `bucket` = `<workspace>#<window start, epoch seconds>`, or
`<workspace>#<window start>#<shard>` when the workspace's limit is split over several
counter items (`plinth.logic.rate_limit`). `expiresAt` (TTL) lets DynamoDB delete old
windows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from plinth.errors import ConditionFailed
from plinth.ports import WindowFull
from plinth.repositories.aws import aws_errors, to_attributes

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_KEEP_SECONDS = 120


def bucket_key(workspace_id: str, window_start: int, shard: int | None = None) -> str:
    base = f"{workspace_id}#{window_start}"
    return base if shard is None else f"{base}#{shard}"


class DynamoRateLimitRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def hit(
        self, workspace_id: str, window_start: int, limit: int, shard: int | None = None
    ) -> int:
        """Count one request in the window (or in one shard of it, whose own limit is
        `limit`); returns the count, or raises `WindowFull`."""
        try:
            with aws_errors("rate limit"):
                response = self._client.update_item(
                    TableName=self._table,
                    Key=to_attributes({"bucket": bucket_key(workspace_id, window_start, shard)}),
                    UpdateExpression="ADD hits :one SET expiresAt = :expires",
                    ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                    ExpressionAttributeValues=to_attributes(
                        {":one": 1, ":limit": limit, ":expires": window_start + _KEEP_SECONDS}
                    ),
                    ReturnValues="UPDATED_NEW",
                )
        except ConditionFailed as full:
            raise WindowFull from full
        return int(response["Attributes"]["hits"]["N"])
