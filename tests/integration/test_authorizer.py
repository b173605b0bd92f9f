"""SPEC §2 at the authorizer: bearer keys → workspace, key, scopes, rate limit."""

from __future__ import annotations

import pytest

from plinth.container import container
from plinth.logic import keys as key_logic
from plinth.repositories.verdicts import NoVerdictCache
from plinth_tools import template as tpl
from plinth_tools.lambdas import FakeLambdaContext, load_handler
from tests.support import load_event


def _authorize(header: str | None):
    event = load_event("authorizer")
    event["headers"] = {} if header is None else {"Authorization": header}
    handler = load_handler(tpl.functions()["AuthorizerFunction"])
    return handler(event, FakeLambdaContext("AuthorizerFunction", "req-1"))


def test_valid_key_is_allowed_on_every_route_with_its_context(mint_key):
    key, secret = mint_key("ws_alpha", ("resources:read",), rate_limit=7)
    policy = _authorize(f"Bearer {secret}")
    assert policy["principalId"] == key.keyId
    statement = policy["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == ["arn:aws:execute-api:us-east-1:123456789012:abc123/live/*/*"]
    assert policy["context"] == {
        "workspaceId": "ws_alpha",
        "keyId": key.keyId,
        "scopes": "resources:read",
        "rateLimit": 7,
    }


def test_workspace_without_own_limit_passes_no_rate_limit(mint_key):
    _, secret = mint_key("ws_beta")
    assert "rateLimit" not in _authorize(f"Bearer {secret}")["context"]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer sk_" + "a" * 43,  # well-formed but unknown
        "Bearer sk_short",
        "Bearer not-a-key-at-all-but-long-enough-to-look-like-one",
        "Bearer sk_" + "a" * 43 + " extra",
    ],
)
def test_missing_malformed_or_unknown_key_is_unauthorized(aws, header):
    with pytest.raises(Exception, match="^Unauthorized$"):
        _authorize(header)


def test_revoked_key_is_unauthorized(mint_key):
    key, secret = mint_key()
    assert _authorize(f"Bearer {secret}")["principalId"] == key.keyId
    key_logic.revoke_key(key.keyId, container().api_keys, NoVerdictCache())
    with pytest.raises(Exception, match="^Unauthorized$"):
        _authorize(f"Bearer {secret}")


def test_header_name_is_case_insensitive(mint_key):
    key, secret = mint_key()
    event = load_event("authorizer")
    event["headers"] = {"authorization": f"Bearer {secret}"}
    handler = load_handler(tpl.functions()["AuthorizerFunction"])
    assert handler(event, FakeLambdaContext("a", "r"))["principalId"] == key.keyId


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_bearer_scheme_is_case_insensitive(mint_key, scheme):
    key, secret = mint_key()
    assert _authorize(f"{scheme} {secret}")["principalId"] == key.keyId


def test_two_authorization_headers_are_unauthorized_whichever_is_read(mint_key):
    key, secret = mint_key()
    event = load_event("authorizer")
    event["headers"] = {"Authorization": f"Bearer {secret}"}
    event["multiValueHeaders"] = {"Authorization": [f"Bearer {secret}", f"Bearer {secret}"]}
    handler = load_handler(tpl.functions()["AuthorizerFunction"])
    with pytest.raises(Exception, match="^Unauthorized$"):
        handler(event, FakeLambdaContext("a", "r"))
    event["multiValueHeaders"] = {"authorization": [f"Bearer {secret}"]}
    assert handler(event, FakeLambdaContext("a", "r"))["principalId"] == key.keyId
