"""Where each node of a module starts: what LibCST's ``PositionProvider`` says, at a
fraction of its cost.

``PositionProvider`` renders the module once and, for every token, splits it at
newlines with a regular expression and builds ``CodePosition`` and ``CodeRange``
objects for every node. The builder only asks where a node *starts*. This renders
the module the same way (the same ``_codegen`` calls, so the same syntactic starts,
``start_node`` hoisting included) but only counts: a token without a line break
moves the column by its length, and no rendered text is kept. A test compares it
with ``PositionProvider`` on every node of every fixture file.
"""
from __future__ import annotations

import re

import libcst as cst
from libcst._nodes.internal import CodegenState  # the hooks every node's codegen calls

_LINE_BREAK = re.compile(r"\r\n?|\n")  # as PositionProvider splits tokens

Start = tuple[int, int]  # (line from 1, column from 0), as PositionProvider's ``start``


class _StartCounting(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.starts: dict[int, Start] = {}  # by ``id``: a node's ``__hash__`` is a Python call

    def add_token(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _LINE_BREAK.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def pop_trailing_newline(self) -> None:
        pass  # only the module's end moves, and no text is kept

    def before_codegen(self, node: cst.CSTNode) -> None:
        # a syntactic start (``record_syntactic_position``, always for the node being
        # generated, so after this) overwrites it
        self.starts[id(node)] = (self.line, self.column)

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _SyntacticStart:
        return _SyntacticStart(self, node, start_node)


class _SyntacticStart:
    """``record_syntactic_position`` as a plain context manager: a generator-based one
    per node cost more than the counting itself."""

    __slots__ = ("state", "node", "start_node", "start")

    def __init__(self, state: _StartCounting, node: cst.CSTNode, start_node: cst.CSTNode | None) -> None:
        self.state = state
        self.node = node
        self.start_node = start_node

    def __enter__(self) -> None:
        self.start = (self.state.line, self.state.column)

    def __exit__(self, *exception: object) -> None:
        starts = self.state.starts
        starts[id(self.node)] = starts[id(self.start_node)] if self.start_node is not None else self.start


def node_starts(module: cst.Module) -> dict[int, Start]:
    """The start of every node of ``module``, keyed by the node's ``id`` (valid while
    ``module`` is alive)."""
    state = _StartCounting(module)
    module._codegen(state)
    return state.starts
