"""Configuration and security facts (RULES-SPEC FAR701-FAR706), collected by the model builder.

A mixin of ``ModuleModelBuilder``: its hooks run in the builder's one traversal and use
its import table, scopes and lazy positions. Facts whose verdict needs the options (a
name matching ``secrets.names``) are kept without a position; the module is placed on
demand when one is reported (``project.locations.locate``).
"""
from __future__ import annotations

import dataclasses

import libcst as cst

from fastapi_rules.model import SettingSite, is_test_path
from fastapi_rules.model.errors import LOG_METHODS
from fastapi_rules.model.names import dotted_name
from fastapi_rules.model.names import string_text as _text

NAIVE_UTC = frozenset({"datetime.datetime.utcnow", "datetime.datetime.utcfromtimestamp"})
CORS_MIDDLEWARE = frozenset(
    {"starlette.middleware.cors.CORSMiddleware", "fastapi.middleware.cors.CORSMiddleware"}
)
# ``FastAPI(middleware=[Middleware(CORSMiddleware, ...)])``
MIDDLEWARE_WRAPPERS = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
# python-jose (``from jose import jwt``) and PyJWT (``import jwt``): the key is argument 1.
JWT_FUNCTIONS = frozenset({"jose.jwt.encode", "jose.jwt.decode", "jwt.encode", "jwt.decode"})
# The keywords that turn on development behaviour, by callee.
DEBUG_KEYWORDS = {
    "fastapi.FastAPI": "debug",
    "starlette.applications.Starlette": "debug",
    "uvicorn.run": "reload",
    "uvicorn.Config": "reload",
}
FIELD_FUNCTIONS = frozenset({"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field"})
LOG_FUNCTIONS = frozenset(f"logging.{method}" for method in LOG_METHODS) | {"builtins.print"}
# ``set_cookie(key, value, max_age, expires, path, domain, secure, httponly, samesite)``
COOKIE_FLAGS = (("secure", 6), ("httponly", 7), ("samesite", 8))
FLAG_VALUES = frozenset({"true", "false", "1", "0", "yes", "no", "on", "off"})


