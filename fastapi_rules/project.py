"""The cross-module index: module summaries merged into apps, routers, mounts and
dependency closures (RULES-SPEC §FAR2xx)."""
from __future__ import annotations

import re
from functools import cached_property
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fastapi_rules.model import (
    BlockingCall,
    ClassInfo,
    DependencyRef,
    FunctionInfo,
    IncludeSite,
    Location,
    ModuleSummary,
    ObjectSite,
    RouteSite,
)
from fastapi_rules.model.vocabulary import (
    APP_CLASSES,
    ASYNC_SESSIONS,
    CALL_OF,
    CATCH_ALL_HANDLED,
    HTTP_EXCEPTIONS,
    PARAMETER_APP,
    SYNC_SESSIONS,
)
from fastapi_rules.model.pydantic import (
    MODEL_BASES,
    V1_ONLY_IMPORTS,
    V1_ONLY_MODULES,
    V2_ONLY_IMPORTS,
)
from fastapi_rules.options import AuthOptions, matches_glob

# fastapi.security schemes; OAuth2PasswordRequestForm, HTTPBasicCredentials,
# HTTPAuthorizationCredentials and SecurityScopes are request models, not schemes.
SECURITY_SCHEMES = frozenset(
    f"fastapi.security.{name}"
    for name in (
        "OAuth2",
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "HTTPBearer",
        "HTTPBasic",
        "HTTPDigest",
        "APIKeyHeader",
        "APIKeyCookie",
        "APIKeyQuery",
        "OpenIdConnect",
    )
)
ROUTER_CLASSES = frozenset({"fastapi.APIRouter"})
_ANNOTATION_NAMES = re.compile(r"[A-Za-z_][\w.]*")
_MAX_DEPTH = 12


@dataclass(frozen=True)
class Declared:
    """A dependency and where it is declared, as the ``routes`` table cites it."""

    ref: DependencyRef
    origin: str  # ``APIRouter(dependencies=…) in api/main.py:12``, ``a handler parameter``


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


@dataclass(frozen=True)
class Access:
    """Who may call an endpoint: ``public`` (public path), ``global`` (``auth.global`` or
    an auth middleware), ``authenticated``, ``unknown`` (no auth found, but the include
    chain is not resolved) or ``open``; ``reason`` says why."""

    kind: str
    reason: str | None = None


