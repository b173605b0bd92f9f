"""SPEC §8 through the local stack: real SQS polling by the worker, real downloads."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

pytestmark = pytest.mark.e2e


def _wait_for(api, job_id, key="default", timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.request("GET", f"/v1/jobs/{job_id}", key=key).body
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {job}")


@pytest.fixture(scope="module")
def jobs_key(local_stack):
    local_stack.cli("workspaces", "create", "ws_e2e_jobs")
    return local_stack.cli("keys", "create", "--workspace", "ws_e2e_jobs")["key"]


def test_bulk_250_completes_and_the_ids_exist(api, jobs_key):
    items = [{"name": f"bulk-{i}"} for i in range(250)]
    response = api.request(
        "POST", "/v1/resources/bulk", json_body={"resources": items}, key=jobs_key
    )
    assert response.status == 202
    assert response.headers["Location"] == f"/v1/jobs/{response.body['id']}"
    job = _wait_for(api, response.body["id"], key=jobs_key)
    assert job["status"] == "completed", job
    assert job["result"]["created"] == 250
    ids = job["result"]["ids"]
    for index in (0, 125, 249):
        resource = api.request("GET", f"/v1/resources/{ids[index]}", key=jobs_key)
        assert resource.status == 200
        assert resource.body["name"] == f"bulk-{index}"


def test_export_then_download_the_url(api, jobs_key):
    listed, cursor = 0, None
    while True:
        page = api.request(
            "GET", "/v1/resources?limit=100" + (f"&cursor={cursor}" if cursor else ""), key=jobs_key
        ).body
        listed += len(page["data"])
        if not page["hasMore"]:
            break
        cursor = page["nextCursor"]
    response = api.request("POST", "/v1/resources/export", json_body={}, key=jobs_key)
    assert response.status == 202
    job = _wait_for(api, response.body["id"], key=jobs_key)
    assert job["status"] == "completed", job
    with urllib.request.urlopen(job["result"]["url"], timeout=30) as download:
        lines = download.read().decode().splitlines()
    assert len(lines) == job["result"]["count"] == listed
    assert len({json.loads(line)["id"] for line in lines}) == listed


def test_job_of_another_workspace_is_404(api, jobs_key):
    job = api.request("POST", "/v1/resources/export", json_body={}, key=jobs_key).body
    other = api.request("GET", f"/v1/jobs/{job['id']}")
    assert other.status == 404
    assert other.error["code"] == "not_found"


def test_wrong_method_on_job_paths_is_405(api):
    response = api.request("GET", "/v1/resources/bulk")
    assert response.status == 405
    assert response.headers["Allow"] == "POST"
    assert api.request("DELETE", "/v1/jobs").headers["Allow"] == "GET"
