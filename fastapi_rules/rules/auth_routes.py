"""What FAR201 and FAR202 share: one verdict per route, on every mount."""
from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.options import AuthOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UnauthenticatedRoute(Rule):
    """Base of the two auth rules; ``methods`` picks which routes each one covers."""

    methods: frozenset[str] = frozenset()
    options_section = "auth"
    Options = AuthOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        reported: set[tuple[int, str]] = set()
        for endpoint in project.endpoints:
            route = endpoint.route
            if endpoint.summary is not summary:
                continue
            methods = [m for m in route.methods if m in self.methods or (
                route.is_websocket and "GET" in self.methods
            )]
            if not methods or project.access(endpoint).kind != "open":
                continue
            location = endpoint.location
            key = (location.line, endpoint.full_path)
            if key in reported:
                continue
            reported.add(key)
            yield self.finding(
                summary,
                location,
                method="/".join(methods),
                path=endpoint.full_path or "/",
            )
