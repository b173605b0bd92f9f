"""docs/openapi.json: valid, current, covering the template, and true to the responses."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator, ValidationError
from openapi_spec_validator import validate

from plinth_tools import openapi
from plinth_tools import template as tpl

DOCUMENT = json.loads(openapi.DOCUMENT.read_text())


def _check(body, schema_name):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": DOCUMENT["components"]}
    Draft202012Validator(schema).validate(body)


def _response_schema(method, path, status):
    content = DOCUMENT["paths"][path][method.lower()]["responses"][str(status)].get("content")
    schema = content["application/json"]["schema"] if content else None
    return schema | {"components": DOCUMENT["components"]} if schema else None


def test_document_is_valid_openapi_and_up_to_date():
    validate(DOCUMENT)
    assert openapi.DOCUMENT.read_text() == openapi.render(), "run `make openapi`"


def test_document_covers_exactly_the_template_routes():
    documented = {(m.upper(), p) for p, item in DOCUMENT["paths"].items() for m in item}
    declared = {(r.method, r.path) for r in tpl.served_routes()}
    assert documented == declared


def test_every_operation_documents_the_error_shape():
    for item in DOCUMENT["paths"].values():
        for operation in item.values():
            for status in ("401", "404", "422", "429", "503"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


@pytest.fixture
def sample(api, create):
    resource = create(name="contract", metadata={"k": "v"})
    job = api.request("POST", "/v1/resources/export", json_body={}).body
    return resource, job


def test_real_responses_match_the_document(api, sample):
    resource, job = sample
    calls = [
        ("POST", "/v1/resources", "/v1/resources", {"name": "x"}, 201),
        ("GET", f"/v1/resources/{resource['id']}", "/v1/resources/{id}", None, 200),
        (
            "PATCH",
            f"/v1/resources/{resource['id']}",
            "/v1/resources/{id}",
            {"status": "paused"},
            200,
        ),
        ("GET", "/v1/resources", "/v1/resources", None, 200),
        ("POST", "/v1/resources/bulk", "/v1/resources/bulk", {"resources": [{"name": "b"}]}, 202),
        ("GET", f"/v1/jobs/{job['id']}", "/v1/jobs/{id}", None, 200),
        ("GET", "/v1/jobs", "/v1/jobs", None, 200),
        ("POST", "/v1/resources", "/v1/resources", {"name": 5}, 422),
        ("GET", "/v1/resources/res_missing", "/v1/resources/{id}", None, 404),
    ]
    for method, path, template_path, body, status in calls:
        response = api.request(method, path, json_body=body)
        assert response.status == status, (method, path, response.text)
        Draft202012Validator(_response_schema(method, template_path, status)).validate(
            response.body
        )
    _check(api.request("GET", f"/v1/resources/{resource['id']}").body, "ResourceResponse")


def test_document_rejects_what_the_api_would_not_send():
    with pytest.raises(ValidationError):
        _check({"id": "res_x", "object": "job"}, "ResourceResponse")
