"""The mapping from table changes to events (plinth.logic.events) and the log's reads
(plinth.logic.event_log), on in-memory ports."""

from __future__ import annotations

import pytest

from plinth import ids
from plinth.errors import NotFound, ValidationFailed
from plinth.logic.event_log import get_event, list_events
from plinth.logic.events import Change, Outcome, Source, event_of, record_change
from plinth.models.event import RETENTION_MS, EventType
from tests.unit.logic.fakes import InMemoryEvents

KEY = b"k" * 32
NOW = 1_735_689_600_000
RESOURCE = {
    "workspaceId": "ws_a",
    "id": "res_01JGZ9A5B7C9D1E3F5G7H9J1K3",
    "workspaceStatus": "ws_a#active",
    "name": "thing",
    "status": "active",
    "metadata": {"team": "core"},
    "createdAt": NOW,
    "updatedAt": NOW,
}
JOB = {
    "workspaceId": "ws_a",
    "id": "job_01JGZ9A5B7C9D1E3F5G7H9J1K3",
    "workspaceStatus": "ws_a#pending",
    "activeKey": "active",
    "type": "resources.export",
    "status": "pending",
    "createdAt": NOW,
    "updatedAt": NOW,
}
API_KEY = {
    "keyHash": "f" * 64,
    "keyId": "key_01JGZ9A5B7C9D1E3F5G7H9J1K3",
    "workspaceId": "ws_a",
    "scopes": ["resources:write", "events:read"],
    "createdAt": NOW,
}


def change(source, old=None, new=None, record="rec-1", at=NOW):
    action = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    return Change(source, action, record, at, old, new)


def test_a_created_resource_is_resource_created_showing_its_public_json():
    event = event_of(change(Source.RESOURCES, new=RESOURCE))
    assert event is not None
    assert event.type is EventType.RESOURCE_CREATED
    assert event.workspace_id == "ws_a"
    assert event.data == {
        "id": RESOURCE["id"],
        "object": "resource",
        "name": "thing",
        "description": None,
        "status": "active",
        "metadata": {"team": "core"},
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
    }


def test_an_updated_resource_is_resource_updated_with_the_new_view():
    new = RESOURCE | {"name": "renamed", "updatedAt": NOW + 5}
    event = event_of(change(Source.RESOURCES, old=RESOURCE, new=new))
    assert event is not None
    assert event.type is EventType.RESOURCE_UPDATED
    assert event.data["name"] == "renamed"
    assert event.created_at == NOW + 5


def test_a_write_that_changes_nothing_public_is_no_event():
    assert event_of(change(Source.RESOURCES, old=RESOURCE, new=dict(RESOURCE))) is None


def test_a_deleted_resource_shows_it_as_it_was_and_sorts_after_its_last_write():
    event = event_of(change(Source.RESOURCES, old=RESOURCE, at=NOW - 999))
    assert event is not None
    assert event.type is EventType.RESOURCE_DELETED
    assert event.data["name"] == "thing"
    assert event.created_at == NOW + 1  # the stream's whole second is earlier


def test_a_job_emits_created_then_only_on_status_changes():
    running = JOB | {"status": "running", "workspaceStatus": "ws_a#running", "updatedAt": NOW + 1}
    checkpoint = running | {"checkpoint": {"processed": 100}, "leaseUntil": NOW + 60_000}
    done = checkpoint | {
        "status": "completed",
        "activeKey": None,
        "result": {"count": 3, "key": "exports/ws_a/job.jsonl"},
        "completedAt": NOW + 9,
    }
    assert event_of(change(Source.JOBS, new=JOB)).type is EventType.JOB_CREATED
    assert event_of(change(Source.JOBS, old=JOB, new=running)).type is EventType.JOB_RUNNING
    assert event_of(change(Source.JOBS, old=running, new=checkpoint)) is None
    completed = event_of(change(Source.JOBS, old=checkpoint, new=done))
    assert completed.type is EventType.JOB_COMPLETED
    assert completed.data["result"] == {"count": 3}  # no S3 key, no URL that would expire
    assert completed.data["progress"] == {"processed": 100, "total": None}
    failed = JOB | {"status": "failed", "error": {"code": "enqueue_failed", "message": "x"}}
    assert event_of(change(Source.JOBS, old=JOB, new=failed)).type is EventType.JOB_FAILED


