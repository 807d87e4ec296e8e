"""Error-handling facts (RULES-SPEC FAR502-FAR504), collected by the model builder.

A mixin of ``ModuleModelBuilder``: its visit methods run in the builder's one
traversal and use its import table, scopes and lazy positions.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import libcst as cst

from fastapi_rules.model import ErrorSite
from fastapi_rules.model.names import call_argument, dotted_name
from fastapi_rules.model.vocabulary import BROAD_EXCEPTIONS, ERROR_KEYS

# What an ``except`` clause catches an ``HTTPException`` with.
CATCHES_HTTP_EXCEPTION = BROAD_EXCEPTIONS | {"fastapi.HTTPException", "starlette.HTTPException"}
TRACEBACK_FORMATTERS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_tb"}
)
LOG_METHODS = frozenset(
    {
        "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log",
        "adebug", "ainfo", "awarning", "aerror", "aexception", "acritical",
    }
)
# What a validator raises to tell its caller what is wrong with a value (pydantic sends
# the same messages to the client in a 422).
MESSAGE_EXCEPTIONS = frozenset({"builtins.ValueError", "builtins.TypeError"})
# Calls whose failure is an expected data condition with a fallback value:
# ``try: data = r.json() except Exception: data = r.text``.
PARSE_CALLS = frozenset(
    {
        "json", "loads", "int", "float", "b64decode", "urlsafe_b64decode", "unquote",
        "unquote_plus", "fromisoformat", "literal_eval", "parse", "model_validate_json",
    }
)


@dataclass
class _OpenExcept:
    name: str | None  # ``as e``
    broad: bool
    node: cst.ExceptHandler
    try_node: cst.Try | None = None
    logs: bool = False
    raises: bool = False  # raises, or answers with an error status (FAR503 accepts both)
    returns: bool = False
    assigned: set[str] = field(default_factory=set)  # names the clause assigns
    inner: list[int] = field(default_factory=list)  # swallowed sites of nested clauses


class ErrorFacts:
    """Visit methods and helpers; ``self`` is the ``ModuleModelBuilder``."""

    def _init_error_facts(self) -> None:
        self.error_sites: list[ErrorSite] = []
        self._open_excepts: list[_OpenExcept] = []
        self._open_tries: list[cst.Try] = []
        self._deferred_errors: list[tuple[int, cst.CSTNode]] = []
        # swallowed sites by their clause (``id`` of the handler node), and the sites
        # found handled after their clause closed (by what follows the ``try``)
        self._swallowed: dict[int, tuple[int, _OpenExcept]] = {}
        self._handled_sites: set[int] = set()
        # ``if isinstance(exc, ConflictError):``: in its body ``exc`` is that error, not
        # a broadly caught one (by ``id`` of the body, then a stack while inside it)
        self._narrowing_bodies: dict[int, set[str]] = {}
        self._narrowed: list[tuple[int, set[str]]] = []
        # ``try:`` bodies the walk is in, with the function depth they belong to
        self._try_bodies: dict[int, cst.Try] = {}
        self._active_tries: list[tuple[int, cst.Try, int]] = []
        self._try_calls: dict[int, list[str]] = {}  # by ``id`` of the ``try``: its body's calls

    def _located_error_sites(self) -> list[ErrorSite]:
        """The error sites, with deferred positions filled in when positions exist."""
        sites = list(self.error_sites)
        if self._positions is not None or self.locate_everything:  # type: ignore[attr-defined]
            for index, node in self._deferred_errors:
                sites[index] = dataclasses.replace(sites[index], location=self._location(node))  # type: ignore[attr-defined]
        return [site for index, site in enumerate(sites) if index not in self._handled_sites]

    def visit_Try(self, node: cst.Try) -> None:
        self._open_tries.append(node)
        self._try_bodies[id(node.body)] = node

    def leave_Try(self, original_node: cst.Try) -> None:
        self._open_tries.pop()

    def visit_If(self, node: cst.If) -> None:
        if self._open_excepts:
            broad = {c.name for c in self._open_excepts if c.broad and c.name}
            narrowed = _narrowed_names(node.test, broad, self.names)  # type: ignore[attr-defined]
            if narrowed:
                self._narrowing_bodies[id(node.body)] = narrowed

    def _enter_block(self, node: cst.CSTNode) -> None:
        narrowed = self._narrowing_bodies.get(id(node))
        if narrowed is not None:
            self._narrowed.append((id(node), narrowed))
        try_node = self._try_bodies.get(id(node))
        if try_node is not None:
            self._active_tries.append((id(node), try_node, len(self._functions)))  # type: ignore[attr-defined]

    def _leave_block(self, node: cst.CSTNode) -> None:
        if self._narrowed and self._narrowed[-1][0] == id(node):
            self._narrowed.pop()
        if self._active_tries and self._active_tries[-1][0] == id(node):
            self._active_tries.pop()

    def _note_try_call(self, node: cst.Call, callee: str | None) -> None:
        """A call in the body of the function's enclosing ``try`` statements."""
        depth = len(self._functions)  # type: ignore[attr-defined]
        name = callee or dotted_name(node.func) or type(node.func).__name__
        for _block, try_node, try_depth in reversed(self._active_tries):
            if try_depth != depth:
                break
            self._try_calls.setdefault(id(try_node), []).append(name)

    def _raises_message(self, node: cst.Raise) -> bool:
        """``raise ValueError("...")`` (``from exc`` allowed) with no caught exception
        in the message."""
        exc = node.exc
        if not isinstance(exc, cst.Call) or self.names.resolve(exc.func) not in MESSAGE_EXCEPTIONS:  # type: ignore[attr-defined]
            return False
        caught = {clause.name for clause in self._open_excepts if clause.name}
        for arg in exc.args:
            if arg.keyword is not None or arg.star:
                return False
            if not isinstance(arg.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
                return False
            if _names_in(arg.value) & caught:
                return False
        return True

    def _http_exception_escapes(self) -> bool:
        """Whether an ``HTTPException`` raised here leaves the function as it is: False
        when an enclosing ``try`` of this function catches it (``except HTTPException``,
        ``except Exception``, bare ``except``) first in a clause that does not re-raise
        it, i.e. the client gets what that clause answers instead (FAR108)."""
        depth = len(self._functions)  # type: ignore[attr-defined]
        for _block, try_node, try_depth in reversed(self._active_tries):
            if try_depth != depth:
                break
            for handler in try_node.handlers:
                if self._catches(handler, CATCHES_HTTP_EXCEPTION):
                    if not _reraises(handler):
                        return False
                    break
        return True

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_block(node)
        self._count_block(node)  # type: ignore[attr-defined]  # ArchitectureFacts (FAR801)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_block(node)
        self._count_suite(node)  # type: ignore[attr-defined]  # ArchitectureFacts (FAR801)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._leave_block(original_node)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._leave_block(original_node)
        self._hand_on_after_try(original_node)

    def _hand_on_after_try(self, original_node: cst.IndentedBlock) -> None:
        """A swallowing clause whose ``try`` is followed by ``raise ...``, or by
        ``if <a name the clause set>: raise ...``, hands the failure on (fail closed)."""
        body = original_node.body
        for statement, following in zip(body, body[1:]):
            if not isinstance(statement, cst.Try):
                continue
            for handler in statement.handlers:
                found = self._swallowed.get(id(handler))
                if found is None or found[1].returns:
                    continue
                index, clause = found
                if _is_raise(following) or (
                    isinstance(following, cst.If)
                    and _names_in(following.test) & clause.assigned
                    and any(_is_raise(s) for s in following.body.body)  # type: ignore[union-attr]
                ):
                    self._handled_sites.add(index)

    def _close_function_errors(self, node: cst.FunctionDef, qualname: str) -> None:
        """In a function that ends in ``raise``, a swallowing clause that does not return
        falls through to it: the failure is reported (``probe A, probe B, else 400``)."""
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        if not body or not _is_raise(body[-1]):
            return
        for index, clause in self._swallowed.values():
            if self.error_sites[index].function == qualname and not clause.returns:
                self._handled_sites.add(index)

    # -- except clauses -----------------------------------------------------------------
    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        broad = self._catches(node, BROAD_EXCEPTIONS)
        name = node.name.name.value if node.name and isinstance(node.name.name, cst.Name) else None
        try_node = self._open_tries[-1] if self._open_tries else None
        self._open_excepts.append(_OpenExcept(name, broad, node, try_node))

    def _catches(self, handler: cst.ExceptHandler, exceptions: frozenset[str]) -> bool:
        """A bare ``except:``, or one naming any of ``exceptions`` (qualified names)."""
        if handler.type is None:
            return True
        kinds = handler.type.elements if isinstance(handler.type, cst.Tuple) else [handler.type]
        return any(
            self.names.resolve(kind.value if isinstance(kind, cst.Element) else kind)  # type: ignore[attr-defined]
            in exceptions
            for kind in kinds
        )

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        clause = self._open_excepts.pop()
        if clause.logs or clause.raises:
            # a guard nested in an error path that logs or raises (building the detail
            # of the error it reports) hides nothing
            self._handled_sites.update(clause.inner)
        elif self._open_excepts:
            self._open_excepts[-1].inner.extend(clause.inner)
        if (
            clause.broad
            and not clause.logs
            and not clause.raises
            and self._function is not None  # type: ignore[attr-defined]
            and not self._is_parse_fallback(original_node)
        ):
            what = "bare `except:`" if original_node.type is None else "`except Exception`"
            # Reported only in route handlers, known later: placed in ``build`` if the
            # module has positions, else by ``project.locations.locate``.
            index = len(self.error_sites)
            self._deferred_errors.append((index, original_node))
            self.error_sites.append(
                ErrorSite("swallowed", self._function.qualname, what, None)  # type: ignore[attr-defined]
            )
            self._swallowed[id(original_node)] = (index, clause)
            if self._open_excepts:
                self._open_excepts[-1].inner.append(index)

    def _is_parse_fallback(self, handler: cst.ExceptHandler) -> bool:
        """``try: data = r.json()`` with a clause that only assigns a fallback to ``data``
        (or passes): the failure is an expected data condition, not an error."""
        if not self._open_tries:
            return False
        body = self._open_tries[-1].body.body
        if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine):
            return False
        small = body[0].body
        if len(small) != 1 or not isinstance(small[0], (cst.Assign, cst.AnnAssign)):
            return False
        value = small[0].value
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        callee = func.attr.value if isinstance(func, cst.Attribute) else dotted_name(func)
        if callee not in PARSE_CALLS:
            return False
        targets = {_target_text(small[0])}
        for statement in handler.body.body:  # type: ignore[union-attr]
            if not isinstance(statement, cst.SimpleStatementLine):
                return False
            for part in statement.body:
                if isinstance(part, cst.Pass):
                    continue
                if not isinstance(part, (cst.Assign, cst.AnnAssign)) or _target_text(part) not in targets:
                    return False
        return True

    def _note_raise(self) -> None:
        for clause in self._open_excepts:
            clause.raises = True

    def _note_except_return(self, node: cst.Return) -> None:
        """A ``return`` in a clause; returning an error response reports the failure."""
        if not self._open_excepts:
            return
        for clause in self._open_excepts:
            clause.returns = True
        value = node.value
        if isinstance(value, cst.Call) and (dotted_name(value.func) or "").endswith("Response"):
            status = self._status_code(call_argument(value, 1, "status_code"))  # type: ignore[attr-defined]
            if status is not None and status >= 400:
                self._note_raise()

    def _note_except_assignment(self, node: cst.Assign) -> None:
        """Names a clause assigns; ``code = 500`` turns the answer into an error."""
        if not self._open_excepts:
            return
        clause = self._open_excepts[-1]
        for target in node.targets:
            clause.assigned.update(_names_in(target.target))
        status = self._status_code(node.value) if isinstance(node.value, (cst.Integer, cst.Attribute, cst.Name)) else None  # type: ignore[attr-defined]
        if status is not None and status >= 400:
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
        for _block, narrowed in self._narrowed:
            broad_names -= narrowed
        leaks = [
            (self._location(node), what)  # type: ignore[attr-defined]
            for node, what in _leaking_parts(payload, broad_names, self.names)  # type: ignore[attr-defined]
        ]
        if leaks:  # one finding per response: the first leak in it
            location, what = min(leaks, key=lambda leak: (leak[0].line, leak[0].column))
            # the exception's own message (not a traceback): where it can come from
            clause = next((c for c in reversed(self._open_excepts) if c.name in broad_names), None)
            guarded: list[str] = []
            if clause is not None and clause.try_node is not None and not any(
                what.startswith(tuple(f"`{name}" for name in TRACEBACK_FORMATTERS)) for _node, what in leaks
            ):
                guarded = self._try_calls.get(id(clause.try_node), [])
            self.error_sites.append(
                ErrorSite("leak", self._function_name(), what, location, in_response, tuple(guarded))
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
        elif isinstance(current, (cst.Lambda, cst.Comparison)):
            continue  # a comparison sends a bool, not the text it looks at
        elif isinstance(current, cst.UnaryOperation) and isinstance(current.operator, cst.Not):
            continue
        elif isinstance(current, cst.IfExp):
            pending.extend((current.body, current.orelse))  # the test is not sent
            continue
        pending.extend(current.children)
    return found


def _is_raise(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(part, cst.Raise) for part in statement.body
    )


def _names_in(node: cst.CSTNode) -> set[str]:
    """Every plain name in an expression."""
    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name):
            found.add(current.value)
        pending.extend(current.children)
    return found


