"""Stable identities for findings, for baselines and SARIF ``partialFingerprints``.

A fingerprint is a hash of the rule code, the file's path relative to the repository
root, the offending line with its whitespace normalised and the header of its
enclosing ``def``/``class``. Line numbers are left out on purpose: an edit above a
finding moves it but does not change what it is. Everything comes from the source
text already read for the scan; nothing is parsed again.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from fastapi_rules.finding import Finding

_DEFINITION = re.compile(r"(async\s+def|def|class)\b")


def repository_root(start: Path, fallback: Path | None = None) -> Path:
    """The git work tree holding ``start`` (code scanning resolves SARIF paths against
    it), else ``fallback`` (the configuration's directory), else the current one."""
    directory = start.resolve()
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return (fallback or Path.cwd()).resolve()


def relative_path(path: str, root: Path) -> str | None:
    """``path`` (as reported) relative to ``root`` in POSIX form; None when outside it."""
    absolute = Path(path).resolve()
    if absolute != root and root not in absolute.parents:
        return None
    return absolute.relative_to(root).as_posix()


def _normalised(line: str) -> str:
    return " ".join(line.split())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def enclosing_definition(lines: Sequence[str], line: int) -> str:
    """The header of the nearest ``def``/``async def``/``class`` that the 1-based
    ``line`` sits in, found by indentation alone ("" at module level).

    Walking up, each less-indented line closes a block; the first of them that starts
    a definition is the enclosing one. Blank and comment lines do not count."""
    if not 1 <= line <= len(lines):
        return ""
    limit = _indent(lines[line - 1])
    for text in reversed(lines[: line - 1]):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = _indent(text)
        if indent < limit:
            if _DEFINITION.match(stripped):
                return _normalised(text)
            limit = indent
        if limit == 0:
            break
    return ""


def fingerprint(finding: Finding, lines: Sequence[str], path: str) -> str:
    """``path`` is the file's repository-relative path (what stays the same across
    checkouts and working directories)."""
    source = _normalised(lines[finding.line - 1]) if 1 <= finding.line <= len(lines) else ""
    parts = (finding.code, path, source, enclosing_definition(lines, finding.line))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def fingerprints(
    findings: Sequence[Finding], sources: dict[str, tuple[str, ...]], root: Path
) -> list[str]:
    """One fingerprint per finding, in order (identical violations share one)."""
    result = []
    paths: dict[str, str] = {}  # a file's findings share its path: resolve it once
    for finding in findings:
        if finding.path not in paths:
            paths[finding.path] = (
                relative_path(finding.path, root) or Path(os.path.abspath(finding.path)).as_posix()
            )
        result.append(fingerprint(finding, sources.get(finding.path, ()), paths[finding.path]))
    return result
