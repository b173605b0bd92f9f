"""Each endpoint declared once (`plinth.http.endpoint`): the functions stay small, their
declarations agree with template.yaml, and what a route function receives can be swapped
through Powertools' `app.dependency_overrides`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from plinth.http.dependencies import resource_store, signing_key
from plinth.http.endpoint import Endpoint
from plinth.ids import new_resource_id
from plinth.models.resource import Resource
from plinth.models.types import ResourceStatus
from plinth_tools import template as tpl
from plinth_tools.lambdas import load_handler
from tests.unit.logic.fakes import InMemoryResources

ROOT = Path(__file__).resolve().parents[2]
API_FUNCTIONS = [
    spec
    for spec in tpl.functions().values()
    if spec.routes and spec.logical_id not in tpl.METHOD_NOT_ALLOWED_FUNCTIONS
]


def _endpoint(spec: tpl.FunctionSpec) -> Endpoint:
    load_handler(spec)
    endpoint: Endpoint = sys.modules[f"plinth_function_{spec.logical_id}"].endpoint
    return endpoint


@pytest.mark.parametrize(
    "app", sorted(ROOT.glob("functions/*/app.py")), ids=lambda p: p.parent.name
)
def test_every_handler_is_at_most_30_non_blank_lines(app):
    lines = [line for line in app.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) <= 30, f"{app.parent.name}: {len(lines)} non-blank lines"


@pytest.mark.parametrize("spec", API_FUNCTIONS, ids=lambda s: s.logical_id)
def test_each_api_function_declares_the_one_endpoint_its_routes_serve(spec):
    endpoint = _endpoint(spec)
    assert {(r.method, r.path) for r in spec.routes} == {(endpoint.method, endpoint.resource)}
    assert endpoint.lambda_handler is load_handler(spec)


def test_operation_ids_and_metrics_are_unique():
    endpoints = [_endpoint(spec) for spec in API_FUNCTIONS]
    assert len({e.operation_id for e in endpoints}) == len(endpoints)
    assert len({e.metric for e in endpoints}) == len(endpoints)


def test_a_route_function_receives_what_dependency_overrides_give(api):
    """The test swaps the store the route function receives; nothing else changes."""
    spec = tpl.functions()["GetResourceFunction"]
    endpoint = _endpoint(spec)
    fake = InMemoryResources()
    resource_id = new_resource_id()
    fake.create(
        Resource(
            id=resource_id,
            workspace_id="ws_alpha",
            name="from the fake",
            description=None,
            status=ResourceStatus.ACTIVE,
            metadata={},
            created_at=1_700_000_000_000,
            updated_at=1_700_000_000_000,
        )
    )
    endpoint.app.dependency_overrides[resource_store] = lambda: fake
    try:
        found = api.request("GET", f"/v1/resources/{resource_id}")
    finally:
        endpoint.app.dependency_overrides.clear()
    assert found.status == 200, found.text
    assert found.body["name"] == "from the fake"
    assert api.request("GET", f"/v1/resources/{resource_id}").status == 404  # the real store again


def test_a_dependency_that_fails_with_a_plinth_error_answers_with_it(api):
    """A dependency raising DependencyUnavailable (the secret store down) is a 503 with
    Retry-After, not the 500 of an unexpected failure."""
    from plinth.errors import DependencyUnavailable

    endpoint = _endpoint(tpl.functions()["ListResourcesFunction"])

    def down() -> bytes:
        raise DependencyUnavailable("A dependency is unavailable; retry shortly.", retry_after=2)

    endpoint.app.dependency_overrides[signing_key] = down
    try:
        listed = api.request("GET", "/v1/resources")
    finally:
        endpoint.app.dependency_overrides.clear()
    assert listed.status == 503, listed.text
    assert listed.headers["Retry-After"] == "2"
    assert listed.error["code"] == "service_unavailable"
