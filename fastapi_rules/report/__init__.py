"""Output formats: what ``scan`` prints (``text``, ``json``, ``sarif``, ``github``,
``html``) and the endpoint table ``routes`` prints (``routes.py``)."""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_rules.baseline import apply_baseline
from fastapi_rules.engine import LintResult
from fastapi_rules.finding import Finding
from fastapi_rules.fingerprint import fingerprints
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules import RULES_BY_CODE, Rule


@dataclass(frozen=True)
class Report:
    """One scan, as every format needs it."""

    findings: Sequence[Finding]
    fingerprints: Sequence[str]  # one per finding, in order
    sources: Mapping[str, Sequence[str]]  # source lines by ``Finding.path``
    root: Path  # the repository root: SARIF and GitHub paths are relative to it
    files: int
    project: ProjectIndex | None = None  # the whole application, for the HTML report

    @classmethod
    def of(cls, result: LintResult, root: Path) -> Report:
        return cls(
            result.findings,
            fingerprints(result.findings, result.sources, root),
            result.sources,
            root,
            result.files,
            result.project,
        )

    def without(self, baseline: Counter[str]) -> tuple[Report, int]:
        """The findings the baseline does not account for, and how many it did."""
        match = apply_baseline(self.findings, self.fingerprints, baseline)
        return (
            dataclasses.replace(self, findings=match.findings, fingerprints=match.fingerprints),
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
