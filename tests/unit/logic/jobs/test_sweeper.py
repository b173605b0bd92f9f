"""The sweeper (plinth.logic.jobs.sweeper): lost sends, spent enqueue attempts, vanished
workers, and the races with workers that it must lose gracefully."""

from __future__ import annotations

from plinth.logic.jobs.submit import submit_bulk
from plinth.logic.jobs.sweeper import SweepReport, sweep
from plinth.logic.jobs.worker import Outcome
from plinth.models.job import JobStatus
from tests.unit.logic.fakes import job_services
from tests.unit.logic.jobs.support import T0, Clock, bulk_request, work

GRACE_MS = 1_000
STALE_MS = 10_000


def _sweep(svc, now) -> SweepReport:
    return sweep(
        svc,
        pending_grace_ms=GRACE_MS,
        stale_after_ms=STALE_MS,
        max_enqueue_attempts=3,
        clock=lambda: now,
    )


def test_sweeper_re_enqueues_a_pending_job_past_its_grace_and_leaves_a_fresh_one():
    svc, jobs, queue, _, _ = job_services()
    old = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    fresh = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0 + 5_000)
    queue.messages.clear()  # both sends were "lost"
    report = _sweep(svc, T0 + 5_500)
    assert report == SweepReport(reenqueued=1, failed=0)
    assert [m.job_id for m in queue.messages] == [old.id]
    resent = jobs.get("ws_a", old.id)
    assert (resent.enqueue_attempts, resent.enqueued_at) == (2, T0 + 5_500)
    assert jobs.get("ws_a", fresh.id).enqueue_attempts == 1


def test_a_re_enqueued_job_is_then_run_to_completion_by_a_worker():
    svc, jobs, queue, _, resources = job_services()
    job = submit_bulk("ws_a", bulk_request(2), svc, clock=lambda: T0)
    queue.messages.clear()
    assert _sweep(svc, T0 + GRACE_MS).reenqueued == 1
    assert work(svc, queue, Clock(T0 + GRACE_MS)) is Outcome.COMPLETED
    assert jobs.get("ws_a", job.id).status is JobStatus.COMPLETED
    assert len(resources.items) == 2


def test_sweeper_grace_counts_from_the_last_send_not_the_submission():
    svc, jobs, queue, _, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    jobs.mark_enqueued(job, T0 + 50_000)
    queue.messages.clear()
    assert _sweep(svc, T0 + 50_000 + GRACE_MS - 1) == SweepReport()
    assert queue.messages == []


def test_sweeper_fails_a_job_whose_enqueue_attempts_are_spent():
    svc, jobs, queue, _, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    queue.messages.clear()
    for attempt in range(2):
        jobs.mark_enqueued(job, T0 + attempt)
    report = _sweep(svc, T0 + 60_000)
    assert report == SweepReport(reenqueued=0, failed=1)
    failed = jobs.get("ws_a", job.id)
    assert failed.status is JobStatus.FAILED
    assert failed.error is not None
    assert (failed.error.code, failed.error.message) == (
        "enqueue_failed",
        "The job could not be queued.",
    )
    assert queue.messages == []


def test_sweeper_fails_a_running_job_that_stopped_reporting_and_spares_a_live_one():
    svc, jobs, _, _, _ = job_services()
    stale = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    live = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    jobs.claim(stale, "dead", T0, lease_ms=1)
    jobs.claim(live, "alive", T0 + 15_000, lease_ms=60_000)
    report = _sweep(svc, T0 + 20_000)
    assert report == SweepReport(reenqueued=0, failed=1)
    lost = jobs.get("ws_a", stale.id)
    assert lost.status is JobStatus.FAILED
    assert lost.error is not None
    assert (lost.error.code, lost.error.message) == (
        "worker_lost",
        "The job stopped making progress and its retries are exhausted.",
    )
    assert lost.lease_owner is None
    assert jobs.get("ws_a", live.id).status is JobStatus.RUNNING


def test_a_heartbeat_keeps_a_long_running_job_alive():
    svc, jobs, _, _, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    claimed = jobs.claim(job, "w", T0, lease_ms=60_000)
    jobs.save_checkpoint(claimed, "w", claimed.checkpoint, T0 + 50_000, release=False)
    assert _sweep(svc, T0 + 55_000) == SweepReport()
    assert jobs.get("ws_a", job.id).status is JobStatus.RUNNING


def test_a_stale_job_whose_worker_just_finished_is_not_counted_as_failed():
    svc, jobs, queue, _, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    jobs.claim(job, "slow", T0, lease_ms=1)
    queue.messages.clear()

    def worker_completes() -> None:
        current = jobs.get("ws_a", job.id)
        jobs.complete(current, "slow", current.checkpoint, {"created": 1, "ids": []}, T0 + 1)

    jobs.interleave["fail"] = worker_completes
    assert _sweep(svc, T0 + 20_000) == SweepReport()
    assert jobs.get("ws_a", job.id).status is JobStatus.COMPLETED


def test_a_pending_job_a_worker_claims_meanwhile_is_not_sent_again():
    svc, jobs, queue, _, _ = job_services()
    job = submit_bulk("ws_a", bulk_request(1), svc, clock=lambda: T0)
    queue.messages.clear()
    jobs.interleave["mark_enqueued"] = lambda: jobs.claim(job, "w", T0 + 2_000, lease_ms=60_000)
    assert _sweep(svc, T0 + 2_000) == SweepReport()
    assert queue.messages == []
    assert jobs.get("ws_a", job.id).status is JobStatus.RUNNING
