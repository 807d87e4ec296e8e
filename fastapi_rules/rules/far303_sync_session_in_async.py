from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class SyncSessionInAsync(Rule):
    """Sync database session used in an async handler or dependency.

    What it does:
    Flags, in an `async def` route handler or dependency, a parameter typed as
    a synchronous SQLAlchemy or SQLModel `Session` — directly, in
    `Annotated[Session, Depends(...)]`, or through an alias such as
    `SessionDep` from another module — and a sync session created inside
    (`SessionLocal()` where `SessionLocal = sessionmaker(...)`,
    `Session(engine)`). `AsyncSession`, `async_sessionmaker(...)` and
    `sessionmaker(class_=AsyncSession)` are left alone, and so are sync `def`
    handlers, which FastAPI runs in a threadpool (FastAPI's SQL tutorial).

    Why is this bad?
    Every query on a sync session blocks the thread it runs on; in an
    `async def` that thread is the event loop, so all other requests wait for
    the database.
    """

    code = "FAR303"
    name = "sync-session-in-async"
    message = "sync database session `{what}` in async `{function}` blocks the event loop; use `AsyncSession` or make it a sync `def`"
    seed = "000 §4 (use async SQLAlchemy for non-blocking database operations); 004 Async API Design"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        for function in summary.functions:
            if not function.is_async or (
                function.qualname not in project.routing.route_handlers
                and function.qualname not in project.dependencies.dependency_functions
            ):
                continue
            for field_name in ("session_parameters", "session_creations"):
                for site in getattr(function, field_name):
                    if project.classes.session_kind(site.name) == "sync":
                        what = site.name.rsplit(".", 1)[-1]
                        yield self.finding(
                            summary,
                            project.locations.locate(summary, site, within=function),
                            what=f"{what}()" if field_name == "session_creations" else what,
                            function=function.name,
                        )
