"""Shared fixtures: moto with everything template.yaml declares, and an in-process client
that turns requests into REST proxy events (from events/) for the functions' handlers."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# Shared, noisy machines: no per-example deadlines, no "too slow" health check.
settings.register_profile("plinth", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("plinth")

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "PlinthTest")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "plinth")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
# Real S3 (and moto by default) refuse multipart parts under 5 MiB but the last; tests
# export with tiny parts to cross many part boundaries quickly.
os.environ["S3_UPLOAD_PART_MIN_SIZE"] = "256"


@pytest.fixture
def aws() -> Iterator[object]:
    """moto with every table and secret of template.yaml; env set as deployed."""
    from moto import mock_aws

    from plinth_tools.local import moto_transactions
    from tests.support import fresh_dependencies, provision_for_tests

    moto_transactions.install()  # as the local stack runs moto

    with mock_aws():
        fresh_dependencies()
        names = provision_for_tests()
        yield names
    fresh_dependencies()


@pytest.fixture
def api(aws):
    from tests.support import InProcessApi

    return InProcessApi(aws)
