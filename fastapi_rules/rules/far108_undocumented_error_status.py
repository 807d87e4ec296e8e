from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import OPAQUE_RESPONSES, ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UndocumentedErrorStatus(Rule):
    """Handler raises an `HTTPException` status the route does not document.

    What it does:
    Flags `raise HTTPException(status_code=X)` written directly in a route
    handler when the route does not list X in `responses=`: on the decorator,
    the `APIRouter(...)`, an `include_router(...)` above it or the app
    (followed across modules). 422 is documented by FastAPI itself, and a
    status below 400 is FAR504's. A route
    with a `responses=` that is not a dict literal on any level
    (`responses=error_docs(404)`, `{**COMMON, ...}`) is left alone, and so are
    routes that are no OpenAPI operation (WebSocket routes, and
    `include_in_schema=False` on the route, its router or an include above it).
    A raise inside a `try` whose first clause that catches it
    (`except HTTPException`, `except Exception`, bare `except`) does not
    re-raise it is not an answer of the route: the client gets what that
    clause answers (checked on its own raise).

    Why is this bad?
    The OpenAPI schema then promises only the success response: clients and
    generated SDKs do not know the error exists or what its body looks like.
    """

    code = "FAR108"
    name = "undocumented-error-status"
    message = "`{method} {path}` raises {status} but does not document it in `responses=`"
    seed = "000 §8 (document all possible error responses)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        reported: set[tuple[str, int]] = set()  # (handler, status): at its first raise
        for endpoint in project.routing.handled_in(summary, "schema_endpoints"):
            handler = endpoint.handler
            if handler is None:
                continue
            if OPAQUE_RESPONSES in endpoint.responses:
                continue  # ``responses=error_docs(404)``: cannot tell what it documents
            for raised in handler.raised_statuses:
                status = int(raised.name)
                key = (handler.qualname, status)
                if status < 400 or status == 422 or status in endpoint.responses or key in reported:
                    continue
                reported.add(key)
                yield self.finding(
                    summary,
                    project.locations.locate(summary, raised, within=handler),
                    method="/".join(endpoint.route.methods),
                    path=endpoint.full_path or "/",
                    status=status,
                )
