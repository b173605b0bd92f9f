"""Match a request to a template route the way API Gateway REST does.

First the resource: of the template paths that match, the most specific wins (a literal
segment beats a `{param}` at the same depth, so `/v1/resources/bulk` beats
`/v1/resources/{id}`). Then the method on that resource: an explicit method beats `ANY`;
none of them is "missing authentication token" (the SPEC maps it to 404).
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


@dataclass(frozen=True)
class _Resource:
    path: str
    pattern: re.Pattern[str]
    specificity: tuple[int, ...]
    methods: dict[str, Route]


class Router:
    def __init__(self, routes: list[Route]) -> None:
        resources: dict[str, _Resource] = {}
        for route in routes:
            if route.path not in resources:
                resources[route.path] = _Resource(
                    route.path, self._compile(route.path), self._specificity(route.path), {}
                )
            resources[route.path].methods[route.method] = route
        self._resources = list(resources.values())

    @staticmethod
    def _compile(path: str) -> re.Pattern[str]:
        pattern = ""
        position = 0
        for found in _PARAM.finditer(path):
            pattern += re.escape(path[position : found.start()]) + f"(?P<{found.group(1)}>[^/]+)"
            position = found.end()
        pattern += re.escape(path[position:])
        return re.compile(f"^{pattern}$")

    @staticmethod
    def _specificity(path: str) -> tuple[int, ...]:
        return tuple(0 if _PARAM.fullmatch(part) else 1 for part in path.strip("/").split("/"))

    def match(self, method: str, path: str) -> Match | None:
        """The route for (method, path), or None when API Gateway would answer 404."""
        candidates = [
            (resource.specificity, resource, found)
            for resource in self._resources
            if (found := resource.pattern.match(path)) is not None
        ]
        if not candidates:
            return None
        _, resource, found = max(candidates, key=lambda c: c[0])
        route = resource.methods.get(method.upper()) or resource.methods.get("ANY")
        return Match(route, found.groupdict()) if route else None
