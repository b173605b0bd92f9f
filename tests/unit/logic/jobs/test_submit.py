"""Submission (plinth.logic.jobs.submit): payload, then the job item, then one message."""

from __future__ import annotations

import logging

import pytest

from plinth.errors import DependencyUnavailable
from plinth.logic.jobs.submit import submit_bulk, submit_export
from plinth.models.job import ExportRequest, JobStatus, JobType
from plinth.models.types import ResourceStatus
from tests.unit.logic.fakes import job_services
from tests.unit.logic.jobs.support import T0, Clock, bulk_request


def test_submit_bulk_stores_payload_then_job_then_one_message():
    svc, jobs, queue, blobs, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(3), svc, clock=Clock())
    assert job.status is JobStatus.PENDING
    assert (job.type, job.total) == (JobType.BULK_CREATE, 3)
    assert job.enqueue_attempts == 1
    assert job.enqueued_at == job.created_at == T0 + 1
    assert jobs.get("ws_a", job.id) == job
    assert blobs.get_payload(job.params["payloadKey"])["resources"][2]["name"] == "r2"
    assert [(m.job_id, m.workspace_id) for m in queue.messages] == [(job.id, "ws_a")]


def test_submit_export_records_the_filter_and_where_the_file_goes():
    svc, jobs, queue, blobs, _ = job_services()
    job = submit_export("ws_a", ExportRequest(status=ResourceStatus.PAUSED), svc, clock=Clock())
    assert (job.type, job.status, job.total) == (JobType.EXPORT, JobStatus.PENDING, None)
    assert job.params == {"status": "paused", "exportKey": blobs.export_key("ws_a", job.id)}
    assert jobs.get("ws_a", job.id) == job
    assert [m.job_id for m in queue.messages] == [job.id]


def test_submit_export_without_a_filter_exports_every_status():
    svc, _, _, _, _ = job_services()
    job = submit_export("ws_a", ExportRequest(), svc, clock=Clock())
    assert job.params["status"] is None


def test_submit_with_queue_down_fails_the_job_and_raises():
    svc, jobs, queue, _, _ = job_services()
    queue.failing = True
    with pytest.raises(DependencyUnavailable):
        submit_bulk("ws_a", bulk_request(1), svc, clock=Clock())
    (job,) = jobs.items.values()
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert (job.error.code, job.error.message) == (
        "enqueue_failed",
        "The job could not be queued; submit it again.",
    )


def test_submit_with_queue_and_job_store_down_leaves_the_job_pending_for_the_sweeper(caplog):
    svc, jobs, queue, _, _ = job_services()
    queue.failing = True
    jobs.failing.add("fail")
    with caplog.at_level(logging.WARNING), pytest.raises(DependencyUnavailable):
        submit_bulk("ws_a", bulk_request(1), svc, clock=Clock())
    (job,) = jobs.items.values()
    assert job.status is JobStatus.PENDING
    assert queue.messages == []
    assert f"could not mark {job.id} failed" in caplog.text
