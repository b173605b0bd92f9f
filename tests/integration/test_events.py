"""The audit log against moto: changes written through the API handlers, their real
stream records (read with boto3 dynamodbstreams, shaped as Lambda delivers them) fed to
the recorder's handler, then read back through GET /v1/events and /v1/events/{id}."""

from __future__ import annotations

import time
import uuid

import boto3
import pytest

from plinth import ids
from plinth.container import container
from plinth.logic import keys as key_logic
from plinth.models.event import RETENTION_MS, Event, EventType
from plinth_tools import template as tpl
from plinth_tools.lambdas import FakeLambdaContext, load_handler
from plinth_tools.local.runtime import FunctionPool
from plinth_tools.local.workers import StreamPoller

EVENTS_READ = ("events:read",)
RECORDER = "EventsRecorderFunction"


class Capture:
    """An Invoker that hands each batch to the recorder's handler and keeps it."""

    def __init__(self) -> None:
        self.spec = tpl.functions()[RECORDER]
        self.batches: list[dict] = []
        self.results: list[dict] = []

    def invoke(self, event, request_id):
        self.batches.append(event)
        result = load_handler(self.spec)(event, FakeLambdaContext(RECORDER, request_id))
        self.results.append(result)
        return result


def _poller(aws, table: str, invoker) -> StreamPoller:
    return StreamPoller(
        invoker,
        aws.attribute(table, "StreamArn"),
        starting_position="TRIM_HORIZON",
        report_failures=True,
        interval=0,
    )


def record_all(aws) -> Capture:
    """Every table's stream, from the start, through the recorder."""
    capture = Capture()
    for table in ("ResourcesTable", "JobsTable", "ApiKeysTable"):
        _poller(aws, table, capture).poll_once()
    return capture


def listed(api, workspace="ws_alpha", **query):
    response = api.request(
        "GET", "/v1/events", query=query or None, workspace=workspace, scopes=EVENTS_READ
    )
    assert response.status == 200, response.text
    return response.body


def test_create_update_delete_become_three_events_newest_first(api, aws, create):
    resource = create(name="first", metadata={"team": "core"})
    patched = api.request(
        "PATCH", f"/v1/resources/{resource['id']}", json_body={"status": "paused"}
    ).body
    assert api.request("DELETE", f"/v1/resources/{resource['id']}").status == 204
    capture = record_all(aws)
    assert capture.results[0] == {"batchItemFailures": []}
    page = listed(api)
    assert [e["type"] for e in page["data"]] == [
        "resource.deleted",
        "resource.updated",
        "resource.created",
    ]
    deleted, updated, created = page["data"]
    assert created["data"]["object"] == resource  # exactly as POST/GET showed it
    assert updated["data"]["object"] == patched
    assert deleted["data"]["object"] == patched  # as it was before the deletion
    assert page["hasMore"] is False
    assert page["nextCursor"] is None
    for event in page["data"]:
        assert event["object"] == "event"
        assert ids.is_id(event["id"], ids.EVENT_PREFIX)
        got = api.request("GET", f"/v1/events/{event['id']}", scopes=EVENTS_READ)
        assert got.status == 200
        assert got.body == event


def test_a_redelivered_batch_records_nothing_twice(api, aws, create):
    create(name="once")
    first = record_all(aws)
    again = Capture()
    for batch in first.batches:  # Lambda's retry of the same records
        again.invoke(batch, str(uuid.uuid4()))
    assert again.results == [{"batchItemFailures": []}] * len(first.batches)
    page = listed(api)
    assert [e["type"] for e in page["data"]] == ["resource.created"]


def test_a_noop_patch_and_job_checkpoints_are_no_events(api, aws, create):
    resource = create()
    assert api.request("PATCH", f"/v1/resources/{resource['id']}", json_body={}).status == 200
    job = api.request("POST", "/v1/resources/export", json_body={}).body
    record_all(aws)
    types = [e["type"] for e in listed(api)["data"]]
    assert types == ["job.created", "resource.created"]
    jobs = listed(api, type="job.created")["data"]
    assert [e["data"]["object"]["id"] for e in jobs] == [job["id"]]
    assert jobs[0]["data"]["object"]["status"] == "pending"


def test_the_type_filter_pages_with_cursors_bound_to_it(api, aws, create):
    for index in range(3):
        create(name=f"r{index}")
    record_all(aws)
    first = listed(api, type="resource.created", limit="2")
    assert len(first["data"]) == 2
    assert first["hasMore"] is True
    rest = listed(api, type="resource.created", limit="2", cursor=first["nextCursor"])
    assert len(rest["data"]) == 1
    assert rest["hasMore"] is False
    other = api.request(
        "GET",
        "/v1/events",
        query={"cursor": first["nextCursor"]},
        scopes=EVENTS_READ,
    )
    assert other.status == 422
    assert other.error["param"] == "cursor"