def _target_text(assignment: cst.Assign | cst.AnnAssign) -> str | None:
    target = assignment.targets[0].target if isinstance(assignment, cst.Assign) else assignment.target
    return dotted_name(target) if isinstance(target, (cst.Name, cst.Attribute)) else None



def _narrowed_names(test: cst.BaseExpression, broad: set[str], names: object) -> set[str]:
    """The broadly caught names ``test`` narrows where it holds: ``isinstance(e, T)`` or
    ``type(e) is T`` with a specific ``T``, or ``"known message" in str(e)``; through
    ``or`` (every side narrows) and ``and`` (one side does)."""
    if isinstance(test, cst.BooleanOperation):
        left = _narrowed_names(test.left, broad, names)
        right = _narrowed_names(test.right, broad, names)
        return left & right if isinstance(test.operator, cst.Or) else left | right
    if isinstance(test, cst.Call) and names.resolve(test.func) == "builtins.isinstance":  # type: ignore[attr-defined]
        if len(test.args) == 2 and isinstance(test.args[0].value, cst.Name):
            name = test.args[0].value.value
            kinds = test.args[1].value
            elements = [e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
            if name in broad and not any(
                names.resolve(kind) in BROAD_EXCEPTIONS for kind in elements  # type: ignore[attr-defined]
            ):
                return {name}
        return set()
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator = test.comparisons[0].operator
        right = test.comparisons[0].comparator
        if isinstance(operator, cst.In) and isinstance(test.left, cst.SimpleString):
            if (
                isinstance(right, cst.Call)
                and names.resolve(right.func) == "builtins.str"  # type: ignore[attr-defined]
                and right.args
                and isinstance(right.args[0].value, cst.Name)
                and right.args[0].value.value in broad
            ):
                return {right.args[0].value.value}
        if (
            isinstance(operator, cst.Is)
            and isinstance(test.left, cst.Call)
            and names.resolve(test.left.func) == "builtins.type"  # type: ignore[attr-defined]
            and test.left.args
            and isinstance(test.left.args[0].value, cst.Name)
            and test.left.args[0].value.value in broad
            and names.resolve(right) not in BROAD_EXCEPTIONS  # type: ignore[attr-defined]
        ):
            return {test.left.args[0].value.value}
    return set()


def _reraises(handler: cst.ExceptHandler) -> bool:
    """The clause may re-raise what it caught: a bare ``raise`` or ``raise <its name>``
    anywhere in it (``if isinstance(exc, HTTPException): raise`` lets it through)."""
    name = handler.name.name.value if handler.name and isinstance(handler.name.name, cst.Name) else None
    pending: list[cst.CSTNode] = [handler.body]
    while pending:
        current = pending.pop()
        if isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(current, cst.Raise) and (
            current.exc is None or (isinstance(current.exc, cst.Name) and current.exc.value == name)
        ):
            return True
        pending.extend(current.children)
    return False
