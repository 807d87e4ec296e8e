"""Typed options shared by rules; their fields are the config schema and the docs table."""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_AUTH_PATTERNS = (
    "get_current_user",
    "get_current_active_user",
    "*current_user*",
    "*current_*user*",
    "*current_*admin*",
    "require_*",
    "verify_*token*",
    "verify_*auth*",
    "*authenticate*",
    "get_*token*",
    "*_auth",
    "*auth_required*",
    "*login_required*",
)
# Starlette's AuthenticationMiddleware and the usual names of hand-written ones.
DEFAULT_AUTH_MIDDLEWARE = ("*auth*middleware*",)
DEFAULT_PUBLIC_PATHS = (
    "*/login*",
    "*/logout*",
    "*/signin*",
    "*/sign-in*",
    "*/signout*",
    "*/sign-up*",
    "*/token*",
    "*/signup*",
    "*/register*",
    "*/health*",
    "*/ready",
    "*/readyz",
    "*/livez",
    "*/ping",
    "*/version",
    "*/password-recovery*",
    "*/forgot-password*",
    "*/verify*",
    "*/request-verify-token*",
    "*/authorize*",
    "*/reset-password*",
    "*/refresh*",
    "*/captcha*",
    "*/oauth*",
    "*/callback*",
    "*/webhook*",
    "*/mfa/*",
    "/docs*",
    "/openapi.json",
    "/redoc*",
    "/favicon.ico",
    "/robots.txt",
    "*/.well-known/*",
    "*/manifest.json",
    "*.webmanifest",
    "/service-worker.js",
    "/",
)

ERROR_PRESETS = {
    # seeds 000 §5, 003, 004: {"detail", "error_code", ...}
    "seeds": (("detail", "error_code"), ("timestamp", "path", "field_errors", "request_id")),
    # FastAPI's own HTTPException body
    "fastapi": (("detail",), ()),
    # seed 001: {"error": {"code", "message", "details"}}
    "envelope": (("error",), ()),
}


@dataclass(frozen=True)
class AuthOptions:
    """``[tool.fastapi-rules.auth]``"""

    patterns: tuple[str, ...] = field(
        default=DEFAULT_AUTH_PATTERNS, metadata={"help": "Glob patterns over a dependency's name that make it an auth dependency."}
    )
    public_paths: tuple[str, ...] = field(
        default=DEFAULT_PUBLIC_PATHS, metadata={"help": "Glob patterns over a route's full path that need no authentication."}
    )
    global_: bool = field(
        default=False, metadata={"help": 'Authentication happens for every route (in middleware): FAR201/FAR202 stay silent.'}
    )
    middleware: tuple[str, ...] = field(
        default=DEFAULT_AUTH_MIDDLEWARE,
        metadata={"help": "Glob patterns over a middleware's class or function name (``add_middleware``, ``@app.middleware``) that authenticate every request of its app."},
    )


@dataclass(frozen=True)
class ErrorOptions:
    """``[tool.fastapi-rules.errors]``"""

    preset: str = field(
        default="seeds", metadata={"help": '``seeds`` (detail + error_code), ``fastapi`` (detail only) or ``envelope`` (error).'}
    )
    required: tuple[str, ...] | None = field(
        default=None, metadata={"help": 'Top-level keys every error body must have (overrides the preset).'}
    )
    allowed: tuple[str, ...] | None = field(
        default=None, metadata={"help": 'Further top-level keys an error body may have (overrides the preset).'}
    )

    @property
    def required_keys(self) -> tuple[str, ...]:
        return self.required if self.required is not None else ERROR_PRESETS[self.preset][0]

    @property
    def allowed_keys(self) -> tuple[str, ...]:
        return self.allowed if self.allowed is not None else ERROR_PRESETS[self.preset][1]


@dataclass(frozen=True)
class BlockingOptions:
    """``[tool.fastapi-rules.blocking]``"""

    extra: tuple[str, ...] = field(
        default=(), metadata={"help": 'More qualified names of blocking calls, e.g. ``mylib.client.fetch``.'}
    )
    max_depth: int = field(
        default=3,
        metadata={"help": "How many sync project functions deep FAR403 follows a call made on the event loop."},
    )


@dataclass(frozen=True)
class VersioningOptions:
    """``[tool.fastapi-rules.versioning]``"""

    pattern: str = field(
        default=r"/api/v\d+(/|$)",
        metadata={"help": "Regular expression a route's full path must match from its start (Python ``re`` syntax)."},
    )
    exempt_paths: tuple[str, ...] = field(
        default=(
            "/",
            "/docs*",
            "/redoc*",
            "/openapi.json",
            "*/health*",
            "/ready*",
            "/livez",
            "/ping",
            "/metrics",
            "/version",
            "/favicon.ico",
            "/robots.txt",
            "/.well-known/*",
            "/static/*",
        ),
        metadata={"help": "Glob patterns over full paths that need no version: docs, health, root."},
    )
