"""SPEC §3: error shapes, the order of checks, and no 500s from input."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import EndpointConnectionError

from plinth.repositories.resources import DynamoResourceRepository
from tests.support import dependencies, failing_client, fresh_dependencies

MISSING_ID = "res_01JGZ9A5B7C9D1E3F5G7H9J1K3"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "A JSON object body is required."),
        ("   ", "A JSON object body is required."),
        ("{not json", "The body is not valid JSON."),
        ('{"name": "x",}', "The body is not valid JSON."),
        ('{"name": NaN}', "The body is not valid JSON."),
        ("[]", "The body must be a JSON object."),
        ('"name"', "The body must be a JSON object."),
        ("null", "The body must be a JSON object."),
        ("42", "The body must be a JSON object."),
    ],
)
def test_malformed_body_is_400_invalid_json(api, raw, message):
    response = api.request(
        "POST", "/v1/resources", raw_body=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    assert response.error == {"code": "invalid_json", "message": message, "param": None}


@pytest.mark.parametrize("raw", ["[" * 100_000, '{"a":' * 100_000])
def test_absurdly_nested_body_is_400_not_500(api, raw):
    response = api.request("POST", "/v1/resources", raw_body=raw)
    assert response.status == 400
    assert response.error["code"] == "invalid_json"


def test_deep_but_parseable_body_is_a_clean_422(api):
    raw = '{"name": "x", "metadata": {"k": ' + '{"a":' * 900 + "1" + "}" * 900 + "}}"
    response = api.request("POST", "/v1/resources", raw_body=raw)
    assert response.status == 422
    assert response.error["param"] == "metadata.k"


def test_body_that_is_not_utf8_is_400(api):
    response = api.request("POST", "/v1/resources", raw_body=b'{"name": "\xff\xfe"}')
    assert response.status == 400
    assert response.error["message"] == "The body is not valid UTF-8."


def test_patch_with_malformed_body_is_400(api):
    response = api.request("PATCH", f"/v1/resources/{MISSING_ID}", raw_body="[1]")
    assert response.status == 400
    assert response.error["code"] == "invalid_json"


def test_body_over_one_mebibyte_is_413_before_syntax(api):
    raw = "{" + " " * (1024 * 1024) + "x"
    response = api.request("POST", "/v1/resources", raw_body=raw)
    assert response.status == 413
    assert response.error["code"] == "payload_too_large"
    assert api.request("GET", "/v1/resources").body["data"] == []


def test_body_of_exactly_one_mebibyte_is_accepted_for_parsing(api):
    body = json.dumps({"name": "x"})
    raw = body + " " * (1024 * 1024 - len(body))
    assert api.request("POST", "/v1/resources", raw_body=raw).status == 201


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "application/x-www-form-urlencoded",
        "text/plain",
    ],
)
def test_non_json_content_type_is_400_never_500(api, content_type):
    response = api.request(
        "POST", "/v1/resources", raw_body='{"name": "x"}', headers={"Content-Type": content_type}
    )
    assert response.status == 400
    assert response.error["code"] == "invalid_json"
    assert response.error["param"] == "Content-Type"


@pytest.mark.parametrize(
    "content_type",
    ["application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json"],
)
def test_json_content_types_are_accepted(api, content_type):
    response = api.request(
        "POST", "/v1/resources", raw_body='{"name": "x"}', headers={"content-type": content_type}
    )
    assert response.status == 201


def test_base64_encoded_json_body_is_decoded(api):
    assert api.request("POST", "/v1/resources", raw_body=b'{"name": "b64"}').status == 201


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v1/resources", "GET, POST"),
        ("DELETE", "/v1/resources", "GET, POST"),
        ("PUT", f"/v1/resources/{MISSING_ID}", "DELETE, GET, PATCH"),
        ("POST", f"/v1/resources/{MISSING_ID}", "DELETE, GET, PATCH"),
        ("OPTIONS", f"/v1/resources/{MISSING_ID}", "DELETE, GET, PATCH"),
    ],
)
def test_wrong_method_on_known_path_is_405_with_allow(api, method, path, allow):
    response = api.request(method, path)
    assert response.status == 405
    assert response.headers["Allow"] == allow
    assert response.error["code"] == "method_not_allowed"
    assert response.error["param"] is None
    assert response.headers["X-Request-Id"]


def test_405_comes_before_scope(api):
    response = api.request("PUT", "/v1/resources", scopes=())
    assert response.status == 405


def test_every_response_carries_the_gateway_request_id(api, create):
    created = create()
    response = api.request("GET", f"/v1/resources/{created['id']}")
    assert response.raw["multiValueHeaders"]["X-Request-Id"] == [response.request_id]
    rejected = api.request("POST", "/v1/resources", raw_body="nope")
    assert rejected.raw["multiValueHeaders"]["X-Request-Id"] == [rejected.request_id]


class _Exploding:
    def get(self, *args, **kwargs):
        raise RuntimeError("boom: table test-ResourcesTable, AccessDeniedException at line 3")


def test_unexpected_exception_is_500_without_internals(api):
    with dependencies(resources=_Exploding()):
        response = api.request("GET", f"/v1/resources/{MISSING_ID}")
    assert response.status == 500
    assert response.error == {
        "code": "internal_error",
        "message": "An internal error occurred.",
        "param": None,
    }
    assert "boom" not in response.text and "Table" not in response.text


def _stubbed(operation: str, code: str, status: int):
    return failing_client("dynamodb", operation, code, status)


@pytest.mark.parametrize(
    ("method", "operation", "body"),
    [
        ("GET", "get_item", None),
        ("PATCH", "update_item", {"name": "x"}),
        ("DELETE", "delete_item", None),
    ],
)
@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ProvisionedThroughputExceededException", 400),
        ("ThrottlingException", 400),
        ("InternalServerError", 500),
        ("ServiceUnavailable", 503),
    ],
)
def test_dynamodb_throttling_or_outage_is_503_with_retry_after(
    api, aws, method, operation, body, code, status
):
    client = _stubbed(operation, code, status)
    with dependencies(resources=DynamoResourceRepository(client, aws["ResourcesTable"])):
        response = api.request(method, f"/v1/resources/{MISSING_ID}", json_body=body)
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert response.error["code"] == "service_unavailable"
    assert code not in response.text


def test_dynamodb_unreachable_is_503(api, aws):
    class Unreachable:
        def put_item(self, **kwargs):
            raise EndpointConnectionError(endpoint_url="https://dynamodb.us-east-1.amazonaws.com")

    with dependencies(resources=DynamoResourceRepository(Unreachable(), aws["ResourcesTable"])):
        response = api.request("POST", "/v1/resources", json_body={"name": "x"})
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"
    assert "amazonaws" not in response.text


def test_list_throttled_is_503(api, aws):
    client = _stubbed("query", "ProvisionedThroughputExceededException", 400)
    with dependencies(resources=DynamoResourceRepository(client, aws["ResourcesTable"])):
        response = api.request("GET", "/v1/resources")
    assert response.status == 503
    assert response.error["code"] == "service_unavailable"


def test_cursor_secret_unavailable_is_503(api, monkeypatch):
    monkeypatch.setenv(
        "CURSOR_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone"
    )
    fresh_dependencies()
    response = api.request("GET", "/v1/resources")
    assert response.status == 503
    assert response.headers["Retry-After"] == "1"


def _refused_methods():
    from plinth.http.methods import ALLOWED_METHODS

    every = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
    for path, allowed in ALLOWED_METHODS.items():
        for method in every:
            if method not in allowed:
                yield method, path.replace("{id}", MISSING_ID), ", ".join(allowed)


@pytest.mark.parametrize(("method", "path", "allow"), list(_refused_methods()))
def test_wrong_method_is_405_whatever_the_query_or_body_holds(api, method, path, allow):
    """SPEC §3: the method is checked before the query string and the body."""
    response = api.request(
        method, path, query={"limit": "5", "bogus": "1"}, raw_body='{"a": 1, "a": [}'
    )
    assert response.status == 405, response.text
    assert response.headers["Allow"] == allow
    assert response.error["code"] == "method_not_allowed"


def test_405_still_comes_after_authentication(api):
    response = api.request("PUT", "/v1/resources", query={"limit": "5"}, authorizer={})
    assert response.status == 401


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/v1/resources", {"name": "x", "": 1}, ""),
        ("/v1/resources/bulk", {"resources": [{"name": "x", "": 1}]}, "resources.0."),
        ("/v1/resources/bulk", {"resources": [{"name": "x"}], "": 1}, ""),
        ("/v1/resources/export", {"": "active"}, ""),
    ],
)
def test_empty_field_name_is_named_exactly_as_sent(api, path, body, param):
    response = api.request("POST", path, json_body=body)
    assert response.status == 422, response.text
    assert response.error == {
        "code": "validation_error",
        "message": f"Unknown field '{param}'.",
        "param": param,
    }


def test_patch_empty_field_name_is_named_exactly_as_sent(api, create):
    created = create()
    response = api.request("PATCH", f"/v1/resources/{created['id']}", json_body={"": None})
    assert response.status == 422
    assert response.error["param"] == ""


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/v1/resources", {"nmae": "x"}, "nmae"),
        ("/v1/resources", {"description": 5, "nmae": "x"}, "nmae"),
        ("/v1/resources/bulk", {"resources": [{"nmae": "x"}]}, "resources.0.nmae"),
        ("/v1/resources/bulk", {"resources": [{}, {"nmae": "x"}]}, "resources.1.nmae"),
        ("/v1/resources/bulk", {"resourcez": []}, "resourcez"),
    ],
)
def test_unknown_field_is_reported_before_missing_or_invalid_ones(api, path, body, param):
    response = api.request("POST", path, json_body=body)
    assert response.status == 422
    assert response.error == {
        "code": "validation_error",
        "message": f"Unknown field '{param}'.",
        "param": param,
    }


@pytest.mark.parametrize(
    ("method", "path", "raw"),
    [
        ("POST", "/v1/resources", '{"name": "a", "name": "b"}'),
        ("POST", "/v1/resources", '{"name": "a", "metadata": {"k": "1", "k": "2"}}'),
        ("POST", "/v1/resources/bulk", '{"resources": [{"name": "a", "name": "b"}]}'),
        ("POST", "/v1/resources/bulk", '{"resources": [], "resources": [{"name": "b"}]}'),
        ("POST", "/v1/resources/export", '{"status": "active", "status": "paused"}'),
        ("PATCH", f"/v1/resources/{MISSING_ID}", '{"a": {"b": {"c": 1, "c": 1}}}'),
    ],
)
def test_repeated_key_at_any_depth_is_400_invalid_json(api, method, path, raw):
    response = api.request(method, path, raw_body=raw, headers={"Content-Type": "application/json"})
    assert response.status == 400, response.text
    assert response.error["code"] == "invalid_json"
    assert "repeats the key" in response.error["message"]
    assert api.request("GET", "/v1/resources").body["data"] == []


def test_same_key_in_different_objects_is_fine(api):
    raw = '{"name": "a", "metadata": {"name": "b"}}'
    assert api.request("POST", "/v1/resources", raw_body=raw).status == 201


def _assert_spec_headers(response):
    assert response.headers["Cache-Control"] == "no-store", response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-Id"] == response.request_id


def test_every_response_carries_cache_control_and_nosniff(api, create):
    created = create()
    rid = created["id"]
    responses = [
        api.request("POST", "/v1/resources", json_body={"name": "x"}),
        api.request("GET", f"/v1/resources/{rid}"),
        api.request("GET", "/v1/resources"),
        api.request("PATCH", f"/v1/resources/{rid}", json_body={}),
        api.request("DELETE", f"/v1/resources/{rid}"),
        api.request("POST", "/v1/resources/export", json_body={}),
        api.request("GET", "/v1/jobs"),
        api.request("GET", f"/v1/jobs/{MISSING_ID}"),
        api.request("PUT", "/v1/resources"),
        api.request("POST", "/v1/resources", raw_body="{"),
        api.request("POST", "/v1/resources", json_body={}),
        api.request("GET", "/v1/resources", scopes=()),
        api.request("GET", "/v1/resources", authorizer={}),
        api.request("GET", "/v1/resources", rate_limit=1),
    ]
    with dependencies(resources=_Exploding()):
        responses.append(api.request("GET", f"/v1/resources/{MISSING_ID}"))
    statuses = {r.status for r in responses}
    assert {200, 201, 202, 204, 400, 401, 403, 404, 405, 422, 500} <= statuses
    for response in responses:
        _assert_spec_headers(response)


def test_every_401_carries_www_authenticate(api):
    response = api.request("GET", "/v1/resources", authorizer={})
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="plinth"'
    refused = api.request("PUT", "/v1/resources", authorizer={})
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="plinth"'
