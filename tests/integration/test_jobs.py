"""SPEC §8: bulk create and export jobs, the worker, the sweeper."""

from __future__ import annotations

import json
from collections import Counter

import boto3
import pytest

from plinth.container import container
from plinth.logic.jobs.sweeper import sweep
from plinth.logic.jobs.worker import Outcome, WorkerConfig, bulk_resource_ids, process_message
from plinth.models.job import JobMessage
from plinth.models.resource import Resource, ResourceCreate
from plinth.ports import LeaseLost
from plinth.timeutil import now_ms
from plinth_tools import template as tpl
from plinth_tools.lambdas import FakeLambdaContext, load_handler
from plinth_tools.local.runtime import FunctionPool
from plinth_tools.local.workers import QueuePoller
from tests.faults import FaultInjector
from tests.support import dependencies, failing_client, fresh_dependencies


class Jobs:
    """Drives the worker the way Lambda's SQS event source would, one message at a time."""

    def __init__(self, api, names):
        self.api = api
        self.names = names
        self.sqs = boto3.client("sqs")
        # Failed messages come back at once instead of after the deployed 720 s.
        self.sqs.set_queue_attributes(
            QueueUrl=names["JobsQueue"], Attributes={"VisibilityTimeout": "0"}
        )
        spec = tpl.functions()["JobsWorkerFunction"]
        self.pool = FunctionPool(spec)
        self.poller = QueuePoller(
            self.pool,
            names["JobsQueue"],
            names.attribute("JobsQueue", "Arn"),
            batch_size=1,
            report_failures=True,
            wait_seconds=0,
        )
        self.outcomes: list[str] = []

    def drain(self, max_messages: int = 50) -> int:
        handled = 0
        for _ in range(max_messages):
            if not self.poller.poll_once():
                break
            handled += 1
        return handled

    def bulk(self, items, workspace="ws_alpha", headers=None):
        return self.api.request(
            "POST",
            "/v1/resources/bulk",
            json_body={"resources": items},
            workspace=workspace,
            headers=headers,
        )

    def export(self, body=None, workspace="ws_alpha"):
        return self.api.request("POST", "/v1/resources/export", json_body=body, workspace=workspace)

    def get(self, job_id, workspace="ws_alpha"):
        return self.api.request("GET", f"/v1/jobs/{job_id}", workspace=workspace)

    def dead_letters(self):
        got = self.sqs.receive_message(
            QueueUrl=self.names["JobsDeadLetterQueue"], MaxNumberOfMessages=10
        )
        return got.get("Messages", [])


@pytest.fixture
def jobs(api, aws):
    return Jobs(api, aws)


def _items(n, prefix="item"):
    return [{"name": f"{prefix}-{i}", "metadata": {"i": str(i)}} for i in range(n)]


def _all_resources(api, workspace="ws_alpha"):
    seen, cursor = [], None
    while True:
        query = {"limit": "100"} | ({"cursor": cursor} if cursor else {})
        page = api.request("GET", "/v1/resources", query=query, workspace=workspace).body
        seen += page["data"]
        if not page["hasMore"]:
            return seen
        cursor = page["nextCursor"]


# ---------------------------------------------------------------- bulk
def test_bulk_answers_202_with_a_pending_job_then_completes(api, jobs):
    response = jobs.bulk(_items(60))
    assert response.status == 202
    job = response.body
    assert response.headers["Location"] == f"/v1/jobs/{job['id']}"
    assert job["id"].startswith("job_")
    assert job == {
        "id": job["id"],
        "object": "job",
        "type": "resources.bulk_create",
        "status": "pending",
        "progress": {"processed": 0, "total": 60},
        "result": None,
        "error": None,
        "createdAt": job["createdAt"],
        "startedAt": None,
        "completedAt": None,
    }
    assert jobs.drain() == 1
    done = jobs.get(job["id"]).body
    assert done["status"] == "completed"
    assert done["progress"] == {"processed": 60, "total": 60}
    ids = done["result"]["ids"]
    # `type` tags the result with its job's type (the OpenAPI discriminator).
    assert done["result"] == {"type": "resources.bulk_create", "created": 60, "ids": ids}
    assert done["startedAt"] and done["completedAt"]
    assert len(ids) == len(set(ids)) == 60
    for index in (0, 31, 59):
        resource = api.request("GET", f"/v1/resources/{ids[index]}").body
        assert resource["name"] == f"item-{index}"  # result.ids are in request order
        assert resource["metadata"] == {"i": str(index)}
    assert len(_all_resources(api)) == 60


