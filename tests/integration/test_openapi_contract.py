"""docs/openapi.json: valid, current, covering the template, and true to the responses."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator, ValidationError
from openapi_spec_validator import validate

from plinth import ids
from plinth.logic.rate_limit import SHARD_CAPACITY
from plinth.models.job import JobType
from plinth_tools import openapi
from plinth_tools import template as tpl

DOCUMENT = json.loads(openapi.DOCUMENT.read_text())
COMPONENTS = DOCUMENT["components"]
OPERATIONS = {
    (method.upper(), path): operation
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
}


def _schema(schema):
    return Draft202012Validator(schema | {"components": COMPONENTS})


def _check(body, schema_name):
    _schema({"$ref": f"#/components/schemas/{schema_name}"}).validate(body)


def _header(ref_or_header):
    ref = ref_or_header.get("$ref")
    return COMPONENTS["headers"][ref.rsplit("/", 1)[1]] if ref else ref_or_header


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_document_is_valid_openapi_and_up_to_date():
    validate(DOCUMENT)
    assert openapi.DOCUMENT.read_text() == openapi.render(), "run `make openapi`"


def test_document_covers_exactly_the_template_routes():
    declared = {(r.method, r.path) for r in tpl.served_routes()}
    assert set(OPERATIONS) == declared


def test_operations_have_stable_ids_tags_and_summaries():
    ids = {key: operation["operationId"] for key, operation in OPERATIONS.items()}
    assert ids == {
        ("POST", "/v1/resources"): "createResource",
        ("GET", "/v1/resources/{id}"): "getResource",
        ("PATCH", "/v1/resources/{id}"): "updateResource",
        ("DELETE", "/v1/resources/{id}"): "deleteResource",
        ("GET", "/v1/resources"): "listResources",
        ("POST", "/v1/resources/bulk"): "bulkCreateResources",
        ("POST", "/v1/resources/export"): "exportResources",
        ("GET", "/v1/jobs/{id}"): "getJob",
        ("GET", "/v1/jobs"): "listJobs",
        ("POST", "/v1/api_keys"): "createApiKey",
        ("GET", "/v1/api_keys"): "listApiKeys",
        ("GET", "/v1/api_keys/{id}"): "getApiKey",
        ("DELETE", "/v1/api_keys/{id}"): "revokeApiKey",
        ("POST", "/v1/api_keys/{id}/roll"): "rollApiKey",
        ("GET", "/v1/events"): "listEvents",
        ("GET", "/v1/events/{id}"): "getEvent",
        ("POST", "/v1/events/{id}/redeliver"): "redeliverEvent",
        ("POST", "/v1/webhook_endpoints"): "createWebhookEndpoint",
        ("GET", "/v1/webhook_endpoints"): "listWebhookEndpoints",
        ("GET", "/v1/webhook_endpoints/{id}"): "getWebhookEndpoint",
        ("DELETE", "/v1/webhook_endpoints/{id}"): "deleteWebhookEndpoint",
    }
    tags = {
        "/v1/jobs": "Jobs",
        "/v1/api_keys": "API keys",
        "/v1/resources": "Resources",
        "/v1/events": "Events",
        "/v1/webhook_endpoints": "Webhooks",
    }
    for (_, path), operation in OPERATIONS.items():
        assert operation["summary"] and not operation["summary"].startswith(("GET ", "POST "))
        (expected,) = [tag for prefix, tag in tags.items() if path.startswith(prefix)]
        assert expected in operation["tags"]
    assert "Webhooks" in OPERATIONS[("POST", "/v1/events/{id}/redeliver")]["tags"]
    assert {tag["name"] for tag in DOCUMENT["tags"]} == set(tags.values())


def test_bearer_security_scheme_applies_to_every_operation():
    assert COMPONENTS["securitySchemes"]["bearerAuth"] | {"description": ""} == {
        "type": "http",
        "scheme": "bearer",
        "description": "",
    }
    assert DOCUMENT["security"] == [{"bearerAuth": []}]
    assert all("security" not in operation for operation in OPERATIONS.values())


def test_every_operation_documents_its_errors_including_the_gateways_own():
    for (method, path), operation in OPERATIONS.items():
        responses = operation["responses"]
        expected = {"401", "403", "413", "422", "429", "500", "502", "503", "504"}
        if "{id}" in path:
            expected.add("404")
        if method in ("POST", "PATCH"):
            expected.add("400")
        assert expected <= set(responses), (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
        assert _header(responses["401"]["headers"]["WWW-Authenticate"])["required"]
        for status in ("429", "503"):
            assert _header(responses[status]["headers"]["Retry-After"])["required"]


def test_every_response_documents_the_headers_it_always_carries():
    for (method, path), operation in OPERATIONS.items():
        for status, response in operation["responses"].items():
            headers = {name: _header(h) for name, h in response["headers"].items()}
            for name in ("X-Request-Id", "Cache-Control", "X-Content-Type-Options"):
                assert headers[name]["required"], (method, path, status, name)
            assert not headers["RateLimit"]["required"]
            assert not headers["RateLimit-Policy"]["required"]
            # A redelivery (202) queues deliveries: nothing to poll, so no Location.
            if status in ("201", "202") and operation["operationId"] != "redeliverEvent":
                assert headers["Location"]["required"]
            if method == "POST" and status.startswith("2"):
                assert not headers["Idempotent-Replayed"]["required"]
    assert set(COMPONENTS["headers"]) == {
        "X-Request-Id",
        "Cache-Control",
        "X-Content-Type-Options",
        "RateLimit-Policy",
        "RateLimit",
        "Retry-After",
        "Allow",
        "WWW-Authenticate",
        "Idempotent-Replayed",
    }


def test_no_schema_uses_pydantic_bound_names():
    for node in _walk(DOCUMENT):
        if isinstance(node, dict) and node.get("type") in ("integer", "number"):
            assert not {"ge", "le", "gt", "lt"} & set(node), node
    limit = next(
        p for p in OPERATIONS[("GET", "/v1/resources")]["parameters"] if p["name"] == "limit"
    )
    assert limit["schema"]["minimum"] == 1
    assert limit["schema"]["maximum"] == 100


def test_query_parameters_never_document_null():
    for operation in OPERATIONS.values():
        for parameter in operation.get("parameters", []):
            assert '"null"' not in json.dumps(parameter), parameter


@pytest.mark.parametrize("field", ["name", "status", "metadata"])
def test_patch_schema_refuses_null_where_the_api_does(api, create, field):
    with pytest.raises(ValidationError):
        _check({field: None}, "ResourcePatch")
    created = create()
    response = api.request("PATCH", f"/v1/resources/{created['id']}", json_body={field: None})
    assert response.status == 422


def test_patch_schema_allows_null_description_as_the_api_does(api, create):
    _check({"description": None}, "ResourcePatch")
    created = create(description="d")
    response = api.request(
        "PATCH", f"/v1/resources/{created['id']}", json_body={"description": None}
    )
    assert response.status == 200


def test_export_body_is_optional_but_never_null(api):
    operation = OPERATIONS[("POST", "/v1/resources/export")]
    assert not operation["requestBody"].get("required", False)
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    with pytest.raises(ValidationError):
        _schema(schema).validate(None)
    null = api.request(
        "POST",
        "/v1/resources/export",
        raw_body="null",
        headers={"Content-Type": "application/json"},
    )
    assert null.status == 400
    assert api.request("POST", "/v1/resources/export").status == 202


def test_lists_and_timestamps_are_named_and_typed():
    for list_name, item in (("ResourceList", "ResourceResponse"), ("JobList", "JobResponse")):
        assert COMPONENTS["schemas"][list_name]["properties"]["data"]["items"] == {
            "$ref": f"#/components/schemas/{item}"
        }
    listed = OPERATIONS[("GET", "/v1/resources")]["responses"]["200"]["content"]
    assert listed["application/json"]["schema"] == {"$ref": "#/components/schemas/ResourceList"}
    jobs = OPERATIONS[("GET", "/v1/jobs")]["responses"]["200"]["content"]
    assert jobs["application/json"]["schema"] == {"$ref": "#/components/schemas/JobList"}
    resource = COMPONENTS["schemas"]["ResourceResponse"]["properties"]
    assert resource["createdAt"]["format"] == "date-time"
    assert resource["updatedAt"]["format"] == "date-time"
    job = COMPONENTS["schemas"]["JobResponse"]["properties"]
    assert job["createdAt"]["format"] == "date-time"
    assert {"type": "string", "format": "date-time"} in job["completedAt"]["anyOf"]


def test_ratelimit_header_says_remaining_is_an_estimate_above_one_shard():
    description = COMPONENTS["headers"]["RateLimit"]["description"]
    assert f"up to {SHARD_CAPACITY} requests per second" in description
    assert "`r` is an estimate" in description
    assert "times the number of shards" in description


def test_list_pages_hold_at_most_the_largest_limit():
    for path, list_name in (("/v1/resources", "ResourceList"), ("/v1/jobs", "JobList")):
        (limit,) = [p for p in OPERATIONS[("GET", path)]["parameters"] if p["name"] == "limit"]
        data = COMPONENTS["schemas"][list_name]["properties"]["data"]
        assert data["maxItems"] == limit["schema"]["maximum"] == 100, path


def test_job_result_is_a_union_discriminated_by_the_job_type():
    ref = "#/components/schemas/{}".format
    result = COMPONENTS["schemas"]["JobResponse"]["properties"]["result"]
    (tagged,) = [schema for schema in result["anyOf"] if schema != {"type": "null"}]
    variants = {JobType.BULK_CREATE: "BulkCreateResult", JobType.EXPORT: "ExportResult"}
    assert tagged["oneOf"] == [{"$ref": ref(name)} for name in variants.values()]
    assert tagged["discriminator"] == {
        "propertyName": "type",
        "mapping": {kind.value: ref(name) for kind, name in variants.items()},
    }
    assert set(variants) == set(JobType)
    for kind, name in variants.items():
        variant = COMPONENTS["schemas"][name]
        assert variant["properties"]["type"]["const"] == kind.value
        assert "type" in variant["required"]


def _path_id(method, path):
    (parameter,) = [p for p in OPERATIONS[(method, path)]["parameters"] if p["in"] == "path"]
    return parameter["schema"]


def test_path_ids_document_the_shape_the_api_mints(api, sample):
    prefixes = {
        "/v1/resources/{id}": ids.RESOURCE_PREFIX,
        "/v1/jobs/{id}": ids.JOB_PREFIX,
        "/v1/api_keys/{id}": ids.KEY_PREFIX,
        "/v1/api_keys/{id}/roll": ids.KEY_PREFIX,
        "/v1/events/{id}": ids.EVENT_PREFIX,
        "/v1/events/{id}/redeliver": ids.EVENT_PREFIX,
        "/v1/webhook_endpoints/{id}": ids.WEBHOOK_ENDPOINT_PREFIX,
    }
    for method, path in OPERATIONS:
        if "{id}" in path:
            schema = _path_id(method, path)
            assert schema["pattern"] == ids.id_pattern(prefixes[path]), (method, path)
            assert schema["maxLength"] == ids.id_length(prefixes[path]), (method, path)
    resource, job = sample
    bulk = api.request("POST", "/v1/resources/bulk", json_body={"resources": [{"name": "b"}]})
    for value, path in ((resource["id"], "/v1/resources/{id}"), (job["id"], "/v1/jobs/{id}")):
        _schema(_path_id("GET", path)).validate(value)
    _schema(_path_id("GET", "/v1/jobs/{id}")).validate(bulk.body["id"])
    _schema(_path_id("GET", "/v1/resources/{id}")).validate(ids.derived_id("res_", 1, "s", 7))


@pytest.mark.parametrize("value", ["res_missing", "res_" + "0" * 25, "res_" + "0" * 27, "job_x"])
def test_an_id_outside_the_documented_shape_is_404_not_422(api, value):
    with pytest.raises(ValidationError):
        _schema(_path_id("GET", "/v1/resources/{id}")).validate(value)
    for method in ("GET", "PATCH", "DELETE"):
        body = {} if method == "PATCH" else None
        response = api.request(method, f"/v1/resources/{value}", json_body=body)
        assert response.status == 404, (method, response.text)
        assert response.error == {
            "code": "not_found",
            "message": "No such resource.",
            "param": "id",
        }
    job = api.request("GET", f"/v1/jobs/{value.replace('res_', 'job_')}")
    assert (job.status, job.error["code"]) == (404, "not_found")


def test_gateway_responses_match_the_documented_errors():
    """API Gateway's own answers (template.yaml) are documented errors, headers included."""
    responses = tpl.load_template()["Resources"]["PlinthApi"]["Properties"]["GatewayResponses"]
    for kind, response in responses.items():
        _check(json.loads(response["ResponseTemplates"]["application/json"]), "ErrorResponse")
        for name, value in response["ResponseParameters"]["Headers"].items():
            documented = COMPONENTS["headers"][name]
            if value.startswith("'"):
                _schema(documented["schema"]).validate(value.strip("'"))
        status = response.get("StatusCode")
        # MISSING_AUTHENTICATION_TOKEN answers paths that are no operation.
        if status and kind != "MISSING_AUTHENTICATION_TOKEN":
            for operation in OPERATIONS.values():
                assert status in operation["responses"], (kind, status)


