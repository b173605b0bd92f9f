"""The Python SDK against the local stack: paging, rate limits, jobs, export, examples."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from plinth_client import AsyncPlinth, BulkCreateResult, ExportResult, Plinth

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "clients" / "python" / "examples"


def _workspace(local_stack, name, *args):
    local_stack.cli("workspaces", "create", name, *args)
    return local_stack.cli("keys", "create", "--workspace", name)["key"]


@pytest.fixture(scope="module")
def paging_client(local_stack):
    """A workspace holding exactly 250 resources, made by bulk_create + jobs.wait."""
    key = _workspace(local_stack, "ws_sdk_py_paging")
    with Plinth(api_key=key, base_url=local_stack.base_url + "/v1") as client:
        job = client.resources.bulk_create([{"name": f"item-{i}"} for i in range(250)])
        assert job.status == "pending"
        job = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
        assert isinstance(job.result, BulkCreateResult)
        assert job.result.created == 250
        yield client, job.result.ids


def test_the_seed_paging_loop_yields_each_of_250_resources_exactly_once(paging_client):
    client, ids = paging_client
    seen = []
    pages = 0
    # The API reference's loop, in Python.
    cursor = None
    while True:
        response = client.resources.list(limit=100, cursor=cursor)
        seen.extend(r.id for r in response.data)
        pages += 1
        cursor = response.next_cursor
        if not response.has_more:
            break
    assert pages == 3
    assert len(seen) == 250
    assert set(seen) == set(ids)
    assert seen == sorted(seen, reverse=True)  # newest first


def test_auto_paging_iter_yields_the_same_250_in_the_same_order(paging_client):
    client, ids = paging_client
    walked = [r.id for r in client.resources.list(limit=100).auto_paging_iter()]
    assert sorted(walked) == sorted(ids)
    assert len(walked) == len(set(walked)) == 250
    by_name = {r.name for r in client.resources.list(limit=7).auto_paging_iter()}
    assert by_name == {f"item-{i}" for i in range(250)}


@pytest.mark.anyio
async def test_async_client_pages_and_reads_over_http(paging_client, local_stack):
    client, ids = paging_client
    async with AsyncPlinth(api_key=client.api_key, base_url=client.base_url) as sdk:
        page = await sdk.resources.list(limit=100)
        walked = [r.id async for r in page.auto_paging_iter()]
        one = await sdk.resources.get(ids[0])
    assert sorted(walked) == sorted(ids)
    assert one.name == "item-0"
    assert one.created_at.tzinfo is not None


def test_creates_at_3_per_second_complete_through_retries_without_duplicates(local_stack):
    key = _workspace(local_stack, "ws_sdk_py_slow", "--rate-limit", "3")
    posts: dict[str, list[int]] = {}  # Idempotency-Key -> statuses, in order
    statuses: Counter[int] = Counter()

    lock = threading.Lock()

    def record(response):
        with lock:
            statuses[response.status_code] += 1
            if response.request.method == "POST":
                posts.setdefault(response.request.headers["Idempotency-Key"], []).append(
                    response.status_code
                )

    http = httpx.Client(event_hooks={"response": [record]})
    base_url = local_stack.base_url + "/v1"
    with Plinth(api_key=key, base_url=base_url, http_client=http, max_retries=5) as client:
        # Five at a time: one after another, a slow round trip (sam local's ~1 s stalls on a
        # loaded machine) could stay under 3 per second and never meet the limit.
        with ThreadPoolExecutor(max_workers=5) as pool:
            created = list(pool.map(lambda i: client.resources.create(name=f"slow-{i}"), range(10)))
        listed = list(client.resources.list(limit=100).auto_paging_iter())
    http.close()
    assert statuses[429] >= 1, statuses  # the limit was hit, and retried through
    assert set(statuses) <= {200, 201, 429}
    # one key per create, reused by its retries: 429s, then exactly one 201
    assert len(posts) == 10
    assert all(sent[-1] == 201 and set(sent[:-1]) <= {429} for sent in posts.values()), posts
    assert len({r.id for r in created}) == 10
    assert sorted(r.name for r in listed) == sorted(f"slow-{i}" for i in range(10))


def test_bulk_create_then_wait_completes_with_the_ids(local_stack):
    key = _workspace(local_stack, "ws_sdk_py_bulk")
    with Plinth(api_key=key, base_url=local_stack.base_url + "/v1") as client:
        job = client.resources.bulk_create(
            [{"name": "a", "metadata": {"k": "v"}}, {"name": "b", "description": "d"}]
        )
        done = client.jobs.wait(job.id, timeout=60, poll_interval=0.2)
        assert done.id == job.id
        assert done.status == "completed"
        assert done.completed_at is not None
        assert isinstance(done.result, BulkCreateResult)
        first, second = (client.resources.get(i) for i in done.result.ids)
        assert (first.name, first.metadata) == ("a", {"k": "v"})
        assert (second.name, second.description) == ("b", "d")
        assert [j.id for j in client.jobs.list(limit=10).data] == [job.id]


def test_export_then_download_has_one_line_per_resource(paging_client):
    client, ids = paging_client
    job = client.jobs.wait(client.resources.export().id, timeout=60, poll_interval=0.2)
    assert isinstance(job.result, ExportResult)
    assert job.result.expires_at > datetime.now(UTC)
    lines = httpx.get(job.result.url, timeout=30).text.splitlines()
    assert len(lines) == job.result.count == 250
    assert {json.loads(line)["id"] for line in lines} == set(ids)


@pytest.fixture(scope="module")
def examples_key(local_stack):
    return _workspace(local_stack, "ws_sdk_py_examples")


@pytest.mark.parametrize("example", ["quickstart", "paging", "bulk_import", "export"])
def test_examples_run_against_the_local_stack(local_stack, examples_key, example):
    key = examples_key
    env = os.environ | {"PLINTH_API_KEY": key, "PLINTH_BASE_URL": local_stack.base_url + "/v1"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{example}.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "an example prints what it did"
