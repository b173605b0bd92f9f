"""What each function loads at cold start, deterministically (the timings are
`make test-artifact` and `make bench`): a fresh interpreter imports the handler from
source and reports the modules it loaded.

Every third-party package on a cold start is one of the design card's (and their own
dependencies); the lazy imports the functions rely on stay lazy: only the POST functions
load Powertools idempotency, only the job functions load the jobs modules, and no API
function loads the API-key repository (the authorizer's) or a tracing SDK.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from functools import cache

import pytest

from plinth_tools import template as tpl

ROOT = tpl.ROOT
ALLOWED_THIRD_PARTY = {
    "boto3", "botocore", "s3transfer", "urllib3", "jmespath", "dateutil", "six", "certifi",
    "pydantic", "pydantic_core", "annotated_types", "typing_extensions", "typing_inspection",
    "aws_lambda_powertools",
}  # fmt: skip
_PROBE = """
import importlib, json, sys
sys.path[:0] = sys.argv[2:]
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""
FUNCTIONS = {spec.logical_id: spec for spec in tpl.functions().values()}
JOB_FUNCTIONS = {
    "BulkCreateResourcesFunction",
    "ExportResourcesFunction",
    "GetJobFunction",
    "ListJobsFunction",
    "JobsWorkerFunction",
    "JobsSweeperFunction",
}
API_FUNCTIONS = {name for name, spec in FUNCTIONS.items() if spec.routes}


@cache
def loaded(logical_id: str) -> frozenset[str]:
    spec = FUNCTIONS[logical_id]
    module = spec.handler.rpartition(".")[0]
    roots = [str(ROOT / spec.code_uri), str(ROOT / "layers" / "common")]
    roots.append(sysconfig.get_paths()["purelib"])  # the venv's packages: boto3, pydantic…
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _PROBE, module, *roots],
        capture_output=True,
        text=True,
        cwd=ROOT / spec.code_uri,
        env={"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"},
        check=True,
    )
    return frozenset(json.loads(done.stdout))


EVENT_SOURCE_FUNCTIONS = {
    "JobsWorkerFunction",
    "JobsSweeperFunction",
    "EventsRecorderFunction",
    "WebhookDispatcherFunction",
    "WebhookSenderFunction",
}


def _under(modules: frozenset[str], package: str) -> set[str]:
    return {m for m in modules if m == package or m.startswith(package + ".")}


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_a_cold_start_loads_only_the_design_cards_packages(function):
    modules = loaded(function)
    stdlib = sys.stdlib_module_names | set(sys.builtin_module_names)
    third_party = {
        m.split(".")[0]
        for m in modules
        if m.split(".")[0] not in stdlib and not m.startswith(("plinth", "app", "_"))
    }
    assert third_party <= ALLOWED_THIRD_PARTY, third_party - ALLOWED_THIRD_PARTY


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_lazy_imports_stay_lazy(function):
    modules = loaded(function)
    posts = {  # the 405 function is routed POSTs too, but only to refuse them
        n
        for n in API_FUNCTIONS - tpl.METHOD_NOT_ALLOWED_FUNCTIONS
        if any(r.method == "POST" for r in FUNCTIONS[n].routes)
    }
    if function not in posts:
        assert not _under(modules, "aws_lambda_powertools.utilities.idempotency")
    if function not in JOB_FUNCTIONS:
        assert not _under(modules, "plinth.logic.jobs")
        if function != "EventsRecorderFunction":  # it maps job items to their API shape
            assert not _under(modules, "plinth.models.job")
    if function != "AuthorizerFunction":
        assert not _under(modules, "plinth.repositories.api_keys")
    if function in EVENT_SOURCE_FUNCTIONS:
        assert not _under(modules, "plinth.http")  # event sources load no HTTP code
    if function == "AuthorizerFunction":
        assert _under(modules, "plinth.http") <= {"plinth.http", "plinth.http.authorizer"}
    assert not _under(modules, "aws_xray_sdk")
    assert not _under(modules, "opentelemetry")
