"""Two resolvers resolving at the same time each see their own request (the local stack
runs every warm container's module in one process; Powertools alone would share one
class attribute between them)."""

from __future__ import annotations

import threading

from plinth.http.pipeline import Resolver


def _event(path: str) -> dict:
    return {
        "httpMethod": "GET",
        "path": path,
        "resource": path,
        "headers": {},
        "requestContext": {"requestId": path, "stage": "v1"},
        "body": None,
    }


def test_concurrent_resolvers_each_see_their_own_event():
    first, second = Resolver(), Resolver()
    inside = threading.Barrier(2, timeout=10)
    seen: dict[str, str] = {}

    def route(app: Resolver, name: str) -> dict:
        inside.wait()  # both requests are now in flight at once
        seen[name] = app.current_event.path
        inside.wait()
        return {"path": app.current_event.path}

    first.get("/first")(lambda: route(first, "first"))
    second.get("/second")(lambda: route(second, "second"))
    answers: dict[str, dict] = {}
    threads = [
        threading.Thread(target=lambda: answers.update(a=first.resolve(_event("/first"), None))),
        threading.Thread(target=lambda: answers.update(b=second.resolve(_event("/second"), None))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert seen == {"first": "/first", "second": "/second"}
    assert '"/first"' in answers["a"]["body"]
    assert '"/second"' in answers["b"]["body"]