def test_bulk_validates_every_item_up_front(api, jobs, aws):
    items = _items(5)
    items[3] = {"name": ""}
    response = jobs.bulk(items)
    assert response.status == 422
    assert response.error["param"] == "resources.3.name"
    assert response.error["code"] == "validation_error"
    items[3] = {"name": "ok", "nmae": "typo"}
    assert jobs.bulk(items).error["param"] == "resources.3.nmae"
    items[3] = {"name": "ok", "metadata": {"k": 1}}
    assert jobs.bulk(items).error["param"] == "resources.3.metadata.k"
    assert api.request("GET", "/v1/jobs").body["data"] == []
    assert boto3.client("s3").list_objects_v2(Bucket=aws["JobsBucket"]).get("KeyCount", 0) == 0


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"resources": []}, "resources"),
        ({"resources": [{"name": "x"}] * 1001}, "resources"),
        ({}, "resources"),
        ({"resources": "x"}, "resources"),
        ({"resources": [{"name": "x"}], "extra": 1}, "extra"),
    ],
)
def test_bulk_size_rules(api, body, param):
    response = api.request("POST", "/v1/resources/bulk", json_body=body)
    assert response.status == 422
    assert response.error["code"] == "validation_error"
    assert response.error["param"] == param
    assert api.request("GET", "/v1/jobs").body["data"] == []  # no job was created


def test_bulk_body_over_5_mib_is_413_and_under_is_accepted(api):
    big = {"resources": [{"name": "x", "description": "d" * 2000}] * 1000}  # ~2 MiB: fine
    assert api.request("POST", "/v1/resources/bulk", json_body=big).status == 202
    raw = '{"resources": [' + ",".join(['{"name": "' + "x" * 200 + '"}'] * 26000) + "]}"
    response = api.request("POST", "/v1/resources/bulk", raw_body=raw)
    assert response.status == 413
    assert response.error["code"] == "payload_too_large"


class Killed(BaseException):
    """The worker's process dies: no `except Exception`, no cleanup, no lease handed back."""


def _on_resource_writes(aws, monkeypatch, step):
    """Run `step(n)` before the n-th write of resources (whatever call the worker uses),
    in any client of any warm container."""
    table, writes = aws["ResourcesTable"], Counter()
    writing = {"BatchWriteItem", "TransactWriteItems"}

    def count_and_step():
        writes["n"] += 1
        step(writes["n"])

    FaultInjector(monkeypatch).before(
        lambda call: call.operation in writing and table in call.tables, count_and_step
    )
    return writes


def _work(job_id, owner, lease_ms=60_000, receive_count=1, remaining=lambda: 100_000):
    return process_message(
        JobMessage(jobId=job_id, workspaceId="ws_alpha"),
        receive_count=receive_count,
        owner=owner,
        remaining_ms=remaining,
        svc=container().jobs,
        config=WorkerConfig(margin_ms=1, lease_ms=lease_ms, max_receive_count=3, part_bytes=1024),
    )


def test_worker_dying_mid_bulk_is_resumed_without_duplicates(api, jobs, aws, monkeypatch):
    def dies_on_sixth_chunk(n):
        if n == 6:
            raise RuntimeError("worker killed")

    writes = _on_resource_writes(aws, monkeypatch, dies_on_sixth_chunk)
    job = jobs.bulk(_items(250)).body
    jobs.drain()
    done = jobs.get(job["id"]).body
    assert done["status"] == "completed"
    # 5 chunks written, each with its checkpoint; the redelivery resumed at 125.
    assert writes["n"] == 6 + (250 - 125) // 25
    resources = _all_resources(api)
    assert len(resources) == 250
    assert sorted(r["id"] for r in resources) == sorted(done["result"]["ids"])


