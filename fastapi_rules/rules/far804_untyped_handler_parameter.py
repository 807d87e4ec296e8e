from __future__ import annotations

from fastapi_rules.model import FunctionInfo
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.handler_rule import HandlerSiteRule


class UntypedHandlerParameter(HandlerSiteRule):
    """Route handler parameter without a type hint.

    What it does:
    Flags each parameter of a route handler (resolved through the project's
    apps and routers) that has no annotation, at the parameter. `self` and
    `cls` (class-based views) are skipped, and so are `*args`/`**kwargs`: an
    annotation would not make FastAPI read them, so a type hint is not the
    fix. A missing return annotation is FAR101's concern (no response schema),
    not this rule's.

    Why is this bad?
    FastAPI decides from the annotation where a parameter comes from and
    what it must be: an unannotated parameter becomes a required query string
    of any value, undocumented in OpenAPI and unchecked, and type checkers
    and editors know nothing of it (`request`, `db = Depends(get_db)`).
    """

    code = "FAR804"
    name = "untyped-handler-parameter"
    message = "parameter `{parameter}` of handler `{function}` has no type hint; FastAPI can neither validate nor document it"
    seed = "000 checklist (type hints everywhere); 001 (type hints)"
    field_name = "untyped_parameters"

    def applies_to(self, function: FunctionInfo, project: ProjectIndex) -> bool:
        return function.qualname in project.routing.route_handlers
