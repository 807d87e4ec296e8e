from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule

# ``{item_id}`` and ``{file_path:path}``; ``{…}`` marks a prefix we could not read.
PATH_PARAMETER = re.compile(r"\{([A-Za-z_]\w*)(?::\w+)?\}")


class UnusedPathParameter(Rule):
    """Path parameter that no handler or dependency parameter receives.

    What it does:
    Reads every `{name}` in a route's full path (router and `include_router`
    prefixes included) and checks that the handler, or a dependency it uses
    (route-, router- or app-level, followed through sub-dependencies, factories
    and callable classes), has a parameter of that name or with that `alias=`.
    Handlers that take `**kwargs` or the raw `Request`/`WebSocket` (and so can
    read `request.path_params`) are left alone, as are routes whose dependencies
    cannot all be resolved.

    Why is this bad?
    FastAPI matches the URL but silently drops the value: the handler never
    sees it and it is never validated. It is almost always a typo
    (`{item_id}` with a parameter `id`) or a prefix parameter the handler
    forgot, and the endpoint then acts on the wrong resource.
    """

    code = "FAR109"
    name = "unused-path-parameter"
    message = "path parameter `{parameter}` in `{path}` reaches no parameter of `{handler}` or its dependencies; FastAPI drops it unvalidated"
    seed = "003 Inviolable Rules (validate all inputs, including path parameters); 001 (path parameters used appropriately)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        reported: set[tuple[int, str]] = set()
        for endpoint in project.routing.declared_in(summary, "http_endpoints"):
            if endpoint.handler is None or endpoint.unknown:
                continue
            wanted = PATH_PARAMETER.findall(endpoint.full_path)
            if not wanted:
                continue
            received = project.dependencies.parameter_names(endpoint)
            if received is None:
                continue
            for parameter in wanted:
                key = (endpoint.location.line, parameter)
                if parameter in received or key in reported:
                    continue
                reported.add(key)
                yield self.finding(
                    summary,
                    endpoint.location,
                    parameter=parameter,
                    path=endpoint.full_path,
                    handler=endpoint.handler.name,
                )
