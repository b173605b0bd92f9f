"""The stored shape of a job (`JobItem`): attribute names, the GSI keys, and a lossless
round trip to the domain object."""

from __future__ import annotations

import pytest

from plinth.models.items import ACTIVE_KEY, JobItem
from plinth.models.job import Checkpoint, Job, JobError, JobStatus, JobType
from plinth.repositories.aws import from_attributes, to_attributes


def _job(status: JobStatus, **changes) -> Job:
    return Job(
        id="job_1",
        workspace_id="ws_a",
        type=JobType.EXPORT,
        status=status,
        total=None,
        created_at=1,
        updated_at=2,
    ).model_copy(update=changes)


def _stored(job: Job) -> dict:
    """What the repository writes: attribute values, `None` left out."""
    return to_attributes(JobItem.from_domain(job).model_dump(mode="json"))


def test_job_item_of_a_new_job_has_the_table_attribute_names_and_no_lease():
    job = _job(
        JobStatus.PENDING,
        type=JobType.BULK_CREATE,
        total=3,
        params={"payloadKey": "bulk/ws_a/job_1.json"},
        enqueued_at=1,
        enqueue_attempts=1,
    )
    assert from_attributes(_stored(job)) == {
        "workspaceId": "ws_a",
        "id": "job_1",
        "workspaceStatus": "ws_a#pending",
        "activeKey": ACTIVE_KEY,
        "type": "resources.bulk_create",
        "status": "pending",
        "total": 3,
        "params": {"payloadKey": "bulk/ws_a/job_1.json"},
        "checkpoint": {"processed": 0, "after_id": None, "upload_id": None, "parts": []},
        "createdAt": 1,
        "updatedAt": 2,
        "enqueuedAt": 1,
        "enqueueAttempts": 1,
    }


@pytest.mark.parametrize(
    ("status", "active"),
    [
        (JobStatus.PENDING, True),
        (JobStatus.RUNNING, True),
        (JobStatus.COMPLETED, False),
        (JobStatus.FAILED, False),
    ],
)
def test_job_item_carries_the_activity_key_only_while_unfinished(status, active):
    item = JobItem.from_domain(_job(status))
    assert item.workspaceStatus == f"ws_a#{status.value}"
    assert (item.activeKey == ACTIVE_KEY) is active
    assert ("activeKey" in _stored(_job(status))) is active


def test_job_item_round_trips_every_field_through_dynamodb_attributes():
    job = _job(
        JobStatus.RUNNING,
        params={"status": None, "exportKey": "exports/ws_a/job_1.jsonl"},
        checkpoint=Checkpoint(
            processed=5, after_id="res_9", upload_id="u-1", parts=[{"PartNumber": 1, "ETag": '"e"'}]
        ),
        result={"count": 5, "key": "exports/ws_a/job_1.jsonl"},
        error=JobError(code="job_failed", message="boom"),
        started_at=3,
        completed_at=9,
        enqueued_at=1,
        enqueue_attempts=2,
        heartbeat_at=4,
        lease_owner="worker-1",
        lease_until=60_004,
    )
    stored = from_attributes(_stored(job))
    assert JobItem.model_validate(stored).to_domain() == job


def test_job_item_read_fills_the_defaults_of_attributes_never_written():
    stored = {
        "workspaceId": "ws_a",
        "id": "job_1",
        "workspaceStatus": "ws_a#pending",
        "activeKey": ACTIVE_KEY,
        "type": "resources.export",
        "status": "pending",
        "createdAt": 1,
        "updatedAt": 1,
    }
    job = JobItem.model_validate(stored).to_domain()
    assert job.total is None
    assert job.params == {}
    assert job.checkpoint == Checkpoint()
    assert job.enqueue_attempts == 0
    assert (job.lease_owner, job.lease_until, job.error, job.result) == (None, None, None, None)
