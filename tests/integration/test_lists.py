"""SPEC §5: lists, filters and cursors."""

from __future__ import annotations

import pytest

from plinth.container import container
from plinth.repositories.resources import DynamoResourceRepository
from tests.support import dependencies


def _walk(api, query=None, workspace="ws_alpha"):
    """All pages of a list; returns (ids, page sizes)."""
    ids, sizes, cursor = [], [], None
    while True:
        params = dict(query or {})
        if cursor:
            params["cursor"] = cursor
        page = api.request("GET", "/v1/resources", query=params, workspace=workspace)
        assert page.status == 200, page.text
        body = page.body
        assert body["object"] == "list"
        assert (body["nextCursor"] is None) == (not body["hasMore"])
        ids += [r["id"] for r in body["data"]]
        sizes.append(len(body["data"]))
        if not body["hasMore"]:
            return ids, sizes
        assert body["data"], "hasMore was true but the page is empty"
        cursor = body["nextCursor"]


def test_empty_list_shape(api):
    response = api.request("GET", "/v1/resources")
    assert response.status == 200
    assert response.body == {"object": "list", "data": [], "hasMore": False, "nextCursor": None}


def test_list_is_newest_first_with_default_limit_20(api, create):
    created = [create(name=f"r{i}")["id"] for i in range(23)]
    body = api.request("GET", "/v1/resources").body
    assert [r["id"] for r in body["data"]] == list(reversed(created))[:20]
    assert body["hasMore"] is True
    assert isinstance(body["nextCursor"], str)


def test_walking_pages_yields_every_item_once_and_has_more_is_exact(api, create):
    created = [create(name=f"r{i}")["id"] for i in range(9)]
    ids, sizes = _walk(api, {"limit": "3"})
    assert ids == list(reversed(created))
    assert sizes == [3, 3, 3]  # exactly divisible: no trailing empty page


def test_limit_bounds_are_inclusive(api, create):
    for i in range(2):
        create(name=f"r{i}")
    assert len(api.request("GET", "/v1/resources", query={"limit": "1"}).body["data"]) == 1
    assert api.request("GET", "/v1/resources", query={"limit": "100"}).status == 200


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", "5.0", " 5", "+5", "", "1e1"])
def test_bad_limit_is_422(api, limit):
    response = api.request("GET", "/v1/resources", query={"limit": limit})
    assert response.status == 422, limit
    assert response.error["code"] == "validation_error"
    assert response.error["param"] == "limit"


@pytest.mark.parametrize("status", ["deleted", "ACTIVE", "", "active,paused"])
def test_bad_status_filter_is_422(api, status):
    response = api.request("GET", "/v1/resources", query={"status": status})
    assert response.status == 422
    assert response.error["param"] == "status"


def test_status_filter_walks_only_matching_items(api, create):
    ids = [create(name=f"r{i}")["id"] for i in range(7)]
    for rid in ids[::2]:
        api.request("PATCH", f"/v1/resources/{rid}", json_body={"status": "paused"})
    paused, _ = _walk(api, {"status": "paused", "limit": "2"})
    active, _ = _walk(api, {"status": "active", "limit": "2"})
    assert paused == list(reversed(ids[::2]))
    assert active == list(reversed(ids[1::2]))


def test_offset_is_rejected_pointing_to_cursor(api):
    response = api.request("GET", "/v1/resources", query={"offset": "20"})
    assert response.status == 422
    assert response.error["param"] == "offset"
    assert "cursor" in response.error["message"]


def test_unknown_query_parameter_is_422_naming_it(api):
    response = api.request("GET", "/v1/resources", query={"sort": "asc"})
    assert response.status == 422
    assert response.error == {
        "code": "validation_error",
        "message": "Unknown query parameter 'sort'.",
        "param": "sort",
    }


@pytest.mark.parametrize("cursor", ["garbage", "AAAA", "x" * 44, "%%%", "a" * 600])
def test_cursor_not_issued_by_the_api_is_422(api, cursor):
    response = api.request("GET", "/v1/resources", query={"cursor": cursor})
    assert response.status == 422
    assert response.error["param"] == "cursor"


@pytest.mark.parametrize("path", ["/v1/resources", "/v1/jobs"])
def test_empty_cursor_is_422_saying_it_is_empty(api, path):
    response = api.request("GET", path, query={"cursor": ""})
    assert response.status == 422
    assert response.error == {
        "code": "validation_error",
        "message": "The cursor must not be empty: omit it for the first page, "
        "or pass the nextCursor of the previous page.",
        "param": "cursor",
    }


