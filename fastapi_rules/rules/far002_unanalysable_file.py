from __future__ import annotations

from collections.abc import Iterable

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UnanalysableFile(Rule):
    """A valid Python file that LibCST cannot parse, so no other rule checked it.

    What it does:
    Reports a file that CPython's own parser accepts but LibCST's does not: a
    parenthesized annotated target (`(x): int = 1`), or nesting deeper than LibCST's
    recursive parser and visitors can follow (a chain of thousands of `and`
    operands). The run goes on with the other files.

    Why is this bad?
    The file is fine Python, so calling it a syntax error (FAR001) would be false;
    but every other rule is silent on it, and a clean report would hide that it
    was not checked. Rewrite the construct (`x: int = 1`) or split the expression,
    or exclude the file.
    """

    code = "FAR002"
    name = "unanalysable-file"
    message = "valid Python that was not analysed: {reason}"
    seed = "tool behaviour (no seed)"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterable[Finding]:
        return ()  # produced by the engine, which is the one that parses
