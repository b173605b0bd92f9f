"""The API Gateway emulation, against the real template with fake functions."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import pytest

from plinth_tools import template as tpl
from plinth_tools.local.gateway import Gateway, GatewayRequest, proxy_result

ALLOW_ALL = {
    "principalId": "key_1",
    "policyDocument": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Action": "execute-api:Invoke",
                "Effect": "Allow",
                "Resource": ["arn:aws:execute-api:us-east-1:123456789012:local/live/*/*"],
            }
        ],
    },
    "context": {"workspaceId": "ws_a", "keyId": "key_1", "scopes": "resources:read"},
}


class FakePool:
    def __init__(self, result: Any = None, error: Exception | None = None) -> None:
        self.result = result
        self.error = error
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any], request_id: str) -> Any:
        self.events.append(event)
        if self.error:
            raise self.error
        return self.result


def _gateway(ttl: str = "60") -> Gateway:
    parameters = tpl.parameter_defaults() | {"AuthorizerTtlSeconds": ttl}
    return Gateway(tpl.load_template(), "live", parameters)


def _request(method="GET", path="/v1/resources", query="", headers=None, body=b""):
    headers = headers if headers is not None else [("Authorization", "Bearer sk_x")]
    return GatewayRequest(method, path, query, headers, body)


def _header(result, name):
    return [v for k, v in result.headers if k.lower() == name.lower()]


OK = {"statusCode": 200, "multiValueHeaders": {"Content-Type": ["application/json"]}, "body": "{}"}


def test_request_becomes_a_rest_proxy_v1_event():
    gateway = _gateway()
    authorizer, function = FakePool(ALLOW_ALL), FakePool(OK)
    gateway.pools["AuthorizerFunction"] = authorizer
    gateway.pools["GetResourceFunction"] = function
    result = gateway.handle(
        _request(
            path="/v1/resources/res_a%20b",
            query="expand=x&expand=y&q=",
            headers=[("Authorization", "Bearer sk_x"), ("X-Multi", "1"), ("X-Multi", "2")],
        )
    )
    assert result.status == 200
    (event,) = function.events
    assert event["resource"] == "/v1/resources/{id}"
    assert event["path"] == "/v1/resources/res_a%20b"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "res_a b"}
    assert event["queryStringParameters"] == {"expand": "y", "q": ""}
    assert event["multiValueQueryStringParameters"] == {"expand": ["x", "y"], "q": [""]}
    assert event["headers"]["X-Multi"] == "2"
    assert event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    context = event["requestContext"]
    assert context["stage"] == "live"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["authorizer"]["workspaceId"] == "ws_a"
    assert context["authorizer"]["principalId"] == "key_1"
    assert context["requestId"]
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    (auth_event,) = authorizer.events
    assert auth_event["type"] == "REQUEST"
    assert auth_event["methodArn"] == (
        "arn:aws:execute-api:us-east-1:123456789012:local/live/GET/v1/resources/res_a%20b"
    )


def test_binary_body_is_base64_encoded_in_the_event():
    gateway = _gateway()
    gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    function = gateway.pools["CreateResourceFunction"] = FakePool(OK)
    gateway.handle(_request("POST", body=b"\xff\x00"))
    assert function.events[0]["isBase64Encoded"] is True
    assert base64.b64decode(function.events[0]["body"]) == b"\xff\x00"


def test_authorizer_verdict_is_cached_for_the_ttl_per_identity():
    gateway = _gateway("60")
    authorizer = gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    gateway.pools["ListResourcesFunction"] = FakePool(OK)
    for _ in range(3):
        assert gateway.handle(_request()).status == 200
    assert len(authorizer.events) == 1
    gateway.handle(_request(headers=[("Authorization", "Bearer sk_other")]))
    assert len(authorizer.events) == 2


def test_ttl_zero_disables_the_cache():
    gateway = _gateway("0")
    authorizer = gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    gateway.pools["ListResourcesFunction"] = FakePool(OK)
    gateway.handle(_request())
    gateway.handle(_request())
    assert len(authorizer.events) == 2


def _error(result):
    return json.loads(result.body)["error"]


def test_missing_identity_header_is_401_without_calling_the_authorizer():
    gateway = _gateway()
    authorizer = gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    result = gateway.handle(_request(headers=[]))
    assert result.status == 401
    assert _error(result)["code"] == "unauthorized"
    assert authorizer.events == []
    assert _header(result, "X-Request-Id")[0]


def test_authorizer_unauthorized_is_401_and_other_failures_are_503():
    gateway = _gateway()
    gateway.pools["AuthorizerFunction"] = FakePool(error=Exception("Unauthorized"))
    assert gateway.handle(_request()).status == 401
    gateway.pools["AuthorizerFunction"] = FakePool(error=RuntimeError("dynamodb down"))
    result = gateway.handle(_request(headers=[("Authorization", "Bearer sk_y")]))
    assert result.status == 503
    assert _error(result)["code"] == "service_unavailable"
    assert _header(result, "Retry-After") == ["1"]


def test_deny_policy_is_403_access_denied():
    gateway = _gateway()
    deny = json.loads(json.dumps(ALLOW_ALL))
    deny["policyDocument"]["Statement"][0]["Effect"] = "Deny"
    gateway.pools["AuthorizerFunction"] = FakePool(deny)
    result = gateway.handle(_request())
    assert result.status == 403
    assert _error(result)["code"] == "forbidden"


def test_unknown_route_is_404_before_authorization():
    gateway = _gateway()
    authorizer = gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    result = gateway.handle(_request(path="/v1/unknown"))
    assert result.status == 404
    assert _error(result) == {"code": "not_found", "message": "No such route.", "param": None}
    assert authorizer.events == []


def test_body_over_the_gateway_limit_is_413():
    gateway = _gateway()
    gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    function = gateway.pools["CreateResourceFunction"] = FakePool(OK)
    result = gateway.handle(_request("POST", body=b"x" * (10 * 1024 * 1024 + 1)))
    assert result.status == 413
    assert _error(result)["code"] == "payload_too_large"
    assert function.events == []


def test_crashing_function_is_502_in_spec_shape():
    gateway = _gateway()
    gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    gateway.pools["ListResourcesFunction"] = FakePool(error=RuntimeError("boom"))
    result = gateway.handle(_request())
    assert result.status == 502
    assert "boom" not in result.body.decode()


def test_proxy_result_keeps_multi_value_headers_and_decodes_base64():
    result = proxy_result(
        {
            "statusCode": 201,
            "headers": {"X-One": "a", "X-Both": "ignored"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "X-Both": ["kept"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert result.status == 201
    assert result.body == b"\x00\x01"
    assert _header(result, "Set-Cookie") == ["a=1", "b=2"]
    assert _header(result, "X-One") == ["a"]
    assert _header(result, "X-Both") == ["kept"]


@pytest.mark.parametrize("bad", [None, {"body": "x"}, "text"])
def test_malformed_proxy_result_is_502_in_spec_shape(bad):
    gateway = _gateway()
    gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    gateway.pools["ListResourcesFunction"] = FakePool(bad)
    result = gateway.handle(_request())
    assert result.status == 502
    assert _error(result)["code"] == "service_unavailable"
    assert _header(result, "Cache-Control") == ["no-store"]


def test_flush_stage_authorizers_cache_over_http_empties_the_cache_of_that_stage_only():
    """boto3's FlushStageAuthorizersCache, pointed at the local API, as the functions and
    the CLI call it."""
    import boto3

    from plinth_tools.local.server import FrontServer

    gateway = _gateway("60")
    authorizer = gateway.pools["AuthorizerFunction"] = FakePool(ALLOW_ALL)
    gateway.pools["ListResourcesFunction"] = FakePool(OK)
    server = FrontServer("127.0.0.1", 0, gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = boto3.client(
            "apigateway",
            endpoint_url=f"http://127.0.0.1:{server.port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        gateway.handle(_request())
        gateway.handle(_request())
        assert len(authorizer.events) == 1
        answer = client.flush_stage_authorizers_cache(restApiId="local", stageName="live")
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
        gateway.handle(_request())
        assert len(authorizer.events) == 2
        with pytest.raises(client.exceptions.ClientError):
            client.flush_stage_authorizers_cache(restApiId="local", stageName="other")
        gateway.handle(_request())
        assert len(authorizer.events) == 2
    finally:
        server.shutdown()
        server.server_close()


def test_the_firewall_follows_the_template_and_its_parameter():
    from plinth_tools.local.firewall import Firewall

    template = tpl.load_template()
    firewall = Firewall(template, tpl.parameter_defaults(template))
    over = _request("POST", headers=[("Content-Length", str(5 * 1024 * 1024 + 1))])
    at = _request("POST", headers=[("content-length", str(5 * 1024 * 1024))])
    blocked = firewall.check(over)
    assert blocked is not None and blocked.status == 413
    assert json.loads(blocked.body)["error"]["code"] == "payload_too_large"
    assert firewall.check(at) is None
    assert firewall.check(_request("POST", headers=[("Content-Length", "0052428800")])) is not None
    off = Firewall(template, tpl.parameter_defaults(template) | {"Firewall": "disabled"})
    assert off.check(over) is None
