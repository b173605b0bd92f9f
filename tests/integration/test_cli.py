"""The `plinth` admin CLI against moto (a stable interface: exact names and shapes)."""

from __future__ import annotations

import hashlib
import json
import re

import boto3
import pytest

from plinth_tools.cli import main


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_env(aws, monkeypatch):
    monkeypatch.setenv("API_KEYS_TABLE", aws["ApiKeysTable"])
    monkeypatch.setenv("WORKSPACES_TABLE", aws["WorkspacesTable"])
    return aws


def test_workspace_create_is_an_upsert(cli_env, capsys):
    assert _run(capsys, "workspaces", "create", "ws_acme")[0] == 0
    code, out, _ = _run(capsys, "workspaces", "create", "ws_acme", "--rate-limit", "5")
    assert code == 0
    assert json.loads(out) == {"id": "ws_acme", "rateLimit": 5}
    _, out, _ = _run(capsys, "workspaces", "create", "ws_acme")
    assert json.loads(out) == {"id": "ws_acme", "rateLimit": 5}


def test_bad_workspace_id_is_refused(cli_env, capsys):
    code, _, err = _run(capsys, "workspaces", "create", "acme")
    assert code == 2
    assert "ws_" in err


def test_keys_create_prints_one_json_object_and_stores_only_the_hash(cli_env, capsys):
    _run(capsys, "workspaces", "create", "ws_acme")
    code, out, _ = _run(
        capsys,
        "keys",
        "create",
        "--workspace",
        "ws_acme",
        "--scopes",
        "resources:read,resources:write",
    )
    assert code == 0
    created = json.loads(out)
    assert set(created) == {"id", "key", "workspaceId", "scopes"}
    assert re.fullmatch(r"sk_[A-Za-z0-9_-]{32,}", created["key"])
    assert created["id"].startswith("key_")
    assert created["workspaceId"] == "ws_acme"
    assert created["scopes"] == ["resources:read", "resources:write"]
    items = boto3.client("dynamodb").scan(TableName=cli_env["ApiKeysTable"])["Items"]
    assert len(items) == 1
    assert items[0]["keyHash"]["S"] == hashlib.sha256(created["key"].encode()).hexdigest()
    assert created["key"] not in json.dumps(items)


def test_keys_for_unknown_workspace_or_scope_are_refused(cli_env, capsys):
    assert _run(capsys, "keys", "create", "--workspace", "ws_nope")[0] == 2
    _run(capsys, "workspaces", "create", "ws_acme")
    code, _, err = _run(capsys, "keys", "create", "--workspace", "ws_acme", "--scopes", "admin")
    assert code == 2
    assert "resources:read" in err


def test_keys_list_never_shows_secrets_and_revoke_marks_the_key(cli_env, capsys):
    _run(capsys, "workspaces", "create", "ws_acme")
    created = json.loads(_run(capsys, "keys", "create", "--workspace", "ws_acme")[1])
    code, out, _ = _run(capsys, "keys", "revoke", created["id"])
    assert code == 0
    assert json.loads(out)["revokedAt"] is not None
    listed = json.loads(_run(capsys, "keys", "list", "--workspace", "ws_acme")[1])
    assert [k["id"] for k in listed] == [created["id"]]
    assert listed[0]["revokedAt"] is not None
    assert created["key"] not in json.dumps(listed)
    assert "keyHash" not in json.dumps(listed)


def test_revoking_an_unknown_key_fails(cli_env, capsys):
    assert _run(capsys, "keys", "revoke", "key_01JGZ9A5B7C9D1E3F5G7H9J1K3")[0] == 2


def test_local_endpoint_implies_local_table_names(monkeypatch):
    from plinth_tools.cli import table_names

    monkeypatch.delenv("API_KEYS_TABLE", raising=False)
    monkeypatch.delenv("WORKSPACES_TABLE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")
    assert table_names(None) == {
        "api_keys": "plinth-ApiKeysTable",
        "workspaces": "plinth-WorkspacesTable",
    }


def test_stack_name_reads_table_names_from_outputs(aws, monkeypatch):
    from plinth_tools.cli import table_names

    cfn = boto3.client("cloudformation")
    body = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {
            "ApiKeysTableName": {"Value": "prod-keys"},
            "WorkspacesTableName": {"Value": "prod-ws"},
        },
    }
    cfn.create_stack(StackName="plinth-prod", TemplateBody=json.dumps(body))
    assert table_names("plinth-prod") == {"api_keys": "prod-keys", "workspaces": "prod-ws"}


def test_aws_errors_are_one_clear_line_not_a_traceback(monkeypatch, capsys):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("API_KEYS_TABLE", "t1")
    monkeypatch.setenv("WORKSPACES_TABLE", "t2")
    code, _, err = _run(capsys, "workspaces", "create", "ws_x")
    assert code == 2
    assert err.startswith("plinth: ")
    assert "region" in err.lower()
    assert "Traceback" not in err


def test_revoke_flushes_the_local_gateways_cached_verdicts(cli_env, capsys, monkeypatch):
    """AWS_ENDPOINT_URL_API_GATEWAY at a gateway (here, a recorder of its control plane)."""
    import http.server
    import threading

    flushed: list[str] = []

    class ControlPlane(http.server.BaseHTTPRequestHandler):
        def do_DELETE(self) -> None:
            flushed.append(self.path)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ControlPlane)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL_API_GATEWAY", f"http://127.0.0.1:{server.server_port}")
        _run(capsys, "workspaces", "create", "ws_acme")
        created = json.loads(_run(capsys, "keys", "create", "--workspace", "ws_acme")[1])
        assert _run(capsys, "keys", "revoke", created["id"])[0] == 0
    finally:
        server.shutdown()
        server.server_close()
    assert flushed == ["/restapis/local/stages/live/cache/authorizers"]


def test_revoke_without_a_known_api_says_the_cache_is_not_flushed(cli_env, capsys, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_API_GATEWAY", raising=False)
    _run(capsys, "workspaces", "create", "ws_acme")
    created = json.loads(_run(capsys, "keys", "create", "--workspace", "ws_acme")[1])
    code, _, err = _run(capsys, "keys", "revoke", created["id"])
    assert code == 0
    assert "not flushed" in err
    assert "--stack-name" in err
