"""Qualified names from imports, without LibCST's QualifiedNameProvider.

One table per module (top-level imports and definitions) plus a stack of
function-local import tables is exact for the names rules ask about and costs a
fraction of the provider (see ../shared/STYLE.md, "The engine").
"""
from __future__ import annotations

import builtins

import libcst as cst

BUILTIN_NAMES = frozenset(dir(builtins))

# Library objects are re-exported under several paths; rules compare the canonical one.
CANONICAL = {
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "fastapi.param_functions.Depends": "fastapi.Depends",
    "fastapi.param_functions.Security": "fastapi.Security",
    "fastapi.params.Depends": "fastapi.Depends",
    "fastapi.params.Security": "fastapi.Security",
    "fastapi.exceptions.HTTPException": "fastapi.HTTPException",
    "starlette.exceptions.HTTPException": "starlette.HTTPException",
    "fastapi.responses.JSONResponse": "starlette.responses.JSONResponse",
    "fastapi.JSONResponse": "starlette.responses.JSONResponse",
    "fastapi.responses.Response": "starlette.responses.Response",
    "fastapi.Response": "starlette.responses.Response",
    "fastapi.responses.HTMLResponse": "starlette.responses.HTMLResponse",
    "fastapi.responses.PlainTextResponse": "starlette.responses.PlainTextResponse",
    "fastapi.responses.RedirectResponse": "starlette.responses.RedirectResponse",
    "fastapi.responses.StreamingResponse": "starlette.responses.StreamingResponse",
    "fastapi.responses.FileResponse": "starlette.responses.FileResponse",
    "fastapi.responses.ORJSONResponse": "fastapi.responses.ORJSONResponse",
    "fastapi.responses.UJSONResponse": "fastapi.responses.UJSONResponse",
    "typing_extensions.Annotated": "typing.Annotated",
    "typing_extensions.Any": "typing.Any",
    "typing.Dict": "builtins.dict",
}


def canonical(qualname: str) -> str:
    if qualname.startswith("fastapi.security.") and qualname.count(".") > 2:
        # fastapi.security.oauth2.OAuth2PasswordBearer -> fastapi.security.OAuth2PasswordBearer
        return "fastapi.security." + qualname.rsplit(".", 1)[1]
    return CANONICAL.get(qualname, qualname)


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    # ``type() is``: ``isinstance`` with LibCST's ABC-based classes is a Python call,
    # and this runs for every callee and decorator
    parts: list[str] = []
    while type(node) is cst.Attribute:
        parts.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def string_text(node: cst.SimpleString | cst.ConcatenatedString) -> str | None:
    """The text of a string literal; None for bytes or an invalid escape (``"\\N{BAD}"``)."""
    if type(node) is cst.SimpleString:
        # without escapes the text is what is between the quotes: LibCST's
        # ``evaluated_value`` compiles every literal with ``ast.literal_eval``
        value = node.value
        quote = value[-3:] if value[-3:] in ('"""', "'''") else value[-1]
        prefix_length = value.index(quote)
        prefix = value[:prefix_length].lower()
        # (a carriage return inside triple quotes is read as a newline by Python)
        if prefix in ("", "r", "u") and ("r" in prefix or "\\" not in value) and "\r" not in value:
            return value[prefix_length + len(quote):-len(quote)]
    try:
        value = node.evaluated_value
    except (SyntaxError, ValueError, UnicodeError):
        return None
    return value if isinstance(value, str) else None


def call_argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    """The argument given by ``keyword`` or at ``position``; None after a ``*args``."""
    positional = 0
    for arg in call.args:
        if arg.keyword is not None:
            if arg.keyword.value == keyword:
                return arg.value
        elif arg.star:
            return None
        else:
            if positional == position:
                return arg.value
            positional += 1
    return None


def module_of_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute module for ``from <level dots><target> import``."""
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        package_parts = package_parts[: len(package_parts) - (level - 1)]
    base = ".".join(package_parts)
    if target:
        return f"{base}.{target}" if base else target
    return base


class ImportTable:
    """Local name -> qualified name, for one module, with function-local scopes."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.module_names: dict[str, str] = {}
        self.star_imports: list[str] = []  # modules of ``from x import *``
        self.local_scopes: list[dict[str, str]] = []

    def add_import(self, node: cst.Import | cst.ImportFrom) -> None:
        table = self.local_scopes[-1] if self.local_scopes else self.module_names
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted_name(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    table[alias.asname.name.value] = full
                else:
                    head = full.split(".", 1)[0]
                    table[head] = head
            return
        target = dotted_name(node.module) if node.module is not None else None
        level = len(node.relative)
        source = (
            module_of_relative(self.module, self.is_package, level, target) if level else target
        )
        if source is None:
            return
        if isinstance(node.names, cst.ImportStar):
            if not self.local_scopes:
                self.star_imports.append(source)
            return
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            local = alias.name.value
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            table[local] = f"{source}.{alias.name.value}"

    def bind_module(self, body: object) -> tuple[set[str], set[str]]:
        """Bind a module's top-level imports, defs, classes and assignments (also in
        ``if TYPE_CHECKING:``, ``try``/``except ImportError`` and ``with`` blocks); the
        names assigned and the ``async def`` names."""
        variables: set[str] = set()
        coroutines: set[str] = set()
        for statement in body:  # type: ignore[attr-defined]
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                self.define(statement.name.value)
                if isinstance(statement, cst.FunctionDef) and statement.asynchronous:
                    coroutines.add(statement.name.value)
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, (cst.Import, cst.ImportFrom)):
                        self.add_import(small)
                    elif isinstance(small, cst.Assign):
                        for target in small.targets:
                            if isinstance(target.target, cst.Name):
                                self.define(target.target.value)
                                variables.add(target.target.value)
                    elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        self.define(small.target.value)
                        variables.add(small.target.value)
            elif isinstance(statement, (cst.If, cst.Try, cst.With)):
                blocks = [statement.body.body]
                if isinstance(statement, cst.Try):
                    blocks.extend(handler.body.body for handler in statement.handlers)
                if isinstance(statement, cst.If) and isinstance(statement.orelse, cst.Else):
                    blocks.append(statement.orelse.body.body)
                elif isinstance(statement, cst.If) and isinstance(statement.orelse, cst.If):
                    blocks.append([statement.orelse])
                for block in blocks:
                    inner_variables, inner_coroutines = self.bind_module(block)
                    variables |= inner_variables
                    coroutines |= inner_coroutines
        return variables, coroutines

    def define(self, name: str, qualname: str | None = None) -> None:
        """A name bound by a module-level def, class or assignment."""
        self.module_names.setdefault(name, qualname or f"{self.module}.{name}")

    def bind_local(self, name: str) -> None:
        """A local binding in the current function shadows imports and builtins."""
        if self.local_scopes:
            self.local_scopes[-1].setdefault(name, "")

    def is_local(self, name: str) -> bool:
        return bool(self.local_scopes) and name in self.local_scopes[-1]

    def resolve_name(self, name: str) -> str | None:
        for scope in reversed(self.local_scopes):
            if name in scope:
                # "" marks a parameter or local that shadows any import or builtin
                return canonical(scope[name]) if scope[name] else None
        if name in self.module_names:
            return canonical(self.module_names[name])
        if name in BUILTIN_NAMES:
            return f"builtins.{name}"
        return None

    def resolve(self, node: cst.BaseExpression) -> str | None:
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self.resolve_name(head)
        if base is None:
            return None
        return canonical(f"{base}.{rest}") if rest else base
