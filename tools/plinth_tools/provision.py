"""Create what template.yaml declares (tables, secrets) against any AWS endpoint.

Used by the integration tests (moto in-process) and the local stack (moto server).
Physical names are `<prefix><LogicalId>`; the returned map resolves `!Ref`.
"""

from __future__ import annotations

import secrets
from typing import Any

import boto3

from plinth_tools import template as tpl


def provision(
    prefix: str = "plinth-", template: dict[str, Any] | None = None, session: Any = None
) -> dict[str, str]:
    session = session or boto3.session.Session()
    names: dict[str, str] = {}
    dynamodb = session.client("dynamodb")
    existing = set(dynamodb.list_tables().get("TableNames", []))
    for logical_id in tpl.resources_of_type("AWS::DynamoDB::Table", template):
        name = f"{prefix}{logical_id}"
        names[logical_id] = name
        if name in existing:
            continue
        dynamodb.create_table(**tpl.create_table_kwargs(logical_id, name, template))
        ttl = tpl.ttl_attribute(logical_id, template)
        if ttl:
            dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )
    secretsmanager = session.client("secretsmanager")
    for logical_id in tpl.resources_of_type("AWS::SecretsManager::Secret", template):
        name = f"{prefix}{logical_id}"
        try:
            arn = secretsmanager.describe_secret(SecretId=name)["ARN"]
        except secretsmanager.exceptions.ResourceNotFoundException:
            arn = secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))[
                "ARN"
            ]
        names[logical_id] = arn
    return names


def function_environment(
    logical_id: str,
    names: dict[str, str],
    overrides: dict[str, str] | None = None,
    template: dict[str, Any] | None = None,
) -> dict[str, str]:
    """A function's environment as deployed, with `!Ref`s pointing at local resources."""
    spec = tpl.functions(template)[logical_id]
    parameters = {**tpl.parameter_defaults(template), **(overrides or {})}
    return tpl.resolve_env(spec.environment, names, parameters)
