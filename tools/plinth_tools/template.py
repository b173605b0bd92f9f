"""Read template.yaml: the one source of truth for tables, routes and functions.

Tests and the local stack build their tables and routes from here, so they cannot
drift from what is deployed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"

_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form tags as {"Fn::X": value}, and
    refuses a key repeated in one mapping (YAML would keep the last copy silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _cfn_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return loaded


def resources_of_type(kind: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    template = template or load_template()
    return {name: spec for name, spec in template["Resources"].items() if spec.get("Type") == kind}


def create_table_kwargs(
    logical_id: str, table_name: str, template: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`create_table` arguments from the table's `Properties` in the template."""
    props = resources_of_type("AWS::DynamoDB::Table", template)[logical_id]["Properties"]
    kwargs: dict[str, Any] = {"TableName": table_name}
    for key in _TABLE_KEYS:
        if key in props:
            kwargs[key] = copy.deepcopy(props[key])
    if "StreamSpecification" in kwargs:
        # CloudFormation names only the view type; the API also wants the stream enabled.
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **kwargs["StreamSpecification"]}
    return kwargs


def ttl_attribute(logical_id: str, template: dict[str, Any] | None = None) -> str | None:
    props = resources_of_type("AWS::DynamoDB::Table", template)[logical_id]["Properties"]
    spec = props.get("TimeToLiveSpecification") or {}
    return str(spec["AttributeName"]) if spec.get("Enabled") else None


@dataclass(frozen=True)
class Route:
    method: str  # upper case, or ANY
    path: str  # as in the template: /v1/resources/{id}
    function: str  # logical id


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: str
    handler: str
    environment: dict[str, Any] = field(default_factory=dict)
    routes: tuple[Route, ...] = ()
    queue_events: tuple[dict[str, Any], ...] = ()
    stream_events: tuple[dict[str, Any], ...] = ()  # DynamoDB Streams event sources
    schedules: tuple[str, ...] = ()
    timeout: int = 3


def functions(template: dict[str, Any] | None = None) -> dict[str, FunctionSpec]:
    template = template or load_template()
    globals_ = template.get("Globals", {}).get("Function", {})
    global_env = globals_.get("Environment", {}).get("Variables", {})
    specs: dict[str, FunctionSpec] = {}
    for logical_id, spec in resources_of_type("AWS::Serverless::Function", template).items():
        props = spec["Properties"]
        env = {**global_env, **props.get("Environment", {}).get("Variables", {})}
        routes: list[Route] = []
        queues: list[dict[str, Any]] = []
        streams: list[dict[str, Any]] = []
        schedules: list[str] = []
        for event in (props.get("Events") or {}).values():
            if event["Type"] == "Api":
                p = event["Properties"]
                routes.append(Route(p["Method"].upper(), p["Path"], logical_id))
            elif event["Type"] == "SQS":
                queues.append(event["Properties"])
            elif event["Type"] == "DynamoDB":
                streams.append(event["Properties"])
            elif event["Type"] in ("Schedule", "ScheduleV2"):
                schedules.append(str(event["Properties"]["Schedule"]))
        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_uri=props["CodeUri"],
            handler=props.get("Handler", globals_.get("Handler", "app.lambda_handler")),
            environment=env,
            routes=tuple(routes),
            queue_events=tuple(queues),
            stream_events=tuple(streams),
            schedules=tuple(schedules),
            timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
        )
    return specs


# Answer every method a known path does not serve with 405 (SPEC §3); their routes are
# explicit methods, never ANY, so sam local routes like API Gateway. Three functions of one
# code: each route is a statement of its function's resource policy, limited to 20 KB.
METHOD_NOT_ALLOWED_FUNCTIONS = frozenset(
    {"MethodNotAllowedFunction", "MethodNotAllowedKeysFunction", "MethodNotAllowedEventsFunction"}
)


def function_of_arn(value: Any) -> str:
    """The logical id of the function an ARN-valued property names: `!GetAtt F.Arn`,
    `!Ref F.Alias`, or a `!Sub` of its ARN (`${F}`, `${F.Arn}`, `${F.Alias}`, `${F}:live`)."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return str(value["Fn::GetAtt"][0])
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"]).split(".", 1)[0]
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        text = sub if isinstance(sub, str) else sub[0]
        # ${AWS::Region} and friends hold colons, so only resource references match.
        names = {n.split(".", 1)[0] for n in re.findall(r"\$\{([A-Za-z0-9.]+)\}", text)}
        if len(names) == 1:
            return str(names.pop())
    raise ValueError(f"not a function ARN this reader understands: {value!r}")


def routes(template: dict[str, Any] | None = None) -> list[Route]:
    """Every Api event in the template, the 405 routes included."""
    return [r for spec in functions(template).values() for r in spec.routes]


def served_routes(template: dict[str, Any] | None = None) -> list[Route]:
    """The API's operations: every route but the 405 function's."""
    return [r for r in routes(template) if r.function not in METHOD_NOT_ALLOWED_FUNCTIONS]


def parameter_defaults(template: dict[str, Any] | None = None) -> dict[str, str]:
    template = template or load_template()
    return {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()}
