"""What CloudFormation deploys: the SAM transform's output (aliases, CodeDeploy, alarms),
checked offline with samtranslator, plus samconfig.toml's environments."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from plinth.http.errors import STATUS
from plinth.logic.events import Outcome as EventOutcome
from plinth.logic.jobs.worker import Outcome
from plinth.logic.webhooks import Outcome as WebhookOutcome
from plinth_tools import template as tpl
from plinth_tools.sam_translate import translate

ROOT = Path(__file__).resolve().parents[2]
CANARY = "Canary10Percent5Minutes"
NO_VALUE = object()

# Metrics AWS publishes, by namespace: names and the dimension sets they carry (AWS docs:
# "Lambda function metrics", "Amazon API Gateway dimensions and metrics", "Amazon SQS metrics").
AWS_METRICS: dict[str, tuple[set[str], list[set[str]]]] = {
    "AWS/Lambda": (
        {"Errors", "Throttles", "Invocations", "Duration", "ConcurrentExecutions"},
        [
            {"FunctionName"},
            {"FunctionName", "Resource"},
            {"FunctionName", "Resource", "ExecutedVersion"},
        ],
    ),
    "AWS/ApiGateway": (
        {"Count", "4XXError", "5XXError", "Latency", "IntegrationLatency"},
        [{"ApiName", "Stage"}],
    ),
    "AWS/SQS": (
        {"ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"},
        [{"QueueName"}],
    ),
}


# ---------------------------------------------------------------------- helpers
def _resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def _evaluate(value: Any, params: dict[str, str], conditions: dict[str, Any]) -> Any:
    """The value CloudFormation would use: Refs to parameters, conditions and Fn::If."""
    if isinstance(value, list):
        return [e for e in (_evaluate(v, params, conditions) for v in value) if e is not NO_VALUE]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and arg == "AWS::NoValue":
            return NO_VALUE
        if key == "Ref" and arg in params:
            return params[arg]
        if key == "Condition":
            return _evaluate(conditions[arg], params, conditions)
        if key == "Fn::Equals":
            return _evaluate(arg[0], params, conditions) == _evaluate(arg[1], params, conditions)
        if key == "Fn::Not":
            return not _evaluate(arg[0], params, conditions)
        if key == "Fn::And":
            return all(_evaluate(a, params, conditions) for a in arg)
        if key == "Fn::If":
            chosen = arg[1] if _evaluate(conditions[arg[0]], params, conditions) else arg[2]
            return _evaluate(chosen, params, conditions)
    out = {k: _evaluate(v, params, conditions) for k, v in value.items()}
    return {k: v for k, v in out.items() if v is not NO_VALUE}


def _deployed(template: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    """Resources that exist for these parameters, with conditions and Fn::If applied."""
    params = {**tpl.parameter_defaults(template), **overrides}
    conditions = template.get("Conditions", {})
    return {
        name: _evaluate(spec, params, conditions)
        for name, spec in template["Resources"].items()
        if "Condition" not in spec or _evaluate(conditions[spec["Condition"]], params, conditions)
    }


def _canonical(value: Any) -> str:
    """A dimension value as a Sub string: Ref X → ${X}, GetAtt X.A → ${X.A}."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return f"${{{value['Ref']}}}"
    if "Fn::GetAtt" in value:
        return f"${{{'.'.join(value['Fn::GetAtt'])}}}"
    if "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    raise AssertionError(f"unexpected dimension value {value!r}")


