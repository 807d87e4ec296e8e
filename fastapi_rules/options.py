"""Typed options shared by rules; their fields are the config schema and the docs table."""
from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable
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
# The usual names of hand-written ones (Starlette's AuthenticationMiddleware matches but
# never counts: it refuses nothing, see project/auth.py).
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


@dataclass(frozen=True)
class SchemaOptions:
    """``[tool.fastapi-rules.schemas]``"""

    secret_fields: tuple[str, ...] = field(
        default=(
            "password",
            "*_password",
            "hashed_password",
            "password_hash",
            "secret",
            "*_secret",
            "secret_key",
            "api_key",
            "*_api_key",
            "private_key",
            "access_token",
            "refresh_token",
        ),
        metadata={"help": "Glob patterns over field names a response schema must not expose (case-insensitive)."},
    )
    token_fields: tuple[str, ...] = field(
        default=("access_token", "refresh_token"),
        metadata={"help": "Of those, the ones a route on `auth.public_paths` (login, token, refresh) may return: issuing them is its job."},
    )
    server_fields: tuple[str, ...] = field(
        default=("created_at", "updated_at", "modified_at", "deleted_at", "created_by", "updated_by"),
        metadata={"help": "Glob patterns over field names the server sets: a model with one must not also be a request body (FAR605)."},
    )

    issuance_words: tuple[str, ...] = field(
        default=(
            "key", "keys", "apikey", "apikeys", "token", "tokens", "secret", "secrets",
            "credential", "credentials", "rotate", "regenerate", "webhook", "webhooks",
        ),
        metadata={"help": "Words in a POST/PUT route's path or handler name that say it issues a credential (FAR604): it may return the new credential (a field named with one of these words); a GET returning the same model is still flagged."},
    )

    def is_secret(self, field_name: str, token_allowed: bool = False) -> bool:
        """Named like a secret (``token_allowed``: except the tokens a login issues)."""
        patterns = self.secret_fields
        if token_allowed:
            patterns = tuple(p for p in patterns if p not in self.token_fields)
        return _matches(field_name, patterns)

    def is_server_set(self, field_name: str) -> bool:
        return _matches(field_name, self.server_fields)


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return matches_glob(name, patterns)


def matches_glob(name: str, patterns: tuple[str, ...], ignore_case: bool = True) -> bool:
    """Whether ``name`` matches one of the glob ``patterns`` (``fnmatchcase``, on
    lowered text when ``ignore_case``)."""
    if ignore_case:
        name = name.lower()
    return _pattern_matcher(tuple(patterns), ignore_case)(name) is not None


@functools.lru_cache(maxsize=256)
def _pattern_matcher(
    patterns: tuple[str, ...], ignore_case: bool
) -> Callable[[str], re.Match[str] | None]:
    """One regular expression for a tuple of glob patterns: the rules ask about every
    field of every model and every route's path, and ``fnmatch`` pattern by pattern
    was a tenth of a scan."""
    if not patterns:
        return lambda name: None
    return re.compile(
        "|".join(fnmatch.translate(p.lower() if ignore_case else p) for p in patterns)
    ).match


