"""The schemathesis exclusions (tests/e2e/schemathesis/hooks.py) drop only what they name."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HOOKS = Path(__file__).parents[1] / "e2e" / "schemathesis" / "hooks.py"


@pytest.fixture
def hooks(monkeypatch):
    """hooks.py with a stand-in `schemathesis` (the real one lives in its own env)."""
    fake = types.ModuleType("schemathesis")
    fake.hook = lambda function: function  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "schemathesis", fake)
    spec = importlib.util.spec_from_file_location("plinth_schemathesis_hooks", HOOKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Case:
    method: str = "GET"
    path: str = "/v1/resources"
    query: dict[str, Any] | None = None
    headers: dict[str, Any] | None = None
    path_parameters: dict[str, Any] | None = None
    body: Any = None


@dataclass
class Response:
    status_code: int
    payload: Any = None
    headers: dict[str, list[str]] = field(default_factory=dict)

    @property
    def content(self) -> bytes:
        return json.dumps(self.payload).encode()


class RejectedPositiveData(Exception):
    pass


class EnsureResourceAvailability(Exception):
    pass


def _error(code, param):
    return {"error": {"code": code, "message": "m", "param": param}}


def test_unissued_cursor_422_is_dropped_but_an_issued_one_is_kept(hooks):
    issued = Response(200, {"object": "list", "data": [], "hasMore": True, "nextCursor": "c1"})
    hooks.after_call(None, Case(), issued)
    rejected = Response(422, _error("validation_error", "cursor"))
    assert not hooks.filter_failure(
        None, RejectedPositiveData(), Case(query={"cursor": "0"}), rejected
    )
    assert hooks.filter_failure(
        None, RejectedPositiveData(), Case(query={"cursor": "c1"}), rejected
    )
    limit = Response(422, _error("validation_error", "limit"))
    assert hooks.filter_failure(None, RejectedPositiveData(), Case(query={"cursor": "0"}), limit)


def test_reused_key_422_is_dropped_only_for_another_body(hooks):
    first = Case("POST", headers={"Idempotency-Key": "k"}, body={"name": "a"})
    hooks.after_call(None, first, Response(201, {"id": "res_1"}))
    reused = Response(422, _error("idempotency_key_reused", "Idempotency-Key"))
    other = Case("POST", headers={"Idempotency-Key": "k"}, body={"name": "b"})
    same = Case("POST", headers={"Idempotency-Key": "k"}, body={"name": "a"})
    assert not hooks.filter_failure(None, RejectedPositiveData(), other, reused)
    assert hooks.filter_failure(None, RejectedPositiveData(), same, reused)
    unseen = Case("POST", headers={"Idempotency-Key": "new"}, body={"name": "b"})
    assert hooks.filter_failure(None, RejectedPositiveData(), unseen, reused)


def test_404_is_excused_only_for_a_replayed_then_deleted_resource(hooks):
    post = Case("POST", headers={"Idempotency-Key": "k"}, body={"name": "a"})
    created = Response(201, {"id": "res_1"})
    hooks.after_call(None, post, created)
    get = Case(path="/v1/resources/res_1", path_parameters={"id": "res_1"})
    missing = Response(404, _error("not_found", "id"))
    assert hooks.filter_failure(None, EnsureResourceAvailability(), get, missing)  # not replayed
    replayed = Response(201, {"id": "res_1"}, {"idempotent-replayed": ["true"]})
    hooks.after_call(None, post, replayed)
    assert hooks.filter_failure(None, EnsureResourceAvailability(), get, missing)  # not deleted
    delete = Case("DELETE", path="/v1/resources/res_1", path_parameters={"id": "res_1"})
    hooks.after_call(None, delete, Response(204))
    assert not hooks.filter_failure(None, EnsureResourceAvailability(), get, missing)
    assert hooks.filter_failure(None, RejectedPositiveData(), get, Response(500))


def test_server_errors_are_never_dropped(hooks):
    hooks.after_call(None, Case(), Response(200, {"nextCursor": "c"}))
    for status in (500, 502, 503):
        failure = RejectedPositiveData()
        assert hooks.filter_failure(None, failure, Case(query={"cursor": "0"}), Response(status))
