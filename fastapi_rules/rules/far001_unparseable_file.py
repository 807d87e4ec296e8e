from __future__ import annotations

from collections.abc import Iterable

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class UnparseableFile(Rule):
    """A file could not be parsed, so no other rule checked it.

    What it does:
    Reports a file with a syntax error (one CPython's own parser rejects too),
    bytes that do not decode in its declared encoding, or null bytes. The run goes
    on with the other files. Valid Python that LibCST cannot parse is FAR002.

    Why is this bad?
    Every other rule is silent on a file it cannot read; a clean report would
    hide that nothing was checked.
    """

    code = "FAR001"
    name = "unparseable-file"
    message = "cannot parse file: {reason}"
    seed = "tool behaviour (no seed)"
    severity = "error"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterable[Finding]:
        return ()  # produced by the engine, which is the one that parses