class ProjectIndex:
    def __init__(
        self,
        summaries: Iterable[ModuleSummary],
        auth: AuthOptions,
        extra_blocking: frozenset[str] = frozenset(),
    ) -> None:
        self.summaries = tuple(summaries)
        self.auth = auth
        self.extra_blocking = extra_blocking  # as the summaries were built, to rebuild one
        self._located: dict[str, ModuleSummary | None] = {}
        self._resolved: dict[str, str | None] | None = None  # set once the tables are built
        self.modules: dict[str, ModuleSummary] = {}
        self.functions: dict[str, FunctionInfo] = {}
        self.function_modules: dict[str, ModuleSummary] = {}
        self.classes: dict[str, ClassInfo] = {}
        self.objects: dict[str, ObjectSite] = {}
        self.object_modules: dict[str, ModuleSummary] = {}
        self.aliases: dict[str, tuple[DependencyRef, ...]] = {}
        self.alias_types: dict[str, str] = {}  # ``SessionDep`` -> ``sqlmodel.Session``
        self.session_factories: dict[str, bool] = {}  # ``SessionLocal`` -> makes async sessions
        for summary in self.summaries:
            self.modules.setdefault(summary.module, summary)
            for function in summary.functions:
                self.functions.setdefault(function.qualname, function)
                self.function_modules.setdefault(function.qualname, summary)
            for cls in summary.classes:
                self.classes.setdefault(cls.qualname, cls)
            for site in summary.objects:
                self.objects.setdefault(site.qualname, site)
                self.object_modules.setdefault(site.qualname, summary)
            for alias in summary.aliases:
                self.aliases.setdefault(alias.qualname, alias.dependencies)
                if alias.annotation is not None:
                    self.alias_types.setdefault(alias.qualname, alias.annotation)
            for factory, is_async in summary.session_factories:
                self.session_factories.setdefault(factory, is_async)
        self._auth_cache: dict[tuple[str, str | None, bool], str | None] = {}
        self._mounted_in: dict[str, str] = {}  # sub-application -> the app it is mounted in
        self._blocking_chains: dict[tuple[str, int], tuple[tuple[str, ...], BlockingCall] | None] = {}
        # ``def register_routes(app: FastAPI)`` is called with the project's app: with
        # exactly one app that is the one, otherwise a stand-in app.
        apps = [
            name
            for name, site in self.objects.items()
            if self._router_kind(site.callee) == "app" and not self.object_modules[name].is_test
        ]
        self._parameter_app = apps[0] if len(apps) == 1 else PARAMETER_APP
        if self._parameter_app == PARAMETER_APP:
            self.objects[PARAMETER_APP] = ObjectSite(PARAMETER_APP, "fastapi.FastAPI", None)
        # ``include_router`` is FastAPI's own verb: both its ends are routers even when
        # their class comes from a library we do not scan (cadwyn's VersionedAPIRouter).
        included_ends = {
            resolved
            for summary in self.summaries
            for include in summary.includes
            for end in (include.parent, include.child)
            if (resolved := self.resolve(end)) is not None
        }
        self.routers = {
            name: site
            for name, site in self.objects.items()
            if self._router_kind(site.callee)
            or (name in included_ends and site.callee.rsplit(".", 1)[0] not in self.modules)
        }
        self.endpoints: tuple[Endpoint, ...] = tuple(self._endpoints())
        self._endpoint_groups: dict[tuple[str, bool], dict[int, tuple[Endpoint, ...]]] = {}
        # the tables are complete: a name resolves the same way from now on (the rules
        # ask about the same names again and again, 700,000 times at 5,000 files)
        self._resolved = {}

    # -- names -------------------------------------------------------------------
    def resolve(self, qualname: str | None, depth: int = 0) -> str | None:
        """Follow re-exports (``from .deps import get_user`` in a package) to the definition."""
        if qualname is None or depth > _MAX_DEPTH:
            return qualname
        if depth == 0 and self._resolved is not None:
            if qualname not in self._resolved:
                self._resolved[qualname] = self._resolve(qualname, 0)
            return self._resolved[qualname]
        return self._resolve(qualname, depth)

    def _resolve(self, qualname: str, depth: int) -> str | None:
        if qualname == PARAMETER_APP:
            return self._parameter_app
        if self._defines(qualname):
            return qualname
        module, _, name = qualname.rpartition(".")
        summary = self.modules.get(module)
        if summary is not None and name in summary.imports:
            target = summary.imports[name]
            if target != qualname:
                return self.resolve(target, depth + 1)
        if summary is not None:
            for source in summary.star_imports:  # ``from .items import *`` re-exports
                found = self.resolve(f"{source}.{name}", depth + 1)
                if found != f"{source}.{name}" or self._defines(found):
                    return found
        return qualname

    def _defines(self, qualname: str) -> bool:
        return (
            qualname in self.functions
            or qualname in self.classes
            or qualname in self.objects
            or qualname in self.aliases
        )

    def is_subclass(self, qualname: str | None, bases: frozenset[str], depth: int = 0) -> bool:
        qualname = self.resolve(qualname)
        if qualname is None or depth > _MAX_DEPTH:
            return False
        if qualname in bases:
            return True
        cls = self.classes.get(qualname)
        return cls is not None and any(self.is_subclass(b, bases, depth + 1) for b in cls.bases)

    def _router_kind(self, callee: str) -> str | None:
        if self.is_subclass(callee, APP_CLASSES):
            return "app"
        if self.is_subclass(callee, ROUTER_CLASSES):
            return "router"
        return None

    def is_router_class(self, callee: str) -> bool:
        """``FastAPI``, ``APIRouter`` or a project subclass of either."""
        return self._router_kind(callee) is not None

    def serves_routes(self, qualname: str) -> bool:
        """An app or router object (or the app a ``def setup(app: FastAPI)`` receives)."""
        return qualname == PARAMETER_APP or self.resolve(qualname) in self.routers

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
        where = f" in {summary.path}:{location.line}" if summary and location else ""
        return tuple(Declared(ref, f"{what}(dependencies=…){where}") for ref in refs)

    def _router_declared(self, router: str) -> tuple[Declared, ...]:
        site = self.routers[router]
        return self._declared(
            site.dependencies,
            site.callee.rsplit(".", 1)[-1],
            self.object_modules.get(router),
            site.location,
        )

    def _include_children(self, include: IncludeSite) -> list[str] | None:
        """The project routers an include serves; None when it cannot be resolved."""
        child = self.resolve(include.child)
        if child is None:
            return None
        if include.child_called:
            function = self.functions.get(child)
            if function is None:
                # a library's router factory cannot return one of ours
                return [] if child.rsplit(".", 1)[0] not in self.modules else None
            returned = [r for name in function.returns if (r := self.resolve(name)) in self.routers]
            return returned or None
        if child in self.routers:
            return [child]
        return [] if child.rsplit(".", 1)[0] not in self.modules else None

    def _mounts(self) -> dict[str, list[Mount]]:
        children: dict[str, list[tuple[str, IncludeSite, ModuleSummary]]] = {}
        unresolved_child: list[tuple[IncludeSite, ModuleSummary]] = []
        unknown_parent: dict[str, tuple[IncludeSite, ModuleSummary]] = {}
        for summary in self.summaries:
            if summary.is_test:
                continue  # a test app mounting a router does not serve it in production
            for include in summary.includes:
                parent = self.resolve(include.parent)
                served = self._include_children(include)
                if include.is_mount:
                    # Only applications can be mounted; static files and other ASGI apps
                    # serve no routes of ours.
                    for child in served or ():
                        if parent in self.routers and self.is_app(child):
                            children.setdefault(parent, []).append((child, include, summary))
                            self._mounted_in.setdefault(child, parent)
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
                if child in path or len(path) > _MAX_DEPTH:
                    continue
                if include.is_mount:  # a sub-application: its own dependencies, no router's
                    child_mount = Mount(
                        inner_prefix + (include.prefix or ""), (), child, mount.unknown
                    )
                else:
                    child_mount = Mount(
                        inner_prefix + (include.prefix or ""),
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
            and (name == PARAMETER_APP or not self.object_modules[name].is_test)
        ]
        for app in sorted(apps):
            if app not in self._mounted_in:
                visit(app, Mount("", (), app), (app,))
        # Routers no app reaches are analysed as served at their own prefix, unless an
        # include we could not resolve may be what serves them.
        included = {child for edges in children.values() for child, _, _ in edges}
        in_tests = {
            name for name in self.routers
            if name in self.object_modules and self.object_modules[name].is_test
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
        for summary in self.summaries:
            for route in summary.routes:
                receiver = self.resolve(route.receiver)
                if receiver not in self.routers:
                    continue  # not FastAPI: a Flask app, a test client, an unknown object
                site = self.routers[receiver]
                handler_name = self.resolve(route.handler)
                handler = self.functions.get(handler_name) if handler_name else None
                location = route.location
                if (
                    handler is not None
                    and handler.location is not None
                    and self.function_modules[handler.qualname] is summary
                ):
                    location = handler.location
                own = (
                    self._router_declared(receiver)
                    + tuple(Declared(ref, "the route's dependencies=…") for ref in route.dependencies)
                    + tuple(
                        Declared(ref, "a handler parameter")
                        for ref in (handler.dependencies if handler else ())
                    )
                )
                for mount in mounts.get(receiver, ()):
                    yield Endpoint(
                        route=route,
                        summary=summary,
                        handler=handler,
                        full_path=mount.prefix + (site.prefix or "") + route.path,
                        declared=mount.dependencies + own,
                        app=mount.app,
                        location=location,
                        unknown=mount.unknown,
                        tags=mount.tags + site.tags + route.tags,
                        responses=frozenset(mount.responses + site.responses + route.responses),
                        in_schema=mount.in_schema and site.in_schema and route.in_schema,
                    )

    def default_response_class(self, endpoint: Endpoint) -> str | None:
        """``APIRouter(default_response_class=...)`` or the app's, as FastAPI applies it."""
        for owner in (self.resolve(endpoint.route.receiver), endpoint.app):
            site = self.routers.get(owner) if owner else None
            if site is not None and (target := site.keyword_ref("default_response_class")):
                return target
        return None

    # -- auth ------------------------------------------------------------------------
    def access(self, endpoint: Endpoint) -> Access:
        if endpoint.full_path.startswith("{$"):
            # ``{$callback_url}/...``: an OpenAPI callback the caller's server implements
            return Access("public", "an OpenAPI callback declaration, not served by this app")
        if self.is_public(endpoint.full_path):
            return Access("public")
        if self.auth.global_:
            return Access("global", "auth.global = true")
        middleware = self.auth_middleware(endpoint.app)
        if middleware is not None:
            return Access("global", middleware)
        for declared in endpoint.declared:
            reason = self._dependency_auth(declared.ref, 0)
            if reason is not None:
                return Access("authenticated", f"{reason} via {declared.origin}")
        if endpoint.unknown is not None:
            return Access("unknown", endpoint.unknown)
        return Access("open")

    def is_auth_dependency(self, ref: DependencyRef) -> bool:
        return self._dependency_auth(ref, 0) is not None

    def is_public(self, full_path: str) -> bool:
        return matches_glob(full_path, self.auth.public_paths, ignore_case=False)

    @cached_property
    def _auth_middleware(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for summary in self.summaries:
            for registration in summary.registrations:
                app = self.resolve(registration.receiver)
                if registration.kind != "middleware" or app is None or registration.target is None:
                    continue
                name = registration.target.rsplit(".", 1)[-1]
                if matches_glob(name, self.auth.middleware):
                    where = f" in {summary.path}:{registration.location.line}" if registration.location else ""
                    found.setdefault(app, f"{name} middleware{where}")
        return found

    def auth_middleware(self, app: str | None) -> str | None:
        """Why every request to ``app`` is authenticated by middleware (its own, or that of
        the app it is mounted in), or None."""
        seen: set[str] = set()
        while app is not None and app not in seen:
            if app in self._auth_middleware:
                return self._auth_middleware[app]
            seen.add(app)
            app = self._mounted_in.get(app)
        return None

    def _dependency_auth(self, ref: DependencyRef, depth: int) -> str | None:
        key = (ref.kind, ref.target, ref.called)
        if key in self._auth_cache:
            return self._auth_cache[key]
        self._auth_cache[key] = None  # cycle guard
        reason = self._compute_auth(ref, depth)
        self._auth_cache[key] = reason
        return reason

    def _compute_auth(self, ref: DependencyRef, depth: int) -> str | None:
        if ref.target is None or depth > _MAX_DEPTH:
            return "Security(...)" if ref.kind == "security" else None
        short = ref.target.rsplit(".", 1)[-1]
        if ref.kind == "security":
            return f"Security({short})"
        target = self.resolve(ref.target) or ref.target
        for name in {short, target.rsplit(".", 1)[-1]}:
            if matches_glob(name, self.auth.patterns):
                return f"{name} (auth name pattern)"
        if self.is_subclass(target, SECURITY_SCHEMES):
            return f"{target.rsplit('.', 1)[-1]} (security scheme)"
        site = self.objects.get(target)
        if site is not None and self.is_subclass(site.callee, SECURITY_SCHEMES):
            return f"{short} (security scheme {site.callee.rsplit('.', 1)[-1]})"
        for inner_ref in self.nested_dependencies(target, ref.called):
            reason = self._dependency_auth(inner_ref, depth + 1)
            if reason is not None:
                return reason if short in reason else f"{short} → {reason}"
        return None

    def nested_dependencies(self, target: str, called: bool) -> list[DependencyRef]:
        """What FastAPI resolves next for a dependency on ``target`` (already resolved)."""
        nested: list[DependencyRef] = list(self.aliases.get(target, ()))
        function = self.functions.get(target)
        if function is not None:
            nested.extend(function.dependencies)
            if called:  # a factory: the dependency is the function it returns
                for inner in function.returns:
                    if inner in self.functions:
                        nested.extend(self.functions[inner].dependencies)
        cls = self.classes.get(target) or self.classes.get(self.instance_class(target) or "")
        if cls is not None:
            nested.extend(cls.dependencies)
        return nested

    def instance_class(self, target: str) -> str | None:
        """The project class of a module-level instance (``checker = RoleChecker(...)``)."""
        site = self.objects.get(target)
        if site is None:
            return None
        callee = self.resolve(site.callee)
        return callee if callee in self.classes else None

    def parameter_names(self, endpoint: Endpoint, declared_only: bool = False) -> frozenset[str] | None:
        """Every parameter name (and alias) FastAPI fills for this endpoint: the handler's
        and its dependencies', transitively. None when any name may be read (``**kwargs``,
        a ``Request`` parameter, a dependency we cannot resolve).

        ``declared_only``: only the names declared as parameters count, so a ``Request``
        (``WebSocket``, ``HTTPConnection``) parameter is skipped rather than unknown: an
        auth dependency taking the request is no pagination source (FAR110). The other
        special types (``Response``, ``BackgroundTasks``, ``SecurityScopes``) never
        stop the walk; their names are not pagination names."""
        def reads_any(function: FunctionInfo) -> bool:
            return function.takes_kwargs if declared_only else function.reads_any_parameter

        handler = endpoint.handler
        if handler is None or reads_any(handler):
            return None
        names = set(handler.parameters)
        names.update(self._query_model_fields(handler))
        refs = list(endpoint.dependencies)
        if any(ref.target is None for ref in refs):
            return None
        for target in self.dependency_closure(refs):
            function = self.functions.get(target)
            cls = self.classes.get(target) or self.classes.get(self.instance_class(target) or "")
            if function is not None:
                inner = [self.functions[name] for name in function.returns if name in self.functions]
                for found in (function, *inner):
                    if reads_any(found):
                        return None
                    names.update(found.parameters)
                    names.update(self._query_model_fields(found))
            elif cls is not None:
                names.update(cls.parameters)
            elif "." not in target or (
                target.rsplit(".", 1)[0] in self.modules
                and target not in self.objects
                and target not in self.aliases  # followed through ``nested_dependencies``
            ):
                return None  # a local or project name we cannot see into
        return frozenset(names)

    def _query_model_fields(self, function: FunctionInfo) -> set[str]:
        return {
            field
            for model in function.query_models
            if (resolved := self.resolve(model)) is not None
            for _owner, field, _annotation in self.model_fields(resolved)
        }

    def dependency_closure(self, dependencies: Iterable[DependencyRef]) -> set[str]:
        """Every project function or class reached from ``dependencies``, transitively."""
        reached: set[str] = set()
        pending = list(dependencies)
        while pending:
            ref = pending.pop()
            target = self.resolve(ref.target)
            if target is None or target in reached:
                continue
            reached.add(target)
            pending.extend(self.nested_dependencies(target, ref.called))
        return reached

    # -- entry points (RULES-SPEC §FAR4xx) -------------------------------------------------
    @cached_property
    def dependency_functions(self) -> frozenset[str]:
        """Every project function FastAPI calls as a dependency, anywhere."""
        refs: list[DependencyRef] = []
        for summary in self.summaries:
            for function in summary.functions:
                refs.extend(function.dependencies)
            for cls in summary.classes:
                refs.extend(cls.dependencies)
            for alias in summary.aliases:
                refs.extend(alias.dependencies)
            for site in summary.objects:
                refs.extend(site.dependencies)
            for route in summary.routes:
                refs.extend(route.dependencies)
            for include in summary.includes:
                refs.extend(include.dependencies)
        found: set[str] = set()
        for ref in refs:
            target = self.resolve(ref.target)
            if target is None:
                continue
            if target in self.functions:
                found.add(target)
                if ref.called:
                    found.update(self.functions[target].returns)
            cls = target if target in self.classes else self.instance_class(target)
            if cls is not None:
                found.add(f"{cls}.__call__")
        return frozenset(found)

    @cached_property
    def entry_points(self) -> frozenset[str]:
        found = set(self.dependency_functions)
        for endpoint in self.endpoints:
            if endpoint.handler is not None:
                found.add(endpoint.handler.qualname)
        for summary in self.summaries:
            for registration in summary.registrations:
                target = self.resolve(registration.target)
                if target is None:
                    continue
                found.add(target)
                found.update((f"{target}.dispatch", f"{target}.__call__"))
        return frozenset(found)

    @cached_property
    def loop_functions(self) -> dict[str, tuple[str, ...]]:
        """Project ``async def`` functions run on the event loop, each with its chain of
        callers from an async entry point (RULES-SPEC §FAR4xx "on the loop")."""
        chains: dict[str, tuple[str, ...]] = {}
        pending: deque[str] = deque()
        for name in sorted(self.entry_points):
            function = self.functions.get(name)
            if function is not None and function.is_async and not self.function_modules[name].is_test:
                chains[name] = (name,)
                pending.append(name)
        while pending:  # breadth first: the shortest chain is the one shown
            caller = pending.popleft()
            function = self.functions[caller]
            for target in (*function.calls, *function.scheduled):
                callee = self.resolve(target)
                found = self.functions.get(callee) if callee else None
                if found is not None and found.is_async and found.qualname not in chains:
                    chains[found.qualname] = chains[caller] + (found.qualname,)
                    pending.append(found.qualname)
        return chains

    def blocking_chain(
        self, target: str, max_depth: int
    ) -> tuple[tuple[str, ...], BlockingCall] | None:
        """The shortest chain of sync project functions from ``target`` (depth 1) to one
        that makes a blocking call, within ``max_depth`` functions; None if there is none."""
        key = (target, max_depth)
        if key not in self._blocking_chains:
            self._blocking_chains[key] = self._find_blocking_chain(target, max_depth)
        return self._blocking_chains[key]

    def _find_blocking_chain(
        self, target: str, max_depth: int
    ) -> tuple[tuple[str, ...], BlockingCall] | None:
        start = self.functions.get(target)
        if start is None or start.is_async:
            return None
        seen = {target}
        level: list[tuple[str, ...]] = [(target,)]
        for _depth in range(max_depth):
            following: list[tuple[str, ...]] = []
            for chain in level:
                function = self.functions[chain[-1]]
                if function.blocking_calls:
                    return chain, function.blocking_calls[0]
                for name in function.calls:
                    callee = self.resolve(name)
                    found = self.functions.get(callee) if callee else None
                    if found is not None and not found.is_async and found.qualname not in seen:
                        seen.add(found.qualname)
                        following.append(chain + (found.qualname,))
            level = following
        return None

    def call_location(
        self, summary: ModuleSummary, function: FunctionInfo, field_name: str, index: int
    ) -> Location:
        """Where ``getattr(function, field_name)[index]`` is, building the module again
        with positions when its summary was built without them (``CallSite``)."""
        known = getattr(function, field_name)[index].location
        if known is not None:
            return known
        located = self._located_function(summary, function)
        position = getattr(located, field_name)[index].location if located else None
        return position or function.location or Location(1, 1)  # the file changed under us

    def function_location(self, summary: ModuleSummary, function: FunctionInfo) -> Location:
        """The ``def`` of ``function`` in ``summary``, placed like ``call_location``."""
        if function.location is not None:
            return function.location
        located = self._located_function(summary, function)
        return (located.location if located else None) or Location(1, 1)

    def object_location(self, summary: ModuleSummary, site: ObjectSite) -> Location:
        """The ``Callee(...)`` call of ``site``, placed like ``call_location``."""
        if site.location is not None:
            return site.location
        located = self._located_module(summary)
        found = next(
            (o for o in (located.objects if located else ()) if o.qualname == site.qualname),
            None,
        )
        return (found.location if found else None) or Location(1, 1)

    def error_location(self, summary: ModuleSummary, index: int) -> Location:
        """Where ``summary.error_sites[index]`` is, placed like ``call_location``."""
        known = summary.error_sites[index].location
        if known is not None:
            return known
        located = self._located_module(summary)
        sites = located.error_sites if located else ()
        position = sites[index].location if index < len(sites) else None
        return position or Location(1, 1)

    def setting_location(self, summary: ModuleSummary, index: int) -> Location:
        """Where ``summary.setting_sites[index]`` is, placed like ``call_location``."""
        site = summary.setting_sites[index]
        if site.location is not None:
            return site.location
        located = self._located_module(summary)
        sites = located.setting_sites if located else ()
        found = sites[index] if index < len(sites) else None
        if found is None or (found.kind, found.name) != (site.kind, site.name):
            return Location(1, 1)  # the file changed under us
        return found.location or Location(1, 1)

    def _located_module(self, summary: ModuleSummary) -> ModuleSummary | None:
        if summary.path not in self._located:
            # the one re-parse of a reported file; LibCST loads with it
            from fastapi_rules.model.builder import located_summary  # noqa: PLC0415

            self._located[summary.path] = located_summary(summary, self.extra_blocking)
        return self._located[summary.path]

    def _located_function(
        self, summary: ModuleSummary, function: FunctionInfo
    ) -> FunctionInfo | None:
        located = self._located_module(summary)
        return next(
            (f for f in (located.functions if located else ()) if f.qualname == function.qualname),
            None,
        )

    # -- Pydantic models (RULES-SPEC §FAR6xx) -------------------------------------------
    def is_model(self, qualname: str | None) -> bool:
        return self.is_subclass(qualname, MODEL_BASES)

    @cached_property
    def targets_pydantic_v1(self) -> bool:
        """The project is written for Pydantic v1: some module imports what only v1 has
        (``from pydantic import BaseSettings``) and none imports what only v2 has."""
        imported = {
            target
            for summary in self.summaries
            if not summary.is_test
            for target in summary.imports.values()
        }
        v1_only = any(
            name in V1_ONLY_IMPORTS or name.startswith(V1_ONLY_MODULES) for name in imported
        )
        return v1_only and not imported & V2_ONLY_IMPORTS

    def model_classes(self, annotation: str | None) -> list[str]:
        """Project model classes named in an annotation text (``list[app.schemas.User] |
        None`` gives ``app.schemas.User``), resolved through re-exports."""
        return [name for name in self.annotation_classes(annotation) if self.is_model(name)]

    def annotation_classes(self, annotation: str | None) -> list[str]:
        """Project classes named in an annotation text, resolved through re-exports."""
        found = []
        for name in _ANNOTATION_NAMES.findall(annotation or ""):
            resolved = self.resolve(name)
            if resolved in self.classes and resolved not in found:
                found.append(resolved)
        return found

    def response_annotation(self, endpoint: Endpoint) -> str | None:
        """``response_model=``, else the handler's return annotation (FastAPI's order)."""
        model = endpoint.route.response_model
        if model is not None:
            return None if model == "None" else model
        return endpoint.handler.return_annotation if endpoint.handler else None

    def model_fields(self, model: str) -> list[tuple[str, str, str]]:
        """(class, field, annotation) of a model and of its project model bases."""
        return [
            (cls.qualname, field, annotation)
            for cls in self.class_lineage(model)
            for field, annotation in cls.fields
        ]

    def class_lineage(self, name: str) -> Iterator[ClassInfo]:
        """A project class and its project bases, each once."""
        pending, seen = [name], set()
        while pending:
            name = pending.pop()
            cls = self.classes.get(name)
            if cls is None or name in seen:
                continue
            seen.add(name)
            yield cls
            pending.extend(r for base in cls.bases if (r := self.resolve(base)) in self.classes)

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
                    owner = self.function_modules.get(handler.qualname) if handler is not None else None
                else:
                    owner = endpoint.summary
                if owner is not None:
                    groups.setdefault(id(owner), []).append(endpoint)
            self._endpoint_groups[key] = {owner: tuple(found) for owner, found in groups.items()}
        return self._endpoint_groups[key]

    # -- architecture (RULES-SPEC §FAR8xx) -----------------------------------------------
    @cached_property
    def module_resources(self) -> dict[str, str]:
        """Module-level names holding a per-request resource (session, client,
        connection), by qualified name, with what they hold (FAR802)."""
        declared = {name: kind for summary in self.summaries for name, kind in summary.resources}
        found: dict[str, str] = {}
        for name, kind in declared.items():
            if kind.startswith(CALL_OF):  # ``db = SessionLocal()``, ``SessionLocal`` imported
                factory = self.resolve(kind[len(CALL_OF):])
                if factory in self.session_factories:
                    found[name] = "database session"
            else:
                found[name] = kind
        return found

    # -- errors --------------------------------------------------------------------------
    @cached_property
    def route_handlers(self) -> frozenset[str]:
        """Functions FastAPI calls as HTTP route handlers, by qualified name."""
        return frozenset(e.handler.qualname for e in self.http_endpoints if e.handler is not None)

    def handles_exception(self, app: str, exceptions: frozenset[str]) -> bool:
        """Whether ``app`` registers a handler for one of ``exceptions`` (by name)."""
        return not exceptions.isdisjoint(self._handled_by_app.get(app, ()))

    @cached_property
    def _exception_registrations(self) -> tuple[tuple[str | None, str | None, str | None], ...]:
        """Every exception handler registration, resolved: (app, handler function,
        exception), read once for the questions below."""
        return tuple(
            (self.resolve(r.receiver), self.resolve(r.target), self.resolve(r.exception))
            for summary in self.summaries
            for r in summary.registrations
            if r.kind == "exception_handler"
        )

    @cached_property
    def _handled_by_app(self) -> dict[str | None, set[str | None]]:
        """What each app registers exception handlers for: by app, where asking each app
        in turn read every module again (a project of many small apps, such as FastAPI's
        documentation examples, asked hundreds of times)."""
        handled: dict[str | None, set[str | None]] = {}
        for app, _, exception in self._exception_registrations:
            handled.setdefault(app, set()).add(exception)
        return handled

    @cached_property
    def _exception_handlers(self) -> dict[str, set[str | None]]:
        """Exception handler functions, each with what it is registered for."""
        handlers: dict[str, set[str | None]] = {}
        for _, target, exception in self._exception_registrations:
            if target is not None:
                handlers.setdefault(target, set()).add(exception)
        return handlers

    @cached_property
    def exception_handler_functions(self) -> frozenset[str]:
        return frozenset(self._exception_handlers)

    @cached_property
    def catch_all_handler_functions(self) -> frozenset[str]:
        """Exception handlers registered for ``Exception``/``BaseException``/500."""
        return frozenset(
            name for name, handled in self._exception_handlers.items() if handled & CATCH_ALL_HANDLED
        )

    def only_mounts_apps(self, app: str) -> bool:
        """``app`` serves no route of its own and mounts project apps: a composition shell
        (each mounted app answers its own errors, through its own exception handlers)."""
        mounting, including, serving = self._app_roles
        return app in mounting and app not in including and app not in serving

    @cached_property
    def _app_roles(self) -> tuple[set[str], set[str | None], set[str | None]]:
        """The apps that mount a sub-application, those that include a router (one we
        cannot resolve may still serve routes of its own), and those that serve an
        endpoint."""
        including = {
            self.resolve(include.parent)
            for summary in self.summaries
            for include in summary.includes
            if not include.is_mount
        }
        return set(self._mounted_in.values()), including, {e.app for e in self.endpoints}

    def handles_http_exception(self, app: str) -> bool:
        return self.handles_exception(app, HTTP_EXCEPTIONS)

    def app_modules(self, app: str) -> set[str]:
        """Modules whose code runs in this app: its own, its routes', their dependencies'."""
        return {self.object_modules[app].module} | self._endpoint_modules.get(app, set())

    @cached_property
    def _endpoint_modules(self) -> dict[str | None, set[str]]:
        """Each app's modules that its endpoints run: their own, their handlers', their
        dependencies'; in one pass over the endpoints, not one per app."""
        modules: dict[str | None, set[str]] = {}
        for endpoint in self.endpoints:
            found = modules.setdefault(endpoint.app, set())
            found.add(endpoint.summary.module)
            if endpoint.handler is not None:
                found.add(self.function_modules[endpoint.handler.qualname].module)
            for target in self.dependency_closure(endpoint.dependencies):
                if target in self.function_modules:
                    found.add(self.function_modules[target].module)
        return modules

    @cached_property
    def modules_raising_http_exception(self) -> frozenset[str]:
        """Modules that raise ``HTTPException`` (or build one) anywhere."""
        return frozenset(s.module for s in self.summaries if s.raises_http_exception)

    # -- database sessions and ORM models (RULES-SPEC §FAR3xx) ------------------------
    def session_kind(self, name: str) -> str | None:
        """``sync`` or ``async`` when ``name`` is a session class, a ``Session``-typed
        alias (``SessionDep``) or a session factory (``SessionLocal``), else None."""
        resolved = self.resolve(name) or name
        resolved = self.resolve(self.alias_types.get(resolved)) or self.alias_types.get(resolved, resolved)
        if resolved in SYNC_SESSIONS:
            return "sync"
        if resolved in ASYNC_SESSIONS:
            return "async"
        if resolved in self.session_factories:
            return "async" if self.session_factories[resolved] else "sync"
        return None

    def class_attributes(self, model: str) -> frozenset[str] | None:
        """Names assigned in the body of a project class and of its project bases (None:
        not a project class)."""
        return self._class_facts(model, "attributes")

    def lazy_relationships(self, model: str) -> frozenset[str]:
        """Lazily loading relationships of an ORM class and of its project bases."""
        return self._class_facts(model, "lazy_relationships") or frozenset()

    def _class_facts(self, model: str, fact: str) -> frozenset[str] | None:
        start = self.resolve(model) or model
        if start not in self.classes:
            return None
        return frozenset(name for cls in self.class_lineage(start) for name in getattr(cls, fact))