class SettingFacts:
    """Hooks and helpers; ``self`` is the ``ModuleModelBuilder``."""

    def _init_setting_facts(self) -> None:
        self.setting_sites: list[SettingSite] = []
        self._deferred_settings: list[tuple[int, cst.CSTNode]] = []
        self._in_test_file = is_test_path(self.path)  # type: ignore[attr-defined]

    def _located_setting_sites(self) -> list[SettingSite]:
        sites = list(self.setting_sites)
        if self._positions is not None or self.locate_everything:  # type: ignore[attr-defined]
            for index, node in self._deferred_settings:
                sites[index] = dataclasses.replace(sites[index], location=self._location(node))  # type: ignore[attr-defined]
        return sites

    def _setting(self, node: cst.CSTNode, kind: str, name: str, *, certain: bool, **fields: object) -> None:
        """A site; ``certain``: reported whatever the options say (outside test files),
        so its position is taken now."""
        if certain and (not self._in_test_file or kind == "naive_utc"):
            location = self._location(node)  # type: ignore[attr-defined]
        else:
            location = None
            self._deferred_settings.append((len(self.setting_sites), node))
        self.setting_sites.append(SettingSite(kind, name, location, **fields))  # type: ignore[arg-type]

    # -- assignments ------------------------------------------------------------------
    def _setting_binding(self, name: str, value: cst.BaseExpression) -> None:
        """``SECRET_KEY = "..."`` at module level or in a class body (``BaseSettings``
        defaults included); enum members name constants, not secrets."""
        if self._function is not None:  # type: ignore[attr-defined]
            return
        classes = self._classes  # type: ignore[attr-defined]
        if classes and any(base.rsplit(".", 1)[-1].endswith("Enum") for base in classes[-1].bases):
            return
        literal = self._secret_literal(value)
        if literal is not None:
            self._setting(literal[0], "secret", name, certain=False, value=literal[1])

    def _secret_literal(self, value: cst.BaseExpression) -> tuple[cst.CSTNode, str] | None:
        """The string literal a value is, through ``Field("...")``/``Field(default="...")``;
        None for anything evidently not a secret: empty, a message (whitespace), a URL
        or a path. ``os.getenv(...)`` and ``os.environ[...]`` are not literals."""
        if isinstance(value, cst.Call) and self.names.resolve(value.func) in FIELD_FUNCTIONS:  # type: ignore[attr-defined]
            value = _argument(value, 0, "default")  # type: ignore[assignment]
        if not isinstance(value, (cst.SimpleString, cst.ConcatenatedString)):
            return None
        text = _text(value)
        if text is None or not text.strip() or any(c.isspace() for c in text):
            return None
        if "://" in text or text.startswith(("/", "./", "../", "~/")):
            return None
        return value, text

    # -- calls ------------------------------------------------------------------------
    def _setting_call(self, node: cst.Call, callee: str | None) -> None:
        func = node.func
        method = func.attr.value if isinstance(func, cst.Attribute) else None
        for arg in node.args:
            if arg.keyword is not None:
                literal = self._secret_literal(arg.value)
                if literal is not None:
                    self._setting(literal[0], "secret", arg.keyword.value, certain=False, value=literal[1])
            if isinstance(arg.value, (cst.Name, cst.Attribute)):
                # ``Field(default_factory=datetime.utcnow)`` is the same naive call, later
                referenced = self.names.resolve(arg.value)  # type: ignore[attr-defined]
                if referenced in NAIVE_UTC:
                    self._setting(arg.value, "naive_utc", referenced.rsplit(".", 1)[-1], certain=True)
        if callee in NAIVE_UTC:
            self._setting(node, "naive_utc", callee.rsplit(".", 1)[-1], certain=True)
        elif callee in JWT_FUNCTIONS:
            key = _argument(node, 1, "key")
            if isinstance(key, (cst.SimpleString, cst.ConcatenatedString)) and self._secret_literal(key):
                self._setting(key, "jwt_key", callee, certain=True)
        elif callee in DEBUG_KEYWORDS:
            keyword = _keyword_arg(node, DEBUG_KEYWORDS[callee])
            if keyword is not None and _is_true(keyword.value):
                self._setting(keyword, "debug", DEBUG_KEYWORDS[callee], certain=True, value=callee)
        if (
            (method == "add_middleware" or callee in MIDDLEWARE_WRAPPERS)
            and node.args
            and self.names.resolve(node.args[0].value) in CORS_MIDDLEWARE  # type: ignore[attr-defined]
        ) or callee in CORS_MIDDLEWARE:
            self._cors(node)
        elif method == "set_cookie":
            if self._function is not None:  # type: ignore[attr-defined]
                self._function.sets_cookie = True  # type: ignore[attr-defined]
            self._cookie(node)
        elif callee in LOG_FUNCTIONS or (
            method in LOG_METHODS and "log" in (dotted_name(func.value) or "").lower()  # type: ignore[union-attr]
        ):
            self._logged(node)

    def _cors(self, node: cst.Call) -> None:
        origins = _keyword_arg(node, "allow_origins")
        if origins is None:
            return
        value = origins.value
        if isinstance(value, cst.Name) and not self.names.is_local(value.value):  # type: ignore[attr-defined]
            value = self._module_sequences.get(value.value, value)  # type: ignore[attr-defined]
        if not isinstance(value, (cst.List, cst.Tuple, cst.Set)) or not any(
            isinstance(e.value, cst.SimpleString) and _text(e.value) == "*" for e in value.elements
        ):
            return
        credentials = _keyword_arg(node, "allow_credentials")
        with_credentials = credentials is not None and _is_true(credentials.value)
        self._setting(
            origins, "cors", "allow_origins", certain=True,
            value="credentials" if with_credentials else "",
        )

    def _cookie(self, node: cst.Call) -> None:
        """Starlette's ``set_cookie`` defaults to ``samesite="lax"``: only missing or false
        ``httponly``/``secure`` and ``samesite="none"`` without ``secure`` are insecure. A
        value that is not a literal (``secure=settings.COOKIE_SECURE``) is trusted."""
        if any(arg.star for arg in node.args):
            return  # ``set_cookie(**options)``: the flags may be there
        value = _argument(node, 1, "value")
        if isinstance(value, cst.SimpleString) and (_text(value) or "").lower() in FLAG_VALUES:
            return  # ``set_cookie("is_authorized", "true")``: a flag the page reads, no credential
        flags = {name: _argument(node, position, name) for name, position in COOKIE_FLAGS}
        key = _argument(node, 0, "key")
        key_text = (_text(key) or "").lower() if isinstance(key, cst.SimpleString) else ""
        missing = []
        # a CSRF cookie (double-submit pattern) must be readable by the page's script
        if _literal_false(flags["httponly"]) and "csrf" not in key_text and "xsrf" not in key_text:
            missing.append("httponly=True")
        if _literal_false(flags["secure"]):
            samesite = flags["samesite"]
            cross_site = isinstance(samesite, cst.SimpleString) and (_text(samesite) or "").lower() == "none"
            missing.append('secure=True (which samesite="none" requires)' if cross_site else "secure=True")
        if missing:
            self._setting(node, "cookie", "set_cookie", certain=True, value=", ".join(missing))

    def _logged(self, node: cst.Call) -> None:
        """The names a log or print call interpolates: f-string parts, ``%`` and
        ``.format`` arguments, further arguments, structlog keywords."""
        names: list[str] = []
        for index, arg in enumerate(node.args):
            value = arg.value
            if index == 0 and arg.keyword is None:
                names.extend(_message_names(value))
            else:
                name = _value_name(value)
                if name is not None:
                    names.append(name)
        if names:
            self._setting(node, "logged", "", certain=False, names=tuple(dict.fromkeys(names)))


