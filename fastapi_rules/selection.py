"""Which rules run (``select``, ``ignore`` and their ``extend-`` forms), and which
findings ``per-file-ignores`` drops."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fastapi_rules.config import Config
from fastapi_rules.discovery import excluded
from fastapi_rules.finding import Finding
from fastapi_rules.rules import ALL_RULES, Rule


def selected_rules(config: Config) -> list[type[Rule]]:
    """``select`` (default: the rules on by default) plus ``extend-select``, less
    ``ignore`` and ``extend-ignore``. When a code matches both sides the longer
    prefix wins and a tie ignores it, as in ruff and flake8: ``select = ["FAR201"]``
    with ``ignore = ["FAR2"]`` keeps FAR201."""
    selecting = (*(config.select or ()), *config.extend_select)
    ignoring = (*config.ignore, *config.extend_ignore)
    chosen = []
    for rule in ALL_RULES:
        selected_by = _longest_prefix(rule.code, selecting)
        if selected_by is None and config.select is None and rule.default_enabled:
            selected_by = 0
        ignored_by = _longest_prefix(rule.code, ignoring)
        if selected_by is not None and (ignored_by is None or selected_by > ignored_by):
            chosen.append(rule)
    return chosen


def _longest_prefix(code: str, prefixes: Iterable[str]) -> int | None:
    lengths = [len(prefix) for prefix in prefixes if code.startswith(prefix)]
    return max(lengths) if lengths else None


def ignored_in_file(finding: Finding, config: Config) -> bool:
    """Whether ``per-file-ignores`` drops this finding: globs match the file's name or
    its path relative to the configuration's directory (else the current one)."""
    if not config.per_file_ignores:
        return False
    path = Path(finding.path).resolve()
    root = (config.root or Path.cwd()).resolve()
    return any(
        excluded(path, root, (glob,)) and any(finding.code.startswith(code) for code in codes)
        for glob, codes in config.per_file_ignores
    )


def instantiate(rules: Iterable[type[Rule]], config: Config) -> list[Rule]:
    return [
        rule(config.section(rule.options_section) if rule.options_section else None)
        for rule in rules
    ]
