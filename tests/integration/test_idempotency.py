"""SPEC §6: Idempotency-Key on POST."""

from __future__ import annotations

import json

import boto3
import pytest

from plinth.container import container
from plinth.repositories.resources import DynamoResourceRepository
from tests.support import dependencies, failing_client

BODY = {"name": "once", "metadata": {"a": "1", "b": "2"}}


def _post(api, key=None, body=BODY, workspace="ws_alpha", header="Idempotency-Key", raw=None):
    headers = {header: key} if key is not None else {}
    if raw is not None:
        return api.request(
            "POST",
            "/v1/resources",
            raw_body=raw,
            headers=headers | {"Content-Type": "application/json"},
            workspace=workspace,
        )
    return api.request(
        "POST", "/v1/resources", json_body=body, headers=headers, workspace=workspace
    )


def _count(api, workspace="ws_alpha"):
    return len(
        api.request("GET", "/v1/resources", query={"limit": "100"}, workspace=workspace).body[
            "data"
        ]
    )


def test_same_key_same_body_replays_the_first_response_byte_for_byte(api):
    first = _post(api, "key-1")
    second = _post(api, "key-1")
    assert first.status == second.status == 201
    assert second.text == first.text
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["X-Request-Id"] == second.request_id != first.request_id
    assert _count(api) == 1


def test_body_equality_ignores_key_order_and_whitespace(api):
    first = _post(api, "key-2", raw='{"name": "once", "metadata": {"a": "1", "b": "2"}}')
    second = _post(api, "key-2", raw='{ "metadata" : {"b":"2","a":"1"},\n "name":"once" }')
    assert second.status == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.body["id"] == first.body["id"]


def test_same_key_different_body_is_422_reused(api):
    _post(api, "key-3")
    response = _post(api, "key-3", body={"name": "different"})
    assert response.status == 422
    assert response.error == {
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was used with a different request body.",
        "param": "Idempotency-Key",
    }
    assert _count(api) == 1


def test_header_name_is_case_insensitive(api):
    first = _post(api, "key-4", header="idempotency-key")
    second = _post(api, "key-4", header="IDEMPOTENCY-KEY")
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.body == first.body


def test_same_key_in_two_workspaces_never_collides(api):
    mine = _post(api, "shared", workspace="ws_alpha")
    theirs = _post(api, "shared", workspace="ws_other")
    assert theirs.status == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.body["id"] != mine.body["id"]


def test_no_header_means_no_idempotency(api):
    assert _post(api).body["id"] != _post(api).body["id"]
    assert _count(api) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there", "new\nline"])
def test_bad_key_is_422_naming_the_header(api, key):
    response = _post(api, key)
    assert response.status == 422
    assert response.error["code"] == "validation_error"
    assert response.error["param"] == "Idempotency-Key"
    assert _count(api) == 0


def test_longest_and_printable_keys_are_accepted(api):
    assert _post(api, "k" * 255).status == 201
    assert _post(api, " !~{}\"'").status == 201


def test_errors_are_not_stored_so_a_fixed_retry_runs_afresh(api):
    bad = _post(api, "key-5", body={"name": ""})
    assert bad.status == 422
    assert bad.error["code"] == "validation_error"
    fixed = _post(api, "key-5", body={"name": "fixed"})
    assert fixed.status == 201
    assert "Idempotent-Replayed" not in fixed.headers


def test_a_failure_inside_the_operation_is_not_stored(api, aws):
    client = failing_client("dynamodb", "put_item", "ProvisionedThroughputExceededException")
    with dependencies(resources=DynamoResourceRepository(client, aws["ResourcesTable"])):
        failed = _post(api, "key-6")
    assert failed.status == 503
    retried = _post(api, "key-6")
    assert retried.status == 201
    assert "Idempotent-Replayed" not in retried.headers


def test_request_still_in_progress_is_409_with_retry_after(api):
    """The create itself re-enters the API with the same key, as a concurrent retry would."""
    real = container().resources
    seen = {}

    class Reentrant:
        def create(self, resource):
            seen["inner"] = _post(api, "key-7")
            real.create(resource)

    with dependencies(resources=Reentrant()):
        outer = _post(api, "key-7")
    inner = seen["inner"]
    assert outer.status == 201
    assert inner.status == 409
    assert inner.error == {
        "code": "idempotency_key_in_use",
        "message": "A request with this Idempotency-Key is still being processed; retry shortly.",
        "param": "Idempotency-Key",
    }
    assert inner.headers["Retry-After"] == "1"


def test_records_expire_after_24_hours(api, aws):
    _post(api, "key-8")
    items = boto3.client("dynamodb").scan(TableName=aws["IdempotencyTable"])["Items"]
    (item,) = items
    created = json.loads(item["data"]["S"])
    assert created["status"] == 201
    ttl = int(item["expiration"]["N"])
    import time

    assert 24 * 3600 - 60 < ttl - time.time() <= 24 * 3600


def test_idempotency_store_unavailable_is_503(api, aws):
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    client = failing_client("dynamodb", "put_item", "ThrottlingException", times=1)
    store = DynamoDBPersistenceLayer(aws["IdempotencyTable"], boto3_client=client)
    with dependencies(idempotency_store=store):
        response = _post(api, "key-9")
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert _count(api) == 0


def _idempotency_table(call, operation):
    return (
        call.service == "dynamodb"
        and call.operation == operation
        and any("Idempotency" in table for table in call.tables)
    )


def test_a_create_whose_record_cannot_be_settled_still_answers_its_201(api, monkeypatch):
    """The resource was created: a 503 would invite a retry that creates it twice."""
    from tests.faults import THROTTLED, FaultInjector

    faults = FaultInjector(monkeypatch)
    faults.inject(lambda call: _idempotency_table(call, "UpdateItem"), THROTTLED)
    response = _post(api, "key-unsettled")
    assert response.status == 201, response.text
    assert faults.attempts[("dynamodb", "UpdateItem")] == 3
    faults.clear()
    assert _count(api) == 1
    assert api.request("GET", response.headers["Location"]).status == 200
