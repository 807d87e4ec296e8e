from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class GlobalResource(Rule):
    """Route handler using a module-level session, client or connection.

    What it does:
    Flags, at the first use in a route handler, a module-level name (of this
    module or imported) bound to a per-request or connection resource: a
    SQLAlchemy/SQLModel `Session(...)` or `AsyncSession(...)`, the result of
    calling a `sessionmaker()`/`async_sessionmaker()` (`db = SessionLocal()`,
    `sessionmaker(...)()`), an `httpx.Client`/`AsyncClient`,
    `requests.Session`, `aiohttp.ClientSession`, a `redis`/`aioredis` client,
    a `pymongo`/`motor` client, a DB-API `connect(...)` connection or a
    `boto3` client or resource. A use is a method call on it or passing it
    to a call. What is meant to be shared is left alone: engines
    (`create_engine`), connection pools, session factories themselves
    (`SessionLocal`), settings, loggers, templates, routers, and plain
    dicts or lists (the docs' `fake_items_db`); so are dependencies, which
    is where such globals belong, and `scoped_session` registries.

    Why is this bad?
    A module-level session is shared by every concurrent request: one
    request's failed transaction or uncommitted rows leak into the next,
    and the resource is opened at import time, before configuration and
    outside the lifespan that should close it. Tests cannot replace it
    with `app.dependency_overrides`. Create it in a dependency (or the
    lifespan) and receive it through `Depends`.
    """

    code = "FAR802"
    name = "global-resource"
    message = "handler `{function}` uses the module-level {kind} `{name}`; receive it through `Depends`"
    seed = "004 (dependencies are injected, no global state access)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        resources = project.calls.module_resources
        if not resources:
            return
        handlers = project.routing.route_handlers
        for function in summary.functions:
            if not function.global_uses or function.qualname not in handlers:
                continue
            for site in function.global_uses:
                kind = resources.get(project.names.resolve(site.name) or "")
                if kind is not None:
                    yield self.finding(
                        summary,
                        project.locations.locate(summary, site, within=function),
                        function=function.name,
                        kind=kind,
                        name=site.name.rsplit(".", 1)[-1],
                    )
