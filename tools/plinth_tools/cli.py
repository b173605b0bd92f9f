"""`plinth`: admin CLI for workspaces and API keys (and, later, the local stack).

Table names come from, in order: `--stack-name` (CloudFormation outputs), the
API_KEYS_TABLE / WORKSPACES_TABLE environment variables, or, when AWS_ENDPOINT_URL
points at a local stack, the names the local stack gives its tables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from plinth.errors import PlinthError
from plinth.logic import keys as key_logic
from plinth.repositories import aws
from plinth.repositories.api_keys import DynamoApiKeyRepository, DynamoWorkspaceRepository
from plinth.timeutil import format_ms
from plinth_tools import template as tpl

if TYPE_CHECKING:
    from plinth.ports import VerdictCache

LOCAL_PREFIX = "plinth-"
LOCAL_API_ID = "local"  # the local gateway's (plinth_tools.local.gateway.API_ID)
_OUTPUTS = {"api_keys": "ApiKeysTableName", "workspaces": "WorkspacesTableName"}
_ENV = {"api_keys": "API_KEYS_TABLE", "workspaces": "WORKSPACES_TABLE"}
_LOCAL = {"api_keys": "ApiKeysTable", "workspaces": "WorkspacesTable"}


def stack_outputs(stack_name: str) -> dict[str, str]:
    import boto3

    stack = boto3.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def table_names(stack_name: str | None) -> dict[str, str]:
    if stack_name:
        outputs = stack_outputs(stack_name)
        return {k: outputs[v] for k, v in _OUTPUTS.items()}
    names: dict[str, str] = {}
    for kind, variable in _ENV.items():
        if os.environ.get(variable):
            names[kind] = os.environ[variable]
        elif os.environ.get("AWS_ENDPOINT_URL"):
            names[kind] = LOCAL_PREFIX + _LOCAL[kind]
        else:
            raise SystemExit(
                f"plinth: set --stack-name, or {variable}, or AWS_ENDPOINT_URL for a local stack"
            )
    return names


def verdict_cache(stack_name: str | None) -> VerdictCache:
    """The gateway's cached verdicts, to flush on revoke: the stack's API (its outputs), or
    the local stack's, whose gateway answers at AWS_ENDPOINT_URL_API_GATEWAY (its API URL).
    Tables named by environment only leave the API unknown: say so, flush nothing."""
    from plinth.repositories.verdicts import NoVerdictCache, StageVerdictCache, apigateway

    if stack_name:
        outputs = stack_outputs(stack_name)
        return StageVerdictCache(apigateway(), outputs["RestApiId"], outputs["StageName"])
    if os.environ.get("AWS_ENDPOINT_URL_API_GATEWAY"):
        return StageVerdictCache(apigateway(), LOCAL_API_ID, tpl.parameter_defaults()["StageName"])
    sys.stderr.write(
        "plinth: the API is unknown, so its cached authorizer verdicts are not flushed and the "
        "key may keep working for AuthorizerTtlSeconds: pass --stack-name (or, for a local "
        "stack, export AWS_ENDPOINT_URL_API_GATEWAY as its banner says)\n"
    )
    return NoVerdictCache()


def _print(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


def _key_view(item: Any) -> dict[str, Any]:
    return {
        "id": item.keyId,
        "workspaceId": item.workspaceId,
        "scopes": item.scopes,
        "createdAt": format_ms(item.createdAt),
        "revokedAt": format_ms(item.revokedAt) if item.revokedAt else None,
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plinth", description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", help="read table names from this stack's outputs")
    commands = parser.add_subparsers(dest="command", required=True)

    workspaces = commands.add_parser("workspaces", help="manage workspaces")
    ws_commands = workspaces.add_subparsers(dest="action", required=True)
    ws_create = ws_commands.add_parser("create", help="create or update a workspace (upsert)")
    ws_create.add_argument("workspace_id", metavar="WS_ID")
    ws_create.add_argument("--rate-limit", type=int, help="requests per second")

    keys = commands.add_parser("keys", help="manage API keys")
    key_commands = keys.add_subparsers(dest="action", required=True)
    key_create = key_commands.add_parser("create", help="mint a key (the secret is shown once)")
    key_create.add_argument("--workspace", required=True, metavar="WS_ID")
    key_create.add_argument(
        "--scopes", default="resources:read,resources:write", help="comma-separated"
    )
    key_revoke = key_commands.add_parser("revoke", help="revoke a key")
    key_revoke.add_argument("key_id", metavar="KEY_ID")
    key_list = key_commands.add_parser("list", help="list a workspace's keys (no secrets)")
    key_list.add_argument("--workspace", required=True, metavar="WS_ID")

    openapi = commands.add_parser("openapi", help="write docs/openapi.json from the code")
    openapi.add_argument("--check", action="store_true", help="fail if it is out of date")

    dev = commands.add_parser("dev", help="serve the whole API on 127.0.0.1")
    dev.add_argument("--port", type=int, default=3000, help="API port (default 3000)")
    endpoint = dev.add_mutually_exclusive_group()
    endpoint.add_argument(
        "--aws-port", type=int, default=5000, help="port for the moto server (default 5000)"
    )
    endpoint.add_argument(
        "--aws-endpoint-url", help="use this running AWS-compatible endpoint instead of moto"
    )
    dev.add_argument("--rate-limit", type=int, help="default requests per second per workspace")
    dev.add_argument(
        "--sam",
        action="store_true",
        help="run every function in a Lambda container (sam local; needs Docker)",
    )
    return parser


def _local_defaults() -> None:
    """Against a local endpoint (moto), region and credentials are formalities: default them
    so that `export AWS_ENDPOINT_URL=…` is the only setting the CLI needs."""
    if not os.environ.get("AWS_ENDPOINT_URL"):
        return
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    if not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE")):
        os.environ["AWS_ACCESS_KEY_ID"] = "local"
        os.environ["AWS_SECRET_ACCESS_KEY"] = "local"  # noqa: S105 - moto ignores it


def _openapi(check: bool) -> int:
    from plinth_tools import openapi

    if not check:
        return openapi.main()
    if openapi.DOCUMENT.read_text(encoding="utf-8") != openapi.render():
        sys.stderr.write("plinth: docs/openapi.json is out of date; run `plinth openapi`\n")
        return 1
    return 0


def run(args: argparse.Namespace) -> int:
    if args.command == "openapi":
        return _openapi(args.check)
    if args.command == "dev":
        from plinth_tools.local.stack import StackConfig
        from plinth_tools.local.stack import run as run_stack

        return run_stack(
            StackConfig(
                port=args.port,
                aws_port=args.aws_port,
                aws_endpoint_url=args.aws_endpoint_url,
                rate_limit=args.rate_limit,
                sam=args.sam,
            )
        )
    _local_defaults()
    names = table_names(args.stack_name)
    client = aws.dynamodb()
    keys = DynamoApiKeyRepository(client, names["api_keys"])
    workspaces = DynamoWorkspaceRepository(client, names["workspaces"])
    if args.command == "workspaces":
        workspace = key_logic.create_workspace(args.workspace_id, args.rate_limit, workspaces)
        _print({"id": workspace.workspaceId, "rateLimit": workspace.rateLimit})
    elif args.action == "create":
        scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
        item, secret = key_logic.create_key(args.workspace, scopes, keys, workspaces)
        _print(
            {
                "id": item.keyId,
                "key": secret,
                "workspaceId": item.workspaceId,
                "scopes": item.scopes,
            }
        )
    elif args.action == "revoke":
        revoked = key_logic.revoke_key(args.key_id, keys, verdict_cache(args.stack_name))
        _print(_key_view(revoked))
    else:
        _print([_key_view(k) for k in key_logic.list_keys(args.workspace, keys)])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except PlinthError as exc:
        sys.stderr.write(f"plinth: {exc.message}\n")
        return 2
    except (BotoCoreError, ClientError) as exc:
        # No region, no credentials, access denied, no such stack: say so, no traceback.
        sys.stderr.write(f"plinth: {exc}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