def test_an_unknown_type_is_422_naming_type(api):
    response = api.request(
        "GET", "/v1/events", query={"type": "resource.exploded"}, scopes=EVENTS_READ
    )
    assert response.status == 422
    assert response.error["code"] == "validation_error"
    assert response.error["param"] == "type"


def test_another_workspaces_events_are_invisible(api, aws, create):
    create(workspace="ws_beta", name="theirs")
    record_all(aws)
    (theirs,) = listed(api, workspace="ws_beta")["data"]
    assert listed(api, workspace="ws_alpha")["data"] == []
    foreign = api.request("GET", f"/v1/events/{theirs['id']}", scopes=EVENTS_READ)
    assert foreign.status == 404
    assert foreign.error == {"code": "not_found", "message": "No such event.", "param": "id"}
    unknown = api.request("GET", "/v1/events/evt_nope", scopes=EVENTS_READ)
    assert unknown.status == 404


def test_events_older_than_30_days_are_never_returned(api, aws):
    store = container().events
    now = int(time.time() * 1000)
    for age_ms, name in ((RETENTION_MS + 60_000, "old"), (RETENTION_MS - 60_000, "recent")):
        at = now - age_ms
        store.put(
            Event(
                id=ids.record_id(ids.EVENT_PREFIX, at, name),
                workspace_id="ws_alpha",
                type=EventType.RESOURCE_CREATED,
                created_at=at,
                data={"id": name},
            )
        )
    page = listed(api)
    assert [e["data"]["object"]["id"] for e in page["data"]] == ["recent"]
    old_id = ids.record_id(ids.EVENT_PREFIX, now - RETENTION_MS - 60_000, "old")
    assert api.request("GET", f"/v1/events/{old_id}", scopes=EVENTS_READ).status == 404
    item = boto3.client("dynamodb").get_item(
        TableName=aws["EventsTable"], Key={"workspaceId": {"S": "ws_alpha"}, "id": {"S": old_id}}
    )["Item"]
    assert int(item["expiresAt"]["N"]) == (now - 60_000) // 1000  # TTL: createdAt + 30 days


def test_api_key_events_show_no_hash_and_revocation_is_its_own_type(api, aws, mint_key):
    item, secret = mint_key(workspace="ws_alpha")
    key_logic.revoke_key(item.keyId, container().api_keys, _NoFlush())
    record_all(aws)
    events = listed(api)["data"]
    assert [e["type"] for e in events] == ["api_key.revoked", "api_key.created"]
    for event in events:
        shown = event["data"]["object"]
        assert shown["id"] == item.keyId
        assert shown["object"] == "api_key"
        assert item.keyHash not in str(event)
        assert secret not in str(event)
        assert "keyHash" not in shown
    assert events[0]["data"]["object"]["revokedAt"] is not None


def test_a_failing_record_is_reported_and_the_batch_retried_from_it(api, aws, create, monkeypatch):
    create(name="fine")
    create(name="flaky")
    real = container().events
    calls = {"n": 0}

    class FailsOnce:
        def put(self, event):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("dynamodb hiccup")
            return real.put(event)

    monkeypatch.setitem(container().__dict__, "events", FailsOnce())
    capture = Capture()
    poller = _poller(aws, "ResourcesTable", capture)
    poller.poll_once()  # the second record fails, reported by its sequence number
    poller.poll_once()  # retried from that record, not from the batch's start
    first, retry = capture.batches
    flaky = first["Records"][1]["dynamodb"]["SequenceNumber"]
    assert capture.results[0] == {"batchItemFailures": [{"itemIdentifier": flaky}]}
    assert [r["dynamodb"]["SequenceNumber"] for r in retry["Records"]] == [flaky]
    assert capture.results[1] == {"batchItemFailures": []}
    monkeypatch.setitem(container().__dict__, "events", real)
    names = [e["data"]["object"]["name"] for e in listed(api)["data"]]
    assert names == ["flaky", "fine"]


class _NoFlush:
    def flush(self) -> None:
        return None


@pytest.mark.parametrize("name", ["ResourcesTable", "JobsTable", "ApiKeysTable"])
def test_every_recorded_table_has_a_stream_with_both_images(aws, name):
    table = boto3.client("dynamodb").describe_table(TableName=aws[name])["Table"]
    assert table["StreamSpecification"] == {
        "StreamEnabled": True,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }


def test_the_local_pool_runs_the_recorder(aws, api, create):
    create(name="pooled")
    pool = FunctionPool(tpl.functions()[RECORDER])
    assert _poller(aws, "ResourcesTable", pool).poll_once() == 1
    assert [e["type"] for e in listed(api)["data"]] == ["resource.created"]
