from __future__ import annotations

from fastapi_rules.rules.auth_routes import UnauthenticatedRoute


class UnauthenticatedReadRoute(UnauthenticatedRoute):
    """Read route has no authentication dependency.

    What it does:
    Flags a GET or HEAD route (and a WebSocket route) none of whose dependencies
    authenticates the caller, with the same dependency closure, public paths and
    options as FAR201. It is a separate code so that APIs with intentionally
    public reads can turn it off.

    Why is this bad?
    Data meant for signed-in users is readable by anyone who can reach the server.
    """

    code = "FAR202"
    name = "unauthenticated-read-route"
    message = "`{method} {path}`{more} has no dependency that authenticates the caller"
    seed = "002 §3; 003 Inviolable Rules (ALWAYS verify JWT tokens); 000 §3"
    severity = "error"
    methods = frozenset({"GET", "HEAD"})
