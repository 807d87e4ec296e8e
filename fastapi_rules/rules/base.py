"""The rule base class: metadata next to logic; the docstring is the documentation."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from fastapi_rules.finding import Finding
from fastapi_rules.model import Location, ModuleSummary
from fastapi_rules.project import ProjectIndex

if TYPE_CHECKING:
    import libcst as cst

    from fastapi_rules.rewrite import FixContext


@dataclass(frozen=True)
class NoOptions:
    """This rule has no options."""


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]  # kebab-case, naming the anti-pattern
    message: ClassVar[str]  # a ``str.format`` template, one sentence
    seed: ClassVar[str]  # where the seeds ask for it, e.g. "000 §3; 002 §3"
    default_enabled: ClassVar[bool] = True
    # "error" for what is unsafe or unchecked (security, SQL injection, a file no rule
    # read), "warning" for the rest: the SARIF level and the GitHub annotation kind
    severity: ClassVar[str] = "warning"
    options_section: ClassVar[str | None] = None  # config table holding the options
    Options: ClassVar[type] = NoOptions
    # A rule with a fix: ``safe`` (``--fix``) or ``unsafe`` (also ``--unsafe-fixes``:
    # it can change behaviour), and the LibCST node type names its findings point at;
    # ``("Module",)``: the fix rewrites the module once with all its findings there.
    fix_safety: ClassVar[str | None] = None
    fix_node: ClassVar[tuple[str, ...]] = ()

    def __init__(self, options: object | None = None) -> None:
        self.options = options if options is not None else self.Options()

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterable[Finding]:
        """The findings of this rule in one module, with the whole project for context."""
        raise NotImplementedError

    def finding(self, summary: ModuleSummary, location: Location, **fields: str) -> Finding:
        return Finding(
            summary.path, location.line, location.column, self.code, self.message.format(**fields)
        )

    def rewrite(
        self, original: cst.CSTNode, updated: cst.CSTNode, context: FixContext, finding: Finding
    ) -> cst.CSTNode | None:
        """The fixed node for ``finding``, or None when this one cannot be fixed safely."""
        return None

    def rewrite_module(
        self, original: cst.Module, updated: cst.Module, context: FixContext, findings: list[Finding]
    ) -> cst.Module | None:
        """For ``fix_node = ("Module",)``: the module with all ``findings`` fixed, or None."""
        return None

    @classmethod
    def summary_line(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]