def test_redelivery_after_a_killed_worker_never_undoes_a_client_delete_or_patch(
    api, jobs, aws, monkeypatch
):
    def killed_on_fourth_chunk(n):
        if n == 4:
            raise Killed

    _on_resource_writes(aws, monkeypatch, killed_on_fourth_chunk)
    job = jobs.bulk(_items(150)).body
    with pytest.raises(Killed):
        _work(job["id"], "worker-1", lease_ms=1)  # its lease is over by the time it dies
    written = {r["id"]: r for r in _all_resources(api)}
    assert len(written) == 75
    deleted, patched = sorted(written)[0], sorted(written)[1]
    assert api.request("DELETE", f"/v1/resources/{deleted}").status == 204
    patch = api.request("PATCH", f"/v1/resources/{patched}", json_body={"status": "paused"})
    assert patch.status == 200
    assert _work(job["id"], "worker-2", receive_count=2) is Outcome.COMPLETED
    assert api.request("GET", f"/v1/resources/{deleted}").status == 404
    kept = api.request("GET", f"/v1/resources/{patched}").body
    assert (kept["status"], kept["updatedAt"]) == ("paused", patch.body["updatedAt"])
    assert len(_all_resources(api)) == 149
    assert jobs.get(job["id"]).body["result"]["created"] == 150


def test_a_worker_that_lost_its_lease_mid_job_writes_nothing_afterwards(
    api, jobs, aws, monkeypatch
):
    job = jobs.bulk(_items(60)).body
    victims = []

    def stalls_before_second_chunk(n):
        if n != 2 or victims:
            return
        # Stalled past its lease: the redelivery runs the job to the end, then the client
        # deletes a resource of the chunk the stalled worker is about to write.
        assert _work(job["id"], "worker-2", receive_count=2) is Outcome.COMPLETED
        victims.append(jobs.get(job["id"]).body["result"]["ids"][30])
        assert api.request("DELETE", f"/v1/resources/{victims[0]}").status == 204

    _on_resource_writes(aws, monkeypatch, stalls_before_second_chunk)
    assert _work(job["id"], "worker-1", lease_ms=1) is Outcome.LEASE_LOST
    assert api.request("GET", f"/v1/resources/{victims[0]}").status == 404
    assert len(_all_resources(api)) == 59
    assert jobs.get(job["id"]).body["status"] == "completed"


def test_worker_killed_without_cleanup_resumes_once_its_lease_expires(api, jobs, aws):
    job = jobs.bulk(_items(30)).body
    svc = container().jobs
    stored = svc.jobs.get("ws_alpha", job["id"])
    svc.jobs.claim(stored, "dead-worker", stored.created_at, lease_ms=1)  # lease long gone
    jobs.drain()
    assert jobs.get(job["id"]).body["status"] == "completed"


def test_duplicate_message_while_another_worker_holds_the_lease_does_nothing(api, jobs):
    job = jobs.bulk(_items(3)).body
    svc = container().jobs
    stored = svc.jobs.get("ws_alpha", job["id"])
    svc.jobs.claim(stored, "live-worker", now_ms(), lease_ms=60_000)
    outcome = process_message(
        JobMessage(jobId=job["id"], workspaceId="ws_alpha"),
        receive_count=1,
        owner="second",
        remaining_ms=lambda: 100_000,
        svc=svc,
        config=WorkerConfig(margin_ms=1, lease_ms=1000, max_receive_count=3, part_bytes=1024),
    )
    assert outcome is Outcome.HELD_ELSEWHERE
    assert _all_resources(api) == []


def test_redelivered_message_for_a_finished_job_is_a_no_op(api, jobs):
    job = jobs.bulk(_items(3)).body
    jobs.drain()
    before = jobs.get(job["id"]).body
    jobs.sqs.send_message(
        QueueUrl=jobs.names["JobsQueue"],
        MessageBody=json.dumps({"jobId": job["id"], "workspaceId": "ws_alpha"}),
    )
    jobs.drain()
    assert jobs.get(job["id"]).body == before
    assert len(_all_resources(api)) == 3


def test_poison_message_fails_the_job_and_reaches_the_dlq(api, jobs, aws):
    job = jobs.bulk(_items(3)).body
    s3 = boto3.client("s3")
    s3.put_object(
        Bucket=aws["JobsBucket"], Key=f"bulk/ws_alpha/{job['id']}.json", Body=b"{not json"
    )
    jobs.drain()
    failed = jobs.get(job["id"]).body
    assert failed["status"] == "failed"
    assert failed["error"] == {
        "code": "job_failed",
        "message": "The job failed after 3 attempts and will not be retried.",
    }
    assert failed["result"] is None
    dead = jobs.dead_letters()
    assert [json.loads(m["Body"])["jobId"] for m in dead] == [job["id"]]