@pytest.fixture
def sample(api, create):
    resource = create(name="contract", metadata={"k": "v"})
    job = api.request("POST", "/v1/resources/export", json_body={}).body
    return resource, job


def _assert_documented(response, method, template_path):
    operation = OPERATIONS[(method, template_path)]
    documented = operation["responses"].get(str(response.status))
    assert documented is not None, (method, template_path, response.status)
    content = documented.get("content")
    if content:
        _schema(content["application/json"]["schema"]).validate(response.body)
    else:
        assert response.text == ""
    sent = {name.lower(): value for name, value in response.headers.items()}
    for name, documented_header in documented["headers"].items():
        header = _header(documented_header)
        if header["required"]:
            assert name.lower() in sent, (method, template_path, response.status, name)
        if name.lower() in sent:
            _schema(header["schema"]).validate(sent[name.lower()])
    undocumented = set(sent) - {n.lower() for n in documented["headers"]} - {"content-type"}
    assert not undocumented, (method, template_path, undocumented)


def _limited(api):
    """A 429: a limit of 1, hit until the same one-second window sees a second request."""
    while (response := api.request("GET", "/v1/jobs", rate_limit=1)).status != 429:
        pass
    return response


def test_real_responses_match_the_document_bodies_and_headers(api, sample):
    resource, job = sample
    rid = resource["id"]
    calls = [
        ("POST", "/v1/resources", "/v1/resources", {"name": "x"}, 201),
        ("GET", f"/v1/resources/{rid}", "/v1/resources/{id}", None, 200),
        ("PATCH", f"/v1/resources/{rid}", "/v1/resources/{id}", {"status": "paused"}, 200),
        ("GET", "/v1/resources", "/v1/resources", None, 200),
        ("POST", "/v1/resources/bulk", "/v1/resources/bulk", {"resources": [{"name": "b"}]}, 202),
        ("GET", f"/v1/jobs/{job['id']}", "/v1/jobs/{id}", None, 200),
        ("GET", "/v1/jobs", "/v1/jobs", None, 200),
        ("POST", "/v1/resources", "/v1/resources", {"name": 5}, 422),
        ("GET", "/v1/resources/res_missing", "/v1/resources/{id}", None, 404),
        ("DELETE", f"/v1/resources/{rid}", "/v1/resources/{id}", None, 204),
    ]
    for method, path, template_path, body, status in calls:
        response = api.request(method, path, json_body=body)
        assert response.status == status, (method, path, response.text)
        _assert_documented(response, method, template_path)
    replay = [
        api.request(
            "POST", "/v1/resources", json_body={"name": "r"}, headers={"Idempotency-Key": "k1"}
        )
        for _ in range(2)
    ]
    assert replay[1].headers["Idempotent-Replayed"] == "true"
    _assert_documented(replay[1], "POST", "/v1/resources")
    refusals = [
        (api.request("GET", "/v1/resources", authorizer={}), "GET", "/v1/resources", 401),
        (api.request("GET", "/v1/resources", scopes=()), "GET", "/v1/resources", 403),
        (_limited(api), "GET", "/v1/jobs", 429),
        (api.request("PATCH", "/v1/resources/bulk"), "PATCH", "/v1/resources/{id}", 405),
    ]
    for response, method, template_path, status in refusals:
        assert response.status == status, response.text
        _assert_documented(response, method, template_path)


def test_document_rejects_what_the_api_would_not_send():
    with pytest.raises(ValidationError):
        _check({"id": "res_x", "object": "job"}, "ResourceResponse")
