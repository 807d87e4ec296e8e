"""What FAR201 and FAR202 share: one verdict per route, on every mount."""
from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import Location, ModuleSummary
from fastapi_rules.options import AuthOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UnauthenticatedRoute(Rule):
    """Base of the two auth rules; ``methods`` picks which routes each one covers."""

    methods: frozenset[str] = frozenset()
    options_section = "auth"
    Options = AuthOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        # One finding per handler: a router served on several mounts, or a handler under
        # several decorators, names its first path.
        open_paths: dict[Location, tuple[list[str], list[str]]] = {}
        for endpoint in project.routing.declared_in(summary):
            route = endpoint.route
            methods = [m for m in route.methods if m in self.methods or (
                route.is_websocket and "GET" in self.methods
            )]
            if not methods or project.auth.access(endpoint).kind != "open":
                continue
            paths = open_paths.setdefault(endpoint.location, (methods, []))[1]
            paths.append(endpoint.full_path or "/")
        for location, (methods, paths) in open_paths.items():
            others = len(set(paths)) - 1
            yield self.finding(
                summary,
                location,
                method="/".join(methods),
                path=min(paths),
                more=f" (and {others} more path{'s' if others > 1 else ''})" if others else "",
            )
