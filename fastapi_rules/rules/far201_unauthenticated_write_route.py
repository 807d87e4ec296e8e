from __future__ import annotations

from fastapi_rules.rules.auth_routes import UnauthenticatedRoute


class UnauthenticatedWriteRoute(UnauthenticatedRoute):
    """State-changing route has no authentication dependency.

    What it does:
    Flags a POST, PUT, PATCH or DELETE route none of whose dependencies
    authenticates the caller. The dependency closure is followed the way FastAPI
    builds it: handler parameters (`Depends`, `Security`, `Annotated` and
    aliases such as `CurrentUser`), the decorator's `dependencies=`, the
    router's `APIRouter(dependencies=...)`, every `include_router(...,
    dependencies=...)` from the app down (across modules), `FastAPI(dependencies=...)`,
    and the dependencies of each dependency. A dependency authenticates when it
    is a `fastapi.security` scheme (or depends on one), is declared with
    `Security(...)`, or its name matches `auth.patterns`. Paths matching
    `auth.public_paths` (login, token, health, ...) are left alone, and so are
    apps with a middleware matching `auth.middleware` and everything when
    `auth.global = true`. A route whose include chain could not be resolved is
    not flagged (`routes` shows it as `unknown`). `docs/auth.md` has the details;
    `fastapi-rules routes` shows the verdict for every endpoint.

    Why is this bad?
    Anyone who can reach the server can create, change or delete data.
    """

    code = "FAR201"
    name = "unauthenticated-write-route"
    message = "`{method} {path}`{more} changes state but no dependency authenticates the caller"
    seed = "002 §3; 003 Inviolable Rules (ALWAYS verify JWT tokens); 000 §3"
    severity = "error"
    methods = frozenset({"POST", "PUT", "PATCH", "DELETE"})
