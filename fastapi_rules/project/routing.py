"""The application as FastAPI serves it: which objects are apps and routers, where each
router is mounted (prefixes, inherited dependencies, tags, documented statuses), and
every endpoint, with the ways rules ask for them."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from fastapi_rules.model import (
    DependencyRef,
    FunctionInfo,
    IncludeSite,
    Location,
    ModuleSummary,
    ObjectSite,
    RouteSite,
    SuperInit,
)
from fastapi_rules.model.vocabulary import APP_CLASSES, PARAMETER_APP
from fastapi_rules.project.names import MAX_DEPTH, Names
from fastapi_rules.project.values import Values

ROUTER_CLASSES = frozenset({"fastapi.APIRouter"})


@dataclass(frozen=True)
class Declared:
    """A dependency and where it is declared, as the ``routes`` table cites it."""

    ref: DependencyRef
    origin: str  # ``APIRouter(dependencies=…) in api/main.py:12``, ``a handler parameter``
    where: str | None = None  # ``api/main.py:12``: the declaration, when it is known


@dataclass(frozen=True)
class Mount:
    """Where a router is served: the prefix before its own, and inherited dependencies.

    ``unknown`` says why the include chain above it could not be resolved: then the
    prefix and inherited dependencies may be incomplete.
    """

    prefix: str
    dependencies: tuple[Declared, ...]
    app: str | None
    unknown: str | None = None
    tags: tuple[str, ...] = ()
    responses: tuple[int, ...] = ()
    in_schema: bool = True  # no ``include_in_schema=False`` on the chain above


@dataclass(frozen=True)
class Endpoint:
    """One route as served on one mount."""

    route: RouteSite
    summary: ModuleSummary
    handler: FunctionInfo | None
    full_path: str
    declared: tuple[Declared, ...]  # outermost first: app, includes, routers, route, handler
    app: str | None
    location: Location  # the handler's def when it is in the route's module, else the route
    unknown: str | None = None  # why the include chain is not fully resolved
    tags: tuple[str, ...] = ()  # from the includes, routers and route, outermost first
    responses: frozenset[int] = frozenset()  # status codes documented on any level
    # an OpenAPI operation: no ``include_in_schema=False`` on the route, its router or
    # an include above it (FastAPI leaves such routes out of the schema and /docs)
    in_schema: bool = True

    @property
    def dependencies(self) -> tuple[DependencyRef, ...]:
        return tuple(declared.ref for declared in self.declared)


class Routing:
    def __init__(self, names: Names) -> None:
        self.names = names
        self.values = Values(names)
        self.mounted_in: dict[str, str] = {}  # sub-application -> the app it is mounted in
        # ``def register_routes(app: FastAPI)`` is called with the project's app: with
        # exactly one app that is the one, otherwise a stand-in app.
        apps = [
            name
            for name, site in names.objects.items()
            if self._router_kind(site.callee) == "app" and not names.object_modules[name].is_test
        ]
        names.parameter_app = apps[0] if len(apps) == 1 else PARAMETER_APP
        if names.parameter_app == PARAMETER_APP:
            names.objects[PARAMETER_APP] = ObjectSite(PARAMETER_APP, "fastapi.FastAPI", None)
        # ``include_router`` is FastAPI's own verb: both its ends are routers even when
        # their class comes from a library we do not scan (cadwyn's VersionedAPIRouter).
        included_ends = {
            resolved
            for summary in names.summaries
            for include in summary.includes
            for end in (include.parent, include.child)
            if (resolved := names.resolve(end)) is not None
        }
        self.routers = {
            name: site
            for name, site in names.objects.items()
            if self._router_kind(site.callee)
            or (name in included_ends and site.callee.rsplit(".", 1)[0] not in names.modules)
        }
        # a router subclass whose ``__init__`` calls ``super().__init__(prefix=...,
        # dependencies=[...], ...)`` gives every instance those values
        self._class_inits: dict[str, list[tuple[str, SuperInit]]] = {}
        for name, site in self.routers.items():
            if site.prefix != (prefix := self.values.text(site.prefix)):
                site = self.routers[name] = dataclasses.replace(site, prefix=prefix)
            inits = self._super_inits(site.callee)
            if inits:
                self._class_inits[name] = inits
                prefixes = [self.values.text(init.prefix) for _, init in reversed(inits) if init.prefix is not None]
                self.routers[name] = dataclasses.replace(
                    site,
                    prefix=site.prefix if site.prefix is not None else next(iter(prefixes), None),
                    tags=tuple(tag for _, init in inits for tag in init.tags) + site.tags,
                    responses=tuple(code for _, init in inits for code in init.responses) + site.responses,
                )
        self.endpoints: tuple[Endpoint, ...] = tuple(self._endpoints())
        self._endpoint_groups: dict[tuple[str, bool], dict[int, tuple[Endpoint, ...]]] = {}

    def _router_kind(self, callee: str) -> str | None:
        if self.names.is_subclass(callee, APP_CLASSES):
            return "app"
        if self.names.is_subclass(callee, ROUTER_CLASSES):
            return "router"
        return None

    def is_router_class(self, callee: str) -> bool:
        """``FastAPI``, ``APIRouter`` or a project subclass of either."""
        return self._router_kind(callee) is not None

    def serves_routes(self, qualname: str) -> bool:
        """An app or router object (or the app a ``def setup(app: FastAPI)`` receives)."""
        return qualname == PARAMETER_APP or self._receiver(qualname) in self.routers

    def _receiver(self, qualname: str) -> str | None:
        """The app or router a route is registered on: ``app.router.add_api_route(...)``
        registers on the app's own router, which is the app's."""
        receiver = self.names.resolve(qualname)
        if receiver not in self.routers and receiver and receiver.endswith(".router"):
            owner = self.names.resolve(receiver.removesuffix(".router"))
            if owner is not None and self.is_app(owner):
                return owner
        return receiver

    def is_app(self, qualname: str) -> bool:
        site = self.routers.get(qualname)
        return site is not None and self._router_kind(site.callee) == "app"

    # -- mounts ----------------------------------------------------------------------
    def _declared(
        self, refs: tuple[DependencyRef, ...], what: str, summary: ModuleSummary | None,
        location: Location | None,
    ) -> tuple[Declared, ...]:
        if not refs:
            return ()
        where = f"{summary.path}:{location.line}" if summary and location else None
        origin = f"{what}(dependencies=…)" + (f" in {where}" if where else "")
        return tuple(Declared(ref, origin, where) for ref in refs)

    def _super_inits(self, callee: str) -> list[tuple[str, SuperInit]]:
        """The project classes in the lineage of ``callee`` whose ``__init__`` passes values
        to its base's (each calls the next), the base-most first, with what each passes."""
        start = self.names.resolve(callee)
        found = [
            (cls.qualname, cls.super_init)
            for cls in self.names.class_lineage(start or callee)
            if cls.super_init is not None
        ]
        return found[::-1]

    def _router_declared(self, router: str) -> tuple[Declared, ...]:
        site = self.routers[router]
        own = self._declared(
            site.dependencies,
            site.callee.rsplit(".", 1)[-1],
            self.names.object_modules.get(router),
            site.location,
        )
        inherited: tuple[Declared, ...] = ()
        for cls, init in self._class_inits.get(router, ()):
            module = self.names.modules.get(cls.rsplit(".", 1)[0])
            what = f"{cls.rsplit('.', 1)[-1]}: super().__init__"
            inherited += self._declared(init.dependencies, what, module, init.location)
        return inherited + own

    def _include_children(self, include: IncludeSite) -> list[str] | None:
        """The project routers an include serves; None when it cannot be resolved."""
        child = self.names.resolve(include.child)
        if child is None:
            return None
        if include.child_called:
            function = self.names.functions.get(child)
            if function is None:
                # a library's router factory cannot return one of ours
                return [] if child.rsplit(".", 1)[0] not in self.names.modules else None
            returned = [r for name in function.returns if (r := self.names.resolve(name)) in self.routers]
            return returned or None
        if child in self.routers:
            return [child]
        return [] if child.rsplit(".", 1)[0] not in self.names.modules else None

    def _mounts(self) -> dict[str, list[Mount]]:
        children: dict[str, list[tuple[str, IncludeSite, ModuleSummary]]] = {}
        unresolved_child: list[tuple[IncludeSite, ModuleSummary]] = []
        unknown_parent: dict[str, tuple[IncludeSite, ModuleSummary]] = {}
        for summary in self.names.summaries:
            if summary.is_test:
                continue  # a test app mounting a router does not serve it in production
            for include in summary.includes:
                parent = self.names.resolve(include.parent)
                served = self._include_children(include)
                if include.is_mount:
                    # Only applications can be mounted; static files and other ASGI apps
                    # serve no routes of ours.
                    for child in served or ():
                        if parent in self.routers and self.is_app(child):
                            children.setdefault(parent, []).append((child, include, summary))
                            self.mounted_in.setdefault(child, parent)
                    continue
                if served is None:
                    unresolved_child.append((include, summary))
                    continue
                for child in served:
                    if parent in self.routers:
                        children.setdefault(parent, []).append((child, include, summary))
                    else:
                        unknown_parent.setdefault(child, (include, summary))
        mounts: dict[str, list[Mount]] = {}

        def visit(router: str, mount: Mount, path: tuple[str, ...]) -> None:
            mounts.setdefault(router, []).append(mount)
            site = self.routers[router]
            inner_prefix = mount.prefix + (site.prefix or "")
            inner_deps = mount.dependencies + self._router_declared(router)
            inner_tags = mount.tags + site.tags
            inner_responses = mount.responses + site.responses
            for child, include, summary in children.get(router, ()):
                if child in path or len(path) > MAX_DEPTH:
                    continue
                if include.is_mount:  # a sub-application: its own dependencies, no router's
                    child_mount = Mount(
                        inner_prefix + (self.values.text(include.prefix) or ""), (), child, mount.unknown
                    )
                else:
                    child_mount = Mount(
                        inner_prefix + (self.values.text(include.prefix) or ""),
                        inner_deps
                        + self._declared(
                            include.dependencies, "include_router", summary, include.location
                        ),
                        mount.app,
                        mount.unknown,
                        inner_tags + include.tags,
                        inner_responses + include.responses,
                        mount.in_schema and site.in_schema and include.in_schema,
                    )
                visit(child, child_mount, path + (child,))

        apps = [
            name
            for name in self.routers
            if self.is_app(name)
            and (name == PARAMETER_APP or not self.names.object_modules[name].is_test)
        ]
        for app in sorted(apps):
            if app not in self.mounted_in:
                visit(app, Mount("", (), app), (app,))
        # Routers no app reaches are analysed as served at their own prefix, unless an
        # include we could not resolve may be what serves them.
        included = {child for edges in children.values() for child, _, _ in edges}
        in_tests = {
            name for name in self.routers
            if name in self.names.object_modules and self.names.object_modules[name].is_test
        }
        for router in sorted(self.routers):
            if router in in_tests and router not in included:
                continue  # an app or router a test builds for itself serves nothing
            if router not in mounts and router not in included:
                visit(router, Mount("", (), None, self._unknown_reason(
                    unknown_parent.get(router), unresolved_child
                )), (router,))
        for router in sorted(self.routers):  # cycles no root reaches
            if router not in mounts and router not in in_tests:
                reason = self._unknown_reason(unknown_parent.get(router), unresolved_child)
                visit(router, Mount("", (), None, reason), (router,))
        return mounts

    @staticmethod
    def _unknown_reason(
        included_into: tuple[IncludeSite, ModuleSummary] | None,
        unresolved: list[tuple[IncludeSite, ModuleSummary]],
    ) -> str | None:
        if included_into is not None:
            include, summary = included_into
            return (
                f"included into `{include.parent or '?'}` in {summary.path}:"
                f"{include.location.line}, not a known app or router"
            )
        if unresolved:
            include, summary = unresolved[0]
            more = f" (and {len(unresolved) - 1} more)" if len(unresolved) > 1 else ""
            return (
                f"no app includes it; include_router in {summary.path}:"
                f"{include.location.line}{more} could not be resolved"
            )
        return None

    def _endpoints(self) -> Iterator[Endpoint]:
        mounts = self._mounts()
        for summary in self.names.summaries:
            for route in summary.routes:
                receiver = self._receiver(route.receiver)
                if receiver not in self.routers:
                    continue  # not FastAPI: a Flask app, a test client, an unknown object
                site = self.routers[receiver]
                handler_name = self.names.resolve(route.handler)
                handler = self._handler(handler_name, route)
                location = route.location
                if (
                    handler is not None
                    and handler.location is not None
                    and self.names.function_modules[handler.qualname] is summary
                ):
                    location = handler.location
                route_where = f"{summary.path}:{route.location.line}" if route.location else None
                handler_module = self.names.function_modules.get(handler.qualname) if handler else None
                handler_where = (
                    f"{handler_module.path}:{handler.location.line}"
                    if handler and handler_module and handler.location else None
                )
                own = (
                    self._router_declared(receiver)
                    + tuple(Declared(ref, "the route's dependencies=…", route_where) for ref in route.dependencies)
                    + tuple(
                        Declared(ref, "a handler parameter", handler_where)
                        for ref in (self.names.function_dependencies(handler) if handler else ())
                    )
                )
                for mount in mounts.get(receiver, ()):
                    yield Endpoint(
                        route=route,
                        summary=summary,
                        handler=handler,
                        full_path=mount.prefix + (site.prefix or "") + (self.values.text(route.path) or ""),
                        declared=mount.dependencies + own,
                        app=mount.app,
                        location=location,
                        unknown=mount.unknown,
                        tags=mount.tags + site.tags + route.tags,
                        responses=frozenset(mount.responses + site.responses + route.responses),
                        in_schema=mount.in_schema and site.in_schema and route.in_schema,
                    )

    def _handler(self, name: str | None, route: RouteSite) -> FunctionInfo | None:
        """The function a route serves: of a name defined twice in a module, the ``def``
        the decorator stood on."""
        if name is None:
            return None
        for function in self.names.redefined.get(name, ()):
            if function.location == route.location:
                return function
        return self.names.functions.get(name)

    def default_response_class(self, endpoint: Endpoint) -> str | None:
        """``APIRouter(default_response_class=...)`` or the app's, as FastAPI applies it."""
        for owner in (self.names.resolve(endpoint.route.receiver), endpoint.app):
            site = self.routers.get(owner) if owner else None
            if site is not None and (target := site.keyword_ref("default_response_class")):
                return target
        return None

    def response_annotation(self, endpoint: Endpoint) -> str | None:
        """``response_model=``, else the handler's return annotation (FastAPI's order)."""
        model = endpoint.route.response_model
        if model is not None:
            return None if model == "None" else model
        return endpoint.handler.return_annotation if endpoint.handler else None

    @cached_property
    def http_endpoints(self) -> tuple[Endpoint, ...]:
        """The endpoints that answer HTTP requests: WebSocket routes are routes for the
        auth rules only (RULES-SPEC), they have no status, body schema or OpenAPI entry."""
        return tuple(e for e in self.endpoints if not e.route.is_websocket)

    @cached_property
    def handler_methods(self) -> dict[str, frozenset[str]]:
        """Every HTTP method each handler is registered for, over all its routes."""
        methods: dict[str, set[str]] = {}
        for endpoint in self.http_endpoints:
            if endpoint.handler is not None:
                methods.setdefault(endpoint.handler.qualname, set()).update(endpoint.route.methods)
        return {name: frozenset(found) for name, found in methods.items()}

    @cached_property
    def schema_endpoints(self) -> tuple[Endpoint, ...]:
        """The HTTP endpoints that are OpenAPI operations (not ``include_in_schema=False``
        on any level): what the documentation rules check."""
        return tuple(e for e in self.http_endpoints if e.in_schema)

    def declared_in(self, summary: ModuleSummary, endpoints: str = "endpoints") -> tuple[Endpoint, ...]:
        """The endpoints (``endpoints``, ``http_endpoints`` or ``schema_endpoints``) whose
        route is declared in ``summary``, in index order: a rule checking one module
        asks for its own, not every endpoint of the project once per module."""
        return self._grouped(endpoints, by_handler=False).get(id(summary), ())

    def handled_in(self, summary: ModuleSummary, endpoints: str = "endpoints") -> tuple[Endpoint, ...]:
        """The endpoints whose handler function is defined in ``summary``, in index order."""
        return self._grouped(endpoints, by_handler=True).get(id(summary), ())

    def _grouped(self, endpoints: str, by_handler: bool) -> dict[int, tuple[Endpoint, ...]]:
        key = (endpoints, by_handler)
        if key not in self._endpoint_groups:
            groups: dict[int, list[Endpoint]] = {}
            for endpoint in getattr(self, endpoints):
                if by_handler:
                    handler = endpoint.handler
                    owner = self.names.function_modules.get(handler.qualname) if handler is not None else None
                else:
                    owner = endpoint.summary
                if owner is not None:
                    groups.setdefault(id(owner), []).append(endpoint)
            self._endpoint_groups[key] = {owner: tuple(found) for owner, found in groups.items()}
        return self._endpoint_groups[key]

    @cached_property
    def route_handlers(self) -> frozenset[str]:
        """Functions FastAPI calls as HTTP route handlers, by qualified name."""
        return frozenset(e.handler.qualname for e in self.http_endpoints if e.handler is not None)

