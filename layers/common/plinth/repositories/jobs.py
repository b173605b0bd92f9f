"""Jobs in DynamoDB. Same key shape as resources (`workspaceId`, `id`, `byStatus` GSI),
plus the sparse `byActivity` GSI (`activeKey`, `id`) holding only unfinished jobs.

Every state change is a conditional write: pending → running → completed | failed,
never backwards; progress and completion are only written by the lease holder.
"""

from __future__ import annotations

import builtins
import random
import time
from typing import TYPE_CHECKING, Any

from plinth.errors import ConditionFailed, DependencyUnavailable, NotFound
from plinth.models.items import ACTIVE_KEY, JobItem, ResourceItem, status_key
from plinth.models.job import Checkpoint, Job, JobError, JobStatus
from plinth.models.resource import Resource
from plinth.ports import LeaseLost, LeaseRefused
from plinth.repositories.aws import (
    aws_errors,
    from_attributes,
    old_item,
    to_attributes,
)
from plinth.repositories.paging import RawPage, query_page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ACTIVITY_INDEX = "byActivity"
_NOT_FOUND = "No such job."
_NAMES = {"#s": "status", "#r": "result", "#e": "error", "#c": "checkpoint"}
# Cancellation reasons worth another go at the same transaction (a concurrent write of
# the job item, such as the sweeper's, or throttling); anything else is final.
_TRANSIENT_REASONS = frozenset(
    {
        "TransactionConflict",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    }
)
_CHUNK_ATTEMPTS = 4
_BACKOFF_BASE_S = 0.05


def _job(item: dict[str, Any]) -> Job:
    return JobItem.model_validate(item).to_domain()


def _cancellation_reasons(failure: ConditionFailed) -> list[str]:
    """Each transaction item's cancellation code, in order (`None` where it was fine)."""
    response: dict[str, Any] = getattr(failure.__cause__, "response", {}) or {}
    return [str(r.get("Code", "None")) for r in response.get("CancellationReasons", [])]


