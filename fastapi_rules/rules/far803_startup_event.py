from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class StartupEvent(Rule):
    """Startup or shutdown event handler instead of a lifespan.

    What it does:
    Flags `@app.on_event("startup")`/`("shutdown")` decorators,
    `app.add_event_handler(...)` calls and the `on_startup=`/`on_shutdown=`
    keywords of `FastAPI(...)` and `APIRouter(...)`, on an app or router
    resolved by qualified name (also one received as `app: FastAPI`).
    Test files are checked too: a test app is the same API.

    Why is this bad?
    Event handlers are deprecated in FastAPI and Starlette in favour of the
    `lifespan=` async context manager. Startup and shutdown written as two
    separate functions share state through globals, and a failed startup
    leaves shutdown to clean up what was never opened; in a lifespan the
    setup and teardown of each resource sit around one `yield`, and what it
    yields reaches requests through `request.state`.
    """

    code = "FAR803"
    name = "startup-event"
    message = "`{how}` registers a deprecated event handler; use a `lifespan=` context manager"
    seed = "001 (lifespan managers for startup and shutdown)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for site in summary.event_handlers:
            if site.how.endswith("=") and project.is_router_class(site.receiver):
                yield self.finding(summary, site.location, how=site.how)
            elif not site.how.endswith("=") and project.serves_routes(site.receiver):
                how = "@app.on_event(...)" if site.how == "@on_event" else "app.add_event_handler(...)"
                yield self.finding(summary, site.location, how=how)
