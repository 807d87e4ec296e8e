from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import CallSite, FunctionInfo, ModuleSummary
from fastapi_rules.options import IsolationOptions
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.base import Rule

PATH_PARAMETER = re.compile(r"{([A-Za-z_]\w*)(?::[^}]*)?}")


class MissingUserIsolation(Rule):
    """Row loaded by a path id without checking it belongs to the current user.

    What it does:
    Flags an authenticated route whose handler receives the current user (a
    parameter with an auth dependency, such as `current_user: CurrentUser`)
    and loads a row by an id from the path — `session.get(Item, item_id)`,
    `select(Item).where(Item.id == item_id)`, `db.query(Item).filter(...)`,
    `.filter_by(id=item_id)` — directly or in a function of the same module
    it passes the id to, when neither the handler nor that function shows an
    ownership check: a comparison with the current user or with an owner
    column (`isolation.owner_fields`: `item.owner_id != current_user.id`), an
    owner filter (`Item.owner_id == user.id`, `owner_id=` in a call), or the
    current user handed to another call (`crud.get_item_for_user(db, id,
    user)`), which is taken to check it. Routes with an administrator
    dependency (`isolation.admin_dependencies`), routes whose handler does not
    receive a user (service-to-service API keys), unauthenticated routes
    (FAR201/FAR202), loads in other modules' functions and loads of a project class
    without an owner column (roles, plans: rows that belong to nobody) are left
    alone.

    Why is this bad?
    Broken object-level authorization is the top risk of OWASP's API Security
    list: any signed-in user who changes the id in the URL reads or edits
    another user's data.
    """

    code = "FAR203"
    name = "missing-user-isolation"
    message = "`{function}` loads `{model}` by path parameter `{parameter}` without checking it belongs to the current user; compare its owner or filter by it"
    severity = "error"
    seed = "003 Inviolable Rules (ALWAYS implement user isolation); 001 Common Patterns (standard endpoint pattern)"
    options_section = "isolation"
    Options = IsolationOptions

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        reported: set[tuple[str, str, int]] = set()
        for endpoint in project.routing.handled_in(summary):
            handler = endpoint.handler
            if handler is None:
                continue
            for field_name, index, where, site in self._unchecked_loads(endpoint, handler, project):
                key = (handler.qualname, field_name, index)
                if key in reported:
                    continue
                reported.add(key)
                yield self.finding(
                    summary,
                    project.locations.locate(summary, where, within=handler),
                    function=handler.name,
                    model=site.name.rsplit(".", 1)[-1],
                    parameter=site.detail,
                )

    def _unchecked_loads(
        self, endpoint: Endpoint, handler: FunctionInfo, project: ProjectIndex
    ) -> Iterator[tuple[str, int, CallSite, CallSite]]:
        """(field, index in the handler, the handler's site, the load) for each load
        without a check; the site is the load itself, or the call of a helper that loads."""
        path_parameters = set(PATH_PARAMETER.findall(endpoint.full_path))
        users = {
            name for name, ref in handler.dependency_parameters if project.auth.is_auth_dependency(ref)
        }
        if (
            not path_parameters
            or not users
            or project.auth.access(endpoint).kind != "authenticated"
            or self._checks_ownership(handler, users)
            or self._admin_only(endpoint, project)
        ):
            return
        for index, load in enumerate(handler.id_loads):
            if load.detail in path_parameters and self._owned(load.name, project):
                yield "id_loads", index, load, load
        module = project.names.function_modules[handler.qualname]
        for index, call in enumerate(handler.helper_calls):
            helper = project.names.functions.get(project.names.resolve(call.name) or call.name)
            if helper is None or project.names.function_modules.get(helper.qualname) is not module:
                continue
            received = _received_parameters(call, helper)
            load = next(
                (
                    load for load in helper.id_loads
                    if received.get(load.detail) in path_parameters and self._owned(load.name, project)
                ),
                None,
            )
            if load is not None and not self._checks_ownership(helper, set()):
                yield "helper_calls", index, call, CallSite(load.name, detail=received[load.detail])

    def _owned(self, model: str, project: ProjectIndex) -> bool:
        """Rows of a project class with no owner column (roles, plans, public
        catalogues) belong to nobody; a class outside the scanned code may."""
        attributes = project.classes.class_attributes(model)
        return attributes is None or any(self.options.is_owner_field(name) for name in attributes)

    def _checks_ownership(self, function: FunctionInfo, users: set[str]) -> bool:
        evidence = function.ownership
        if evidence is None:
            return False
        return bool(
            evidence.compared & users
            or evidence.passed & users
            or any(self.options.is_owner_field(name) for name in evidence.compared | evidence.keywords)
        )

    def _admin_only(self, endpoint: Endpoint, project: ProjectIndex) -> bool:
        names = {ref.target for ref in endpoint.dependencies if ref.target}
        names |= project.dependencies.dependency_closure(endpoint.dependencies)
        return any(self.options.is_admin_dependency(name.rsplit(".", 1)[-1]) for name in names)


def _received_parameters(call: CallSite, helper: FunctionInfo) -> dict[str, str]:
    """The helper's parameter -> the caller's parameter passed to it."""
    received = {
        parameter: passed
        for parameter, passed in zip(helper.parameters, call.arguments)
        if passed is not None
    }
    received.update(dict(call.keywords))
    return received
