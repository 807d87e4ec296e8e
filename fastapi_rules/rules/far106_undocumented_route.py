from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UndocumentedRoute(Rule):
    """Route handler without a docstring, `summary=` or `description=`.

    What it does:
    Flags a route whose handler has no docstring and whose decorator (or
    `add_api_route(...)` call) gives neither `summary=` nor `description=`.
    Reported on the handler's `def`, also when the handler lives in another
    module than the route. Routes that are no OpenAPI operation are left
    alone: WebSocket routes, and `include_in_schema=False` on the route, its
    `APIRouter(...)`, `add_api_route(...)` or an `include_router(...)` above it
    (a handler also registered on a visible route is still checked).

    Why is this bad?
    FastAPI turns the docstring into the operation's description in the
    OpenAPI schema: without one, `/docs` and generated clients show only a
    name derived from the function.
    """

    code = "FAR106"
    name = "undocumented-route"
    message = "`{method} {path}` has no docstring, `summary=` or `description=`; the OpenAPI docs will be empty"
    seed = "000 §8 (OpenAPI documentation); 003 OpenAPI rules"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        reported: set[str] = set()
        for endpoint in project.routing.handled_in(summary, "schema_endpoints"):
            handler = endpoint.handler
            if (
                handler is None
                or handler.has_docstring
                or endpoint.route.described
                or handler.qualname in reported
            ):
                continue
            reported.add(handler.qualname)
            yield self.finding(
                summary,
                project.locations.locate(summary, handler),
                method="/".join(endpoint.route.methods),
                path=endpoint.full_path or "/",
            )
