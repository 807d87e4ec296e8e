"""What a run gives: each file's analysis, and the findings of the whole project."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary

if TYPE_CHECKING:
    from fastapi_rules.project import ProjectIndex


@dataclass
class FileResult:
    summary: ModuleSummary | None
    findings: list[Finding] = field(default_factory=list)
    noqa: dict[int, frozenset[str] | None] = field(default_factory=dict)
    tracebacks: dict[Finding, str] = field(default_factory=dict)
    text: str | None = None  # the decoded source, when it could be read


@dataclass
class LintResult:
    findings: list[Finding]
    files: int
    missing_paths: list[str]
    suppressed: int = 0
    tracebacks: dict[Finding, str] = field(default_factory=dict)  # of FAR000 findings
    # the source lines of the files with findings, by ``Finding.path``: for reports
    # that show the line and for fingerprints, without reading or parsing again
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    project: ProjectIndex | None = None