class DynamoJobRepository:
    def __init__(
        self, client: DynamoDBClient, table_name: str, resources_table: str | None = None
    ) -> None:
        self._client = client
        self._table = table_name
        self._resources_table = resources_table

    def create(self, job: Job) -> None:
        with aws_errors("create job"):
            self._client.put_item(
                TableName=self._table,
                Item=to_attributes(JobItem.from_domain(job).model_dump(mode="json")),
                ConditionExpression="attribute_not_exists(id)",
            )

    def get(self, workspace_id: str, job_id: str) -> Job:
        with aws_errors("get job"):
            response = self._client.get_item(
                TableName=self._table, Key=self._key(workspace_id, job_id), ConsistentRead=True
            )
        if "Item" not in response:
            raise NotFound(_NOT_FOUND)
        return _job(from_attributes(response["Item"]))

    def list(
        self, workspace_id: str, *, limit: int, status: JobStatus | None, after_id: str | None
    ) -> tuple[list[Job], bool]:
        page: RawPage = query_page(
            self._client,
            self._table,
            workspace_id,
            limit=limit,
            status=status.value if status else None,
            after_id=after_id,
        )
        return [_job(item) for item in page.items], page.has_more

    def list_active(self) -> builtins.list[Job]:
        """Every pending or running job, across workspaces (sweeper)."""
        jobs: builtins.list[Job] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": ACTIVITY_INDEX,
            "KeyConditionExpression": "activeKey = :a",
            "ExpressionAttributeValues": to_attributes({":a": ACTIVE_KEY}),
        }
        while True:
            with aws_errors("list active jobs"):
                response = self._client.query(**query)
            jobs.extend(_job(from_attributes(i)) for i in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return jobs
            query["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def claim(self, job: Job, owner: str, now: int, lease_ms: int) -> Job:
        """Take the job's lease (pending → running on first claim); `LeaseRefused` if it is
        finished, missing, or leased to a live worker."""
        try:
            return self._update(
                job,
                "SET #s = :running, workspaceStatus = :ws,"
                " startedAt = if_not_exists(startedAt, :now), leaseOwner = :owner,"
                " leaseUntil = :until, heartbeatAt = :now, updatedAt = :now",
                "(#s = :pending OR #s = :running)"
                " AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)",
                {
                    ":running": JobStatus.RUNNING.value,
                    ":pending": JobStatus.PENDING.value,
                    ":ws": status_key(job.workspace_id, JobStatus.RUNNING),
                    ":now": now,
                    ":owner": owner,
                    ":until": now + lease_ms,
                },
            )
        except ConditionFailed as failure:
            old = old_item(failure)
            raise LeaseRefused(_job(old) if old else None) from failure

    def save_checkpoint(
        self, job: Job, owner: str, checkpoint: Checkpoint, now: int, *, release: bool
    ) -> Job:
        """Record progress (and heartbeat); `release` gives the lease up for a continuation."""
        lease = " REMOVE leaseOwner, leaseUntil" if release else ""
        try:
            return self._update(
                job,
                "SET #c = :cp, heartbeatAt = :now, updatedAt = :now" + lease,
                "leaseOwner = :owner AND #s = :running",
                {
                    ":cp": checkpoint.model_dump(),
                    ":now": now,
                    ":owner": owner,
                    ":running": JobStatus.RUNNING.value,
                },
            )
        except ConditionFailed as failure:
            raise LeaseLost from failure

    def write_chunk(
        self, job: Job, owner: str, resources: builtins.list[Resource], now: int
    ) -> Job:
        """Create `resources` and advance the checkpoint past them in one transaction,
        fenced by the lease and the checkpoint this worker resumed from: a worker that lost
        its lease, or a redelivery of a chunk already written, changes nothing. Each put
        also requires the resource not to exist, so no job ever overwrites a resource (a
        client's PATCH) or brings one back (a client's DELETE): every chunk is written
        exactly once, and never after the client could have touched it."""
        if self._resources_table is None:
            raise TypeError("write_chunk needs the resources table")
        done = job.checkpoint.processed
        checkpoint = job.checkpoint.model_copy(update={"processed": done + len(resources)})
        fence: Any = {  # a TransactWriteItemTypeDef
            "Update": {
                "TableName": self._table,
                "Key": self._key(job.workspace_id, job.id),
                "UpdateExpression": "SET #c = :cp, heartbeatAt = :now, updatedAt = :now",
                "ConditionExpression": ("leaseOwner = :owner AND #s = :running AND #c.#p = :done"),
                "ExpressionAttributeNames": {"#c": "checkpoint", "#s": "status", "#p": "processed"},
                "ExpressionAttributeValues": to_attributes(
                    {
                        ":cp": checkpoint.model_dump(),
                        ":now": now,
                        ":owner": owner,
                        ":running": JobStatus.RUNNING.value,
                        ":done": done,
                    }
                ),
            }
        }
        puts: builtins.list[Any] = [
            {
                "Put": {
                    "TableName": self._resources_table,
                    "Item": to_attributes(ResourceItem.from_domain(r).model_dump(mode="json")),
                    "ConditionExpression": "attribute_not_exists(id)",
                }
            }
            for r in resources
        ]
        for attempt in range(_CHUNK_ATTEMPTS):
            try:
                with aws_errors("write resources"):
                    self._client.transact_write_items(TransactItems=[fence, *puts])
            except ConditionFailed as failure:
                reasons = _cancellation_reasons(failure)
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    raise LeaseLost from failure  # another worker holds or has moved the job
                if any(code == "ConditionalCheckFailed" for code in reasons[1:]):
                    # Only a job of an earlier release (unfenced puts) leaves resources past
                    # its checkpoint: those stay as the client may have left them.
                    puts = [p for p, code in zip(puts, reasons[1:], strict=True) if code == "None"]
                    continue
                if not set(reasons) <= _TRANSIENT_REASONS | {"None"}:
                    raise
                time.sleep(_BACKOFF_BASE_S * 2**attempt * random.uniform(0.5, 1))  # noqa: S311
                continue
            return job.model_copy(
                update={"checkpoint": checkpoint, "heartbeat_at": now, "updated_at": now}
            )
        raise DependencyUnavailable("The job's write kept conflicting; it will be retried.")

    def complete(
        self, job: Job, owner: str, checkpoint: Checkpoint, result: dict[str, Any], now: int
    ) -> Job:
        try:
            return self._update(
                job,
                "SET #s = :completed, workspaceStatus = :ws, #r = :result, #c = :cp,"
                " completedAt = :now, updatedAt = :now REMOVE activeKey, leaseOwner, leaseUntil",
                "leaseOwner = :owner AND #s = :running",
                {
                    ":completed": JobStatus.COMPLETED.value,
                    ":ws": status_key(job.workspace_id, JobStatus.COMPLETED),
                    ":result": result,
                    ":cp": checkpoint.model_dump(),
                    ":now": now,
                    ":owner": owner,
                    ":running": JobStatus.RUNNING.value,
                },
            )
        except ConditionFailed as failure:
            raise LeaseLost from failure

    def fail(self, job: Job, error: JobError, now: int) -> Job | None:
        """Mark an unfinished job failed; None if it had already finished."""
        try:
            return self._update(
                job,
                "SET #s = :failed, workspaceStatus = :ws, #e = :error, completedAt = :now,"
                " updatedAt = :now REMOVE activeKey, leaseOwner, leaseUntil",
                "#s = :pending OR #s = :running",
                {
                    ":failed": JobStatus.FAILED.value,
                    ":ws": status_key(job.workspace_id, JobStatus.FAILED),
                    ":error": error.model_dump(),
                    ":now": now,
                    ":pending": JobStatus.PENDING.value,
                    ":running": JobStatus.RUNNING.value,
                },
            )
        except ConditionFailed:
            return None

    def mark_enqueued(self, job: Job, now: int) -> Job | None:
        """Note a (re-)send of a pending job's message; None if it is no longer pending."""
        try:
            return self._update(
                job,
                "SET enqueuedAt = :now, updatedAt = :now ADD enqueueAttempts :one",
                "#s = :pending",
                {":now": now, ":one": 1, ":pending": JobStatus.PENDING.value},
            )
        except ConditionFailed:
            return None

    def _update(self, job: Job, expression: str, condition: str, values: dict[str, Any]) -> Job:
        names = {k: v for k, v in _NAMES.items() if k in expression or k in condition}
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": self._key(job.workspace_id, job.id),
            "UpdateExpression": expression,
            "ConditionExpression": f"attribute_exists(id) AND ({condition})",
            "ExpressionAttributeValues": to_attributes(values),
            "ReturnValues": "ALL_NEW",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if names:
            request["ExpressionAttributeNames"] = names
        with aws_errors("update job"):
            response = self._client.update_item(**request)
        return _job(from_attributes(response["Attributes"]))

    @staticmethod
    def _key(workspace_id: str, job_id: str) -> dict[str, Any]:
        return to_attributes({"workspaceId": workspace_id, "id": job_id})
