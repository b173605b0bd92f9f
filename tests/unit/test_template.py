"""template.yaml is the source of truth; these checks keep the code in step with it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from plinth.http.methods import ALLOWED_METHODS
from plinth_tools import template as tpl

ROOT = Path(__file__).resolve().parents[2]


METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def test_allow_header_table_matches_template_routes():
    declared: dict[str, set[str]] = {}
    for route in tpl.served_routes():
        declared.setdefault(route.path, set()).add(route.method)
    assert {k: sorted(v) for k, v in declared.items()} == ALLOWED_METHODS


def test_every_other_method_on_a_known_path_routes_to_the_405_function():
    refused: dict[str, set[str]] = {}
    for route in tpl.routes():
        if route.function in tpl.METHOD_NOT_ALLOWED_FUNCTIONS:
            refused.setdefault(route.path, set()).add(route.method)
    assert refused == {path: METHODS - set(ok) for path, ok in ALLOWED_METHODS.items()}


def test_no_route_is_any_and_each_method_path_is_routed_once():
    """sam local lets an ANY route shadow every method on its path (SPEC §3)."""
    routed = [(r.method, r.path) for r in tpl.routes()]
    assert "ANY" not in {method for method, _ in routed}
    assert len(routed) == len(set(routed))


def test_every_route_is_under_v1():
    assert all(r.path.startswith("/v1/") for r in tpl.routes())


def test_every_function_has_an_event_file_and_a_short_app():
    for spec in tpl.functions().values():
        app = ROOT / spec.code_uri / "app.py"
        assert app.exists(), spec.logical_id
        assert len(app.read_text().splitlines()) <= 65, f"{app} is not thin"
        assert (ROOT / "events" / f"{Path(spec.code_uri).name}.json").exists()


def test_functions_import_no_boto3():
    for spec in tpl.functions().values():
        assert "boto3" not in (ROOT / spec.code_uri / "app.py").read_text()


def _statements(function: str):
    props = tpl.load_template()["Resources"][function]["Properties"]
    for policy in props["Policies"]:
        for statement in policy["Statement"]:
            action = statement["Action"]
            resources = statement["Resource"]
            yield (
                [action] if isinstance(action, str) else action,
                json.dumps(resources if isinstance(resources, list) else [resources]),
            )


def test_read_functions_can_only_read_the_resources_table():
    for name in ("GetResourceFunction", "ListResourcesFunction"):
        for actions, resources in _statements(name):
            if "ResourcesTable" in resources:
                assert set(actions) <= {"dynamodb:GetItem", "dynamodb:Query"}, (name, actions)


def test_the_job_worker_can_create_and_read_resources_but_never_delete_or_overwrite_in_bulk():
    allowed = set()
    for actions, resources in _statements("JobsWorkerFunction"):
        if "ResourcesTable" in resources:
            allowed |= set(actions)
    assert allowed == {"dynamodb:PutItem", "dynamodb:Query"}


def test_every_endpoint_may_count_requests_and_only_posts_touch_idempotency():
    for spec in tpl.functions().values():
        if not spec.routes or spec.logical_id in tpl.METHOD_NOT_ALLOWED_FUNCTIONS:
            continue
        statements = list(_statements(spec.logical_id))
        assert any("RateLimitTable" in r and a == ["dynamodb:UpdateItem"] for a, r in statements)
        touches_idempotency = any("IdempotencyTable" in r for _, r in statements)
        assert touches_idempotency == any(r.method == "POST" for r in spec.routes), spec.logical_id


def test_layer_requirements_pin_the_locked_versions():
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"]: p["version"] for p in lock["package"]}
    pins = [
        line.split("==")
        for line in (ROOT / "layers/common/requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    ]
    assert pins
    for name, version in pins:
        assert locked[name] == version, name


def test_gateway_responses_use_the_spec_error_shape():
    api = tpl.load_template()["Resources"]["PlinthApi"]["Properties"]
    responses = api["GatewayResponses"]
    for kind in (
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "MISSING_AUTHENTICATION_TOKEN",
        "REQUEST_TOO_LARGE",
        "THROTTLED",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    ):
        body = json.loads(responses[kind]["ResponseTemplates"]["application/json"])
        assert set(body["error"]) == {"code", "message", "param"}, kind
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    assert "Retry-After" in responses["THROTTLED"]["ResponseParameters"]["Headers"]


def test_every_gateway_response_carries_the_spec_headers():
    """SPEC §1-§2: API Gateway's own answers carry what the functions' answers carry."""
    responses = tpl.load_template()["Resources"]["PlinthApi"]["Properties"]["GatewayResponses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX"} <= set(responses)
    for kind, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["X-Request-Id"] == "context.requestId", kind
        assert headers["Cache-Control"] == "'no-store'", kind
        assert headers["X-Content-Type-Options"] == "'nosniff'", kind
        if response.get("StatusCode") == "401":
            assert headers["WWW-Authenticate"] == """'Bearer realm="plinth"'""", kind
        if response.get("StatusCode", "500").startswith(("429", "503")):
            assert headers["Retry-After"] == "'1'", kind
    assert responses["UNAUTHORIZED"]["StatusCode"] == "401"


def test_jobs_queue_settings_agree_with_the_worker():
    resources = tpl.load_template()["Resources"]
    queue = resources["JobsQueue"]["Properties"]
    worker = tpl.functions()["JobsWorkerFunction"]
    assert queue["VisibilityTimeout"] >= 6 * worker.timeout
    assert 3 <= queue["RedrivePolicy"]["maxReceiveCount"] <= 5
    assert (
        int(worker.environment["JOBS_MAX_RECEIVE_COUNT"])
        == queue["RedrivePolicy"]["maxReceiveCount"]
    )
    stale = int(worker.environment["JOB_STALE_AFTER_SECONDS"])
    assert stale >= queue["VisibilityTimeout"] * (queue["RedrivePolicy"]["maxReceiveCount"] + 1)
    (source,) = worker.queue_events
    assert "ReportBatchItemFailures" in source["FunctionResponseTypes"]
    alarm = resources["JobsDeadLetterAlarm"]["Properties"]
    assert alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert tpl.functions()["JobsSweeperFunction"].schedules


def test_a_key_repeated_in_the_template_is_refused_not_silently_dropped():
    import yaml

    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'Conditions'"):
        yaml.load("Conditions: {}\nConditions: {}\n", Loader=tpl._CfnLoader)


def _recorder_statements():
    role = tpl.load_template()["Resources"]["EventsRecorderRole"]["Properties"]
    (policy,) = role["Policies"]
    for statement in policy["PolicyDocument"]["Statement"]:
        action = statement["Action"]
        yield (
            set([action] if isinstance(action, str) else action),
            json.dumps(statement["Resource"]),
        )


def test_the_recorder_may_only_put_events_and_read_the_three_streams():
    props = tpl.load_template()["Resources"]["EventsRecorderFunction"]["Properties"]
    assert props["Role"] == {"Fn::GetAtt": ["EventsRecorderRole", "Arn"]}
    assert "Policies" not in props  # SAM would add stream reads on "*" to its own role
    dynamodb = {}
    for actions, resources in _recorder_statements():
        for action in actions:
            if action.startswith("dynamodb:"):
                dynamodb[action] = resources
    assert dynamodb["dynamodb:PutItem"] == '{"Fn::GetAtt": ["EventsTable", "Arn"]}'
    streams = [
        f'{{"Fn::GetAtt": ["{t}", "StreamArn"]}}'
        for t in ("ResourcesTable", "JobsTable", "ApiKeysTable")
    ]
    for action in ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"):
        assert dynamodb[action] == "[" + ", ".join(streams) + "]", action
    assert set(dynamodb) == {
        "dynamodb:PutItem",
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
    }


def test_the_recorder_reads_each_stream_with_partial_failures_retries_and_a_dlq():
    recorder = tpl.functions()["EventsRecorderFunction"]
    assert len(recorder.stream_events) == 3
    for source in recorder.stream_events:
        assert source["StartingPosition"] == "TRIM_HORIZON"
        assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert source["BisectBatchOnFunctionError"] is True
        assert 0 < source["MaximumRetryAttempts"] <= 10
        assert source["MaximumBatchingWindowInSeconds"] <= 1
        failure = source["DestinationConfig"]["OnFailure"]
        assert failure == {
            "Type": "SQS",
            "Destination": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]},
        }
    tables = tpl.resources_of_type("AWS::DynamoDB::Table")
    for name in ("ResourcesTable", "JobsTable", "ApiKeysTable"):
        spec = tables[name]["Properties"]["StreamSpecification"]
        assert spec == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


def test_the_event_readers_can_only_query_and_get_the_events_table():
    for name, allowed in (
        ("ListEventsFunction", {"dynamodb:Query"}),
        ("GetEventFunction", {"dynamodb:GetItem"}),
    ):
        for actions, resources in _statements(name):
            if "EventsTable" in resources:
                assert set(actions) == allowed, (name, actions)
    events = tpl.resources_of_type("AWS::DynamoDB::Table")["EventsTable"]["Properties"]
    assert events["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert events["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert events["SSESpecification"] == {"SSEEnabled": True}
    (index,) = events["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "byType"
