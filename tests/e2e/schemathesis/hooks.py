"""Schemathesis hooks: where a check is wrong for this API by design, drop exactly the
failures that prove it, by the evidence in this run's own traffic, and nothing else.

Loaded by `schemathesis run` (SCHEMATHESIS_HOOKS=hooks), in schemathesis's own environment.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections import Counter
from typing import Any

import schemathesis

_lock = threading.Lock()
_issued_cursors: set[str] = set()  # every nextCursor the API handed out
_stored_bodies: dict[tuple[str, str], str] = {}  # (path, Idempotency-Key) -> first 2xx body
_replayed_ids: set[str] = set()  # ids named by a replayed response (Idempotent-Replayed)
_deleted_ids: set[str] = set()  # ids a DELETE answered 204 for
_dropped: Counter[str] = Counter()  # failures dropped, by reason


@atexit.register
def _report() -> None:
    path = os.environ.get("PLINTH_HOOKS_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(dict(_dropped), handle)


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def _header(headers: dict[str, Any] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None


def _canonical(body: Any) -> str:
    """What the API compares (SPEC §6): the body's JSON meaning; no body counts as `{}`."""
    if not isinstance(body, dict | list | str | int | float | bool):
        body = {}
    return json.dumps(body, sort_keys=True)


@schemathesis.hook
def after_call(ctx: Any, case: Any, response: Any) -> None:
    body = _json(response.content)
    key = _header(case.headers, "Idempotency-Key")
    with _lock:
        if isinstance(body, dict) and isinstance(body.get("nextCursor"), str):
            _issued_cursors.add(body["nextCursor"])
        if key is not None and 200 <= response.status_code < 300:
            _stored_bodies.setdefault((case.path, key), _canonical(case.body))
            if _header(response.headers, "Idempotent-Replayed") == "true":
                _replayed_ids.add(str(body.get("id")))
        if case.method.upper() == "DELETE" and response.status_code == 204:
            _deleted_ids.add(str((case.path_parameters or {}).get("id")))


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """False drops the failure."""
    kind = type(failure).__name__
    body = _json(response.content)
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    with _lock:
        # A cursor is opaque and signed (SPEC §5): one this API never issued (the
        # generator's `0`, `AAAA`) is rightly 422 `param: cursor`, never a valid request.
        cursor = (case.query or {}).get("cursor")
        if (
            response.status_code == 422
            and error.get("param") == "cursor"
            and cursor is not None
            and cursor not in _issued_cursors
        ):
            _dropped[f"cursor never issued ({kind})"] += 1
            return False
        # A generated Idempotency-Key reused with another body is rightly 422
        # `idempotency_key_reused` (SPEC §6): the generator reuses values across requests.
        key = _header(case.headers, "Idempotency-Key")
        stored = _stored_bodies.get((case.path, key)) if key is not None else None
        if (
            response.status_code == 422
            and error.get("code") == "idempotency_key_reused"
            and stored is not None
            and stored != _canonical(case.body)
        ):
            _dropped[f"Idempotency-Key reused with another body ({kind})"] += 1
            return False
        # The same key and body after a DELETE rightly replays the first 201 byte for byte
        # (SPEC §6), naming the resource that was since deleted: its 404 is right.
        resource_id = str((case.path_parameters or {}).get("id"))
        if (
            kind == "EnsureResourceAvailability"
            and response.status_code == 404
            and resource_id in _replayed_ids
            and resource_id in _deleted_ids
        ):
            _dropped[f"replayed 201 names a deleted resource ({kind})"] += 1
            return False
    return True
