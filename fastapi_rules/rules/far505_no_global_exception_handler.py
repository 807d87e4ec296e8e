from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.vocabulary import CATCH_ALL_HANDLED
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class NoGlobalExceptionHandler(Rule):
    """Application without a global exception handler.

    What it does:
    Flags each `FastAPI()` application (outside tests) that registers no
    handler for `Exception` (or for status 500, which Starlette treats the same):
    neither `app.add_exception_handler(Exception, ...)`,
    `@app.exception_handler(Exception)`, nor `FastAPI(exception_handlers=
    {Exception: ...})`, including registrations made in another module or in a
    `def setup(app: FastAPI)` helper. Reported on the `FastAPI(...)` call.
    An app with no routes of its own that only mounts other apps
    (`app.mount("/api", api_app)`) is left alone: an error inside a mounted
    app is answered by that app's own handlers, so each mounted app is
    checked instead.

    Why is this bad?
    An unexpected error then reaches the client as Starlette's plain-text
    "Internal Server Error", outside the API's error format, and is logged
    nowhere the application controls.
    """

    code = "FAR505"
    name = "no-global-exception-handler"
    message = "application `{app}` has no handler for `Exception`; add one that logs the error and returns the standard error body"
    seed = "000 §5 (global exception handlers)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        if summary.is_test:
            return
        for site in summary.objects:
            if (
                site.location is not None
                and not site.open_keywords  # ``FastAPI(**kwargs)`` may pass exception_handlers
                and project.routing.is_app(site.qualname)
                and not project.errors.handles_exception(site.qualname, CATCH_ALL_HANDLED)
                and not project.errors.only_mounts_apps(site.qualname)
            ):
                yield self.finding(summary, site.location, app=site.qualname.rsplit(".", 1)[-1])
