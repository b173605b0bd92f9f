import re

from plinth import ids


def test_new_resource_id_has_prefix_and_ulid_body():
    value = ids.new_resource_id()
    assert re.fullmatch(r"res_[0-9A-HJKMNP-TV-Z]{26}", value)
    assert ids.is_id(value, ids.RESOURCE_PREFIX)


def test_ids_minted_in_one_millisecond_sort_in_creation_order():
    generator = ids.UlidGenerator(clock_ms=lambda: 1_735_689_600_000)
    bodies = [generator.new() for _ in range(1000)]
    assert bodies == sorted(bodies)
    assert len(set(bodies)) == 1000


def test_ids_across_milliseconds_sort_by_time():
    ticks = iter([1000, 1000, 1001, 5000])
    generator = ids.UlidGenerator(clock_ms=lambda: next(ticks))
    bodies = [generator.new() for _ in range(4)]
    assert bodies == sorted(bodies)
    assert [ids.ulid_timestamp_ms(b) for b in bodies] == [1000, 1000, 1001, 5000]


def test_clock_going_backwards_keeps_ids_monotonic():
    ticks = iter([5000, 4000, 4000])
    generator = ids.UlidGenerator(clock_ms=lambda: next(ticks))
    bodies = [generator.new() for _ in range(3)]
    assert bodies == sorted(bodies)
    assert len(set(bodies)) == 3


def test_ulid_bytes_round_trip():
    body = ids.new_job_id().removeprefix("job_")
    assert ids.ulid_from_bytes(ids.ulid_to_bytes(body)) == body


def test_is_id_rejects_wrong_prefix_and_malformed_bodies():
    body = ids.new_resource_id().removeprefix("res_")
    assert not ids.is_id("job_" + body, ids.RESOURCE_PREFIX)
    assert not ids.is_id("res_" + body[:-1], ids.RESOURCE_PREFIX)
    assert not ids.is_id("res_" + body.lower(), ids.RESOURCE_PREFIX)
    assert not ids.is_id("res_" + body[:-1] + "U", ids.RESOURCE_PREFIX)


def test_workspace_ids_are_validated():
    assert ids.is_workspace_id("ws_demo")
    assert not ids.is_workspace_id("demo")
    assert not ids.is_workspace_id("ws_" + "a" * 65)
    assert not ids.is_workspace_id("ws_a#b")