def test_unparseable_message_reaches_the_dlq(jobs):
    jobs.sqs.send_message(QueueUrl=jobs.names["JobsQueue"], MessageBody="garbage")
    jobs.drain()
    assert [m["Body"] for m in jobs.dead_letters()] == ["garbage"]


def test_failing_send_message_is_503_and_leaves_no_pending_job(api):
    client = failing_client("sqs", "send_message", "ServiceUnavailable", 503)
    with dependencies(sqs=client):
        response = api.request("POST", "/v1/resources/bulk", json_body={"resources": _items(2)})
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert response.error["code"] == "service_unavailable"
    listed = api.request("GET", "/v1/jobs").body["data"]
    assert [j["status"] for j in listed] == ["failed"]
    assert listed[0]["error"]["code"] == "enqueue_failed"


def test_bulk_post_is_idempotent(api, jobs):
    first = jobs.bulk(_items(2), headers={"Idempotency-Key": "bulk-1"})
    again = jobs.bulk(_items(2), headers={"Idempotency-Key": "bulk-1"})
    assert again.status == 202
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(api.request("GET", "/v1/jobs").body["data"]) == 1


# ---------------------------------------------------------------- export
def _read_export(aws, job):
    from urllib.parse import unquote, urlsplit

    key = (
        unquote(urlsplit(job["result"]["url"]).path)
        .lstrip("/")
        .removeprefix(aws["JobsBucket"] + "/")
    )
    body = boto3.client("s3").get_object(Bucket=aws["JobsBucket"], Key=key)["Body"].read()
    return [json.loads(line) for line in body.decode().splitlines()]


def test_export_across_many_invocations_is_complete_without_duplicates(api, jobs, aws, monkeypatch):
    for index in range(7):
        jobs.bulk(_items(40, prefix=f"b{index}"))
    jobs.drain()
    ids = [r["id"] for r in _all_resources(api)]
    for rid in ids[:30]:
        api.request("PATCH", f"/v1/resources/{rid}", json_body={"status": "paused"})
    # Tiny parts and a time budget that is always "nearly over": one part per invocation.
    monkeypatch.setenv("EXPORT_PART_BYTES", "4096")
    monkeypatch.setenv("JOB_TIME_MARGIN_MS", str(10**9))
    fresh_dependencies()
    job = jobs.export({"status": "active"}).body
    assert job["type"] == "resources.export"
    invocations = jobs.drain(max_messages=500)
    assert invocations >= 3
    done = jobs.get(job["id"]).body
    assert done["status"] == "completed"
    lines = _read_export(aws, done)
    exported = [line["id"] for line in lines]
    assert len(exported) == len(set(exported)) == 250
    assert set(exported) == set(ids[30:])
    assert all(line["status"] == "active" and line["object"] == "resource" for line in lines)
    assert done["result"]["count"] == 250
    assert done["result"]["type"] == "resources.export"
    assert done["progress"] == {"processed": 250, "total": None}
    assert "X-Amz-Signature=" in done["result"]["url"]
    assert done["result"]["expiresAt"].endswith("Z")


def test_export_of_an_empty_workspace_is_an_empty_file(api, jobs, aws):
    job = jobs.export(workspace="ws_empty").body
    jobs.drain()
    done = jobs.get(job["id"], workspace="ws_empty").body
    assert done["status"] == "completed"
    assert done["result"]["count"] == 0
    assert _read_export(aws, done) == []


def test_export_with_empty_body_exports_everything(api, jobs, aws, create):
    for i in range(3):
        create(name=f"r{i}")
    response = api.request("POST", "/v1/resources/export", raw_body="")
    assert response.status == 202
    jobs.drain()
    assert jobs.get(response.body["id"]).body["result"]["count"] == 3


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data", "application/json"])
def test_export_with_no_body_ignores_its_content_type(api, content_type):
    response = api.request(
        "POST", "/v1/resources/export", raw_body="", headers={"Content-Type": content_type}
    )
    assert response.status == 202
    assert response.body["type"] == "resources.export"


