"""Retries are botocore's, configured once: bounded, standard mode, on every client an API
request uses, Powertools' own included. The one loop of ours is a protocol loop."""

from __future__ import annotations

import pytest

from plinth.errors import DependencyUnavailable
from plinth.models.resource import Resource, ResourceCreate
from plinth.repositories import resources as resources_module

STANDARD = {"mode": "standard", "total_max_attempts": 3}


@pytest.fixture
def deps():
    """A container of its own (nothing cached past the test; later tests use moto)."""
    from plinth.container import Container
    from plinth.repositories import secrets
    from plinth.settings import Settings

    secrets.secrets_provider.cache_clear()
    yield Container(Settings.model_construct(idempotency_table="t"))
    secrets.secrets_provider.cache_clear()


def test_every_client_uses_bounded_standard_retries(deps):
    from plinth.repositories import secrets

    clients = {
        "dynamodb": deps.dynamodb,
        "sqs": deps.sqs,
        "s3": deps.s3,
        "idempotency store": deps.idempotency_store.client,
        "cursor secret": secrets.secrets_provider().client,
    }
    for name, client in clients.items():
        config = client.meta.config
        assert config.retries == STANDARD, name
        assert (config.connect_timeout, config.read_timeout) == (2, 5), name


class _AlwaysUnprocessed:
    """BatchWriteItem succeeding without writing anything: what botocore never retries."""

    def __init__(self) -> None:
        self.calls = 0

    def batch_write_item(self, **request):
        self.calls += 1
        return {"UnprocessedItems": request["RequestItems"]}


def test_unprocessed_items_are_retried_a_bounded_number_of_times(monkeypatch):
    """BatchWriteItem's UnprocessedItems is a 200 response, not an error: botocore's
    retries never see it, so the protocol asks the caller to resend them with backoff."""
    client = _AlwaysUnprocessed()
    sleeps: list[float] = []
    monkeypatch.setattr(resources_module.time, "sleep", sleeps.append)
    repo = resources_module.DynamoResourceRepository(client, "t")
    resource = Resource.new("res_01JGZ9A5B7C9D1E3F5G7H9J1K3", "ws", ResourceCreate(name="x"), 1)
    with pytest.raises(DependencyUnavailable):
        repo.put_batch([resource])
    assert client.calls == 8
    assert len(sleeps) == 8
    assert max(sleeps) <= 2.0
