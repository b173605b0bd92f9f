"""The worker (plinth.logic.jobs.worker): leases, checkpoints, continuations, retries,
failure and completion, on in-memory ports."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from plinth.errors import DependencyUnavailable
from plinth.logic.jobs.submit import submit_bulk, submit_export
from plinth.logic.jobs.worker import EXPORT_PAGE_SIZE, Outcome, bulk_resource_ids
from plinth.models.job import ExportRequest, JobError, JobStatus
from plinth.models.types import ResourceStatus
from tests.unit.logic.fakes import Unavailable, job_services
from tests.unit.logic.jobs.support import CONFIG, Clock, bulk_request, seed_resources, work


# ---------------------------------------------------------------------- bulk create
def test_bulk_completes_in_one_run_and_a_redelivery_does_nothing():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(60), svc, clock=clock)
    message = queue.messages[0]
    assert work(svc, queue, clock) is Outcome.COMPLETED
    done = jobs.get("ws_a", job.id)
    assert done.status is JobStatus.COMPLETED
    assert done.result == {"created": 60, "ids": bulk_resource_ids(done)}
    assert done.checkpoint.processed == 60
    assert done.started_at is not None and done.completed_at is not None
    assert sorted(resources.items) == sorted(("ws_a", rid) for rid in bulk_resource_ids(done))
    assert done.lease_owner is None
    queue.messages.append(message)
    jobs.failing.add("claim")  # a finished job is seen as such without trying to claim it
    assert work(svc, queue, clock) is Outcome.ALREADY_FINISHED
    assert jobs.get("ws_a", job.id) == done


def test_bulk_advances_the_checkpoint_with_every_chunk_it_writes():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(60), svc, clock=clock)
    seen = []
    real_insert = resources.insert_new

    def insert_new(batch):
        seen.append((jobs.get("ws_a", job.id).checkpoint.processed, len(batch)))
        real_insert(batch)

    resources.insert_new = insert_new
    assert work(svc, queue, clock) is Outcome.COMPLETED
    assert seen == [(0, 25), (25, 25), (50, 10)]
    assert jobs.get("ws_a", job.id).checkpoint.processed == 60


def test_a_redelivery_after_a_crash_never_undoes_a_client_delete_or_patch():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(100), svc, clock=clock)
    message = queue.messages[0]
    resources.fail_batch_at = 3  # killed during the third chunk, with no cleanup at all
    jobs.failing.add("save_checkpoint")
    with pytest.raises(Unavailable):
        work(svc, queue, clock)
    jobs.failing.clear()
    ids = bulk_resource_ids(jobs.get("ws_a", job.id))
    resources.delete("ws_a", ids[0])
    resources.update("ws_a", ids[30], {"name": "renamed by the client"}, clock())
    stuck = jobs.get("ws_a", job.id)
    assert stuck.lease_until is not None
    clock.now = stuck.lease_until + 1
    queue.messages.append(message)  # SQS redelivers once the visibility timeout ends
    assert work(svc, queue, clock, receive_count=2) is Outcome.COMPLETED
    assert ("ws_a", ids[0]) not in resources.items
    assert resources.get("ws_a", ids[30]).name == "renamed by the client"
    assert len(resources.items) == 99
    assert resources.batches == 3 + 2  # resumed at 50, where the last write ended


def test_a_worker_that_lost_its_lease_writes_nothing_after_the_new_holder():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(50), svc, clock=clock)
    message = queue.messages[0]
    deleted = []

    def stalled_past_the_lease() -> int:  # asked before the second chunk
        current = jobs.get("ws_a", job.id)
        assert current.lease_until is not None
        clock.now = current.lease_until + 1
        queue.messages.append(message)  # the redelivery, to a second worker
        assert work(svc, queue, clock, owner="worker-2", receive_count=2) is Outcome.COMPLETED
        rid = bulk_resource_ids(current)[40]
        resources.delete("ws_a", rid)
        deleted.append(rid)
        return 60_000

    assert work(svc, queue, clock, remaining=stalled_past_the_lease) is Outcome.LEASE_LOST
    assert ("ws_a", deleted[0]) not in resources.items
    assert len(resources.items) == 49
    assert jobs.get("ws_a", job.id).status is JobStatus.COMPLETED


def test_bulk_out_of_time_checkpoints_releases_and_continues_without_duplicates():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(60), svc, clock=clock)
    assert work(svc, queue, clock, remaining=lambda: 0) is Outcome.CONTINUED
    paused = jobs.get("ws_a", job.id)
    assert paused.status is JobStatus.RUNNING
    assert paused.checkpoint.processed == 25  # one batch, then out of time
    assert paused.lease_owner is None
    assert [m.job_id for m in queue.messages] == [job.id]  # the continuation
    assert work(svc, queue, clock, owner="worker-2") is Outcome.COMPLETED
    assert len(resources.items) == 60
    assert resources.batches == 3
    # Both runs stamp the job's start time, so a rewritten resource is the same resource.
    assert {r.created_at for r in resources.items.values()} == {paused.started_at}


def test_bulk_resource_ids_are_derived_once_the_job_has_started():
    svc, jobs, _, _, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(2), svc, clock=Clock())
    with pytest.raises(ValueError, match="once it has started"):
        bulk_resource_ids(job)
    started = jobs.claim(job, "w", 5, lease_ms=1)
    resource_ids = bulk_resource_ids(started)
    assert resource_ids == bulk_resource_ids(jobs.get("ws_a", job.id))  # every run agrees
    assert len(set(resource_ids)) == 2
    assert resource_ids == sorted(resource_ids)  # in request order, time-sortable
    assert all(rid.startswith("res_") for rid in resource_ids)


def test_a_bulk_payload_that_does_not_match_the_job_fails_the_attempt():
    svc, jobs, queue, blobs, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(3), svc, clock=clock)
    blobs.payloads[job.params["payloadKey"]]["resources"].pop()
    with pytest.raises(ValueError, match="does not match"):
        work(svc, queue, clock)
    assert resources.items == {}
    assert jobs.get("ws_a", job.id).lease_owner is None  # handed back for the retry


# ---------------------------------------------------------------------- leases
def test_a_live_lease_elsewhere_leaves_the_job_alone():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(3), svc, clock=clock)
    jobs.claim(job, "other", clock(), lease_ms=60_000)
    assert work(svc, queue, clock) is Outcome.HELD_ELSEWHERE
    assert jobs.get("ws_a", job.id).lease_owner == "other"
    assert resources.items == {}


def test_an_expired_lease_is_taken_over():
    svc, jobs, queue, _, _ = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(3), svc, clock=clock)
    jobs.claim(job, "dead", clock(), lease_ms=1)
    clock.now += 10
    assert work(svc, queue, clock) is Outcome.COMPLETED


def test_missing_job_is_dropped():
    svc, jobs, queue, _, _ = job_services()
    submit_bulk("ws_a", bulk_request(1), svc, clock=Clock())
    jobs.items.clear()
    assert work(svc, queue, Clock()) is Outcome.MISSING
    assert jobs.items == {}


def test_a_job_deleted_between_read_and_claim_is_dropped():
    svc, jobs, queue, _, _ = job_services()
    submit_bulk("ws_a", bulk_request(1), svc, clock=Clock())
    jobs.interleave["claim"] = jobs.items.clear
    assert work(svc, queue, Clock()) is Outcome.MISSING


def test_a_job_finished_between_read_and_claim_is_left_finished():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(1), svc, clock=clock)
    error = JobError(code="worker_lost", message="swept")
    jobs.interleave["claim"] = lambda: jobs.fail(job, error, clock())
    assert work(svc, queue, clock) is Outcome.ALREADY_FINISHED
    assert jobs.get("ws_a", job.id).status is JobStatus.FAILED
    assert resources.items == {}


def test_a_lease_taken_over_mid_run_stops_the_run_at_its_next_write():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(250), svc, clock=clock)

    def taken_over() -> int:  # asked before each later chunk: another worker took the lease
        current = jobs.get("ws_a", job.id)
        jobs.items["ws_a", job.id] = current.model_copy(update={"lease_owner": "thief"})
        return 60_000

    assert work(svc, queue, clock, remaining=taken_over) is Outcome.LEASE_LOST
    held = jobs.get("ws_a", job.id)
    assert (held.status, held.lease_owner, held.checkpoint.processed) == (
        JobStatus.RUNNING,
        "thief",
        25,  # the one chunk written while it still held the lease
    )
    assert len(resources.items) == 25
    assert queue.messages == []  # no continuation: the new holder's message carries the work


# ---------------------------------------------------------------------- retries and failure
def test_a_failed_attempt_keeps_the_checkpoint_and_hands_the_lease_back():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(250), svc, clock=clock)
    message = queue.messages[0]
    resources.fail_batch_at = 6  # after 125 items, each chunk with its checkpoint
    with pytest.raises(Unavailable):
        work(svc, queue, clock)
    failed_once = jobs.get("ws_a", job.id)
    assert failed_once.status is JobStatus.RUNNING
    assert failed_once.checkpoint.processed == 125
    assert failed_once.lease_owner is None
    queue.messages.append(message)  # SQS redelivers
    assert work(svc, queue, clock, receive_count=2) is Outcome.COMPLETED
    assert len(resources.items) == 250
    assert resources.batches == 6 + (250 - 125) // 25  # nothing written twice


def test_a_failed_attempt_that_cannot_hand_the_lease_back_still_raises_for_a_retry():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(30), svc, clock=clock)
    message = queue.messages[0]
    resources.fail_batch_at = 1
    jobs.failing.add("save_checkpoint")
    with pytest.raises(Unavailable):
        work(svc, queue, clock)
    stuck = jobs.get("ws_a", job.id)
    assert (stuck.status, stuck.lease_owner) == (JobStatus.RUNNING, "worker-1")
    jobs.failing.clear()
    queue.messages.append(message)
    assert work(svc, queue, clock, receive_count=2) is Outcome.HELD_ELSEWHERE
    assert stuck.lease_until is not None
    clock.now = stuck.lease_until + 1  # the lease has expired
    queue.messages.append(message)
    assert work(svc, queue, clock, receive_count=3) is Outcome.COMPLETED


def test_a_completion_that_could_not_be_written_is_redone_by_the_retry():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(130), svc, clock=clock)
    message = queue.messages[0]
    jobs.failing.add("complete")
    with pytest.raises(DependencyUnavailable):
        work(svc, queue, clock)
    assert jobs.get("ws_a", job.id).checkpoint.processed == 130  # every chunk is recorded
    jobs.failing.clear()
    queue.messages.append(message)
    assert work(svc, queue, clock, receive_count=2) is Outcome.COMPLETED
    done = jobs.get("ws_a", job.id)
    assert done.result == {"created": 130, "ids": bulk_resource_ids(done)}
    assert len(resources.items) == 130
    assert resources.batches == 6  # the retry only completes: nothing is written again


def test_the_last_allowed_receive_marks_the_job_failed():
    svc, jobs, queue, _, resources = job_services()
    clock = Clock()
    job = submit_bulk("ws_a", bulk_request(30), svc, clock=clock)
    message = queue.messages[0]
    resources.fail_batch_at = 1
    with pytest.raises(Unavailable):
        work(svc, queue, clock, receive_count=CONFIG.max_receive_count)
    failed = jobs.get("ws_a", job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error.code, failed.error.message) == (
        "job_failed",
        "The job failed after 3 attempts and will not be retried.",
    )
    assert failed.lease_owner is None
    queue.messages.append(message)  # a duplicate after the DLQ decision
    assert work(svc, queue, clock) is Outcome.ALREADY_FINISHED


# ---------------------------------------------------------------------- export
def _lines(blobs, job) -> list[dict]:
    return [json.loads(line) for line in blobs.files[job.params["exportKey"]].splitlines()]


def test_export_over_many_parts_and_invocations_has_every_line_once():
    svc, jobs, queue, blobs, resources = job_services()
    active = seed_resources(resources, 40)
    seed_resources(resources, 5, status=ResourceStatus.ARCHIVED, first=40)
    clock = Clock()
    job = submit_export("ws_a", ExportRequest(status=ResourceStatus.ACTIVE), svc, clock=clock)
    runs = 0
    outcome = None
    while outcome is not Outcome.COMPLETED:
        outcome = work(svc, queue, clock, owner=f"w{runs}", remaining=lambda: 0)
        runs += 1
    assert runs > 3
    done = jobs.get("ws_a", job.id)
    assert done.result == {"count": 40, "key": job.params["exportKey"]}
    assert done.checkpoint.processed == 40
    assert sorted(line["id"] for line in _lines(blobs, job)) == sorted(active)


def test_export_with_a_status_filter_leaves_other_resources_out():
    svc, _, queue, blobs, resources = job_services()
    seed_resources(resources, 3)
    paused = seed_resources(resources, 2, status=ResourceStatus.PAUSED, first=3)
    clock = Clock()
    job = submit_export("ws_a", ExportRequest(status=ResourceStatus.PAUSED), svc, clock=clock)
    assert work(svc, queue, clock) is Outcome.COMPLETED
    lines = _lines(blobs, job)
    assert sorted(line["id"] for line in lines) == sorted(paused)
    assert {line["status"] for line in lines} == {"paused"}


def test_export_reads_every_page_of_a_large_workspace():
    svc, jobs, queue, blobs, resources = job_services()
    seeded = seed_resources(resources, EXPORT_PAGE_SIZE + 5)
    clock = Clock()
    job = submit_export("ws_a", ExportRequest(), svc, clock=clock)
    big_parts = replace(CONFIG, part_bytes=64 * 1024)
    assert work(svc, queue, clock, config=big_parts) is Outcome.COMPLETED
    assert jobs.get("ws_a", job.id).result == {"count": len(seeded), "key": job.params["exportKey"]}
    lines = _lines(blobs, job)
    assert [line["id"] for line in lines] == sorted(seeded, reverse=True)  # newest first


def test_export_whose_last_line_fills_a_part_uploads_no_empty_tail():
    svc, jobs, queue, blobs, resources = job_services()
    seed_resources(resources, 3)
    clock = Clock()
    job = submit_export("ws_a", ExportRequest(), svc, clock=clock)
    assert work(svc, queue, clock, config=replace(CONFIG, part_bytes=1)) is Outcome.COMPLETED
    done = jobs.get("ws_a", job.id)
    (upload,) = blobs.uploads.values()
    assert len(upload) == 3  # one line per part, nothing after the last
    assert done.result == {"count": 3, "key": job.params["exportKey"]}
    assert len(_lines(blobs, job)) == 3


def test_empty_export_uploads_one_empty_part():
    svc, jobs, queue, blobs, _ = job_services()
    clock = Clock()
    job = submit_export("ws_a", ExportRequest(), svc, clock=clock)
    assert work(svc, queue, clock) is Outcome.COMPLETED
    assert blobs.files[job.params["exportKey"]] == b""
    assert jobs.get("ws_a", job.id).result == {"count": 0, "key": job.params["exportKey"]}
