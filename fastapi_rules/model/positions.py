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
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState  # the hooks every node's codegen calls

_LINE_BREAK = re.compile(r"\r\n?|\n")  # as PositionProvider splits tokens

Start = tuple[int, int]  # (line from 1, column from 0), as PositionProvider's ``start``


class _StartCounting(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.starts: dict[cst.CSTNode, Start] = {}
        self._open: list[Start] = []

    def _advance(self, value: str) -> None:
        if "\n" in value or "\r" in value:
            segments = _LINE_BREAK.split(value)
            self.line += len(segments) - 1
            self.column = len(segments[-1])
        else:
            self.column += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self._advance(token)

    def add_token(self, value: str) -> None:
        self._advance(value)

    def pop_trailing_newline(self) -> None:
        pass  # only the module's end moves, and no text is kept

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._open.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._open.pop()
        if node not in self.starts:  # a syntactic start, recorded inside, wins
            self.starts[node] = start

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = (self.line, self.column)
        try:
            yield
        finally:
            self.starts[node] = self.starts[start_node] if start_node is not None else start


def node_starts(module: cst.Module) -> dict[cst.CSTNode, Start]:
    """The start of every node of ``module``, keyed by the node itself."""
    state = _StartCounting(module)
    module._codegen(state)
    return state.starts
