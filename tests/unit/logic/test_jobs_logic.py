"""The job state machine (submit → worker → sweeper) on in-memory ports: no moto, no
network. The integration tier runs the same paths against moto through the handlers."""

from __future__ import annotations

import json

import pytest

from plinth.errors import DependencyUnavailable
from plinth.logic import jobs as jobs_logic
from plinth.logic.jobs import Outcome, WorkerConfig
from plinth.models.job import BulkCreateRequest, ExportRequest, JobStatus
from plinth.models.resource import Resource, ResourceCreate
from plinth.models.types import ResourceStatus
from tests.unit.logic.fakes import Unavailable, job_services

T0 = 1_800_000_000_000
CONFIG = WorkerConfig(margin_ms=1_000, lease_ms=60_000, max_receive_count=3, part_bytes=256)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        self.now += 1
        return self.now


def _bulk(count: int) -> BulkCreateRequest:
    return BulkCreateRequest.model_validate(
        {"resources": [{"name": f"r{i}"} for i in range(count)]}
    )


def _run(svc, queue, clock, *, receive_count=1, owner="worker-1", remaining=lambda: 60_000):
    return jobs_logic.process_message(
        queue.receive(),
        receive_count=receive_count,
        owner=owner,
        remaining_ms=remaining,
        svc=svc,
        config=CONFIG,
        clock=clock,
    )


def test_submit_bulk_stores_payload_then_job_then_one_message():
    svc, jobs, queue, blobs, _ = job_services()
    job = jobs_logic.submit_bulk("ws_a", _bulk(3), svc, clock=Clock())
    assert job.status is JobStatus.PENDING
    assert job.enqueue_attempts == 1
    assert jobs.get("ws_a", job.id) == job
    assert blobs.get_payload(job.params["payloadKey"])["resources"][2]["name"] == "r2"
    assert [(m.job_id, m.workspace_id) for m in queue.messages] == [(job.id, "ws_a")]


def test_submit_with_queue_down_fails_the_job_and_raises():
    svc, jobs, queue, _, _ = job_services()
    queue.failing = True
    with pytest.raises(DependencyUnavailable):
        jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=Clock())
    (job,) = jobs.items.values()
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.code == "enqueue_failed"


def test_bulk_completes_in_one_run_and_a_redelivery_does_nothing():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = jobs_logic.submit_bulk("ws_a", _bulk(60), svc, clock=clock)
    message = queue.messages[0]
    assert _run(svc, queue, clock) is Outcome.COMPLETED
    done = jobs.get("ws_a", job.id)
    assert done.status is JobStatus.COMPLETED
    assert done.result == {"created": 60, "ids": jobs_logic.bulk_resource_ids(done)}
    assert len(resources.items) == 60
    assert done.lease_owner is None
    queue.messages.append(message)
    assert _run(svc, queue, clock) is Outcome.ALREADY_FINISHED


def test_bulk_out_of_time_checkpoints_releases_and_continues_without_duplicates():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = jobs_logic.submit_bulk("ws_a", _bulk(60), svc, clock=clock)
    assert _run(svc, queue, clock, remaining=lambda: 0) is Outcome.CONTINUED
    paused = jobs.get("ws_a", job.id)
    assert paused.status is JobStatus.RUNNING
    assert paused.checkpoint.processed == 25  # one batch, then out of time
    assert paused.lease_owner is None
    assert len(queue.messages) == 1  # the continuation
    assert _run(svc, queue, clock, owner="worker-2") is Outcome.COMPLETED
    assert len(resources.items) == 60
    assert resources.batches == 3


def test_a_live_lease_elsewhere_leaves_the_job_alone():
    svc, jobs, queue, _, _ = job_services()
    clock = Clock()
    job = jobs_logic.submit_bulk("ws_a", _bulk(3), svc, clock=clock)
    jobs.claim(job, "other", clock(), lease_ms=60_000)
    assert _run(svc, queue, clock) is Outcome.HELD_ELSEWHERE
    assert jobs.get("ws_a", job.id).lease_owner == "other"


def test_an_expired_lease_is_taken_over():
    svc, jobs, queue, _, _ = job_services()
    clock = Clock()
    job = jobs_logic.submit_bulk("ws_a", _bulk(3), svc, clock=clock)
    jobs.claim(job, "dead", clock(), lease_ms=1)
    clock.now += 10
    assert _run(svc, queue, clock) is Outcome.COMPLETED


def test_missing_job_is_dropped():
    svc, jobs, queue, _, _ = job_services()
    job = jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=Clock())
    jobs.items.clear()
    assert _run(svc, queue, Clock()) is Outcome.MISSING
    assert job.id not in {j.id for j in jobs.items.values()}