def _code_metric_names() -> set[str]:
    """Every metric name the shipped code passes to `add_metric`. f-string names expand
    over the values their one placeholder can take."""
    expansions = {
        "Http": {str(status) for status in STATUS.values()},
        "Job_": {o.value for o in Outcome},
        "Events_": {o.value for o in EventOutcome},
        "Webhook_": {o.value for o in WebhookOutcome},
    }
    names: set[str] = set()
    for path in [*ROOT.glob("functions/*/app.py"), *ROOT.glob("layers/common/plinth/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", "") == "Endpoint":  # counted by the pipeline
                (name,) = [k.value for k in node.keywords if k.arg == "metric"]
            elif getattr(node.func, "attr", "") == "add_metric":
                (name,) = [k.value for k in node.keywords if k.arg == "name"]
                if ast.unparse(name) == "endpoint.metric":
                    continue
            else:
                continue
            if isinstance(name, ast.Constant):
                names.add(str(name.value))
            else:
                assert isinstance(name, ast.JoinedStr), path
                prefix = name.values[0]
                assert isinstance(prefix, ast.Constant), path
                assert prefix.value in expansions, f"{path}: teach this test {prefix.value}…"
                names |= {f"{prefix.value}{v}" for v in expansions[str(prefix.value)]}
    return names


def _powertools_dimensions() -> dict[str, str]:
    """The dimensions Powertools puts on every custom metric, for the deployed env."""
    from aws_lambda_powertools import Metrics

    env = tpl.functions()["CreateResourceFunction"].environment
    metrics = Metrics(
        namespace=env["POWERTOOLS_METRICS_NAMESPACE"], service=env["POWERTOOLS_SERVICE_NAME"]
    )
    metrics.add_metric(name="Probe", unit="Count", value=1)
    emf = metrics.serialize_metric_set()
    metrics.clear_metrics()
    (dimension_set,) = emf["_aws"]["CloudWatchMetrics"][0]["Dimensions"]
    return {name: emf[name] for name in dimension_set}


@pytest.fixture(scope="module")
def default() -> dict[str, Any]:
    return translate()


@pytest.fixture(scope="module")
def canary() -> dict[str, Any]:
    return translate({"DeploymentPreferenceType": CANARY})


# ---------------------------------------------------------------------- aliases and rollouts
def _alias_of(template: dict[str, Any], function: str) -> str:
    (alias,) = [
        name
        for name, spec in _resources(template, "AWS::Lambda::Alias").items()
        if spec["Properties"]["FunctionName"] == {"Ref": function}
    ]
    return alias


def test_every_function_is_served_by_a_live_alias_that_codedeploy_shifts(canary):
    functions = _resources(canary, "AWS::Lambda::Function")
    assert len(functions) == len(tpl.functions())
    groups = _resources(canary, "AWS::CodeDeploy::DeploymentGroup")
    for function in functions:
        alias = canary["Resources"][_alias_of(canary, function)]
        assert alias["Properties"]["Name"] == "live"
        version = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
        assert canary["Resources"][version]["Properties"]["FunctionName"] == {"Ref": function}
        update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
        group = groups[update["DeploymentGroupName"]["Ref"]]["Properties"]
        assert group["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": CANARY}
        assert group["AutoRollbackConfiguration"]["Enabled"] is True
        assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
        alarms = {a["Name"]["Ref"] for a in group["AlarmConfiguration"]["Alarms"]}
        assert f"{function}ErrorsAlarm" in alarms, function
        serves_api = bool(tpl.functions()[function].routes) or function == "AuthorizerFunction"
        assert ("ApiErrorRateAlarm" in alarms) == serves_api, function


def test_deployment_type_follows_the_parameter_and_defaults_to_all_at_once(default):
    for group in _resources(default, "AWS::CodeDeploy::DeploymentGroup").values():
        assert group["Properties"]["DeploymentConfigName"]["Fn::Sub"][1] == {
            "ConfigName": "AllAtOnce"
        }


def test_a_layer_or_configuration_change_publishes_a_new_version():
    """Without AllProperties SAM hashes only the code: a new layer would never go live."""
    raw = tpl.load_template()
    for name, spec in tpl.resources_of_type("AWS::Serverless::Function", raw).items():
        assert spec["Properties"].get("AutoPublishAliasAllProperties") is True, name
    assert raw["Globals"]["Function"]["AutoPublishAlias"] == "live"


def test_api_routes_authorizer_queue_and_schedule_invoke_the_alias_never_latest(default):
    resources = default["Resources"]
    aliases = {_alias_of(default, f): f for f in _resources(default, "AWS::Lambda::Function")}
    body = resources["PlinthApi"]["Properties"]["Body"]
    uris = [
        operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        for path in body["paths"].values()
        for operation in path.values()
    ]
    assert len(uris) == len(tpl.routes())
    for uri in uris:
        assert re.search(r"/functions/\$\{(\w+Aliaslive)\}/invocations", uri), uri
    authorizer = body["securityDefinitions"]["ApiKeyAuthorizer"]["x-amazon-apigateway-authorizer"]
    arn = authorizer["authorizerUri"]["Fn::Sub"][1]["__FunctionArn__"]["Fn::Sub"]
    assert arn.endswith(":function:${AuthorizerFunction}:live"), arn
    # That ARN names the alias without a reference to it: the API must wait for the alias.
    assert resources["PlinthApi"]["DependsOn"] == _alias_of(default, "AuthorizerFunction")
    for name, permission in _resources(default, "AWS::Lambda::Permission").items():
        target = _canonical(permission["Properties"]["FunctionName"])
        assert target.endswith(":live") or target.strip("${}") in aliases, (name, target)
    mappings = _resources(default, "AWS::Lambda::EventSourceMapping").values()
    targets = sorted(m["Properties"]["FunctionName"]["Ref"] for m in mappings)
    recorder = _alias_of(default, "EventsRecorderFunction")
    webhooks = [_alias_of(default, f"Webhook{part}Function") for part in ("Dispatcher", "Sender")]
    assert targets == sorted([_alias_of(default, "JobsWorkerFunction"), *[recorder] * 3, *webhooks])
    (rule,) = _resources(default, "AWS::Events::Rule").values()
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Ref": _alias_of(default, "JobsSweeperFunction")}


def test_local_readers_find_the_authorizer_behind_its_alias_arn():
    """plinth dev (and sam local) must still see the authorizer the API names by ARN."""
    auth = tpl.load_template()["Resources"]["PlinthApi"]["Properties"]["Auth"]
    arn = auth["Authorizers"][auth["DefaultAuthorizer"]]["FunctionArn"]
    assert tpl.function_of_arn(arn) == "AuthorizerFunction"
    assert tpl.function_of_arn({"Fn::GetAtt": ["Fn", "Arn"]}) == "Fn"
    assert tpl.function_of_arn({"Ref": "Fn.Alias"}) == "Fn"
    assert tpl.function_of_arn({"Fn::Sub": "${Fn.Alias}"}) == "Fn"
    with pytest.raises(ValueError, match="not a function ARN"):
        tpl.function_of_arn({"Fn::Sub": "${A}-${B}"})


def test_every_function_logs_to_a_stack_log_group_with_the_retention_parameter(default):
    """Lambda's own /aws/lambda/<name> group would live outside the stack, kept forever."""
    for name, function in _resources(default, "AWS::Lambda::Function").items():
        group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        spec = default["Resources"][group]
        assert spec["Type"] == "AWS::Logs::LogGroup", name
        assert spec["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, name


# ---------------------------------------------------------------------- alarms and dashboard
def _alarm_metrics(alarm: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    props = alarm["Properties"]
    if "MetricName" in props:
        stats = [{"Namespace": props["Namespace"], "MetricName": props["MetricName"],
                  "Dimensions": props.get("Dimensions", [])}]  # fmt: skip
    else:
        stats = [q["MetricStat"]["Metric"] for q in props["Metrics"] if "MetricStat" in q]
        assert stats
    return [
        (
            s["Namespace"],
            s["MetricName"],
            {d["Name"]: _canonical(d["Value"]) for d in s.get("Dimensions", [])},
        )
        for s in stats
    ]


def _dashboard_metrics(template: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    (dashboard,) = _resources(template, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    out = []
    for widget in body["widgets"]:
        for line in widget["properties"]["metrics"]:
            fields = [f for f in line if not isinstance(f, dict)]
            namespace, name, *dims = fields
            out.append((namespace, name, dict(zip(dims[::2], dims[1::2], strict=True))))
    return out


def _check_metric_exists(
    template: dict[str, Any], namespace: str, name: str, dims: dict[str, str]
) -> None:
    resources = template["Resources"]
    env = tpl.functions()["CreateResourceFunction"].environment
    if namespace == env["POWERTOOLS_METRICS_NAMESPACE"]:
        assert name in _code_metric_names(), f"no code emits {namespace}/{name}"
        assert dims == _powertools_dimensions(), (name, dims)
        return
    names, dimension_sets = AWS_METRICS[namespace]
    assert name in names, (namespace, name)
    assert set(dims) in dimension_sets, (namespace, name, dims)
    if namespace == "AWS/Lambda":
        function = re.fullmatch(r"\$\{(\w+)\}", dims["FunctionName"])
        assert function, dims
        assert resources.get(function[1], {}).get("Type") == "AWS::Lambda::Function", dims
        if "Resource" in dims:
            assert dims["Resource"] == f"${{{function[1]}}}:live"
        if "ExecutedVersion" in dims:
            version = re.fullmatch(r"\$\{(\w+)\.Version\}", dims["ExecutedVersion"])
            assert version, dims
            assert resources[version[1]]["Properties"]["FunctionName"] == {"Ref": function[1]}
    elif namespace == "AWS/ApiGateway":
        # SAM names the REST API after the stack (info.title of its OpenAPI body).
        title = resources["PlinthApi"]["Properties"]["Body"]["info"]["title"]
        assert dims["ApiName"] == _canonical(title)
        assert dims["Stage"] == "${StageName}"
    else:
        queue = re.fullmatch(r"\$\{(\w+)\.QueueName\}", dims["QueueName"])
        assert queue, dims
        assert resources.get(queue[1], {}).get("Type") == "AWS::SQS::Queue", dims


def test_every_alarm_and_dashboard_line_watches_a_metric_that_exists(default):
    alarms = _resources(default, "AWS::CloudWatch::Alarm")
    assert alarms
    watched = [m for alarm in alarms.values() for m in _alarm_metrics(alarm)]
    for namespace, name, dims in [*watched, *_dashboard_metrics(default)]:
        _check_metric_exists(default, namespace, name, dims)


def test_the_metric_check_catches_a_typo_or_a_missing_service_dimension(default):
    with pytest.raises(AssertionError):
        _check_metric_exists(default, "Plinth", "RateLimiterFailsOpen", {"service": "plinth"})
    with pytest.raises(AssertionError):
        _check_metric_exists(default, "Plinth", "RateLimiterFailOpen", {})
    with pytest.raises(AssertionError):
        _check_metric_exists(default, "AWS/Lambda", "Errors", {"FunctionName": "${NoSuch}"})


def test_each_function_has_an_errors_and_a_throttles_alarm(default):
    watched = {
        (name, dims["FunctionName"])
        for alarm in _resources(default, "AWS::CloudWatch::Alarm").values()
        for namespace, name, dims in _alarm_metrics(alarm)
        if namespace == "AWS/Lambda"
    }
    for function in _resources(default, "AWS::Lambda::Function"):
        assert ("Errors", f"${{{function}}}") in watched, function
        assert ("Throttles", f"${{{function}}}") in watched, function


def test_operator_alarms_exist_for_the_api_jobs_and_the_rate_limiter(default):
    alarms = _resources(default, "AWS::CloudWatch::Alarm")
    by_metric = {
        (namespace, name): alarm["Properties"]
        for alarm in alarms.values()
        for namespace, name, _ in _alarm_metrics(alarm)
    }
    rate = by_metric["AWS/ApiGateway", "5XXError"]
    assert rate["Statistic"] == "Average"  # the 5xx rate, not a count
    assert rate["Threshold"] < 0.1  # a canary at 10 % that always fails must trip it
    assert by_metric["AWS/ApiGateway", "Latency"]["ExtendedStatistic"] == "p99"
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible") in by_metric
    assert ("Plinth", "JobsFailedBySweeper") in by_metric
    assert ("Plinth", "JobsReenqueued") in by_metric
    assert ("Plinth", "RateLimiterFailOpen") in by_metric


@pytest.mark.parametrize("topic", ["", "arn:aws:sns:us-east-1:123456789012:oncall"])
def test_alarms_notify_the_topic_only_when_one_is_given(default, topic):
    deployed = _deployed(default, {"AlarmTopicArn": topic})
    alarms = [r for r in deployed.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
    assert len(alarms) == len(_resources(default, "AWS::CloudWatch::Alarm"))
    for alarm in alarms:
        props = alarm["Properties"]
        expected = [topic] if topic else None
        assert props.get("AlarmActions") == expected, props["AlarmDescription"]
        assert props.get("OKActions") == expected


def test_dashboard_shows_requests_errors_latency_429s_throttles_jobs_and_queue_age(default):
    shown = {(namespace, name) for namespace, name, _ in _dashboard_metrics(default)}
    for metric in [
        ("AWS/ApiGateway", "Count"),
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("Plinth", "Http429"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Throttles"),
        ("Plinth", "Job_completed"),
        ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
    ]:
        assert metric in shown, metric
    functions = set(_resources(default, "AWS::Lambda::Function"))
    for kind in ("Errors", "Throttles"):
        charted = {
            d["FunctionName"].strip("${}")
            for n, m, d in _dashboard_metrics(default)
            if (n, m) == ("AWS/Lambda", kind)
        }
        assert charted == functions, kind


# ---------------------------------------------------------------------- environments
def _overrides(env: str) -> dict[str, str]:
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    pairs = config[env]["global"]["parameters"]["parameter_overrides"]
    return {k: v.strip('"') for k, v in (p.split("=", 1) for p in pairs)}


def test_samconfig_dev_and_prod_differ_where_infra_teams_expect():
    config = tomllib.loads((ROOT / "samconfig.toml").read_text(encoding="utf-8"))
    assert config["version"] == 0.1
    assert "default" in config
    dev, prod = _overrides("dev"), _overrides("prod")
    assert dev["DeploymentPreferenceType"] == "AllAtOnce"
    assert prod["DeploymentPreferenceType"] == CANARY
    for key in ("DefaultRateLimit", "AuthorizerTtlSeconds", "LogRetentionDays"):
        assert dev[key] != prod[key], key
    assert "AlarmTopicArn" in dev and "AlarmTopicArn" in prod
    stacks = {config[e]["deploy"]["parameters"]["stack_name"] for e in ("default", "dev", "prod")}
    assert len(stacks) == 3
    assert config["prod"]["deploy"]["parameters"]["confirm_changeset"] is True


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_samconfig_overrides_are_valid_template_parameters(env):
    parameters = tpl.load_template()["Parameters"]
    for key, value in _overrides(env).items():
        spec = parameters[key]
        if "AllowedValues" in spec:
            assert value in [str(v) for v in spec["AllowedValues"]], (key, value)
        if "AllowedPattern" in spec:
            assert re.fullmatch(spec["AllowedPattern"], value), (key, value)
        if spec["Type"] == "Number":
            assert int(value) >= spec.get("MinValue", 0), key


# ---------------------------------------------------------------------- the custom domain
DOMAIN = {
    "DomainName": "api.example.com",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0",
}
DOMAIN_TYPES = {
    "AWS::ApiGateway::DomainName",
    "AWS::ApiGateway::BasePathMapping",
    "AWS::Route53::RecordSet",
}


def _outputs(template: dict[str, Any], overrides: dict[str, str]) -> dict[str, Any]:
    params = {**tpl.parameter_defaults(template), **overrides}
    conditions = template["Conditions"]
    return {
        name: _evaluate(spec["Value"], params, conditions)
        for name, spec in template["Outputs"].items()
        if "Condition" not in spec or _evaluate(conditions[spec["Condition"]], params, conditions)
    }


def _of_type(deployed: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [spec["Properties"] for spec in deployed.values() if spec["Type"] == kind]


def test_without_a_domain_the_stack_has_no_domain_resources_and_serves_execute_api(default):
    deployed = _deployed(default, {})
    assert not [name for name, spec in deployed.items() if spec["Type"] in DOMAIN_TYPES]
    outputs = _outputs(default, {})
    assert outputs["ApiUrl"] == outputs["ExecuteApiUrl"]
    assert "execute-api" in outputs["ApiUrl"]["Fn::Sub"]
    assert "ApiDomainTarget" not in outputs


def test_a_domain_maps_its_root_to_the_stage_so_v1_is_the_public_path(default):
    deployed = _deployed(default, DOMAIN)
    (domain,) = _of_type(deployed, "AWS::ApiGateway::DomainName")
    assert domain["DomainName"] == "api.example.com"
    assert domain["RegionalCertificateArn"] == DOMAIN["CertificateArn"]
    assert domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert domain["SecurityPolicy"] == "TLS_1_2"
    (mapping,) = _of_type(deployed, "AWS::ApiGateway::BasePathMapping")
    assert mapping.get("BasePath", "") == ""  # routes already start with /v1
    assert mapping["RestApiId"] == {"Ref": "PlinthApi"}
    assert deployed[mapping["Stage"]["Ref"]]["Type"] == "AWS::ApiGateway::Stage"
    assert not _of_type(deployed, "AWS::Route53::RecordSet")  # no zone given: a CNAME by hand
    outputs = _outputs(default, DOMAIN)
    assert outputs["ApiUrl"] == {"Fn::Sub": "https://${DomainName}"}
    assert "execute-api" in outputs["ExecuteApiUrl"]["Fn::Sub"]
    assert outputs["ApiDomainTarget"] == {"Fn::GetAtt": ["ApiDomain", "RegionalDomainName"]}
    for name in ("ResourcesTableName", "ApiKeysTableName", "WorkspacesTableName", "JobsQueueUrl"):
        assert name in outputs


def test_a_hosted_zone_gets_the_alias_record_and_a_domain_demands_a_certificate(default):
    deployed = _deployed(default, {**DOMAIN, "HostedZoneId": "Z123"})
    (record,) = _of_type(deployed, "AWS::Route53::RecordSet")
    assert record["Name"] == "api.example.com"
    assert record["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["ApiDomain", "RegionalDomainName"]}
    assert not _of_type(_deployed(default, {"HostedZoneId": "Z123"}), "AWS::Route53::RecordSet")
    rule = default["Rules"]["DomainNeedsCertificate"]
    params = {**tpl.parameter_defaults(default), "DomainName": "api.example.com"}
    assert _evaluate(rule["RuleCondition"], params, {}) is True
    (assertion,) = rule["Assertions"]
    assert _evaluate(assertion["Assert"], params, {}) is False  # refused without a certificate
    assert _evaluate(assertion["Assert"], {**params, **DOMAIN}, {}) is True


# A Lambda function's resource policy may hold 20,480 bytes (SAM issue #337: SAM writes one
# statement per Api event). Each statement as Lambda stores it, with a long stack name.
POLICY_LIMIT = 20_480
_STACK = "plinth-production-eu"


def _statement(permission: str, function: str, source_arn: str) -> str:
    return json.dumps(
        {
            "Sid": f"{_STACK}-{permission}-ABCDEFGHIJKL",
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": f"arn:aws:lambda:eu-central-1:123456789012:function:{_STACK}-"
            f"{function}-ABCDEFGHIJKL:live",
            "Condition": {"ArnLike": {"AWS:SourceArn": source_arn}},
        },
        separators=(",", ":"),
    )


def test_every_functions_resource_policy_stays_well_under_20_kb(default):
    policies: dict[str, list[str]] = {}
    for name, permission in _resources(default, "AWS::Lambda::Permission").items():
        function = _canonical(permission["Properties"]["FunctionName"]).strip("${}")
        source = permission["Properties"].get("SourceArn", "")
        if isinstance(source, dict) and "Fn::Sub" in source:
            source = (
                source["Fn::Sub"][0] if isinstance(source["Fn::Sub"], list) else source["Fn::Sub"]
            )
        arn = (
            str(source)
            .replace("${AWS::Region}", "eu-central-1")
            .replace("${AWS::AccountId}", "123456789012")
            .replace("${__ApiId__}", "abcdef1234")
            .replace("${__Stage__}", "*")
        )
        policies.setdefault(function, []).append(_statement(name, function, arn))
    sizes = {
        f: len('{"Version":"2012-10-17","Id":"default","Statement":[' + ",".join(s) + "]}")
        for f, s in policies.items()
    }
    largest = max(sizes, key=lambda f: sizes[f])
    # Room for a few more routes on the largest: 75% of the limit.
    assert sizes[largest] < POLICY_LIMIT * 0.75, (largest, sizes[largest])