def _message_names(value: cst.BaseExpression) -> list[str]:
    if isinstance(value, cst.FormattedString):
        return [
            name
            for part in value.parts
            if isinstance(part, cst.FormattedStringExpression)
            and (name := _value_name(part.expression)) is not None
        ]
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Modulo):
        right = value.right
        items = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        return [name for item in items if (name := _value_name(item)) is not None]
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "format"
    ):
        return [name for arg in value.args if (name := _value_name(arg.value)) is not None]
    name = _value_name(value)
    return [name] if name is not None else []


def _value_name(value: cst.BaseExpression) -> str | None:
    """What names a logged value: ``token``, ``user.password``, ``headers["Authorization"]``,
    ``headers.get("authorization")``. Anything computed from it (``len(token)``,
    ``token[:8]``, ``token is None``) is not the value itself."""
    if isinstance(value, cst.Name):
        return value.value
    if isinstance(value, cst.Attribute):
        return value.attr.value
    if isinstance(value, cst.Subscript) and len(value.slice) == 1:
        index = value.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            return _text(index.value)
        return None
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "get"
        and value.args
        and isinstance(value.args[0].value, cst.SimpleString)
    ):
        return _text(value.args[0].value)
    return None


def _is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def _literal_false(node: cst.BaseExpression | None) -> bool:
    """Absent or literally false; any other expression is trusted."""
    return node is None or (isinstance(node, cst.Name) and node.value in ("False", "None"))


def _keyword_arg(call: cst.Call, keyword: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == keyword), None)


def _argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    found = _keyword_arg(call, keyword)
    if found is not None:
        return found.value
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in positional[: position + 1]) or position >= len(positional):
        return None
    return positional[position].value
