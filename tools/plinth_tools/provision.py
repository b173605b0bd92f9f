"""Create what template.yaml declares against any AWS endpoint: DynamoDB tables (keys,
GSIs, TTL, streams), SQS queues (visibility, retention, redrive to their DLQ), S3 buckets and
Secrets Manager secrets.

Used by the integration tests (moto in-process) and the local stack (moto server).
Physical names are `<prefix><LogicalId>`. The returned `Resolved` answers `!Ref` and
`!GetAtt` the way CloudFormation would, so function environments resolve as deployed.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import boto3

from plinth_tools import template as tpl

_QUEUE_ATTRIBUTES = {
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "DelaySeconds": "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "MaximumMessageSize": "MaximumMessageSize",
}


@dataclass
class Resolved:
    """Physical ids by logical id: `refs` for `!Ref`, `attributes` for `!GetAtt`."""

    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def __getitem__(self, logical_id: str) -> str:
        return self.refs[logical_id]

    def get(self, logical_id: str) -> str | None:
        return self.refs.get(logical_id)

    def attribute(self, logical_id: str, name: str) -> str:
        return self.attributes[(logical_id, name)]


def provision(
    prefix: str = "plinth-", template: dict[str, Any] | None = None, session: Any = None
) -> Resolved:
    session = session or boto3.session.Session()
    resolved = Resolved()
    _tables(session, prefix, template, resolved)
    _secrets(session, prefix, template, resolved)
    _queues(session, prefix, template, resolved)
    _buckets(session, prefix, template, resolved)
    return resolved


def _tables(session: Any, prefix: str, template: dict[str, Any] | None, out: Resolved) -> None:
    dynamodb = session.client("dynamodb")
    existing = set(dynamodb.list_tables().get("TableNames", []))
    for logical_id in tpl.resources_of_type("AWS::DynamoDB::Table", template):
        name = f"{prefix}{logical_id}"
        out.refs[logical_id] = name
        if name not in existing:
            dynamodb.create_table(**tpl.create_table_kwargs(logical_id, name, template))
            ttl = tpl.ttl_attribute(logical_id, template)
            if ttl:
                dynamodb.update_time_to_live(
                    TableName=name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl},
                )
        table = dynamodb.describe_table(TableName=name)["Table"]
        out.attributes[(logical_id, "Arn")] = table["TableArn"]
        if "LatestStreamArn" in table:
            out.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]


def _secrets(session: Any, prefix: str, template: dict[str, Any] | None, out: Resolved) -> None:
    client = session.client("secretsmanager")
    for logical_id in tpl.resources_of_type("AWS::SecretsManager::Secret", template):
        name = f"{prefix}{logical_id}"
        try:
            arn = client.describe_secret(SecretId=name)["ARN"]
        except client.exceptions.ResourceNotFoundException:
            arn = client.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))["ARN"]
        out.refs[logical_id] = arn


def _queues(session: Any, prefix: str, template: dict[str, Any] | None, out: Resolved) -> None:
    sqs = session.client("sqs")
    queues = tpl.resources_of_type("AWS::SQS::Queue", template)
    # First every queue, then redrive policies (which point at other queues' ARNs).
    for logical_id, spec in queues.items():
        props = spec.get("Properties") or {}
        attributes = {
            target: str(props[source])
            for source, target in _QUEUE_ATTRIBUTES.items()
            if source in props and not isinstance(props[source], dict)
        }
        url = sqs.create_queue(QueueName=f"{prefix}{logical_id}", Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        out.refs[logical_id] = url
        out.attributes[(logical_id, "Arn")] = arn
        out.attributes[(logical_id, "QueueUrl")] = url
        out.attributes[(logical_id, "QueueName")] = f"{prefix}{logical_id}"
    for logical_id, spec in queues.items():
        redrive = (spec.get("Properties") or {}).get("RedrivePolicy")
        if not redrive:
            continue
        target = redrive["deadLetterTargetArn"]
        if isinstance(target, dict) and "Fn::GetAtt" in target:
            target = out.attribute(*target["Fn::GetAtt"])
        policy = {"deadLetterTargetArn": target, "maxReceiveCount": int(redrive["maxReceiveCount"])}
        sqs.set_queue_attributes(
            QueueUrl=out.refs[logical_id], Attributes={"RedrivePolicy": json.dumps(policy)}
        )


def _buckets(session: Any, prefix: str, template: dict[str, Any] | None, out: Resolved) -> None:
    s3 = session.client("s3")
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for logical_id in tpl.resources_of_type("AWS::S3::Bucket", template):
        name = f"{prefix}{logical_id}".lower()
        if name not in existing:
            s3.create_bucket(Bucket=name)
        out.refs[logical_id] = name
        out.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"


def function_environment(
    logical_id: str,
    resolved: Resolved,
    overrides: dict[str, str] | None = None,
    template: dict[str, Any] | None = None,
) -> dict[str, str]:
    """A function's environment as deployed, with `!Ref`s pointing at local resources.
    A value that resolves to `AWS::NoValue` (through `!If`) is left out, as in AWS."""
    template = template or tpl.load_template()
    spec = tpl.functions(template)[logical_id]
    parameters = {**tpl.parameter_defaults(template), **(overrides or {})}
    conditions = template.get("Conditions") or {}
    environment: dict[str, str] = {}
    for key, value in spec.environment.items():
        found = resolve_value(value, resolved, parameters, conditions)
        if found is not None:
            environment[key] = found
    return environment


def resolve_value(
    value: Any,
    resolved: Resolved,
    parameters: dict[str, str],
    conditions: dict[str, Any] | None = None,
) -> str | None:
    """`!Ref`, `!GetAtt` and `!If` as CloudFormation resolves them; None is AWS::NoValue."""
    if isinstance(value, dict) and "Ref" in value:
        ref = value["Ref"]
        if ref == "AWS::NoValue":
            return None
        found = resolved.get(ref)
        return found if found is not None else parameters[ref]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return resolved.attribute(*value["Fn::GetAtt"])
    if isinstance(value, dict) and "Fn::If" in value:
        name, if_true, if_false = value["Fn::If"]
        chosen = if_true if condition(name, parameters, conditions or {}) else if_false
        return resolve_value(chosen, resolved, parameters, conditions)
    return str(value)


def condition(name: str, parameters: dict[str, str], conditions: dict[str, Any]) -> bool:
    """Evaluate a template Condition over parameter values."""

    def evaluate(node: Any) -> Any:  # noqa: PLR0911 - one return per intrinsic
        if isinstance(node, dict) and len(node) == 1:
            ((function, argument),) = node.items()
            if function == "Ref":
                return parameters[argument]
            if function == "Condition":
                return evaluate(conditions[argument])
            if function == "Fn::Equals":
                left, right = (evaluate(a) for a in argument)
                return str(left) == str(right)
            if function == "Fn::Not":
                return not evaluate(argument[0])
            if function == "Fn::And":
                return all(evaluate(a) for a in argument)
            if function == "Fn::Or":
                return any(evaluate(a) for a in argument)
            raise ValueError(f"unsupported in a Condition: {function}")
        return node

    return bool(evaluate(conditions[name]))