@pytest.mark.parametrize("path", ["/v1/resources", "/v1/jobs"])
def test_oversized_cursor_is_422_like_any_cursor_never_issued(api, path):
    never_issued = api.request("GET", path, query={"cursor": "garbage"})
    oversized = api.request("GET", path, query={"cursor": "a" * 513})
    assert (oversized.status, never_issued.status) == (422, 422)
    assert oversized.error == never_issued.error
    assert "item" not in oversized.error["message"]  # not pydantic's "at most 512 items"


def test_truncated_or_edited_cursor_is_422(api, create):
    for i in range(3):
        create(name=f"r{i}")
    cursor = api.request("GET", "/v1/resources", query={"limit": "1"}).body["nextCursor"]
    edited = cursor[:10] + ("A" if cursor[10] != "A" else "B") + cursor[11:]
    for bad in (cursor[:-2], edited, cursor + "A"):
        response = api.request("GET", "/v1/resources", query={"cursor": bad})
        assert response.status == 422
        assert response.error["param"] == "cursor"


def test_cursor_is_bound_to_the_status_filter(api, create):
    for i in range(3):
        create(name=f"r{i}")
    cursor = api.request("GET", "/v1/resources", query={"limit": "1"}).body["nextCursor"]
    response = api.request("GET", "/v1/resources", query={"cursor": cursor, "status": "active"})
    assert response.status == 422
    assert response.error["param"] == "cursor"


def test_cursor_carried_to_another_workspace_reveals_nothing(api, create):
    for i in range(3):
        create(name=f"r{i}")
    create(workspace="ws_other", name="theirs")
    cursor = api.request("GET", "/v1/resources", query={"limit": "1"}).body["nextCursor"]
    response = api.request("GET", "/v1/resources", query={"cursor": cursor}, workspace="ws_other")
    assert response.status == 422
    assert response.error["param"] == "cursor"
    assert "ws_alpha" not in response.text and "res_" not in response.text


def test_walk_is_exact_while_items_are_created_updated_and_deleted(api, create):
    original = [create(name=f"r{i}")["id"] for i in range(10)]
    seen: list[str] = []
    cursor = None
    deleted = original[2]  # the oldest items are on the last page
    survivors = [rid for rid in original if rid != deleted]
    for turn in range(20):
        params = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        body = api.request("GET", "/v1/resources", query=params).body
        seen += [r["id"] for r in body["data"]]
        if turn == 0:
            create(name="newcomer")  # newer than the walk's start: never visited
            api.request("PATCH", f"/v1/resources/{original[5]}", json_body={"name": "renamed"})
            api.request("DELETE", f"/v1/resources/{deleted}")
        if not body["hasMore"]:
            break
        cursor = body["nextCursor"]
    assert [rid for rid in seen if rid in survivors] == list(reversed(survivors))
    assert len(seen) == len(set(seen))


class _PagedClient:
    """A DynamoDB client whose Query returns one item per call, then an empty final page
    with a LastEvaluatedKey: what real DynamoDB can do and moto does not."""

    def __init__(self, real):
        self._real = real
        self.query_calls = 0

    def query(self, **kwargs):
        self.query_calls += 1
        if kwargs.get("ExclusiveStartKey") == {"sentinel": {"S": "end"}}:
            return {"Items": [], "Count": 0}
        response = self._real.query(**(kwargs | {"Limit": 1}))
        if "LastEvaluatedKey" not in response:
            response["LastEvaluatedKey"] = {"sentinel": {"S": "end"}}
        return response

    def __getattr__(self, name):
        return getattr(self._real, name)


def test_short_and_empty_dynamodb_pages_still_give_exact_has_more(api, create):
    ids = [create(name=f"r{i}")["id"] for i in range(4)]
    with dependencies(dynamodb=_PagedClient(container().dynamodb)):
        first = api.request("GET", "/v1/resources", query={"limit": "3"}).body
        assert [r["id"] for r in first["data"]] == list(reversed(ids))[:3]
        assert first["hasMore"] is True
        last = api.request(
            "GET", "/v1/resources", query={"limit": "3", "cursor": first["nextCursor"]}
        )
    assert [r["id"] for r in last.body["data"]] == [ids[0]]
    assert last.body["hasMore"] is False
    assert last.body["nextCursor"] is None


def test_a_page_costs_one_query_when_dynamodb_returns_it_whole(api, aws, create):
    for i in range(5):
        create(name=f"r{i}")
    real = container().dynamodb
    calls = []

    class Counting:
        def query(self, **kwargs):
            calls.append(kwargs)
            return real.query(**kwargs)

    with dependencies(resources=DynamoResourceRepository(Counting(), aws["ResourcesTable"])):
        api.request("GET", "/v1/resources", query={"limit": "2", "status": "active"})
    assert len(calls) == 1
    assert calls[0]["IndexName"] == "byStatus"
    assert calls[0]["Limit"] == 3
    assert "FilterExpression" not in calls[0]
