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

# ``@requires("authenticated")``: Starlette refuses (403, or a redirect) a request whose
# user lacks the scopes, and an unauthenticated user has none
REQUIRING_DECORATORS = frozenset({"starlette.authentication.requires"})
# middleware that attaches a user, anonymous when no credential is sent, and refuses nothing
ATTACHING_MIDDLEWARE = frozenset(
    {"starlette.middleware.authentication.AuthenticationMiddleware",
     "starlette.authentication.AuthenticationMiddleware"}
)
MAX_EXPLAINED = 4  # dependencies named in an unauthenticated endpoint's reason


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
        return Access("open", cause=self._unauthenticated_cause(endpoint))

    def _unauthenticated_cause(self, endpoint: Endpoint) -> str:
        """What was looked at on an endpoint no dependency authenticates, and why each
        dependency did not count: ``checked: get_principal (app/deps.py:10): rejects
        no request``."""
        cause = "no dependency on its chain authenticates it"
        checked: dict[str, str] = {}
        for declared in endpoint.declared:
            ref = declared.ref
            if ref.target is None or len(checked) == MAX_EXPLAINED:
                continue
            target = self.names.resolve(ref.target) or ref.target
            short = target.rsplit(".", 1)[-1]
            if target.rsplit(".", 1)[0] not in self.names.modules:
                continue  # a library's (``Depends()`` on a request model): nothing to say
            if short not in checked:
                checked[short] = f"{short}{self._where(target)}: {self._why_not(ref, target, short)}"
        return f"{cause}; checked: {'; '.join(checked.values())}" if checked else cause

    def _where(self, target: str) -> str:
        function = self.names.functions.get(target)
        module = self.names.function_modules.get(target) if function else None
        if module is None:
            return ""
        return f" ({module.path}:{function.location.line})" if function and function.location else f" ({module.path})"

    def _why_not(self, ref: DependencyRef, target: str, short: str) -> str:
        """Why a dependency that does not authenticate does not."""
        if self._is_optional_scheme(ref):
            return "a scheme declared with auto_error=False, read by nothing that rejects"
        candidates = self._callables(target, ref.called)
        if not candidates:
            return "not a function or callable class of the project"
        if any(site.name == "403" for function in candidates for site in function.raised_statuses):
            return "its 403 reads no credential: it refuses every request alike"
        if self._lenient(target, short, ref.called):
            return "lets a request without a credential through"
        if not any(function.reads_credentials for function in candidates):
            return "reads no credential and rejects no request"
        return "rejects no request"

    def _authenticated(self, endpoint: Endpoint) -> Access | None:
        """The outermost dependency on the endpoint's chain that authenticates, if any,
        else a decorator on the handler that refuses unauthenticated requests."""
        for declared in endpoint.declared:
            reason = self._dependency_auth(declared.ref, 0)
            if reason is not None:
                return Access("authenticated", reason, declared.where, declared.origin)
        handler = endpoint.handler
        requiring = next((d for d in handler.decorators if d in REQUIRING_DECORATORS), None) if handler else None
        if handler is not None and requiring is not None:
            module = self.names.function_modules.get(handler.qualname)
            where = f"{module.path}:{handler.location.line}" if module and handler.location else None
            cause = f"@{requiring.rsplit('.', 1)[-1]}(...) (refuses a request without an authenticated user)"
            return Access("authenticated", cause, where, "a handler decorator")
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
                if self.names.resolve(registration.target) in ATTACHING_MIDDLEWARE:
                    continue
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
        target = self.names.resolve(ref.target) or ref.target
        site = self.names.objects.get(target)
        if ref.optional or (site is not None and site.optional):
            return None  # ``auto_error=False``: what comes after it decides
        if ref.kind == "security":
            return f"Security({short})"
        for name in {short, target.rsplit(".", 1)[-1]}:
            if matches_glob(name, self.options.patterns) and not self._lets_through(target, name, ref.called, depth):
                return f"{name} (auth name pattern)"
        if self.names.is_subclass(target, SECURITY_SCHEMES):
            return f"{target.rsplit('.', 1)[-1]} (security scheme)"
        if site is not None and self.names.is_subclass(site.callee, SECURITY_SCHEMES):
            return f"{short} (security scheme {site.callee.rsplit('.', 1)[-1]})"
        optional_scheme = None
        for inner_ref in self.dependencies.nested_dependencies(target, ref.called):
            reason = self._dependency_auth(inner_ref, depth + 1)
            if reason is not None:
                return reason if short in reason else f"{short} → {reason}"
            if optional_scheme is None and self._is_optional_scheme(inner_ref):
                optional_scheme = (inner_ref.target or "").rsplit(".", 1)[-1]
        rejection = self._rejection(target, short, ref.called)
        if rejection is None and optional_scheme is not None and not self._lenient(target, short, ref.called):
            # it reads a scheme that lets requests through and may refuse them in code
            # we cannot see (a service's method): not called unauthenticated on a guess
            return f"{short} → {optional_scheme} (security scheme, auto_error=False)"
        return rejection

    def _callables(self, target: str, called: bool) -> list[FunctionInfo]:
        """The project functions FastAPI calls for a dependency on ``target``: the
        function, what a factory returns, a class's or instance's ``__call__``."""
        functions = self.names.functions
        candidates = [functions[target]] if target in functions else []
        if called and candidates:  # a factory: FastAPI calls what it returns
            candidates = [functions[name] for name in candidates[0].returns if name in functions]
        cls = target if target in self.names.classes else self.names.instance_class(target)
        if cls is not None and f"{cls}.__call__" in functions:
            candidates.append(functions[f"{cls}.__call__"])
        return candidates

    def _lets_through(self, target: str, name: str, called: bool, depth: int) -> bool:
        """A dependency named like authentication that visibly serves a request without
        a credential (see ``_lenient``) and relies on nothing that authenticates: its
        name alone then counts for nothing."""
        if not self._lenient(target, name, called):
            return False
        nested = self.dependencies.nested_dependencies(target, called)
        return all(self._dependency_auth(inner, depth + 1) is None for inner in nested)

    def _lenient(self, target: str, name: str, called: bool) -> bool:
        """Rejects nothing, itself or in what it calls, and says it lets requests through:
        named ``optional``, or one of ours that returns ``None`` or calls nothing at all
        (``return header_token or cookie_token``)."""
        candidates = self._callables(target, called)
        if any(_rejects(function) or self._rejecting_call(function) for function in candidates):
            return False
        if "optional" in name.lower():
            return True
        return bool(candidates) and any(
            "none" in function.returns_kinds or not function.calls for function in candidates
        )

    def _is_optional_scheme(self, ref: DependencyRef) -> bool:
        if ref.optional:
            return True
        site = self.names.objects.get(self.names.resolve(ref.target) or "") if ref.target else None
        return site is not None and site.optional

    def _rejection(self, target: str, short: str, called: bool) -> str | None:
        """A dependency that turns requests away: it raises ``HTTPException`` with 401
        (no valid credential), or with 403 when it reads a request's headers, cookies
        or query parameters, itself or in a project function it calls. What it is named
        does not matter."""
        for function in self._callables(target, called):
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