def test_a_failed_attempt_keeps_the_checkpoint_and_hands_the_lease_back():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = jobs_logic.submit_bulk("ws_a", _bulk(250), svc, clock=clock)
    message = queue.messages[0]
    resources.fail_batch_at = 6  # after 125 items; the checkpoint at 100 was saved
    with pytest.raises(Unavailable):
        _run(svc, queue, clock)
    failed_once = jobs.get("ws_a", job.id)
    assert failed_once.status is JobStatus.RUNNING
    assert failed_once.checkpoint.processed == 100
    assert failed_once.lease_owner is None
    queue.messages.append(message)  # SQS redelivers
    assert _run(svc, queue, clock, receive_count=2) is Outcome.COMPLETED
    assert len(resources.items) == 250
    assert resources.batches == 6 + (250 - 100 + 24) // 25


def test_the_last_allowed_receive_marks_the_job_failed():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = jobs_logic.submit_bulk("ws_a", _bulk(30), svc, clock=clock)
    resources.fail_batch_at = 1
    with pytest.raises(Unavailable):
        _run(svc, queue, clock, receive_count=CONFIG.max_receive_count)
    failed = jobs.get("ws_a", job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and failed.error.code == "job_failed"


def _seed(resources, count: int, status=ResourceStatus.ACTIVE) -> list[str]:
    created = []
    for i in range(count):
        rid = f"res_{i:026d}"
        resource = Resource.new(rid, "ws_a", ResourceCreate(name=f"r{i}"), T0 + i)
        if status is not ResourceStatus.ACTIVE:
            resource = resource.model_copy(update={"status": status})
        resources.create(resource)
        created.append(rid)
    return created


def test_export_over_many_parts_and_invocations_has_every_line_once():
    svc, jobs, queue, blobs, resources = job_services()
    active = _seed(resources, 40)
    clock = Clock()
    job = jobs_logic.submit_export(
        "ws_a", ExportRequest(status=ResourceStatus.ACTIVE), svc, clock=clock
    )
    runs = 0
    outcome = None
    while outcome is not Outcome.COMPLETED:
        outcome = _run(svc, queue, clock, owner=f"w{runs}", remaining=lambda: 0)
        runs += 1
    assert runs > 3
    done = jobs.get("ws_a", job.id)
    assert done.result == {"count": 40, "key": job.params["exportKey"]}
    lines = [json.loads(line) for line in blobs.files[job.params["exportKey"]].splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(active)


def test_empty_export_uploads_one_empty_part():
    svc, jobs, queue, blobs, _ = job_services()
    clock = Clock()
    job = jobs_logic.submit_export("ws_a", ExportRequest(), svc, clock=clock)
    assert _run(svc, queue, clock) is Outcome.COMPLETED
    assert blobs.files[job.params["exportKey"]] == b""
    assert jobs.get("ws_a", job.id).result == {"count": 0, "key": job.params["exportKey"]}


def test_export_result_view_signs_a_fresh_url():
    svc, jobs, queue, blobs, _ = job_services()
    clock = Clock()
    job = jobs_logic.submit_export("ws_a", ExportRequest(), svc, clock=clock)
    _run(svc, queue, clock)
    view = jobs_logic.result_view(jobs.get("ws_a", job.id), blobs, 600, clock=lambda: T0)
    assert view is not None
    assert view["count"] == 0
    assert view["url"].endswith("?expires=600")
    assert view["expiresAt"] == "2027-01-15T08:10:00.000Z"


def _sweep(svc, now):
    return jobs_logic.sweep(
        svc,
        pending_grace_ms=1_000,
        stale_after_ms=10_000,
        max_enqueue_attempts=3,
        clock=lambda: now,
    )


def test_sweeper_re_enqueues_a_pending_job_past_its_grace_and_leaves_a_fresh_one():
    svc, jobs, queue, _, _ = job_services()
    old = jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=lambda: T0)
    fresh = jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=lambda: T0 + 5_000)
    queue.messages.clear()  # both sends were "lost"
    report = _sweep(svc, T0 + 5_500)
    assert (report.reenqueued, report.failed) == (1, 0)
    assert [m.job_id for m in queue.messages] == [old.id]
    assert jobs.get("ws_a", old.id).enqueue_attempts == 2
    assert jobs.get("ws_a", fresh.id).enqueue_attempts == 1


def test_sweeper_fails_a_job_whose_enqueue_attempts_are_spent():
    svc, jobs, _, _, _ = job_services()
    job = jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=lambda: T0)
    for attempt in range(2):
        jobs.mark_enqueued(job, T0 + attempt)
    report = _sweep(svc, T0 + 60_000)
    assert (report.reenqueued, report.failed) == (0, 1)
    failed = jobs.get("ws_a", job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None and failed.error.code == "enqueue_failed"


def test_sweeper_fails_a_running_job_that_stopped_reporting_and_spares_a_live_one():
    svc, jobs, _, _, _ = job_services()
    stale = jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=lambda: T0)
    live = jobs_logic.submit_bulk("ws_a", _bulk(1), svc, clock=lambda: T0)
    jobs.claim(stale, "dead", T0, lease_ms=1)
    jobs.claim(live, "alive", T0 + 15_000, lease_ms=60_000)
    report = _sweep(svc, T0 + 20_000)
    assert report.failed == 1
    assert jobs.get("ws_a", stale.id).error.code == "worker_lost"
    assert jobs.get("ws_a", live.id).status is JobStatus.RUNNING
