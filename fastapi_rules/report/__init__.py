"""Output formats: what ``scan`` prints (``text``, ``json``, ``sarif``, ``github``,
``html``) and the endpoint table ``routes`` prints (``routes.py``)."""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from fastapi_rules.baseline import apply_baseline
from fastapi_rules.finding import Finding
from fastapi_rules.fingerprint import fingerprints
from fastapi_rules.project import ProjectIndex
from fastapi_rules.result import LintResult
from fastapi_rules.rules import RULES_BY_CODE, Rule


@dataclass(frozen=True)
class Report:
    """One scan, as every format needs it."""

    findings: Sequence[Finding]
    sources: Mapping[str, Sequence[str]]  # source lines by ``Finding.path``
    root: Path  # the repository root: SARIF and GitHub paths are relative to it
    files: int
    project: ProjectIndex | None = None  # the whole application, for the HTML report
    known_fingerprints: Sequence[str] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, result: LintResult, root: Path) -> Report:
        return cls(result.findings, result.sources, root, result.files, result.project)

    @cached_property
    def fingerprints(self) -> Sequence[str]:
        """One per finding, in order; worked out only for the formats and baseline
        options that use them (text output of 17,000 findings spent 0.25 s here)."""
        if self.known_fingerprints is not None:
            return self.known_fingerprints
        return fingerprints(self.findings, self.sources, self.root)

    def without(self, baseline: Counter[str]) -> tuple[Report, int]:
        """The findings the baseline does not account for, and how many it did."""
        match = apply_baseline(self.findings, self.fingerprints, baseline)
        return (
            dataclasses.replace(self, findings=match.findings, known_fingerprints=match.fingerprints),
            match.suppressed,
        )

    def source_line(self, finding: Finding) -> str | None:
        lines = self.sources.get(finding.path, ())
        return lines[finding.line - 1] if 1 <= finding.line <= len(lines) else None


def rule_of(finding: Finding) -> type[Rule] | None:
    return RULES_BY_CODE.get(finding.code)


def severity(finding: Finding) -> str:
    """``error`` or ``warning`` (see ``Rule.severity``)."""
    rule = rule_of(finding)
    return rule.severity if rule is not None else "error"