@dataclass(frozen=True)
class RouteOptions:
    """``[tool.fastapi-rules.routes]``"""

    non_creating_words: tuple[str, ...] = field(
        default=(
            "login", "logout", "signin", "signout", "token", "refresh", "search", "query",
            "verify", "validate", "preview", "export", "filter", "count", "check", "test",
            "run", "execute", "cancel", "send", "reset", "retry", "start", "stop", "restart",
            "webhook", "webhooks", "callback", "sync", "invoke", "compute", "calculate",
            "estimate", "render", "convert", "parse", "analyze", "complete", "completions",
            "chat", "ask", "predict", "evaluate", "approve", "reject", "publish", "unpublish",
            "archive", "unarchive", "restore", "batch", "bulk", "graphql", "rpc", "ping", "logs",
            "track", "update", "edit", "set", "toggle", "load", "unload", "read", "unread",
            "pause", "resume", "move", "rename", "reorder", "share", "unshare", "pin", "unpin",
            "lock", "unlock", "enable", "disable", "activate", "deactivate", "accept", "decline",
            "confirm", "clear", "upsert", "state", "status", "mark", "speech", "transcriptions",
            "settings", "config", "configs", "valves", "access", "format", "embed",
            "embeddings", "recover", "transcribe", "translate", "summarize", "classify",
            "detect", "extract", "process", "proxy", "delete", "remove", "revoke", "refuse",
            "detach", "install", "uninstall", "rollback", "resolve", "connect", "disconnect",
            "compact", "reindex", "settle", "close", "bump", "deploy", "build", "assist",
            "generate", "responses", "show", "health", "pay", "mute", "unmute", "rsvp",
            "default", "sum", "scan", "auth", "ldap", "sso", "saml", "impersonate",
            "challenge", "mfa", "otp", "totp", "find", "replace", "download", "pull", "push",
            "*rpc", "*auth", "*scan",
        ),
        metadata={"help": "Words in a POST route's path that mark it as an action, not a create: FAR102 allows 200 for it. In a one-word segment inflections count too (`check` also matches `checks`, `detect` matches `detections`, `convert` matches `conversion`); `*word` also matches a segment ending in it (`*rpc`: `jsonrpc`, `*scan`: `lnurlscan`)."},
    )
    non_creating_handlers: tuple[str, ...] = field(
        default=(
            "update_*", "delete_*", "remove_*", "replace_*", "set_*", "put_*", "patch_*",
            "upsert_*", "edit_*", "reset_*", "list_*", "get_*", "read_*", "find_*", "fetch_*",
            "search_*", "send_*", "pull_*", "regenerate_*", "toggle_*", "revoke_*", "cancel_*",
            "sum_*", "generate_*", "*login*", "*logout*", "impersonate*",
        ),
        metadata={"help": "Glob patterns over a POST handler's name (less a leading `api_`, `handle_`, `post_`) that mark it as an action, not a create (FAR102): `update_chat_by_id`, `api_delete_wallet`, `nostr_login`; not when the name has a `creating_words` word (`get_or_create_tag`)."},
    )
    creating_words: tuple[str, ...] = field(
        default=(
            "create", "new", "add", "register", "signup", "upload", "import", "fork", "clone",
            "duplicate", "copy",
        ),
        metadata={"help": "Words that, in the last literal segment of a POST path, say it creates (FAR102): `/auth/register` is checked although `auth` is a non-creating word."},
    )
    action_verbs: tuple[str, ...] = field(
        default=(
            "create", "get", "fetch", "list", "update", "delete", "remove", "add", "edit",
            "modify", "insert", "save", "retrieve", "set", "put", "post", "patch", "new", "make",
        ),
        metadata={"help": "Verbs that must not start a path segment (FAR104): the method says what happens."},
    )
    allowed_segments: tuple[str, ...] = field(
        default=("login", "logout", "token", "refresh", "search", "health", "healthz", "me", "settings", "add-ons", "addons"),
        metadata={"help": "Path segments FAR104 always accepts."},
    )
    allow_delete_with_body: bool = field(
        default=False,
        metadata={"help": "Allow DELETE routes to answer 200 with a `response_model=` (FAR103)."},
    )
    label_fields: tuple[str, ...] = field(
        default=("id", "key", "code", "slug", "name", "label", "title", "value"),
        metadata={"help": "Field names of a lookup entry: a list of models with no other field (`{id, name}` tags) is a vocabulary, like `list[str]`, not a collection to paginate (FAR110)."},
    )
    cap_keywords: tuple[str, ...] = field(
        default=("limit", "count", "top", "max_results", "page_size", "per_page", "first", "last"),
        metadata={"help": "Keywords that cap a result when the handler passes them an integer literal (`fetch_recent_blocks(count=10)`, `.limit(100)`): its list is bounded without a parameter (FAR110)."},
    )
    report_segments: tuple[str, ...] = field(
        default=(
            "stats", "statistics", "summary", "summaries", "breakdown", "totals", "counts",
            "metrics", "histogram", "aggregates", "analytics",
        ),
        metadata={"help": "Path words of a report: a list under `/stats/breakdown` has a row per group, not per record, and is not paginated (FAR110)."},
    )
    pagination_dependencies: tuple[str, ...] = field(
        default=("fastapi_pagination.*",),
        metadata={"help": "Glob patterns over library dependencies that paginate (`Annotated[Params, Depends()]` of fastapi-pagination) (FAR110)."},
    )
    pagination_parameters: tuple[str, ...] = field(
        default=("limit", "offset", "skip", "page", "page_size", "per_page", "size", "cursor"),
        metadata={"help": "Parameter names that paginate a collection route (FAR110), on the handler or a dependency."},
    )


