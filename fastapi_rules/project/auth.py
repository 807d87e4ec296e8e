"""Who may call an endpoint: an auth dependency on its chain (a security scheme, a
name that matches the auth patterns, a dependency of one), a middleware that
authenticates its app, a public path, or nothing."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from fastapi_rules.model import DependencyRef, FunctionInfo
from fastapi_rules.options import AuthOptions, matches_glob
from fastapi_rules.project.dependencies import Dependencies
from fastapi_rules.project.names import MAX_DEPTH, Names
from fastapi_rules.project.routing import Endpoint, Routing

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

@dataclass(frozen=True)
class Access:
    """Who may call an endpoint: ``public`` (public path), ``global`` (``auth.global`` or
    an auth middleware), ``authenticated``, ``unknown`` (no auth found, but the include
    chain is not resolved) or ``open``. ``cause`` says what counts, or why nothing
    does; ``via`` is the ``file:line`` of the declaration or middleware that counts,
    and ``origin`` how the dependency is declared (``APIRouter(dependencies=…) in
    app/api.py:8``). ``reason`` is the same as the ``routes`` table prints it."""

    kind: str
    cause: str | None = None
    via: str | None = None
    origin: str | None = None

    @property
    def reason(self) -> str | None:
        if self.kind == "authenticated":
            return f"{self.cause} via {self.origin}"
        if self.kind == "global" and self.via is not None:
            return f"{self.cause} in {self.via}"
        return self.cause


class Auth:
    def __init__(self, names: Names, routing: Routing, dependencies: Dependencies, options: AuthOptions) -> None:
        self.names = names
        self.routing = routing
        self.dependencies = dependencies
        self.options = options
        self._auth_cache: dict[tuple[str, str | None, bool], str | None] = {}

    def access(self, endpoint: Endpoint) -> Access:
        if endpoint.full_path.startswith("{$"):
            # ``{$callback_url}/...``: an OpenAPI callback the caller's server implements
            callback = "an OpenAPI callback declaration, not served by this app"
            return Access("public", callback)
        if self.is_public(endpoint.full_path):
            # a dependency that authenticates wins over the path: an admin's
            # ``GET /logs/login`` behind one is authenticated, not public
            return self._authenticated(endpoint) or Access("public", cause="the full path matches auth.public_paths")
        if self.options.global_:
            return Access("global", "auth.global = true")
        middleware = self.auth_middleware(endpoint.app)
        if middleware is not None:
            name, where = middleware
            return Access("global", name, where)
        authenticated = self._authenticated(endpoint)
        if authenticated is not None:
            return authenticated
        if endpoint.unknown is not None:
            return Access("unknown", endpoint.unknown)
        return Access("open", cause="no dependency on its chain authenticates it")

    def _authenticated(self, endpoint: Endpoint) -> Access | None:
        """The outermost dependency on the endpoint's chain that authenticates, if any."""
        for declared in endpoint.declared:
            reason = self._dependency_auth(declared.ref, 0)
            if reason is not None:
                return Access("authenticated", reason, declared.where, declared.origin)
        return None

    def is_auth_dependency(self, ref: DependencyRef) -> bool:
        return self._dependency_auth(ref, 0) is not None

    def is_public(self, full_path: str) -> bool:
        return matches_glob(full_path, self.options.public_paths, ignore_case=False)

    @cached_property
    def _auth_middleware(self) -> dict[str, tuple[str, str | None]]:
        found: dict[str, tuple[str, str | None]] = {}
        for summary in self.names.summaries:
            for registration in summary.registrations:
                app = self.names.resolve(registration.receiver)
                if registration.kind != "middleware" or app is None or registration.target is None:
                    continue
                name = registration.target.rsplit(".", 1)[-1]
                if matches_glob(name, self.options.middleware):
                    where = f"{summary.path}:{registration.location.line}" if registration.location else None
                    found.setdefault(app, (f"{name} middleware", where))
        return found

    def auth_middleware(self, app: str | None) -> tuple[str, str | None] | None:
        """The middleware that authenticates every request to ``app`` (its own, or that of
        the app it is mounted in) and where it is registered, or None."""
        seen: set[str] = set()
        while app is not None and app not in seen:
            if app in self._auth_middleware:
                return self._auth_middleware[app]
            seen.add(app)
            app = self.routing.mounted_in.get(app)
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
        if ref.target is None or depth > MAX_DEPTH:
            return "Security(...)" if ref.kind == "security" else None
        short = ref.target.rsplit(".", 1)[-1]
        if ref.kind == "security":
            return f"Security({short})"
        target = self.names.resolve(ref.target) or ref.target
        for name in {short, target.rsplit(".", 1)[-1]}:
            if matches_glob(name, self.options.patterns):
                return f"{name} (auth name pattern)"
        if self.names.is_subclass(target, SECURITY_SCHEMES):
            return f"{target.rsplit('.', 1)[-1]} (security scheme)"
        site = self.names.objects.get(target)
        if site is not None and self.names.is_subclass(site.callee, SECURITY_SCHEMES):
            return f"{short} (security scheme {site.callee.rsplit('.', 1)[-1]})"
        for inner_ref in self.dependencies.nested_dependencies(target, ref.called):
            reason = self._dependency_auth(inner_ref, depth + 1)
            if reason is not None:
                return reason if short in reason else f"{short} → {reason}"
        return self._rejection(target, short, ref.called)

    def _rejection(self, target: str, short: str, called: bool) -> str | None:
        """A dependency that turns requests away: it raises ``HTTPException`` with 401
        (no valid credential), or with 403 when it reads a request's headers, cookies
        or query parameters, itself or in a project function it calls. What it is named
        does not matter."""
        functions = self.names.functions
        candidates = [functions[target]] if target in functions else []
        if called and candidates:  # a factory: FastAPI calls what it returns
            candidates = [functions[name] for name in candidates[0].returns if name in functions]
        cls = target if target in self.names.classes else self.names.instance_class(target)
        if cls is not None and f"{cls}.__call__" in functions:
            candidates.append(functions[f"{cls}.__call__"])
        for function in candidates:
            status = _rejects(function) or self._rejecting_call(function)
            if status is not None:
                return f"{short} (rejects the request with {status})"
        return None

    def _rejecting_call(self, function: FunctionInfo) -> int | None:
        """The status a project function ``function`` calls rejects the request with."""
        for name in function.calls:
            callee = self.names.functions.get(self.names.resolve(name) or name)
            status = _rejects(callee, function.reads_credentials) if callee is not None else None
            if status is not None:
                return status
        return None


def _rejects(function: FunctionInfo, caller_reads_credentials: bool = False) -> int | None:
    """401 when ``function`` raises ``HTTPException(401)``; 403 when it raises 403 and
    it (or its caller) reads where a request carries credentials: a 403 alone may
    refuse everyone alike (a read-only mode, a feature switched off)."""
    statuses = {site.name for site in function.raised_statuses}
    if "401" in statuses:
        return 401
    if "403" in statuses and (function.reads_credentials or caller_reads_credentials):
        return 403
    return None
