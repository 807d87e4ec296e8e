from __future__ import annotations

from collections.abc import Iterable

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules.base import Rule


class InternalError(Rule):
    """A rule failed on a file; the other rules and files were still checked.

    What it does:
    Reports an exception raised inside one rule (or the model builder) for one
    file, naming the rule and the exception type. Run with `--verbose` to see the
    traceback, and please report it.

    Why is this bad?
    It is a bug in fastapi-rules, not in your code: that rule said nothing about
    that file.
    """

    code = "FAR000"
    name = "internal-error"
    message = "internal error in {rule}: {error} (please report; --verbose shows the traceback)"
    seed = "tool behaviour (no seed)"
    severity = "error"

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterable[Finding]:
        return ()  # produced by the engine around each rule