@dataclass(frozen=True)
class IsolationOptions:
    """``[tool.fastapi-rules.isolation]``"""

    owner_fields: tuple[str, ...] = field(
        default=(
            "owner", "owner_id", "*_owner", "*_owner_id", "user", "user_id", "*_user_id",
            "created_by", "created_by_id", "author", "author_id", "tenant_id", "org_id",
            "organization_id", "account_id", "team_id", "workspace_id", "member*",
        ),
        metadata={"help": "Glob patterns over column and keyword names that tie a row to its owner (FAR203): comparing or filtering by one is an ownership check."},
    )
    admin_dependencies: tuple[str, ...] = field(
        default=("*admin*", "*superuser*", "*staff*"),
        metadata={"help": "Glob patterns over dependency names that restrict a route to administrators, who may load any row (FAR203)."},
    )

    def is_owner_field(self, name: str) -> bool:
        return _matches(name, self.owner_fields)

    def is_admin_dependency(self, name: str) -> bool:
        return _matches(name, self.admin_dependencies)


@dataclass(frozen=True)
class CredentialOptions:
    """``[tool.fastapi-rules.credentials]``"""

    password_names: tuple[str, ...] = field(
        default=("password", "passwd", "pwd", "*_password", "*_passwd", "*_pwd", "passphrase", "*_passphrase"),
        metadata={"help": "Glob patterns over names that hold a password (FAR205): hashing one with a fast digest is flagged."},
    )

    def is_password(self, name: str) -> bool:
        return _matches(name, self.password_names)


@dataclass(frozen=True)
class SecretOptions:
    """``[tool.fastapi-rules.secrets]``"""

    names: tuple[str, ...] = field(
        default=(
            "secret", "secret_key", "*_secret", "*_secret_key", "jwt_secret", "password", "*_password",
            "api_key", "*_api_key", "*_token", "private_key", "*_private_key",
        ),
        metadata={"help": "Glob patterns over assigned names, class fields and keywords that must not hold a string literal (FAR701, case-insensitive)."},
    )
    logged_names: tuple[str, ...] = field(
        default=(
            "password", "*_password", "passwd", "secret", "*_secret", "secret_key", "api_key",
            "*_api_key", "apikey", "token", "access_token", "refresh_token", "id_token",
            "auth_token", "api_token", "bearer_token", "session_token", "jwt", "authorization",
            "private_key", "client_secret", "cookie",
        ),
        metadata={"help": "Glob patterns over the names a log or print call must not interpolate (FAR703, case-insensitive)."},
    )
    check_tests: bool = field(
        default=False,
        metadata={"help": "Also check test files (`tests/`, `test_*.py`, `conftest.py`), where fixtures hold fake secrets."},
    )

    def is_secret_name(self, name: str) -> bool:
        return _matches(name, self.names)

    def is_logged_secret(self, name: str) -> bool:
        return _matches(name, self.logged_names)


@dataclass(frozen=True)
class ArchitectureOptions:
    """``[tool.fastapi-rules.architecture]``"""

    max_statements: int = field(
        default=15,
        metadata={"help": "Most statements a route handler may have (FAR801), counted recursively, the docstring excluded."},
    )
    session_writes: bool = field(
        default=True,
        metadata={"help": "A session write in the handler (`add`, `commit`, `delete`, `flush`, `refresh`, `merge`, `insert()`...) makes it fat too (FAR801)."},
    )
