from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class SessionCreatedInHandler(Rule):
    """Database session created by hand inside a route handler.

    What it does:
    Flags `SessionLocal()` (a project name bound to `sessionmaker(...)` or
    `async_sessionmaker(...)`, in any module), `Session(engine)` and
    `AsyncSession(engine)` called in a route handler, `with` blocks included.
    Dependency functions that create and yield the session, and sessions in
    scripts, workers and lifespan handlers, are left alone.

    Why is this bad?
    A session made in the handler escapes FastAPI's dependency system: each
    handler must remember to close it and roll back on errors, tests cannot
    swap it with `app.dependency_overrides`, and one request may end up with
    several sessions and transactions. Inject it: `session: SessionDep`.
    """

    code = "FAR304"
    name = "session-created-in-handler"
    message = "session created by hand with `{call}()` in route handler `{function}`; inject it with `Depends`"
    seed = "004 Dependency Injection Patterns (no global state access); 000 §7; 003 Inviolable Rules (use dependency injection for database sessions)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        # membership, not ``route_handlers - dependency_functions``: a set built per
        # module made the rule quadratic in the project's size
        for function in summary.functions:
            if (
                function.qualname not in project.routing.route_handlers
                or function.qualname in project.dependencies.dependency_functions
            ):
                continue
            for site in function.session_creations:
                if project.classes.session_kind(site.name) is not None:
                    yield self.finding(
                        summary,
                        project.locations.locate(summary, site, within=function),
                        call=site.name.rsplit(".", 1)[-1],
                        function=function.name,
                    )
