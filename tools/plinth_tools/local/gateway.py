"""API Gateway (REST, Lambda proxy v1) emulation, driven by template.yaml.

Routing, the REQUEST authorizer with its result cache, Gateway Responses, proxy events
and proxy results all follow what the deployed API does, so a request answered here is
answered the same way in AWS. The functions run wherever `pools` runs them
(`plinth_tools.local.runtime`); `plinth_tools.local.server` puts the gateway on HTTP.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from plinth_tools import template as tpl
from plinth_tools.local.aws import ACCOUNT, REGION
from plinth_tools.local.runtime import Invoker, function_pools
from plinth_tools.routing import Router

API_ID = "local"
MAX_GATEWAY_BODY = 10 * 1024 * 1024  # API Gateway's payload limit


@dataclass
class GatewayRequest:
    method: str
    path: str  # without the query string
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str = "127.0.0.1"


@dataclass
class GatewayResult:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class _AuthorizerConfig:
    function: str
    identity_headers: list[str]
    ttl_seconds: int


@dataclass
class _CachedVerdict:
    policy: dict[str, Any]
    expires: float


@dataclass
class Gateway:
    template: dict[str, Any]
    stage: str
    parameters: dict[str, str]
    base_dir: Path = tpl.ROOT
    # How each function is invoked, by logical id: given, or one pool of warm containers
    # per function of the template, in this process.
    pools: dict[str, Invoker] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.pools:
            self.pools = dict(function_pools(self.template, self.base_dir))
        self.router = Router(tpl.routes(self.template))
        apis = list(tpl.resources_of_type("AWS::Serverless::Api", self.template).values())
        props = apis[0]["Properties"] if apis else {}
        self._responses: dict[str, Any] = props.get("GatewayResponses", {})
        self._authorizer = self._authorizer_config(props.get("Auth") or {})
        self._no_auth_routes = self._routes_without_auth()
        self._cache: dict[tuple[str, ...], _CachedVerdict] = {}
        self._cache_lock = threading.Lock()

    # ------------------------------------------------------------------ config
    def _authorizer_config(self, auth: dict[str, Any]) -> _AuthorizerConfig | None:
        name = auth.get("DefaultAuthorizer")
        if not name:
            return None
        config = auth["Authorizers"][name]
        function = tpl.function_of_arn(config["FunctionArn"])
        identity = config.get("Identity") or {}
        ttl = identity.get("ReauthorizeEvery", 300)
        if isinstance(ttl, dict):
            ttl = self.parameters[ttl["Ref"]]
        return _AuthorizerConfig(function, list(identity.get("Headers", [])), int(ttl))

    def _routes_without_auth(self) -> set[tuple[str, str]]:
        skipped: set[tuple[str, str]] = set()
        for spec in tpl.resources_of_type("AWS::Serverless::Function", self.template).values():
            for event in (spec["Properties"].get("Events") or {}).values():
                props = event.get("Properties") or {}
                if event["Type"] == "Api" and (props.get("Auth") or {}).get("Authorizer") == "NONE":
                    skipped.add((props["Method"].upper(), props["Path"]))
        return skipped

    # ------------------------------------------------------------------ handling
    def handle(self, request: GatewayRequest) -> GatewayResult:
        request_id = str(uuid.uuid4())
        match = self.router.match(request.method, request.path)
        if match is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", request_id)
        route = match.route
        context: dict[str, Any] = {}
        if self._authorizer and (route.method, route.path) not in self._no_auth_routes:
            verdict = self._authorize(request, route.path, request_id)
            if isinstance(verdict, GatewayResult):
                return verdict
            context = verdict
        if len(request.body) > MAX_GATEWAY_BODY:
            return self.gateway_response("REQUEST_TOO_LARGE", request_id)
        event = self.proxy_event(request, route, match.path_parameters, context, request_id)
        try:
            return proxy_result(self.pools[route.function].invoke(event, request_id))
        except Exception:  # a crashed function or a malformed result: API Gateway's 502
            return self.gateway_response("DEFAULT_5XX", request_id, status=502)

    def _authorize(
        self, request: GatewayRequest, resource: str, request_id: str
    ) -> dict[str, Any] | GatewayResult:
        assert self._authorizer is not None
        headers = _header_map(request.headers)
        identity = tuple(headers.get(h.lower(), "") for h in self._authorizer.identity_headers)
        if not all(identity):
            # API Gateway answers 401 itself when an identity source is missing.
            return self.gateway_response("UNAUTHORIZED", request_id)
        method_arn = (
            f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{self.stage}/"
            f"{request.method.upper()}{request.path}"
        )
        policy = self._cached(identity)
        if policy is None:
            event = self.authorizer_event(request, resource, method_arn, request_id)
            try:
                policy = self.pools[self._authorizer.function].invoke(event, request_id)
            except Exception as exc:
                if str(exc) == "Unauthorized":
                    return self.gateway_response("UNAUTHORIZED", request_id)
                return self.gateway_response("AUTHORIZER_FAILURE", request_id)
            if self._authorizer.ttl_seconds > 0:
                with self._cache_lock:
                    self._cache[identity] = _CachedVerdict(
                        policy, time.monotonic() + self._authorizer.ttl_seconds
                    )
        if not _allows(policy, method_arn):
            return self.gateway_response("ACCESS_DENIED", request_id)
        context = dict(policy.get("context") or {})
        context["principalId"] = policy.get("principalId")
        context["integrationLatency"] = 0
        return context

    def _cached(self, identity: tuple[str, ...]) -> dict[str, Any] | None:
        with self._cache_lock:
            cached = self._cache.get(identity)
            if cached and cached.expires > time.monotonic():
                return cached.policy
            self._cache.pop(identity, None)
            return None

    def flush_verdicts(self, api_id: str, stage: str) -> bool:
        """FlushStageAuthorizersCache on this API's stage; False for any other."""
        if (api_id, stage) != (API_ID, self.stage):
            return False
        with self._cache_lock:
            self._cache.clear()
        return True

    # ------------------------------------------------------------------ events
    def _request_context(
        self, request: GatewayRequest, resource: str, request_id: str
    ) -> dict[str, Any]:
        now = datetime.now(tz=UTC)
        headers = _header_map(request.headers)
        return {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": request.method.upper(),
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{self.stage}{request.path}",
            "accountId": ACCOUNT,
            "protocol": "HTTP/1.1",
            "stage": self.stage,
            "domainPrefix": "localhost",
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent"),
                "accountId": None,
                "caller": None,
                "user": None,
                "userArn": None,
                "apiKey": None,
            },
            "domainName": headers.get("host", "localhost"),
            "apiId": API_ID,
        }

    def authorizer_event(
        self, request: GatewayRequest, resource: str, method_arn: str, request_id: str
    ) -> dict[str, Any]:
        single, multi = _single_and_multi(request.headers)
        query, multi_query = _query(request.query)
        return {
            "type": "REQUEST",
            "methodArn": method_arn,
            "resource": resource,
            "path": request.path,
            "httpMethod": request.method.upper(),
            "headers": single,
            "multiValueHeaders": multi,
            "queryStringParameters": query or {},
            "multiValueQueryStringParameters": multi_query or {},
            "pathParameters": {},
            "stageVariables": {},
            "requestContext": self._request_context(request, resource, request_id),
        }

    def proxy_event(
        self,
        request: GatewayRequest,
        route: tpl.Route,
        path_parameters: dict[str, str],
        authorizer: dict[str, Any],
        request_id: str,
    ) -> dict[str, Any]:
        single, multi = _single_and_multi(request.headers)
        query, multi_query = _query(request.query)
        context = self._request_context(request, route.path, request_id)
        if authorizer:
            context["authorizer"] = authorizer
        body: str | None = None
        is_base64 = False
        if request.body:
            try:
                body = request.body.decode("utf-8")
            except UnicodeDecodeError:
                body = base64.b64encode(request.body).decode("ascii")
                is_base64 = True
        return {
            "resource": route.path,
            "path": request.path,
            "httpMethod": request.method.upper(),
            "headers": single or None,
            "multiValueHeaders": multi or None,
            "queryStringParameters": query,
            "multiValueQueryStringParameters": multi_query,
            "pathParameters": {k: unquote(v) for k, v in path_parameters.items()} or None,
            "stageVariables": None,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": is_base64,
        }

    # ------------------------------------------------------------------ responses
    def gateway_response(
        self, kind: str, request_id: str, status: int | None = None
    ) -> GatewayResult:
        """A Gateway Response as the template declares it (falling back to DEFAULT_*)."""
        defaults = {
            "MISSING_AUTHENTICATION_TOKEN": 403,
            "UNAUTHORIZED": 401,
            "ACCESS_DENIED": 403,
            "REQUEST_TOO_LARGE": 413,
            "AUTHORIZER_FAILURE": 500,
            "DEFAULT_5XX": 502,
        }
        default_status = status or defaults.get(kind, 500)
        family = "DEFAULT_4XX" if default_status < 500 else "DEFAULT_5XX"
        config = self._responses.get(kind) or self._responses.get(family) or {}
        code = int(config.get("StatusCode", default_status))
        headers: list[tuple[str, str]] = [("Content-Type", "application/json")]
        for name, value in ((config.get("ResponseParameters") or {}).get("Headers") or {}).items():
            headers.append((name, _parameter_value(str(value), request_id)))
        template = (config.get("ResponseTemplates") or {}).get("application/json")
        body = template if template is not None else json.dumps({"message": kind})
        return GatewayResult(code, headers, body.encode())


