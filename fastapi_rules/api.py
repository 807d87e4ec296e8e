"""The one entry both front ends call."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fastapi_rules.config import Config, find_config, load_config
from fastapi_rules.engine import LintResult, Progress, lint
from fastapi_rules.rules import ALL_RULES

KNOWN_CODES = tuple(rule.code for rule in ALL_RULES)


def config_for(paths: Iterable[Path], config_path: Path | None = None) -> Config:
    """The explicit config file, else the one found from the first scanned path."""
    if config_path is None:
        first = next(iter(paths), Path.cwd())
        config_path = find_config(first if first.exists() else Path.cwd())
    return load_config(config_path, KNOWN_CODES)


def lint_paths(
    paths: Iterable[Path | str],
    config: Config | None = None,
    apply_noqa: bool = True,
    progress: Progress | None = None,
) -> LintResult:
    """Lint files and directories as one project (cross-module facts included)."""
    path_list = [Path(p) for p in paths]
    if config is None:
        config = config_for(path_list)
    return lint(path_list, config, apply_noqa=apply_noqa, progress=progress)