def test_export_bad_status_is_422(api):
    response = api.request("POST", "/v1/resources/export", json_body={"status": "deleted"})
    assert response.status == 422
    assert response.error["param"] == "status"


def test_export_needs_only_read_scope_and_bulk_needs_write(api):
    assert (
        api.request("POST", "/v1/resources/export", json_body={}, scopes=("resources:read",)).status
        == 202
    )
    denied = api.request(
        "POST", "/v1/resources/bulk", json_body={"resources": _items(1)}, scopes=("resources:read",)
    )
    assert denied.status == 403
    assert "resources:write" in denied.error["message"]


# ---------------------------------------------------------------- reading jobs
def test_jobs_are_workspace_scoped(api, jobs):
    theirs = jobs.bulk(_items(1), workspace="ws_other").body
    assert jobs.get(theirs["id"]).status == 404
    assert jobs.get(theirs["id"]).body == jobs.get("job_01JGZ9A5B7C9D1E3F5G7H9J1K3").body
    assert api.request("GET", "/v1/jobs").body["data"] == []
    assert jobs.get("res_not_a_job").status == 404


def test_job_list_newest_first_with_filter_and_cursor(api, jobs):
    ids = [jobs.bulk(_items(1)).body["id"] for _ in range(5)]
    jobs.drain(max_messages=2)
    page = api.request("GET", "/v1/jobs", query={"limit": "2"}).body
    assert [j["id"] for j in page["data"]] == ids[::-1][:2]
    rest = api.request("GET", "/v1/jobs", query={"limit": "10", "cursor": page["nextCursor"]}).body
    assert [j["id"] for j in rest["data"]] == ids[::-1][2:]
    assert rest["hasMore"] is False
    completed = api.request("GET", "/v1/jobs", query={"status": "completed"}).body["data"]
    pending = api.request("GET", "/v1/jobs", query={"status": "pending"}).body["data"]
    assert len(completed) == 2
    assert len(pending) == 3
    wrong = api.request(
        "GET", "/v1/jobs", query={"status": "pending", "cursor": page["nextCursor"]}
    )
    assert wrong.status == 422
    assert wrong.error["param"] == "cursor"
    assert api.request("GET", "/v1/jobs", query={"status": "active"}).error["param"] == "status"


def test_resource_cursor_is_refused_by_the_jobs_list(api, jobs, create):
    for i in range(3):
        create(name=f"r{i}")
    cursor = api.request("GET", "/v1/resources", query={"limit": "1"}).body["nextCursor"]
    response = api.request("GET", "/v1/jobs", query={"cursor": cursor})
    assert response.status == 422
    assert response.error["param"] == "cursor"


# ---------------------------------------------------------------- sweeper
def test_sweeper_reenqueues_stale_pending_and_fails_lost_workers(api, jobs):
    svc = container().jobs
    stale = jobs.bulk(_items(1)).body
    also_stale = jobs.bulk(_items(1)).body
    lost = jobs.bulk(_items(1)).body
    jobs.sqs.purge_queue(QueueUrl=jobs.names["JobsQueue"])  # as if the sends were lost
    lost_job = svc.jobs.get("ws_alpha", lost["id"])
    svc.jobs.claim(lost_job, "vanished", lost_job.created_at, lease_ms=1)
    created = svc.jobs.get("ws_alpha", stale["id"]).created_at
    report = sweep(
        svc,
        pending_grace_ms=60_000,
        stale_after_ms=120_000,
        max_enqueue_attempts=5,
        clock=lambda: created + 150_000,
    )
    assert report.failed == 1
    assert report.reenqueued == 2
    assert jobs.get(lost["id"]).body["error"]["code"] == "worker_lost"
    jobs.drain()
    assert jobs.get(stale["id"]).body["status"] == "completed"
    assert jobs.get(also_stale["id"]).body["status"] == "completed"


def test_sweeper_leaves_recent_pending_jobs_alone(api, jobs):
    svc = container().jobs
    job = jobs.bulk(_items(1)).body
    created = svc.jobs.get("ws_alpha", job["id"]).created_at
    report = sweep(
        svc,
        pending_grace_ms=60_000,
        stale_after_ms=120_000,
        max_enqueue_attempts=5,
        clock=lambda: created + 1000,
    )
    assert report.reenqueued == report.failed == 0


