from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import Location, ModuleSummary
from fastapi_rules.options import ErrorOptions
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class NonstandardErrorBody(Rule):
    """Error response body does not follow the project's error standard.

    What it does:
    Flags a `JSONResponse` (also `ORJSONResponse`, `UJSONResponse`, `Response`)
    with a 4xx/5xx status, or any of them returned by a registered exception
    handler, whose `content` dict literal misses a required key or adds one that
    is neither required nor allowed. Once per app (on the `FastAPI(...)` call) it
    flags an app whose code raises `HTTPException` while no exception handler for
    `HTTPException` reshapes those bodies, when the standard requires more than
    FastAPI's own `detail`.

    Why is this bad?
    Clients handle errors by their shape. Each endpoint inventing its own
    (`{"message": ...}`, `{"error": ...}`, FastAPI's bare `{"detail": ...}`)
    means every client has to special-case every endpoint.
    """

    code = "FAR501"
    name = "nonstandard-error-body"
    message = "error body {problem}; the standard is {standard}"
    seed = "000 §5; 001 Error Response Format; 003 Error Handling; 004 Error Handling Architecture"
    options_section = "errors"
    Options = ErrorOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        required = self.options.required_keys
        allowed = set(required) | set(self.options.allowed_keys)
        standard = "{" + ", ".join(f"`{k}`" for k in required) + "}"
        handlers = project.errors.exception_handler_functions
        for body in summary.error_bodies:
            in_handler = body.function in handlers
            if body.status != "error" and not (in_handler and body.status == "unknown"):
                continue
            missing = [key for key in required if key not in body.keys]
            unknown = [key for key in body.keys if key not in allowed]
            if missing:
                problem = "misses " + ", ".join(f"`{key}`" for key in missing)
            elif unknown:
                problem = "has non-standard " + ", ".join(f"`{key}`" for key in unknown)
            else:
                continue
            yield self.finding(summary, body.location, problem=problem, standard=standard)
        if set(required) <= {"detail"}:
            return
        for site in summary.objects:
            if not project.routing.is_app(site.qualname) or project.errors.handles_http_exception(site.qualname):
                continue
            if not project.errors.modules_raising_http_exception.isdisjoint(project.errors.app_modules(site.qualname)):
                yield self.finding(
                    summary,
                    site.location or Location(1, 1),
                    problem="of `HTTPException` is FastAPI's bare `detail`: no exception handler for `HTTPException` reshapes it",
                    standard=standard,
                )
