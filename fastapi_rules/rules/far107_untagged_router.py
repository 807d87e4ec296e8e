from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UntaggedRouter(Rule):
    """Router with no tags anywhere.

    What it does:
    Flags an `APIRouter(...)` created without `tags=` when no
    `include_router(...)` of it gives `tags=` either (across modules), and not
    every route on it sets its own `tags=`. Reported on the `APIRouter(...)`
    call. Routers no app of the project serves (a library's, or a callback
    router) are left alone: whoever includes them gives the tags.

    Why is this bad?
    The OpenAPI docs group operations by tag: untagged routes land in a
    "default" heap that grows with the API, and generated clients put them in
    one catch-all class.
    """

    code = "FAR107"
    name = "untagged-router"
    message = "router `{router}` has no `tags=` and no `include_router(..., tags=...)` gives it any; its routes land in the OpenAPI \"default\" group"
    seed = "000 §8 (OpenAPI documentation); 004 API design"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for site in summary.objects:
            if site.tags or site.open_keywords or project.routing.is_app(site.qualname):
                continue
            if site.qualname not in project.routing.routers:
                continue
            routes = [e for e in project.routing.schema_endpoints if project.names.resolve(e.route.receiver) == site.qualname]
            if not any(endpoint.app for endpoint in routes):
                continue  # no app of this project serves it: whoever includes it tags it
            if all(endpoint.tags for endpoint in routes):
                continue  # tags come from the routes, or from an include
            yield self.finding(
                summary,
                project.locations.locate(summary, site),
                router=site.qualname.rsplit(".", 1)[-1],
            )