def test_sweeper_gives_up_after_max_enqueue_attempts(api, jobs):
    svc = container().jobs
    job = jobs.bulk(_items(1)).body
    created = svc.jobs.get("ws_alpha", job["id"]).created_at
    report = sweep(
        svc,
        pending_grace_ms=1,
        stale_after_ms=1,
        max_enqueue_attempts=1,
        clock=lambda: created + 10,
    )
    assert report.failed == 1
    assert jobs.get(job["id"]).body["error"]["code"] == "enqueue_failed"


def _emf(out: str, metric: str) -> list[dict]:
    """The EMF records (Powertools metrics, printed at flush) that carry `metric`."""
    records = [json.loads(line) for line in out.splitlines() if '"_aws"' in line]
    return [r for r in records if metric in r]


def test_sweeper_handler_emits_the_stuck_job_metrics_its_alarm_watches(api, jobs, capsys):
    """JobsStuckAlarm (template.yaml) sums JobsReenqueued and JobsFailedBySweeper with the
    service dimension; the handler must emit both on every run."""
    svc = container().jobs
    lost = jobs.bulk(_items(1)).body
    jobs.sqs.purge_queue(QueueUrl=jobs.names["JobsQueue"])
    job = svc.jobs.get("ws_alpha", lost["id"])
    an_hour_ago = job.created_at - 3_600_000  # past JOB_STALE_AFTER_SECONDS (48 minutes)
    svc.jobs.claim(job, "vanished", an_hour_ago, lease_ms=1)
    handler = load_handler(tpl.functions()["JobsSweeperFunction"])
    capsys.readouterr()

    assert handler({}, FakeLambdaContext("sweeper", "sweep-1")) == {"reenqueued": 0, "failed": 1}

    (record,) = _emf(capsys.readouterr().out, "JobsFailedBySweeper")
    assert record["JobsFailedBySweeper"] == [1.0]
    assert record["JobsReenqueued"] == [0.0]
    assert record["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    assert (
        record["service"]
        == tpl.functions()["JobsSweeperFunction"].environment["POWERTOOLS_SERVICE_NAME"]
    )
    assert jobs.get(lost["id"]).body["error"]["code"] == "worker_lost"


def test_each_job_message_names_its_workspace_as_the_fair_queue_tenant(jobs):
    """MessageGroupId on a standard queue = SQS fair queues: one workspace's backlog
    cannot delay another's jobs (docs/performance.md §3.3)."""
    ours = jobs.export(workspace="ws_alpha")
    theirs = jobs.export(workspace="ws_beta")
    assert ours.status == theirs.status == 202
    got = jobs.sqs.receive_message(
        QueueUrl=jobs.names["JobsQueue"],
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["MessageGroupId"],
    )
    tenants = {
        json.loads(m["Body"])["jobId"]: m["Attributes"]["MessageGroupId"] for m in got["Messages"]
    }
    assert tenants == {ours.body["id"]: "ws_alpha", theirs.body["id"]: "ws_beta"}


def test_a_chunk_never_overwrites_a_resource_that_already_exists(api, jobs, aws):
    # Only a job started by an earlier release (unfenced writes past its checkpoint) can
    # meet its own resources again: the fenced write leaves them as the client left them.
    job = jobs.bulk(_items(3)).body
    svc = container().jobs
    claimed = svc.jobs.claim(svc.jobs.get("ws_alpha", job["id"]), "w", now_ms(), 60_000)
    resource_ids = bulk_resource_ids(claimed)
    chunk = [
        Resource.new(rid, "ws_alpha", ResourceCreate(name=f"n{i}"), 1)
        for i, rid in enumerate(resource_ids)
    ]
    container().resources.create(chunk[1].model_copy(update={"name": "the client's"}))
    advanced = svc.jobs.write_chunk(claimed, "w", chunk, now_ms())
    assert advanced.checkpoint.processed == 3
    assert svc.jobs.get("ws_alpha", job["id"]).checkpoint.processed == 3
    names = [container().resources.get("ws_alpha", rid).name for rid in resource_ids]
    assert names == ["n0", "the client's", "n2"]
    with pytest.raises(LeaseLost):  # the same chunk again: the fence has moved on
        svc.jobs.write_chunk(claimed, "w", chunk, now_ms())
