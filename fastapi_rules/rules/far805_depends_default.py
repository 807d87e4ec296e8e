from __future__ import annotations

from fastapi_rules.model import FunctionInfo
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.handler_rule import HandlerSiteRule


class DependsDefault(HandlerSiteRule):
    """Dependency declared as a default value instead of with `Annotated`.

    What it does:
    Flags a parameter of a route handler or of a dependency function whose
    default is `Depends(...)` or `Security(...)` (`db: Session =
    Depends(get_db)`), at the parameter. The same markers inside
    `Annotated[T, Depends(f)]` are the fix; other functions are not checked.

    Why is this bad?
    FastAPI recommends `Annotated` since 0.95: the type and the dependency
    travel together, so `CurrentUser = Annotated[User, Depends(get_current_user)]`
    can be declared once and reused, the function stays callable with a
    real value outside FastAPI (tests, scripts), and a default no longer
    hides that the parameter is required. Off by default because much correct
    code predates it.
    """

    code = "FAR805"
    name = "depends-default"
    message = "parameter `{parameter}` of `{function}` declares its dependency as a default; use `Annotated[T, Depends(...)]`"
    seed = "FastAPI's current recommendation (docs: Dependencies, Annotated); 004 (dependency injection)"
    default_enabled = False
    field_name = "depends_defaults"

    def applies_to(self, function: FunctionInfo, project: ProjectIndex) -> bool:
        return function.qualname in project.routing.route_handlers or function.qualname in project.dependencies.dependency_functions