def test_api_key_events_never_show_the_hash():
    created = event_of(change(Source.API_KEYS, new=API_KEY))
    assert created.type is EventType.API_KEY_CREATED
    assert created.data == {  # exactly as GET /v1/api_keys/{id} shows it
        "id": API_KEY["keyId"],
        "object": "api_key",
        "name": None,
        "prefix": None,
        "scopes": ["events:read", "resources:write"],
        "createdAt": "2025-01-01T00:00:00.000Z",
        "lastUsedAt": None,
        "revokedAt": None,
        "expiresAt": None,
    }
    assert API_KEY["keyHash"] not in repr(created)


def test_revoking_and_setting_an_expiry_are_revoked_and_updated():
    revoked = API_KEY | {"revokedAt": NOW + 10}
    expiring = API_KEY | {"expiresAt": NOW + 86_400_000, "name": "ci", "prefix": "sk_ab12"}
    event = event_of(change(Source.API_KEYS, old=API_KEY, new=revoked))
    assert event.type is EventType.API_KEY_REVOKED
    assert event.data["revokedAt"] == "2025-01-01T00:00:00.010Z"
    updated = event_of(change(Source.API_KEYS, old=API_KEY, new=expiring))
    assert updated.type is EventType.API_KEY_UPDATED
    assert updated.data["expiresAt"] == "2025-01-02T00:00:00.000Z"
    assert (updated.data["name"], updated.data["prefix"]) == ("ci", "sk_ab12")


def test_a_key_used_again_is_no_event():
    used = API_KEY | {"lastUsedAt": NOW + 1}
    used_later = used | {"lastUsedAt": NOW + 2}
    assert event_of(change(Source.API_KEYS, old=API_KEY, new=used)) is None
    assert event_of(change(Source.API_KEYS, old=used, new=used_later)) is None
    revoked = used_later | {"revokedAt": NOW + 3}
    shown = event_of(change(Source.API_KEYS, old=used_later, new=revoked)).data
    assert shown["lastUsedAt"] == "2025-01-01T00:00:00.002Z"


def test_ids_derive_from_the_record_so_a_redelivery_is_a_duplicate():
    store = InMemoryEvents()
    first = change(Source.RESOURCES, new=RESOURCE, record="abc")
    assert record_change(first, store) is Outcome.RECORDED
    assert record_change(first, store) is Outcome.DUPLICATE
    assert record_change(change(Source.RESOURCES, new=RESOURCE, record="abd"), store) is (
        Outcome.RECORDED
    )
    assert len(store.items) == 2
    assert event_of(first).id == event_of(first).id
    assert ids.ulid_timestamp_ms(event_of(first).id.removeprefix("evt_")) == NOW
    assert record_change(change(Source.RESOURCES, RESOURCE, dict(RESOURCE)), store) is (
        Outcome.IGNORED
    )


def _stored(store, age_ms, record, event_type=EventType.RESOURCE_CREATED):
    new = RESOURCE | {"createdAt": NOW - age_ms, "updatedAt": NOW - age_ms}
    event = event_of(change(Source.RESOURCES, new=new, record=record, at=NOW - age_ms))
    store.put(event.model_copy(update={"type": event_type}))
    return event.id


def test_lists_and_gets_stop_at_thirty_days():
    store = InMemoryEvents()
    old = _stored(store, RETENTION_MS + 1, "old")
    recent = _stored(store, RETENTION_MS - 1, "recent")
    page = list_events(
        "ws_a", limit=10, event_type=None, cursor=None, store=store, signing_key=KEY,
        clock=lambda: NOW,
    )  # fmt: skip
    assert [e.id for e in page.items] == [recent]
    assert get_event("ws_a", recent, store, clock=lambda: NOW).id == recent
    with pytest.raises(NotFound):
        get_event("ws_a", old, store, clock=lambda: NOW)
    with pytest.raises(NotFound):
        get_event("ws_b", recent, store, clock=lambda: NOW)


def test_pages_follow_the_type_filter_and_its_cursor():
    store = InMemoryEvents()
    for index in range(3):
        _stored(store, index, f"c{index}")
    _stored(store, 5, "u", EventType.RESOURCE_UPDATED)

    def page(cursor=None, event_type=EventType.RESOURCE_CREATED):
        return list_events(
            "ws_a", limit=2, event_type=event_type, cursor=cursor, store=store,
            signing_key=KEY, clock=lambda: NOW,
        )  # fmt: skip

    first = page()
    assert first.has_more is True
    rest = page(first.next_cursor)
    assert (len(rest.items), rest.has_more, rest.next_cursor) == (1, False, None)
    with pytest.raises(ValidationFailed) as refused:
        page(first.next_cursor, event_type=None)
    assert refused.value.param == "cursor"
