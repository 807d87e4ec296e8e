from __future__ import annotations

from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule

# Annotations that give FastAPI nothing to validate or document.
SCHEMALESS_ANNOTATIONS = frozenset(
    {
        "builtins.dict",
        "typing.Any",
        "builtins.object",
        "builtins.dict[builtins.str, typing.Any]",
        "typing.Mapping[builtins.str, typing.Any]",
        "starlette.responses.Response",
        "starlette.responses.JSONResponse",
        "fastapi.responses.ORJSONResponse",
        "fastapi.responses.UJSONResponse",
    }
)
# A route that does not answer with JSON has no response schema to declare.
NON_JSON_RESPONSE_CLASSES = frozenset(
    {
        "starlette.responses.HTMLResponse",
        "starlette.responses.PlainTextResponse",
        "starlette.responses.RedirectResponse",
        "starlette.responses.StreamingResponse",
        "starlette.responses.FileResponse",
        "sse_starlette.EventSourceResponse",
        "sse_starlette.sse.EventSourceResponse",
    }
)
# ``response_class=Response`` declares a raw body the handler builds itself; as a
# return annotation, a bare ``Response`` is still schemaless.
NON_JSON_RESPONSE_CLASS_ARGUMENTS = NON_JSON_RESPONSE_CLASSES | {"starlette.responses.Response"}


class MissingResponseModel(Rule):
    """Route declares no response schema.

    What it does:
    Flags a route with neither `response_model=` nor a return annotation, or whose
    return annotation is `dict`, `Any`, `object` or a bare JSON `Response` class
    without `response_model=`. Routes with `status_code=204`, a non-JSON
    `response_class` (plain `Response`, HTML, file, streaming, redirect, plain
    text) or a non-JSON
    response return annotation, and `response_model=None` with a `Response`
    return, are left alone.

    Why is this bad?
    Without a response schema FastAPI neither filters nor documents what the
    endpoint returns: extra fields (a password hash, internal ids) leak to the
    client and the OpenAPI document says nothing about the body.
    """

    code = "FAR101"
    name = "missing-response-model"
    message = "route `{method} {path}` declares no response schema (`response_model=` or a typed return)"
    seed = "000 §1, §8 and checklist; 003 Inviolable Rules; 004 API Endpoint Design"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        seen: set[int] = set()
        for endpoint in project.routing.declared_in(summary, "http_endpoints"):
            route = endpoint.route
            if id(route) in seen or route.is_websocket:
                continue
            seen.add(id(route))
            if route.response_model is not None:
                continue  # a model, or ``response_model=None``: FastAPI's documented opt-out
            response_class = route.response_class or project.routing.default_response_class(endpoint)
            if route.status_code == 204 or response_class in NON_JSON_RESPONSE_CLASS_ARGUMENTS:
                continue
            handler = endpoint.handler
            if handler is None:
                continue  # an endpoint we cannot see: say nothing
            returns = handler.return_annotation
            if returns in NON_JSON_RESPONSE_CLASSES:
                continue
            if returns is not None and returns not in SCHEMALESS_ANNOTATIONS:
                continue
            yield self.finding(
                summary, endpoint.location, method=route.methods[0], path=endpoint.full_path or "/"
            )
