"""Error-handling facts (RULES-SPEC FAR502-FAR504), collected by the model builder.

A mixin of ``ModuleModelBuilder``: its visit methods run in the builder's one
traversal and use its import table, scopes and lazy positions.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import libcst as cst

from fastapi_rules.model import ErrorSite
from fastapi_rules.model.names import dotted_name

BROAD_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})
# What a catch-all exception handler is registered for: also status 500, which is how
# Starlette's ServerErrorMiddleware looks up the handler for unexpected errors.
CATCH_ALL_HANDLED = BROAD_EXCEPTIONS | {"500"}
TRACEBACK_FORMATTERS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb"}
)
LOG_METHODS = frozenset(
    {
        "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
        "adebug", "ainfo", "awarning", "aerror", "aexception", "acritical",
    }
)
ERROR_KEYS = frozenset({"error", "errors"})


@dataclass
class _OpenExcept:
    name: str | None  # ``as e``
    broad: bool
    node: cst.ExceptHandler
    logs: bool = False
    raises: bool = False


class ErrorFacts:
    """Visit methods and helpers; ``self`` is the ``ModuleModelBuilder``."""

    def _init_error_facts(self) -> None:
        self.error_sites: list[ErrorSite] = []
        self._open_excepts: list[_OpenExcept] = []
        self._deferred_errors: list[tuple[int, cst.CSTNode]] = []

    def _located_error_sites(self) -> list[ErrorSite]:
        """The error sites, with deferred positions filled in when positions exist."""
        sites = list(self.error_sites)
        if self._positions is not None or self.locate_everything:  # type: ignore[attr-defined]
            for index, node in self._deferred_errors:
                sites[index] = dataclasses.replace(sites[index], location=self._location(node))  # type: ignore[attr-defined]
        return sites

    # -- except clauses -----------------------------------------------------------------
    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        caught = node.type
        kinds = caught.elements if isinstance(caught, cst.Tuple) else [caught]
        broad = caught is None or any(
            self.names.resolve(kind.value if isinstance(kind, cst.Element) else kind)  # type: ignore[attr-defined]
            in BROAD_EXCEPTIONS
            for kind in kinds
            if kind is not None
        )
        name = node.name.name.value if node.name and isinstance(node.name.name, cst.Name) else None
        self._open_excepts.append(_OpenExcept(name, broad, node))

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        clause = self._open_excepts.pop()
        if clause.broad and not clause.logs and not clause.raises and self._function is not None:  # type: ignore[attr-defined]
            what = "bare `except:`" if original_node.type is None else "`except Exception`"
            # Reported only in route handlers, known later: placed in ``build`` if the
            # module has positions, else by ``ProjectIndex.error_location``.
            self._deferred_errors.append((len(self.error_sites), original_node))
            self.error_sites.append(
                ErrorSite("swallowed", self._function.qualname, what, None)  # type: ignore[attr-defined]
            )

    def _note_raise(self) -> None:
        for clause in self._open_excepts:
            clause.raises = True

    def _note_logging(self, node: cst.Call) -> None:
        """A log call inside an ``except`` counts as handling it."""
        if not self._open_excepts or not isinstance(node.func, cst.Attribute):
            return
        receiver = (dotted_name(node.func.value) or "").lower()
        method = node.func.attr.value
        if (method in LOG_METHODS and "log" in receiver) or method in (
            "capture_exception", "print_exc", "print_exception",
        ):
            for clause in self._open_excepts:
                clause.logs = True

    # -- leaks and success statuses -------------------------------------------------------
    def _error_response(
        self,
        node: cst.Call,
        payload: cst.BaseExpression | None,
        exception_status: cst.BaseExpression | None = None,
    ) -> None:
        """``HTTPException(status, detail)`` or ``JSONResponse(content)``: leaks in the
        payload, and an exception raised with a success status."""
        self._leaks(payload, in_response=True)
        if exception_status is not None:
            status = self._status_code(exception_status)  # type: ignore[attr-defined]
            if status is not None and status < 400:
                self.error_sites.append(
                    ErrorSite(
                        "success_error", self._function_name(), f"`HTTPException(status_code={status})`",
                        self._location(node),  # type: ignore[attr-defined]
                    )
                )

    def _returned_dict(self, node: cst.Return) -> None:
        """``return {...}`` in a function: a response when it is a route or exception handler."""
        if not isinstance(node.value, cst.Dict) or self._function is None:  # type: ignore[attr-defined]
            return
        self._leaks(node.value, in_response=False)
        for element in node.value.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                key = element.key.evaluated_value
                if isinstance(key, str) and key in ERROR_KEYS:
                    self.error_sites.append(
                        ErrorSite(
                            "success_error", self._function_name(), f"a returned dict with an `{key}` key",
                            self._location(node), in_response=False,  # type: ignore[attr-defined]
                        )
                    )
                    return

    def _function_name(self) -> str | None:
        function = self._function  # type: ignore[attr-defined]
        return function.qualname if function is not None else None

    def _leaks(self, payload: cst.BaseExpression | None, in_response: bool) -> None:
        if payload is None:
            return
        broad_names = {c.name for c in self._open_excepts if c.broad and c.name}
        for node, what in _leaking_parts(payload, broad_names, self.names):  # type: ignore[attr-defined]
            self.error_sites.append(
                ErrorSite("leak", self._function_name(), what, self._location(node), in_response)  # type: ignore[attr-defined]
            )
        # ``async def handler(request, exc)``: a leak when it is registered for Exception
        exception_parameter = self._exception_parameter()
        if exception_parameter is not None and exception_parameter not in broad_names:
            for node, what in _leaking_parts(payload, {exception_parameter}, self.names):  # type: ignore[attr-defined]
                self.error_sites.append(
                    ErrorSite(
                        "handler_leak", self._function_name(), what, self._location(node), in_response  # type: ignore[attr-defined]
                    )
                )

    def _exception_parameter(self) -> str | None:
        """The second parameter of the enclosing function: the exception, if FastAPI
        calls it as an exception handler."""
        function = self._function  # type: ignore[attr-defined]
        if function is None:
            return None
        params = [*function.node.params.posonly_params, *function.node.params.params]
        return params[1].name.value if len(params) >= 2 else None


def _leaking_parts(
    node: cst.CSTNode, broad_names: set[str], names: object
) -> list[tuple[cst.CSTNode, str]]:
    """``str(e)``, ``repr(e)``, ``f"{e}"``, ``e.args`` of a broadly caught ``e``, and
    ``traceback.format_exc()``, anywhere inside a response payload."""
    found: list[tuple[cst.CSTNode, str]] = []
    pending: list[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Call):
            callee = names.resolve(current.func)  # type: ignore[attr-defined]
            if callee in TRACEBACK_FORMATTERS:
                found.append((current, f"`{callee}()`"))
                continue
            if (
                callee in ("builtins.str", "builtins.repr")
                and current.args
                and isinstance(current.args[0].value, cst.Name)
                and current.args[0].value.value in broad_names
            ):
                found.append((current, f"`{callee[9:]}({current.args[0].value.value})`"))
                continue
        elif isinstance(current, cst.FormattedStringExpression):
            if isinstance(current.expression, cst.Name) and current.expression.value in broad_names:
                found.append((current, f"`{{{current.expression.value}}}` in an f-string"))
                continue
        elif (
            isinstance(current, cst.Attribute)
            and isinstance(current.value, cst.Name)
            and current.value.value in broad_names
            and current.attr.value == "args"
        ):
            found.append((current, f"`{current.value.value}.args`"))
            continue
        elif isinstance(current, cst.Lambda):
            continue
        pending.extend(current.children)
    return found
