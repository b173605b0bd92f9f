"""Events in DynamoDB.

Table keys: `workspaceId` (HASH), `id` (RANGE, time-sortable `evt_…`). GSI `byType`:
`workspaceType` (`<workspace>#<type>`, HASH), `id` (RANGE). TTL on `expiresAt`.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from plinth.errors import ConditionFailed, NotFound
from plinth.models.event import Event, EventType
from plinth.models.event_items import EventItem
from plinth.repositories.aws import aws_errors, from_attributes, to_attributes
from plinth.repositories.paging import FilterIndex, query_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BY_TYPE = FilterIndex("byType", "workspaceType")


class DynamoEventRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def put(self, event: Event) -> bool:
        """One conditional PutItem; a failed condition is this event, already recorded."""
        try:
            with aws_errors("record event"):
                self._client.put_item(
                    TableName=self._table,
                    Item=to_attributes(EventItem.from_domain(event).model_dump(mode="json")),
                    ConditionExpression="attribute_not_exists(id)",
                )
        except ConditionFailed:
            return False
        return True

    def get(self, workspace_id: str, event_id: str) -> Event:
        with aws_errors("get event"):
            response = self._client.get_item(
                TableName=self._table,
                Key=to_attributes({"workspaceId": workspace_id, "id": event_id}),
            )
        if "Item" not in response:
            raise NotFound("No such event.")
        return EventItem.model_validate(from_attributes(response["Item"])).to_domain()

    def list(
        self,
        workspace_id: str,
        *,
        limit: int,
        event_type: EventType | None,
        after_id: str | None,
        newer_than: str,
    ) -> tuple[builtins.list[Event], bool]:
        page = query_page(
            self._client,
            self._table,
            workspace_id,
            limit=limit,
            status=event_type.value if event_type else None,
            after_id=after_id,
            index=BY_TYPE,
            newer_than=newer_than,
        )
        return [EventItem.model_validate(raw).to_domain() for raw in page.items], page.has_more
