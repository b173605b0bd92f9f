"""Reading jobs (plinth.logic.jobs.read): one job, pages of jobs, the API's `result`."""

from __future__ import annotations

import pytest

from plinth.errors import NotFound, ValidationFailed
from plinth.logic.jobs.read import get_job, list_jobs, result_view
from plinth.logic.jobs.submit import submit_bulk, submit_export
from plinth.models.job import ExportRequest, JobStatus
from tests.unit.logic.fakes import job_services
from tests.unit.logic.jobs.support import T0, Clock, bulk_request, work

KEY = b"k" * 32


def _submit(svc):
    return submit_bulk("ws_a", bulk_request(1), svc, clock=Clock())


def test_get_job_returns_the_stored_job():
    svc, jobs, _, _, _ = job_services()
    job = _submit(svc)
    assert get_job("ws_a", job.id, svc) == jobs.get("ws_a", job.id)


@pytest.mark.parametrize("job_id", ["res_01J0000000000000000000000", "job_", "nope"])
def test_get_job_with_an_id_that_is_not_a_job_id_is_not_found_without_a_lookup(job_id):
    svc, jobs, _, _, _ = job_services()
    jobs.failing.add("get")  # a lookup would raise DependencyUnavailable
    with pytest.raises(NotFound) as caught:
        get_job("ws_a", job_id, svc)
    assert caught.value.param == "id"


def test_get_job_of_another_workspace_is_not_found():
    svc, _, _, _, _ = job_services()
    job = _submit(svc)
    with pytest.raises(NotFound):
        get_job("ws_b", job.id, svc)


def test_list_jobs_pages_newest_first_with_a_cursor_until_the_last_page():
    svc, _, _, _, _ = job_services()
    submitted = [_submit(svc).id for _ in range(3)]
    first, more, cursor = list_jobs(
        "ws_a", limit=2, status=None, cursor=None, svc=svc, signing_key=KEY
    )
    assert [j.id for j in first] == submitted[::-1][:2]
    assert more is True
    assert cursor is not None
    rest, more, cursor = list_jobs(
        "ws_a", limit=2, status=None, cursor=cursor, svc=svc, signing_key=KEY
    )
    assert [j.id for j in rest] == submitted[:1]
    assert (more, cursor) == (False, None)


def test_list_jobs_filters_by_status():
    svc, _, queue, _, _ = job_services()
    clock = Clock()
    done = _submit(svc)
    pending = _submit(svc)
    queue.messages.pop()  # only the first job gets worked on
    work(svc, queue, clock)
    completed, _, _ = list_jobs(
        "ws_a", limit=10, status=JobStatus.COMPLETED, cursor=None, svc=svc, signing_key=KEY
    )
    waiting, _, _ = list_jobs(
        "ws_a", limit=10, status=JobStatus.PENDING, cursor=None, svc=svc, signing_key=KEY
    )
    assert [j.id for j in completed] == [done.id]
    assert [j.id for j in waiting] == [pending.id]


def test_list_jobs_refuses_a_cursor_issued_for_another_filter():
    svc, _, _, _, _ = job_services()
    for _ in range(2):
        _submit(svc)
    _, _, cursor = list_jobs("ws_a", limit=1, status=None, cursor=None, svc=svc, signing_key=KEY)
    with pytest.raises(ValidationFailed) as caught:
        list_jobs(
            "ws_a", limit=1, status=JobStatus.PENDING, cursor=cursor, svc=svc, signing_key=KEY
        )
    assert caught.value.param == "cursor"


def test_result_view_is_none_until_the_job_completes():
    svc, jobs, _, blobs, _ = job_services()
    job = _submit(svc)
    assert result_view(jobs.get("ws_a", job.id), blobs, 600) is None


@pytest.mark.parametrize("status", [JobStatus.PENDING, JobStatus.RUNNING, JobStatus.FAILED])
def test_result_view_shows_a_result_only_for_a_completed_job(status):
    svc, _, _, blobs, _ = job_services()
    job = _submit(svc).model_copy(update={"status": status, "result": {"created": 1, "ids": []}})
    assert result_view(job, blobs, 600) is None


def test_result_view_of_a_bulk_job_is_its_stored_result():
    svc, jobs, queue, blobs, _ = job_services()
    job = _submit(svc)
    work(svc, queue, Clock())
    done = jobs.get("ws_a", job.id)
    assert result_view(done, blobs, 600) == done.result
    assert done.result is not None and done.result["created"] == 1


def test_export_result_view_signs_a_fresh_url():
    svc, jobs, queue, blobs, _ = job_services()
    clock = Clock()
    job = submit_export("ws_a", ExportRequest(), svc, clock=clock)
    work(svc, queue, clock)
    view = result_view(jobs.get("ws_a", job.id), blobs, 600, clock=lambda: T0)
    assert view == {
        "count": 0,
        "url": f"https://blobs.invalid/{job.params['exportKey']}?expires=600",
        "expiresAt": "2027-01-15T08:10:00.000Z",
    }
