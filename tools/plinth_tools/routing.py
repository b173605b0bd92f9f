"""Match a request to a template route the way API Gateway REST does.

An explicit method beats `ANY` on the same path; an unmatched path is "missing
authentication token" (the SPEC maps it to 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plinth_tools.template import Route

_PARAM = re.compile(r"\{([^}/+]+)\}")


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self._routes = [(self._compile(r.path), r) for r in routes]

    @staticmethod
    def _compile(path: str) -> re.Pattern[str]:
        pattern = ""
        position = 0
        for found in _PARAM.finditer(path):
            pattern += re.escape(path[position : found.start()]) + f"(?P<{found.group(1)}>[^/]+)"
            position = found.end()
        pattern += re.escape(path[position:])
        return re.compile(f"^{pattern}$")

    def match(self, method: str, path: str) -> Match | None:
        """The route for (method, path), or None when the path is unknown."""
        fallback: Match | None = None
        for pattern, route in self._routes:
            found = pattern.match(path)
            if found is None:
                continue
            candidate = Match(route, found.groupdict())
            if route.method == method.upper():
                return candidate
            if route.method == "ANY":
                fallback = candidate
        return fallback
