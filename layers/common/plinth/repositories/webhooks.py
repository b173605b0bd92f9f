"""Webhook endpoints in DynamoDB, and the deliveries queue (SQS).

Endpoints table: `workspaceId` (HASH), `id` (RANGE, time-sortable `we_…`): a page is one
Query, the endpoints an event may go to are one Query of the workspace's partition (at
most 16 items). Deliveries queue: one message per (event, endpoint), sent in batches of 10.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from plinth.errors import ConditionFailed, DependencyUnavailable
from plinth.models.webhook import EndpointStatus, WebhookEndpointItem
from plinth.repositories.aws import aws_errors, from_attributes, to_attributes
from plinth.repositories.paging import query_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

    from plinth.models.webhook import Delivery


class DynamoWebhookEndpointRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def _key(self, workspace_id: str, endpoint_id: str) -> dict[str, Any]:
        return to_attributes({"workspaceId": workspace_id, "id": endpoint_id})

    def put(self, item: WebhookEndpointItem) -> None:
        with aws_errors("create webhook endpoint"):
            self._client.put_item(
                TableName=self._table,
                Item=to_attributes(item.model_dump(mode="json", exclude_none=True)),
                ConditionExpression="attribute_not_exists(id)",
            )

    def get(self, workspace_id: str, endpoint_id: str) -> WebhookEndpointItem | None:
        with aws_errors("get webhook endpoint"):
            response = self._client.get_item(
                TableName=self._table, Key=self._key(workspace_id, endpoint_id), ConsistentRead=True
            )
        item = response.get("Item")
        return WebhookEndpointItem.model_validate(from_attributes(item)) if item else None

    def all_for(self, workspace_id: str) -> builtins.list[WebhookEndpointItem]:
        items, _ = self.page(workspace_id, limit=100, after_id=None)
        return items

    def page(
        self, workspace_id: str, *, limit: int, after_id: str | None
    ) -> tuple[builtins.list[WebhookEndpointItem], bool]:
        page = query_page(
            self._client, self._table, workspace_id, limit=limit, status=None, after_id=after_id
        )
        return [WebhookEndpointItem.model_validate(raw) for raw in page.items], page.has_more

    def delete(self, workspace_id: str, endpoint_id: str) -> bool:
        try:
            with aws_errors("delete webhook endpoint"):
                self._client.delete_item(
                    TableName=self._table,
                    Key=self._key(workspace_id, endpoint_id),
                    ConditionExpression="attribute_exists(id)",
                )
        except ConditionFailed:
            return False
        return True

    def record_success(self, item: WebhookEndpointItem) -> None:
        try:
            with aws_errors("record webhook success"):
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(item.workspaceId, item.id),
                    UpdateExpression="REMOVE failingSince",
                    ConditionExpression="attribute_exists(id)",
                )
        except ConditionFailed:
            return  # deleted meanwhile

    def record_failure(self, item: WebhookEndpointItem, now_ms: int) -> WebhookEndpointItem:
        try:
            with aws_errors("record webhook failure"):
                updated = self._client.update_item(
                    TableName=self._table,
                    Key=self._key(item.workspaceId, item.id),
                    UpdateExpression="SET failingSince = if_not_exists(failingSince, :now)",
                    ConditionExpression="attribute_exists(id)",
                    ExpressionAttributeValues=to_attributes({":now": now_ms}),
                    ReturnValues="ALL_NEW",
                )
        except ConditionFailed:
            return item  # deleted meanwhile
        return WebhookEndpointItem.model_validate(from_attributes(updated["Attributes"]))

    def disable(self, item: WebhookEndpointItem, now_ms: int) -> None:
        try:
            with aws_errors("disable webhook endpoint"):
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(item.workspaceId, item.id),
                    UpdateExpression="SET #status = :disabled, disabledAt = :now",
                    ConditionExpression="attribute_exists(id) AND #status <> :disabled",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues=to_attributes(
                        {":disabled": EndpointStatus.DISABLED.value, ":now": now_ms}
                    ),
                )
        except ConditionFailed:
            return  # deleted, or disabled by another delivery


class SqsDeliveryQueue:
    """SendMessageBatch, 10 at a time; a message SQS refuses (throttled) fails the call, so
    the stream record is retried (receivers deduplicate on `webhook-id`)."""

    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self.queue_url = queue_url

    def send(self, deliveries: builtins.list[Delivery]) -> None:
        for start in range(0, len(deliveries), 10):
            chunk = deliveries[start : start + 10]
            with aws_errors("queue webhook deliveries"):
                sent = self._client.send_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {
                            "Id": str(i),
                            "MessageBody": d.model_dump_json(),
                            # A fair queue: one workspace's failing receiver cannot hold
                            # up the others' deliveries.
                            "MessageGroupId": d.workspaceId,
                        }
                        for i, d in enumerate(chunk)
                    ],
                )
            if sent.get("Failed"):
                raise DependencyUnavailable(
                    "A dependency is unavailable; retry shortly.", retry_after=1
                )

    def retry_in(self, receipt_handle: str, seconds: int) -> None:
        """The message comes back after `seconds` (its next attempt)."""
        with aws_errors("schedule webhook retry"):
            self._client.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )
