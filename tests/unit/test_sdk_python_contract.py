"""The Python SDK against docs/openapi.json: models, enums, parameters and operations agree,
so a change to the API that the SDK does not follow fails here."""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from plinth_client import (
    ApiKey,
    ApiKeyCreated,
    BasePage,
    BulkCreateResult,
    Event,
    EventData,
    EventType,
    ExportResult,
    Job,
    JobError,
    JobProgress,
    JobStatus,
    JobType,
    Redelivery,
    Resource,
    ResourceCreateParams,
    ResourceStatus,
    WebhookEndpoint,
    WebhookEndpointCreated,
    WebhookEndpointStatus,
)
from plinth_client._api_keys import ApiKeys
from plinth_client._resources import AsyncEvents, Events, Jobs, Resources
from plinth_client._webhook_endpoints import AsyncWebhookEndpoints, WebhookEndpoints
from tests.unit.sdk_support import (
    Script,
    api_key_body,
    client,
    event_body,
    job_body,
    ok,
    redelivery_body,
    resource_body,
    webhook_endpoint_body,
)

DOCUMENT = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())


def _resolve(schema):
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = DOCUMENT["components"]["schemas"][name]
    return schema


def _response(path, method, status):
    operation = DOCUMENT["paths"][path][method]
    return _resolve(operation["responses"][status]["content"]["application/json"]["schema"])


def _request_body(path, method):
    schema = DOCUMENT["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    schema = _resolve(schema)
    if "anyOf" in schema:  # an optional body: {...} | null
        (schema,) = [_resolve(s) for s in schema["anyOf"] if s.get("type") != "null"]
    return schema


def _webhook_body():
    """The body of the document's one webhook: what a receiver is POSTed."""
    (operation,) = DOCUMENT["webhooks"]["event"].values()
    return operation["requestBody"]["content"]["application/json"]["schema"]


def _job_property(name):
    return _resolve(_response("/v1/jobs/{id}", "get", "200")["properties"][name])


def _tagged_result():
    """The job's non-null `result`: a union discriminated by `type`."""
    (tagged,) = [s for s in _job_property("result")["anyOf"] if s.get("type") != "null"]
    return tagged


def _result_variant(field):
    """The schema among the job's possible `result`s that has `field`."""
    variants = [_resolve(s) for s in _tagged_result()["oneOf"]]
    (variant,) = [v for v in variants if field in v["properties"]]
    return variant


def _query_parameters(path):
    return {p["name"] for p in DOCUMENT["paths"][path]["get"]["parameters"] if p["in"] == "query"}


def _nullable(schema):
    schema = _resolve(schema)
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_nullable(s) for s in schema.get("anyOf", []))


def _enum(schema):
    schema = _resolve(schema)
    if "anyOf" in schema:
        (schema,) = [_resolve(s) for s in schema["anyOf"] if s.get("type") != "null"]
    return set(schema["enum"])


def _literal_values(alias):
    return set(typing.get_args(alias.__value__))


def _model_allows_none(annotation):
    return type(None) in typing.get_args(annotation) or isinstance(annotation, types.NoneType)


@pytest.mark.parametrize(
    ("model", "schema"),
    [
        (Resource, lambda: _response("/v1/resources/{id}", "get", "200")),
        (Job, lambda: _response("/v1/jobs/{id}", "get", "200")),
        (BasePage, lambda: _response("/v1/resources", "get", "200")),
        (BasePage, lambda: _response("/v1/jobs", "get", "200")),
        (JobError, lambda: _resolve(_job_property("error")["anyOf"][0])),
        (JobProgress, lambda: _job_property("progress")),
        (BulkCreateResult, lambda: _result_variant("ids")),
        (ExportResult, lambda: _result_variant("url")),
        (Event, lambda: _response("/v1/events/{id}", "get", "200")),
        (
            EventData,
            lambda: _resolve(_response("/v1/events/{id}", "get", "200")["properties"]["data"]),
        ),
        (BasePage, lambda: _response("/v1/events", "get", "200")),
        (ApiKey, lambda: _response("/v1/api_keys/{id}", "get", "200")),
        (ApiKeyCreated, lambda: _response("/v1/api_keys", "post", "201")),
        (ApiKeyCreated, lambda: _response("/v1/api_keys/{id}/roll", "post", "201")),
        (BasePage, lambda: _response("/v1/api_keys", "get", "200")),
        (WebhookEndpoint, lambda: _response("/v1/webhook_endpoints/{id}", "get", "200")),
        (WebhookEndpointCreated, lambda: _response("/v1/webhook_endpoints", "post", "201")),
        (BasePage, lambda: _response("/v1/webhook_endpoints", "get", "200")),
        (Redelivery, lambda: _response("/v1/events/{id}/redeliver", "post", "202")),
        (Event, lambda: _resolve(_webhook_body())),
    ],
)
def test_models_have_exactly_the_documented_fields(model: type[BaseModel], schema):
    schema = schema()
    fields = {f.alias or name: f for name, f in model.model_fields.items()}
    assert set(fields) == set(schema["properties"])
    for name, prop in schema["properties"].items():
        field = fields[name]
        # A documented constant (`object`, a result's `type`) may default to its value.
        if name in schema.get("required", []) and "const" not in prop:
            assert field.is_required(), name
        assert _model_allows_none(field.annotation) == _nullable(prop), name


def test_job_result_models_carry_the_documented_discriminator_values():
    discriminator = _tagged_result()["discriminator"]
    assert discriminator["propertyName"] == "type"
    models = {"BulkCreateResult": BulkCreateResult, "ExportResult": ExportResult}
    sdk = {model.model_fields["type"].default: name for name, model in models.items()}
    documented = {value: ref.rsplit("/", 1)[1] for value, ref in discriminator["mapping"].items()}
    assert sdk == documented
    assert set(documented) == _literal_values(JobType)


def test_resource_and_job_responses_for_every_operation_use_the_same_schemas():
    single = _response("/v1/resources/{id}", "get", "200")
    assert _response("/v1/resources", "post", "201") == single
    assert _response("/v1/resources/{id}", "patch", "200") == single
    assert (
        _resolve(_response("/v1/resources", "get", "200")["properties"]["data"]["items"]) == single
    )
    job = _response("/v1/jobs/{id}", "get", "200")
    assert _response("/v1/resources/bulk", "post", "202") == job
    assert _response("/v1/resources/export", "post", "202") == job
    assert _resolve(_response("/v1/jobs", "get", "200")["properties"]["data"]["items"]) == job


def test_enums_match_the_document():
    resource = _response("/v1/resources/{id}", "get", "200")["properties"]
    job = _response("/v1/jobs/{id}", "get", "200")["properties"]
    assert _literal_values(ResourceStatus) == _enum(resource["status"])
    assert _literal_values(JobStatus) == _enum(job["status"])
    assert _literal_values(JobType) == _enum(job["type"])
    event = _response("/v1/events/{id}", "get", "200")["properties"]
    assert _literal_values(EventType) == _enum(event["type"])
    assert _literal_values(EventType) == _enum(
        next(
            p for p in DOCUMENT["paths"]["/v1/events"]["get"]["parameters"] if p["name"] == "type"
        )["schema"]
    )
    assert _literal_values(ResourceStatus) == _enum(
        next(
            p
            for p in DOCUMENT["paths"]["/v1/resources"]["get"]["parameters"]
            if p["name"] == "status"
        )["schema"]
    )
    assert _literal_values(JobStatus) == _enum(
        next(
            p for p in DOCUMENT["paths"]["/v1/jobs"]["get"]["parameters"] if p["name"] == "status"
        )["schema"]
    )
    endpoint = _response("/v1/webhook_endpoints/{id}", "get", "200")["properties"]
    assert _literal_values(WebhookEndpointStatus) == _enum(endpoint["status"])


def _flat_literals(annotation):
    """The values of a Literal, an alias of one, or a union of those."""
    if isinstance(annotation, typing.TypeAliasType):
        return _flat_literals(annotation.__value__)
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    return set().union(*(_flat_literals(a) for a in typing.get_args(annotation)))


@pytest.mark.parametrize("method", [WebhookEndpoints.create, AsyncWebhookEndpoints.create])
def test_enabled_events_accepts_exactly_the_documented_event_types(method):
    (item,) = typing.get_args(typing.get_type_hints(method)["enabled_events"])
    documented = _request_body("/v1/webhook_endpoints", "post")["properties"]["enabledEvents"]
    assert _flat_literals(item) == _enum(documented["items"])
    assert _flat_literals(item) == _literal_values(EventType) | {"*"}


def _snake(names):
    return {re.sub(r"(?<!^)([A-Z])", r"_\1", n).lower() for n in names}


def _keyword_parameters(method):
    return {
        name
        for name, p in inspect.signature(method).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name != "idempotency_key"
    }


def test_method_parameters_are_the_documented_body_fields_and_query_parameters():
    assert _keyword_parameters(Resources.create) == set(
        _request_body("/v1/resources", "post")["properties"]
    )
    assert set(ResourceCreateParams.__annotations__) == set(
        _request_body("/v1/resources", "post")["properties"]
    )
    assert set(ResourceCreateParams.__required_keys__) == set(
        _request_body("/v1/resources", "post")["required"]
    )
    assert _keyword_parameters(Resources.update) == set(
        _request_body("/v1/resources/{id}", "patch")["properties"]
    )
    assert _keyword_parameters(Resources.export) == set(
        _request_body("/v1/resources/export", "post")["properties"]
    )
    assert set(_request_body("/v1/resources/bulk", "post")["properties"]) == {"resources"}
    assert _keyword_parameters(Resources.list) == _query_parameters("/v1/resources")
    assert _keyword_parameters(Jobs.list) == _query_parameters("/v1/jobs")
    assert _keyword_parameters(Events.list) == _query_parameters("/v1/events")
    assert _keyword_parameters(ApiKeys.list) == _query_parameters("/v1/api_keys")
    assert _keyword_parameters(ApiKeys.create) == set(
        _snake(_request_body("/v1/api_keys", "post")["properties"])
    )
    assert _keyword_parameters(ApiKeys.roll) == set(
        _snake(_request_body("/v1/api_keys/{id}/roll", "post")["properties"])
    )
    for endpoints in (WebhookEndpoints, AsyncWebhookEndpoints):
        assert _keyword_parameters(endpoints.create) == _snake(
            _request_body("/v1/webhook_endpoints", "post")["properties"]
        )
        assert _keyword_parameters(endpoints.list) == _query_parameters("/v1/webhook_endpoints")
    for events in (Events, AsyncEvents):
        assert _keyword_parameters(events.redeliver) == set(
            _request_body("/v1/events/{id}/redeliver", "post")["properties"]
        )


def test_every_post_accepts_an_idempotency_key_as_documented():
    for path, item in DOCUMENT["paths"].items():
        if "post" in item:
            headers = {p["name"] for p in item["post"].get("parameters", []) if p["in"] == "header"}
            assert "Idempotency-Key" in headers, path


def test_the_sdk_calls_exactly_the_documented_operations():
    page = {"object": "list", "data": [], "hasMore": False, "nextCursor": None}
    script = Script(
        ok(resource_body(), 201),
        ok(resource_body()),
        ok(resource_body()),
        httpx.Response(204),
        ok(page),
        ok(job_body(), 202),
        ok(job_body(), 202),
        ok(job_body()),
        ok(page),
        ok(event_body()),
        ok(page),
        ok(api_key_body(secret="sk_x"), 201),
        ok(page),
        ok(api_key_body()),
        ok(api_key_body()),
        ok(api_key_body(secret="sk_y"), 201),
        ok(webhook_endpoint_body(secret="whsec_c2VjcmV0"), 201),
        ok(page),
        ok(webhook_endpoint_body()),
        httpx.Response(204),
        ok(redelivery_body(), 202),
    )
    sdk = client(script)
    sdk.resources.create(name="n")
    sdk.resources.get("res_1")
    sdk.resources.update("res_1", name="m")
    sdk.resources.delete("res_1")
    sdk.resources.list()
    sdk.resources.bulk_create([{"name": "a"}])
    sdk.resources.export()
    sdk.jobs.get("job_1")
    sdk.jobs.list()
    sdk.events.get("evt_1")
    sdk.events.list()
    sdk.api_keys.create(scopes=["resources:read"])
    sdk.api_keys.list()
    sdk.api_keys.get("key_1")
    sdk.api_keys.revoke("key_1")
    sdk.api_keys.roll("key_1", expires_in=60)
    sdk.webhook_endpoints.create(url="https://hooks.example.com/x", enabled_events=["*"])
    sdk.webhook_endpoints.list()
    sdk.webhook_endpoints.get("we_1")
    sdk.webhook_endpoints.delete("we_1")
    sdk.events.redeliver("evt_1")
    called = {
        (r.method.lower(), re.sub(r"/(res|job|evt|key|we)_1(/|$)", r"/{id}\2", r.url.path))
        for r in script.requests
    }
    documented = {
        (m, p) for p, item in DOCUMENT["paths"].items() for m in item if m != "parameters"
    }
    assert called == documented


def test_package_version_and_user_agent_version_agree():
    import tomllib

    import plinth_client

    project = tomllib.loads(
        (Path(__file__).resolve().parents[2] / "clients/python/pyproject.toml").read_text()
    )["project"]
    assert project["version"] == plinth_client.__version__
    assert project["dependencies"] == ["httpx>=0.27,<1", "pydantic>=2.7,<3"]