class MalformedProxyResult(ValueError):
    """API Gateway answers these with its DEFAULT_5XX response, as 502."""


def proxy_result(result: Any) -> GatewayResult:
    """A Lambda proxy result → HTTP, as API Gateway maps it."""
    if not isinstance(result, dict) or "statusCode" not in result:
        raise MalformedProxyResult(type(result).__name__)
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    for name, value in (result.get("headers") or {}).items():
        if name not in multi:
            headers.append((name, str(value)))
    for name, values in multi.items():
        headers.extend((name, str(v)) for v in values)
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return GatewayResult(int(result["statusCode"]), headers, body)


def _parameter_value(value: str, request_id: str) -> str:
    if value.startswith("'") and value.endswith("'"):
        return value[1:-1]
    if value == "context.requestId":
        return request_id
    return ""


def _header_map(headers: list[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


def _single_and_multi(
    pairs: list[tuple[str, str]],
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """API Gateway's two views of repeated names: the last value, and all of them."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _query(raw: str) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    pairs = parse_qsl(raw, keep_blank_values=True)
    if not pairs:
        return None, None
    return _single_and_multi(pairs)


def _allows(policy: dict[str, Any], method_arn: str) -> bool:
    """IAM-style evaluation of the authorizer's policy: an explicit Deny wins."""
    allowed = False
    for statement in (policy.get("policyDocument") or {}).get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed
